"""The stage's entry point: :func:`write_descriptions` reads the facts of a build once and
writes VoID, the DCAT-AP catalogue (Turtle and JSON-LD) and the schema.org document into
``dist/``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from pyoxigraph import Triple

from ..rdf.formats import rdf_format
from ..rdf.jsonld import build_context
from ..rdf.namespaces import DCAT
from ..rdf.store import Store
from ..rdf.writer import Dumper
from .dcat import catalog_graph
from .facts import ReleaseFacts, Statistics, dump_files, find_dataset, gather_facts
from .graph import PREFIXES
from .public_urls import CATALOG_TURTLE_FILE, SCHEMA_ORG_FILE, VOID_FILE
from .schema_org import schema_org_dataset
from .void import void_graph


def write_descriptions(
    store: Store,
    triples: Iterable[Triple],
    *,
    base: str,
    prefixes: Mapping[str, str],
    graphs: Mapping[str, int],
    dumps: Mapping[str, Path],
    folder: Path,
    framed: str | None = None,
    releases: ReleaseFacts | None = None,
) -> dict[str, Path]:
    """Write VoID, the DCAT-AP catalogue (Turtle and JSON-LD) and the schema.org JSON-LD of a
    build into ``folder``, by manifest name; nothing if the data describes no dataset.

    ``triples`` are the distinct triples of the union of all graphs (what the store holds),
    ``base`` the base IRI, ``prefixes`` the project's, ``graphs`` the triples per named graph,
    ``dumps`` the files written so far, ``framed`` the name of the framed dump among them,
    ``releases`` what the release log says (the stream is then named as a service and a
    distribution).
    """
    dataset = find_dataset(store)
    if dataset is None:
        return {}
    prefixes = {**PREFIXES, **prefixes}
    files = dump_files(dumps, framed)
    statistics = Statistics.of(triples)
    facts = gather_facts(store, dataset)
    written: dict[str, Path] = {}

    void = void_graph(store, facts, statistics, graphs, files, base, prefixes, releases)
    void_stem = VOID_FILE.removesuffix(".ttl")
    written["void"] = Dumper(void, prefixes, {}).write_file(rdf_format("ttl"), folder, void_stem)

    record = catalog_graph(facts, files, base, releases)
    catalog = Dumper(record, prefixes, build_context(prefixes, DCAT))
    stem = CATALOG_TURTLE_FILE.removesuffix(".ttl")
    written["catalog-ttl"] = catalog.write_file(rdf_format("ttl"), folder, stem)
    written["catalog-jsonld"] = catalog.write_file(rdf_format("jsonld"), folder, stem)

    path = folder / SCHEMA_ORG_FILE
    document = schema_org_dataset(facts, files, base)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    written["schema-org"] = path
    return written

"""One measured task of the benchmarks, run by ``run.py`` in a process of its own.

Usage: python benchmarks/tasks.py TASK PROJECT_DIR [ARG]

Prints one JSON object on the last line of standard output: ``seconds`` (the measured work,
without interpreter start-up and untimed preparation) and task-specific details (``results``
counted by validators, per-format or per-query timings). The caller measures the process's
wall time and peak memory (``os.wait4``).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE = "https://w3id.org/sdglod/"


def _sources(project_dir: Path) -> list[tuple[Path, str]]:
    """The project's source files with their named graph IRIs, as sdglod assigns them."""
    from sdglod.project import load_project

    project = load_project(project_dir)
    return [(source.path, source.graph.iri) for source in project.source_files()]


def _shapes(project_dir: Path) -> list[Path]:
    return sorted((project_dir / "shapes").glob("*.ttl"))


def _rdflib_format(path: Path) -> str:
    return "nt" if path.suffix == ".nt" else "turtle"


# --- 1. parse + load ------------------------------------------------------------------------


def load_sdglod(project_dir: Path) -> dict:
    """sdglod's parse + load stage, as ``sdglod build`` runs it: the sources parsed, and each
    file written into a new on-disk store while the next one is parsed."""
    from sdglod.project import load_project
    from sdglod.rdf.sources import load_sources
    from sdglod.rdf.store import StoreWriter

    project = load_project(project_dir)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        with StoreWriter(Path(folder) / "store") as writer:
            sources = load_sources(project, writer.add)
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "triples": len(sources)}


def load_oxigraph(project_dir: Path) -> dict:
    """pyoxigraph's own bulk loader: the same files into a new on-disk store (the ceiling)."""
    from pyoxigraph import NamedNode, RdfFormat, Store

    files = _sources(project_dir)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        store = Store(str(Path(folder) / "store"))
        for path, graph in files:
            fmt = RdfFormat.N_TRIPLES if path.suffix == ".nt" else RdfFormat.TURTLE
            store.bulk_load(path=str(path), format=fmt, base_iri=BASE, to_graph=NamedNode(graph))
        store.flush()
        seconds = time.perf_counter() - started
        triples = len(store)
        del store
    return {"seconds": seconds, "triples": triples}


def load_rdflib(project_dir: Path) -> dict:
    """rdflib's ``Graph.parse`` of the same files, one graph per named graph."""
    from rdflib import Dataset, URIRef

    files = _sources(project_dir)
    started = time.perf_counter()
    dataset = Dataset()
    for path, graph in files:
        dataset.graph(URIRef(graph)).parse(path, format=_rdflib_format(path), publicID=BASE)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "triples": len(dataset)}


# --- 2. validation --------------------------------------------------------------------------


def validate_pyshacl(project_dir: Path) -> dict:
    """Plain pyshacl on rdflib graphs of the same data and shapes, as its CLI would run it.

    Default options, except ``advanced=True``: the project's shapes use SPARQL targets
    (SHACL-AF), which pyshacl ignores otherwise.
    """
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH

    started = time.perf_counter()
    data = Graph()
    for path, _ in _sources(project_dir):
        data.parse(path, format=_rdflib_format(path), publicID=BASE)
    shapes = Graph()
    for path in _shapes(project_dir):
        shapes.parse(path, format="turtle", publicID=BASE)
    parsed = time.perf_counter()
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True)
    seconds = time.perf_counter() - started
    results = len(set(report.objects(None, SH.result)))
    return {
        "seconds": seconds,
        "parse_seconds": parsed - started,
        "results": results,
        "conforms": bool(conforms),
    }


# --- 3. dumps -------------------------------------------------------------------------------


def _quads(project_dir: Path) -> tuple[list, dict, dict]:
    from sdglod.project import load_project
    from sdglod.rdf.jsonld import build_context
    from sdglod.rdf.sources import load_sources

    project = load_project(project_dir)
    sources = load_sources(project)
    return sources.quads(), sources.prefixes, build_context(sources.prefixes, project.vocab)


def dumps_sdglod(project_dir: Path) -> dict:
    """sdglod's dumps of the parsed sources: the sort (once per build), then each format."""
    from sdglod.rdf.formats import RDF_FORMATS
    from sdglod.rdf.writer import Dumper

    quads, prefixes, context = _quads(project_dir)
    timings = {}
    with tempfile.TemporaryDirectory() as folder:
        dumper = Dumper(quads, prefixes, context, canonical_literals=True)  # as the build does
        started = time.perf_counter()
        dumper.quads  # noqa: B018 - the sort and the de-duplication, cached for every format
        dumper.triples  # noqa: B018
        timings["sort"] = time.perf_counter() - started
        for name, fmt in RDF_FORMATS.items():
            begun = time.perf_counter()
            dumper.write_file(fmt, Path(folder))
            timings[name] = time.perf_counter() - begun
    return {"seconds": sum(timings.values()), "formats": timings}


def dumps_oxigraph(project_dir: Path) -> dict:
    """pyoxigraph's serialiser on the same statements (triples for triple formats)."""
    from pyoxigraph import RdfFormat, serialize

    from sdglod.rdf.formats import RDF_FORMATS

    quads, prefixes, _ = _quads(project_dir)
    formats = {
        "ttl": RdfFormat.TURTLE,
        "nt": RdfFormat.N_TRIPLES,
        "nq": RdfFormat.N_QUADS,
        "trig": RdfFormat.TRIG,
        "jsonld": RdfFormat.JSON_LD,
        "rdf": RdfFormat.RDF_XML,
    }
    triples = list({quad.triple for quad in quads})
    timings = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, fmt in RDF_FORMATS.items():
            content = quads if fmt.keeps_graphs else triples
            begun = time.perf_counter()
            with (Path(folder) / f"dump{fmt.suffix}").open("wb") as out:
                serialize(content, out, formats[name], prefixes=prefixes)
            timings[name] = time.perf_counter() - begun
    return {"seconds": sum(timings.values()), "formats": timings}


def dumps_rdflib(project_dir: Path) -> dict:
    """rdflib's serialisers (JSON-LD compacted with the same context as sdglod's)."""
    from rdflib import Dataset, Graph, URIRef

    from sdglod.rdf.formats import RDF_FORMATS

    _, prefixes, context = _quads(project_dir)
    dataset, union = Dataset(), Graph()
    for path, graph in _sources(project_dir):
        dataset.graph(URIRef(graph)).parse(path, format=_rdflib_format(path), publicID=BASE)
        union.parse(path, format=_rdflib_format(path), publicID=BASE)
    for name, iri in prefixes.items():
        union.bind(name, iri, override=True)
        dataset.bind(name, iri, override=True)
    formats = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "rdf": "xml"}
    timings = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, fmt in RDF_FORMATS.items():
            target = str(Path(folder) / f"dump{fmt.suffix}")
            begun = time.perf_counter()
            if name == "jsonld":
                union.serialize(target, format="json-ld", context=context)
            elif fmt.keeps_graphs:
                dataset.serialize(target, format=formats[name])
            else:
                union.serialize(target, format=formats[name])
            timings[name] = time.perf_counter() - begun
    return {"seconds": sum(timings.values()), "formats": timings}


# --- 4. canned queries ----------------------------------------------------------------------


def queries(project_dir: Path, runs: int = 5) -> dict:
    """Latency of each canned query on the embedded store of the project's current build."""
    from sdglod.build import current_build
    from sdglod.project import load_project
    from sdglod.query.backends import EmbeddedBackend, project_vocabulary
    from sdglod.query.canned import run_canned
    from sdglod.query.catalogue import load_queries

    project = load_project(project_dir)
    backend = EmbeddedBackend(current_build(project).open_store())
    vocabulary = project_vocabulary(project)
    # Parameters that name something of the generated data rather than the real conference.
    given = {
        "event": "id/event/e000001",
        "resource": "id/event/e000001",
        "sdg": "4",
        "from": "2015-01-01",
        "to": "2025-12-31",
    }
    timings, rows = {}, {}
    for name, canned in load_queries(project).items():
        params = {k: v for k, v in given.items() if canned.parameter(k)}
        result = run_canned(backend, canned, params, project.base, vocabulary.prefixes)  # warm-up
        samples = []
        for _ in range(runs):
            begun = time.perf_counter()
            result = run_canned(backend, canned, params, project.base, vocabulary.prefixes)
            samples.append(time.perf_counter() - begun)
        timings[name] = statistics.median(samples)
        rows[name] = len(result) if hasattr(result, "__len__") else int(bool(result))
    return {"seconds": sum(timings.values()), "queries": timings, "rows": rows}


TASKS = {
    "load-sdglod": load_sdglod,
    "load-oxigraph": load_oxigraph,
    "load-rdflib": load_rdflib,
    "validate-pyshacl": validate_pyshacl,
    "dumps-sdglod": dumps_sdglod,
    "dumps-oxigraph": dumps_oxigraph,
    "dumps-rdflib": dumps_rdflib,
    "queries": queries,
}


def main() -> None:
    task, project_dir = sys.argv[1], Path(sys.argv[2])
    print(json.dumps(TASKS[task](project_dir)))


if __name__ == "__main__":
    main()

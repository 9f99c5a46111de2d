"""Write the store's content as deterministic dumps: Turtle, N-Triples, N-Quads, TriG, JSON-LD.

Determinism comes from sorting: the same store gives byte-identical files. Triple formats hold
the union of all named graphs; quad formats keep each graph.
"""

from __future__ import annotations

import hashlib
import io
import json
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import Quad, RdfFormat, Triple, serialize

from .formats import RDF_FORMATS, RdfSerialisation
from .jsonld import RDF_TYPE, write_jsonld
from .store import Store

DUMP_STEM = "dataset"
CONTEXT_FILE = "context.jsonld"
_OX_FORMATS = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "nq": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
}


def _triple_key(triple: Triple | Quad) -> tuple[str, bool, str, str, str]:
    # Sort by lexical value (so <…/sdg/1> comes before <…/sdg/10>); the N-Triples form breaks
    # ties between terms of different kinds. rdf:type comes first within a subject, so Turtle
    # and JSON-LD say what a resource is before anything else.
    return (
        triple.subject.value,
        triple.predicate.value != RDF_TYPE,
        triple.predicate.value,
        triple.object.value,
        str(triple.object),
    )


class Dumper:
    """Writes dumps of one store; sorts its content once, however many formats are written."""

    def __init__(self, store: Store, prefixes: dict[str, str], context: dict[str, str]):
        self.store = store
        self.prefixes = prefixes
        self.context = context

    @cached_property
    def triples(self) -> list[Triple]:
        """The union of all graphs, without duplicates, in dump order."""
        return sorted({quad.triple for quad in self.store.quads()}, key=_triple_key)

    @cached_property
    def quads(self) -> list[Quad]:
        """Every quad, grouped by graph, in dump order."""
        return sorted(self.store.quads(), key=lambda q: (q.graph_name.value, *_triple_key(q)))

    def write(self, fmt: RdfSerialisation, out: BinaryIO) -> None:
        """Write one dump in ``fmt`` to the binary stream ``out``."""
        if fmt.name == "jsonld":
            text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
            write_jsonld(self.triples, text, self.context)
            text.flush()
            text.detach()
            return
        content = self.quads if fmt.keeps_graphs else self.triples
        serialize(content, out, _OX_FORMATS[fmt.name], prefixes=self.prefixes)

    def write_all(self, folder: Path) -> dict[str, Path]:
        """Write every dump format and the JSON-LD context into ``folder``, by format name."""
        folder.mkdir(parents=True, exist_ok=True)
        written = {}
        for fmt in RDF_FORMATS.values():
            path = folder / f"{DUMP_STEM}{fmt.suffix}"
            with path.open("wb") as out:
                self.write(fmt, out)
            written[fmt.name] = path
        context_path = folder / CONTEXT_FILE
        document = {"@context": self.context}
        context_path.write_text(
            json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        written["context"] = context_path
        return written


def file_digest(path: Path) -> str:
    """SHA-256 of a file, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

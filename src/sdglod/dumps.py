"""Write a dataset as deterministic dumps: Turtle, N-Triples, N-Quads, TriG, JSON-LD.

Determinism comes from sorting: the same statements give byte-identical files, whatever order
they arrive in. Triple formats hold the union of all named graphs; quad formats keep each graph.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import Quad, RdfFormat, Triple, serialize

from .formats import RDF_FORMATS, RdfSerialisation
from .jsonld import RDF_TYPE, write_jsonld

DUMP_STEM = "dataset"
CONTEXT_FILE = "context.jsonld"
_OX_FORMATS = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "nq": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "rdf": RdfFormat.RDF_XML,
}


def _statement_key(quad: Quad) -> str:
    # Lexical values first, so <…/sdg/1> sorts before <…/sdg/10>; rdf:type first within a
    # subject, so Turtle and JSON-LD say what a resource is before anything else; the object's
    # N-Triples form last, which makes the key unique per statement. One string compares much
    # faster than a tuple of strings.
    predicate = quad.predicate.value
    kind = "0" if predicate == RDF_TYPE else "1"
    obj = quad.object
    return f"{quad.subject.value}\0{kind}{predicate}\0{obj.value}\0{obj}"


class Dumper:
    """Writes dumps of a set of quads; sorts them once, however many formats are written."""

    def __init__(self, quads: Iterable[Quad], prefixes: dict[str, str], context: dict[str, str]):
        self._source = quads
        self.prefixes = prefixes
        self.context = context

    @cached_property
    def _by_statement(self) -> list[Quad]:
        return sorted(self._source, key=_statement_key)

    @cached_property
    def triples(self) -> list[Triple]:
        """The union of all graphs, without duplicates, in dump order."""
        return [quad.triple for quad in _distinct(self._by_statement, _statement_of)]

    @cached_property
    def quads(self) -> list[Quad]:
        """Every quad once, grouped by graph, in dump order."""
        # A stable sort by graph keeps the statement order inside each graph, which puts
        # duplicates (the same statement given twice in one graph) next to each other.
        by_graph = sorted(self._by_statement, key=lambda q: q.graph_name.value)
        return list(_distinct(by_graph, lambda q: q))

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

    def write_file(self, fmt: RdfSerialisation, folder: Path, stem: str = DUMP_STEM) -> Path:
        """Write the dump in ``fmt`` into ``folder`` as ``<stem><suffix>``."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{stem}{fmt.suffix}"
        with path.open("wb") as out:
            self.write(fmt, out)
        return path

    def write_context(self, folder: Path) -> Path:
        """Write the JSON-LD context on its own, for clients that reference it."""
        path = folder / CONTEXT_FILE
        document = {"@context": self.context}
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
        return path

    def write_all(self, folder: Path) -> dict[str, Path]:
        """Write every dump format and the JSON-LD context into ``folder``, by format name."""
        written = {fmt.name: self.write_file(fmt, folder) for fmt in RDF_FORMATS.values()}
        written["context"] = self.write_context(folder)
        return written


def _distinct(items: list, identity: object) -> Iterable:
    """Drop items equal (by ``identity``) to the one before: sorted input, so all duplicates."""
    previous = None
    for item in items:
        current = identity(item)
        if current != previous:
            yield item
            previous = current


def _statement_of(quad: Quad) -> tuple:
    return (quad.subject, quad.predicate, quad.object)


def file_digest(path: Path) -> str:
    """SHA-256 of a file, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

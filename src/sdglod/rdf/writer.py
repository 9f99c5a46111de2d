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

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, serialize

from .formats import RDF_FORMATS, RdfSerialisation
from .jsonld import write_jsonld
from .namespaces import RDF_TYPE, XSD_STRING
from .store import canonical_literals

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
    # subject, so Turtle and JSON-LD say what a resource is before anything else; then what
    # orders terms of one value as their N-Triples forms would, which makes the key unique per
    # statement. One string compares much faster than a tuple of strings.
    predicate = quad.predicate.value
    kind = "0" if predicate == RDF_TYPE else "1"
    obj = quad.object
    return f"{quad.subject.value}\0{kind}{predicate}\0{obj.value}\0{_form(obj)}"


def _form(term: object) -> str:
    """What tells apart terms of the same value, in the order of their N-Triples forms.

    Those forms are ``"value"`` + a suffix for a literal, ``<value>`` for an IRI and
    ``_:value`` for a blank node: the first character orders the kinds, and two literals of
    one value differ only after the quoted value (``""`` < ``"@lang`` < ``"^^<datatype>``).
    Writing only that keeps long texts out of the key, which would otherwise hold them twice.
    """
    kind = type(term)
    if kind is NamedNode:
        return "<"
    if kind is BlankNode:
        return "_"
    language = term.language  # type: ignore[attr-defined]
    if language:
        return f'"@{language}'
    datatype = term.datatype.value  # type: ignore[attr-defined]
    return '"' if datatype == XSD_STRING else f'"^^<{datatype}>'


class Dumper:
    """Writes dumps of a set of quads; sorts them once, however many formats are written.

    ``canonical_literals`` is for quads as parsed rather than as read back from a store:
    Oxigraph keeps typed literals in canonical form (``"01"^^xsd:integer`` as ``"1"``), and
    dumps written straight from the parsed sources must say exactly what the store says.
    """

    def __init__(
        self,
        quads: Iterable[Quad],
        prefixes: dict[str, str],
        context: dict[str, str],
        canonical_literals: bool = False,
    ):
        self._source = quads
        self.prefixes = prefixes
        self.context = context
        self._canonical = canonical_literals

    @cached_property
    def _by_statement(self) -> tuple[list[str], list[Quad]]:
        """Every quad (duplicates included) and its statement key, in statement order."""
        quads = list(self._source)
        keys = list(map(_statement_key, quads))
        if self._canonical:
            _canonicalise(quads, keys)
        order = sorted(range(len(keys)), key=keys.__getitem__)
        return [keys[i] for i in order], [quads[i] for i in order]

    @cached_property
    def triples(self) -> list[Triple]:
        """The union of all graphs, without duplicates, in dump order."""
        # The key identifies a statement (subject, predicate, object), so equal neighbours in
        # the sorted list are the same statement, given in two graphs or twice.
        keys, quads = self._by_statement
        triples: list[Triple] = []
        append = triples.append
        previous = None
        for key, quad in zip(keys, quads, strict=True):
            if key != previous:
                append(quad.triple)
                previous = key
        return triples

    @cached_property
    def quads(self) -> list[Quad]:
        """Every quad once, grouped by graph, in dump order."""
        # Grouping by graph (graphs in order) keeps the statement order inside each graph,
        # which puts duplicates (the same statement given twice in one graph) next to each
        # other. One pass into a list per graph: there are few graphs.
        keys, quads = self._by_statement
        by_graph: dict[str, list[int]] = {}
        for i, quad in enumerate(quads):
            graph = quad.graph_name.value
            members = by_graph.get(graph)
            if members is None:
                by_graph[graph] = [i]
            else:
                members.append(i)
        distinct: list[Quad] = []
        for graph in sorted(by_graph):
            previous = None
            for i in by_graph[graph]:
                if keys[i] != previous:
                    distinct.append(quads[i])
                    previous = keys[i]
        return distinct

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
        self.triples, self.quads  # noqa: B018 - both orders, then the keys can go
        self.__dict__.pop("_by_statement", None)
        written = {fmt.name: self.write_file(fmt, folder) for fmt in RDF_FORMATS.values()}
        written["context"] = self.write_context(folder)
        return written


def _canonicalise(quads: list[Quad], keys: list[str]) -> None:
    """Replace typed literals by the canonical form a store keeps, in place (keys too)."""
    typed: set[Literal] = set()
    for key, quad in zip(keys, quads, strict=True):
        # A typed literal's key ends in "^^<datatype>.
        if key[-1] == ">" and key[key.rindex("\0") + 1] == '"':
            typed.add(quad.object)  # type: ignore[arg-type]
    changed = canonical_literals(typed)
    if not changed:
        return
    for i, quad in enumerate(quads):
        if keys[i][-1] == ">" and quad.object in changed:
            obj = changed[quad.object]  # type: ignore[index]
            quads[i] = Quad(quad.subject, quad.predicate, obj, quad.graph_name)
            keys[i] = _statement_key(quads[i])


def file_digest(path: Path) -> str:
    """SHA-256 of a file, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

"""Query results as typed objects, and their serialisations for programs and people.

Every backend (the embedded store, a remote endpoint) returns a :data:`Result`: a
:class:`SelectResult`, an :class:`AskResult` or a :class:`GraphResult`, holding pyoxigraph terms.
:func:`serialize_result` writes one in a format of :data:`~sdglod.rdf.formats.RESULT_FORMATS`:

- the W3C SPARQL results formats (JSON, XML, CSV, TSV) are written by pyoxigraph's own
  serialisers, so escaping and layout are the reference implementation's;
- ``jsonl`` writes one SPARQL-JSON binding object per line;
- graphs go through the dump writer (:class:`~sdglod.rdf.writer.Dumper`): sorted statements, the
  project's prefixes, compact JSON-LD against the project's context;
- ``table`` is for people: aligned columns, labels instead of IRIs where one exists.

The same result gives the same bytes: rows keep the query's order (ORDER BY), graphs are sorted.
"""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import BinaryIO, ClassVar

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
)

from ..errors import QueryError
from ..rdf.formats import (
    BOOLEAN,
    GRAPH,
    RDF_FORMATS,
    SOLUTIONS,
    ResultSerialisation,
    result_format,
    result_formats_for,
)
from ..rdf.names import Vocabulary, compact_iri
from ..rdf.namespaces import RDF_LANG_STRING, XSD, XSD_STRING
from ..rdf.writer import Dumper

Term = NamedNode | BlankNode | Literal | Triple
Row = tuple[Term | None, ...]

_PLAIN_DATATYPES = (XSD_STRING, RDF_LANG_STRING)
_NUMERIC = {XSD + name for name in ("integer", "decimal", "double", "float", "int", "long")}
DEFAULT_WIDTH = 60


@dataclass(frozen=True)
class SelectResult:
    """The solutions of a SELECT query: variable names and rows (``None`` where unbound)."""

    variables: tuple[str, ...]
    rows: tuple[Row, ...]
    kind: ClassVar[str] = SOLUTIONS

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Term | None]:
        """The values of variable ``name``, row by row."""
        index = self.variables.index(name)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class AskResult:
    """The answer of an ASK query."""

    value: bool
    kind: ClassVar[str] = BOOLEAN

    def __bool__(self) -> bool:
        return self.value


@dataclass(frozen=True)
class GraphResult:
    """The triples of a CONSTRUCT or DESCRIBE query (see :func:`graph_result` for order)."""

    triples: tuple[Triple, ...]
    kind: ClassVar[str] = GRAPH

    def __len__(self) -> int:
        return len(self.triples)


Result = SelectResult | AskResult | GraphResult


@dataclass(frozen=True)
class TableStyle:
    """How a table for people looks: labels by IRI, and the widest cell (``None``: no limit)."""

    labels: Mapping[str, str] = field(default_factory=dict)
    max_width: int | None = DEFAULT_WIDTH


# --- Building results ------------------------------------------------------------------------


def from_oxigraph(
    raw: QuerySolutions | QueryBoolean | QueryTriples, limit: int | None = None
) -> tuple[Result, bool]:
    """Materialise a pyoxigraph query result, reading at most ``limit`` solutions or triples
    (all if ``None``); the result and whether the limit cut it."""
    if isinstance(raw, QueryBoolean):
        return AskResult(bool(raw)), False
    if isinstance(raw, QuerySolutions):
        names = tuple(variable.value for variable in raw.variables)
        rows = [tuple(solution[n] for n in names) for solution in islice(raw, limit)]
        return SelectResult(names, tuple(rows)), _more(raw, limit)
    triples = list(islice(raw, limit))
    return graph_result(triples), _more(raw, limit)


def _more(rest: Iterator, limit: int | None) -> bool:
    """Whether an iterator read up to ``limit`` has more to give."""
    return limit is not None and next(rest, None) is not None


def cut(result: Result, limit: int | None) -> tuple[Result, bool]:
    """``result`` with at most ``limit`` solutions or triples, and whether some were cut."""
    if limit is None:
        return result, False
    if isinstance(result, SelectResult) and len(result.rows) > limit:
        return SelectResult(result.variables, result.rows[:limit]), True
    if isinstance(result, GraphResult) and len(result.triples) > limit:
        return GraphResult(result.triples[:limit]), True
    return result, False


def graph_result(triples: Iterable[Triple]) -> GraphResult:
    """A graph result of ``triples``, each once, in one canonical order: engines and stores
    return a graph's triples in orders of their own, and equal graphs must compare equal."""
    return GraphResult(tuple(sorted(set(triples), key=_triple_key)))


def from_sparql_json(data: bytes) -> SelectResult | AskResult:
    """A result from a SPARQL 1.1 JSON document (what a remote endpoint answers)."""
    result, _ = from_oxigraph(parse_query_results(data, QueryResultsFormat.JSON))
    return result  # type: ignore[return-value]


_GRAPH_MEDIA_TYPES = {
    "text/turtle": RdfFormat.TURTLE,
    "application/x-turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "text/plain": RdfFormat.N_TRIPLES,
    "application/rdf+xml": RdfFormat.RDF_XML,
    "application/ld+json": RdfFormat.JSON_LD,
}


def graph_from_bytes(data: bytes, media_type: str) -> GraphResult:
    """A graph result from an RDF document in ``media_type``."""
    fmt = _GRAPH_MEDIA_TYPES.get(media_type.split(";", 1)[0].strip().lower())
    if fmt is None:
        raise QueryError(f"cannot read a graph result in {media_type!r}")
    return graph_result(quad.triple for quad in parse(data, format=fmt))


# --- SPARQL JSON terms -------------------------------------------------------------------------


def term_json(term: Term) -> dict:
    """A term as a SPARQL 1.1 JSON results term object."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        item = {"type": "literal", "value": term.value}
        if term.language:
            item["xml:lang"] = term.language
        elif term.datatype.value not in _PLAIN_DATATYPES:
            item["datatype"] = term.datatype.value
        return item
    return {
        "type": "triple",
        "value": {
            "subject": term_json(term.subject),
            "predicate": term_json(term.predicate),
            "object": term_json(term.object),
        },
    }


def _binding(variables: Sequence[str], row: Row) -> dict:
    """One solution as a SPARQL JSON binding object (unbound variables left out)."""
    return {n: term_json(t) for n, t in zip(variables, row, strict=True) if t is not None}


def _sparql_json(result: SelectResult | AskResult) -> bytes:
    if isinstance(result, AskResult):
        document: dict = {"head": {}, "boolean": result.value}
    else:
        bindings = [_binding(result.variables, row) for row in result.rows]
        document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- Serialisation -----------------------------------------------------------------------------

_OX_RESULT_FORMATS = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}


def check_fits(result: Result, fmt: ResultSerialisation) -> None:
    """Raise a clear error if ``fmt`` cannot carry ``result``."""
    if result.kind not in fmt.kinds:
        what = {SOLUTIONS: "SELECT solutions", BOOLEAN: "an ASK answer", GRAPH: "a graph"}
        fitting = ", ".join(f.name for f in result_formats_for(result.kind))
        raise QueryError(
            f"format {fmt.name!r} cannot carry {what[result.kind]}",
            hint=f"use one of: {fitting}",
        )


def write_result(
    result: Result,
    fmt: ResultSerialisation | str,
    out: BinaryIO,
    vocabulary: Vocabulary | None = None,
    style: TableStyle | None = None,
) -> None:
    """Write ``result`` in ``fmt`` to the binary stream ``out``."""
    fmt = result_format(fmt) if isinstance(fmt, str) else fmt
    check_fits(result, fmt)
    vocabulary = vocabulary or Vocabulary()
    if fmt.name == "table":
        out.write(render_table(result, vocabulary, style or TableStyle()).encode("utf-8"))
    elif fmt.name == "jsonl":
        assert isinstance(result, SelectResult)
        for row in result.rows:
            line = json.dumps(_binding(result.variables, row), ensure_ascii=False)
            out.write(line.encode("utf-8") + b"\n")
    elif isinstance(result, GraphResult):
        quads = (Quad(t.subject, t.predicate, t.object) for t in result.triples)
        Dumper(quads, dict(vocabulary.prefixes), dict(vocabulary.context)).write(
            RDF_FORMATS[fmt.name], out
        )
    elif fmt.name == "json":
        out.write(_sparql_json(result))  # as pyoxigraph writes it, without a round trip
    else:
        # Rebuild pyoxigraph results from the rows so that its writers do the writing.
        solutions = parse_query_results(_sparql_json(result), QueryResultsFormat.JSON)
        solutions.serialize(out, _OX_RESULT_FORMATS[fmt.name])


def serialize_result(
    result: Result,
    fmt: ResultSerialisation | str,
    vocabulary: Vocabulary | None = None,
    style: TableStyle | None = None,
) -> bytes:
    """``result`` in ``fmt``, as bytes."""
    buffer = io.BytesIO()
    write_result(result, fmt, buffer, vocabulary, style)
    return buffer.getvalue()


# --- Tables for people ---------------------------------------------------------------------


def cell_text(term: Term | None, vocabulary: Vocabulary, labels: Mapping[str, str]) -> str:
    """What a table shows for a term: a label, a compact IRI, or a literal's text."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return labels.get(term.value) or compact_iri(term.value, vocabulary.prefixes)
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        return " ".join(term.value.split())  # one line per row, whatever the text holds
    parts = (cell_text(t, vocabulary, labels) for t in (term.subject, term.predicate, term.object))
    return "<< " + " ".join(parts) + " >>"


def _triple_key(triple: Triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))


def _is_number(term: Term | None) -> bool:
    return isinstance(term, Literal) and term.datatype.value in _NUMERIC


def render_table(result: Result, vocabulary: Vocabulary, style: TableStyle) -> str:
    """``result`` as an aligned text table, with a count line at the end."""
    if isinstance(result, AskResult):
        return ("true" if result.value else "false") + "\n"
    if isinstance(result, GraphResult):
        header: Sequence[str] = ("subject", "predicate", "object")
        rows: Sequence[Sequence[Term | None]] = [
            (t.subject, t.predicate, t.object) for t in sorted(result.triples, key=_triple_key)
        ]
        noun = "triple"
    else:
        header, rows, noun = result.variables, result.rows, "row"
    # A column of numbers only is aligned right, as people read numbers.
    right = [
        any(_is_number(row[i]) for row in rows)
        and all(row[i] is None or _is_number(row[i]) for row in rows)
        for i in range(len(header))
    ]
    cells = [[cell_text(term, vocabulary, style.labels) for term in row] for row in rows]
    table = format_table(header, cells, style.max_width, right)
    count = len(rows)
    return table + f"({count} {noun}{'' if count == 1 else 's'})\n"


def _width(text: str) -> int:
    # Combining marks take no column; wide East Asian characters take two.
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _cut(text: str, limit: int | None) -> str:
    if limit is None or _width(text) <= limit:
        return text
    kept = ""
    for char in text:
        if _width(kept + char) > limit - 1:
            break
        kept += char
    return kept + "…"


def format_table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    max_width: int | None = DEFAULT_WIDTH,
    right: Sequence[bool] = (),
) -> str:
    """Columns aligned with two spaces between them, a rule under the header; cells longer
    than ``max_width`` are cut with '…'."""
    body = [[_cut(cell, max_width) for cell in row] for row in rows]
    widths = [_width(name) for name in header]
    for row in body:
        widths = [max(w, _width(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            gap = " " * (width - _width(cell))
            padded.append(gap + cell if i < len(right) and right[i] else cell + gap)
        return "  ".join(padded).rstrip() + "\n"

    text = line(header) + line(["-" * w for w in widths])
    return text + "".join(line(row) for row in body)

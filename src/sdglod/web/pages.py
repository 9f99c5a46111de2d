"""HTML pages: Jinja2 templates (autoescaped) and the table model of a query result.

Pages are readable without JavaScript; ``static/query.js`` only makes the query page quicker to
use (run without reloading, load examples, keyboard shortcut).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from starlette.responses import HTMLResponse

from ..names import compact_iri
from ..results import AskResult, GraphResult, Result, SelectResult
from .i18n import LANGUAGES, word

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
XSD = "http://www.w3.org/2001/XMLSchema#"
Link = Callable[[str], str | None]  # where a page links an IRI to


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["word"] = word
    env.globals["languages"] = LANGUAGES
    return env


_ENV = environment()


def render(
    template: str, status: int = 200, headers: dict | None = None, **context
) -> HTMLResponse:
    """The page ``template`` with ``context``; ``lang`` must be in the context."""
    html = _ENV.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers=headers)


@dataclass(frozen=True)
class Cell:
    """What a table cell shows: text, a link for IRIs, the language of a literal."""

    text: str
    href: str | None = None
    lang: str | None = None
    title: str | None = None
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    """A result for people: a header and rows of cells (or an ASK answer)."""

    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    boolean: bool | None = None


def cell(term: object, labels: dict[str, str], prefixes: dict[str, str], link: Link) -> Cell:
    """The cell for one term; ``link`` maps an IRI to where the page should point."""
    if term is None:
        return Cell("")
    if isinstance(term, NamedNode):
        label = labels.get(term.value)
        return Cell(label or compact_iri(term.value, prefixes), link(term.value), title=term.value)
    if isinstance(term, BlankNode):
        return Cell(f"_:{term.value}")
    if isinstance(term, Literal):
        datatype = term.datatype.value if term.datatype else None
        numeric = (
            bool(datatype)
            and datatype.startswith(XSD)
            and datatype[len(XSD) :]
            in (
                "integer",
                "decimal",
                "double",
                "float",
            )
        )
        title = (
            None
            if term.language or datatype == XSD + "string"
            else compact_iri(datatype or "", prefixes)
        )
        return Cell(term.value, lang=term.language or None, title=title, numeric=numeric)
    if isinstance(term, Triple):
        parts = [
            cell(t, labels, prefixes, link).text
            for t in (term.subject, term.predicate, term.object)
        ]
        return Cell("<< " + " ".join(parts) + " >>")
    return Cell(str(term))


def table(result: Result, labels: dict[str, str], prefixes: dict[str, str], link: Link) -> Table:
    """The table of ``result`` for a page."""
    if isinstance(result, AskResult):
        return Table((), (), boolean=result.value)
    if isinstance(result, SelectResult):
        rows = tuple(tuple(cell(t, labels, prefixes, link) for t in row) for row in result.rows)
        return Table(result.variables, rows)
    assert isinstance(result, GraphResult)
    rows = tuple(
        tuple(cell(t, labels, prefixes, link) for t in (tr.subject, tr.predicate, tr.object))
        for tr in result.triples
    )
    return Table(("subject", "predicate", "object"), rows)

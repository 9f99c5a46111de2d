"""HTML pages: Jinja2 templates (autoescaped) and the table model of a query result.

Pages are readable without JavaScript; ``static/query.js`` only makes the query page quicker to
use (run without reloading, load examples, keyboard shortcut).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from starlette.responses import HTMLResponse

from ..query.results import AskResult, GraphResult, Result, SelectResult
from ..rdf.names import compact_iri
from ..rdf.namespaces import XSD
from .i18n import LANGUAGES, word
from .security import link_target, safe_colour, to_script_json

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
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
    env.globals["safe_colour"] = safe_colour
    # Jinja's own tojson leaves U+2028/U+2029 as they are; this one escapes them too.
    env.filters["tojson"] = lambda value: Markup(to_script_json(value))
    return env


_ENV = environment()


def render(
    template: str, status: int = 200, headers: dict | None = None, **context: object
) -> HTMLResponse:
    """The page ``template`` with ``context``; ``lang`` must be in the context (and
    ``request``, for the navigation)."""
    request, runtime = context.get("request"), context.get("runtime")
    if runtime is None and request is not None:
        # The runtime the request is pinned to (see follow.py), else the app's.
        runtime = request.scope.get("sdglod.runtime") or getattr(  # type: ignore[attr-defined]
            request.app.state,  # type: ignore[attr-defined]
            "runtime",
            None,
        )
    if request is not None and runtime is not None:
        context.setdefault("nav", navigation(request, runtime, str(context["lang"])))
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


def datatype_title(literal: Literal, prefixes: dict[str, str]) -> str | None:
    """A typed literal's datatype as a prefixed name (shown on hover); none for texts."""
    datatype = literal.datatype.value if literal.datatype else ""
    if literal.language or datatype in ("", XSD + "string"):
        return None
    return compact_iri(datatype, prefixes)


def cell(term: object, labels: dict[str, str], prefixes: dict[str, str], link: Link) -> Cell:
    """The cell for one term; ``link`` maps an IRI to where the page should point."""
    if term is None:
        return Cell("")
    if isinstance(term, NamedNode):
        label = labels.get(term.value)
        href = link_target(link(term.value))
        return Cell(label or compact_iri(term.value, prefixes), href, title=term.value)
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
        title = datatype_title(term, prefixes)
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


def static_document(path: str, lang: str) -> str:
    """The file of a page on a static site: ``/id/x.html`` in Latvian, ``/id/x.en.html`` in
    English; a folder's page is its ``index.html``."""
    if path.endswith("/"):
        path += "index.html"
    stem = path[: -len(".html")] if path.endswith(".html") else path
    if stem.endswith(".en"):
        stem = stem[: -len(".en")]
    return f"{stem}{'.en' if lang == 'en' else ''}.html"


def page_link(path: str, query: list[tuple[str, str]]) -> str:
    """A link to ``path`` (with ``query``) on this site, relative to its host: no header of a
    request (``Host``, ``X-Forwarded-…``) ever gets into a page, which may be cached for all."""
    # One leading slash: //host/… or /\\host/… would leave the site.
    path = "/" + quote(path, safe="/:@!$&'()*+,;=~").lstrip("/")
    return path + ("?" + urlencode(query) if query else "")


def language_links(request: object) -> dict[str, str]:
    """This page (its path and query) in each language: ``lang=`` set, the rest kept."""
    url = request.url  # type: ignore[attr-defined]
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]  # type: ignore[attr-defined]
    return {other: page_link(url.path, [*kept, ("lang", other)]) for other in LANGUAGES}


def navigation(request: object, runtime: object, lang: str) -> dict:
    """The links of the header: the site's parts and this page in the other languages."""
    static = runtime.config.static_site  # type: ignore[attr-defined]
    url = request.url  # type: ignore[attr-defined]
    if static:
        switch = {other: static_document(url.path, other) for other in LANGUAGES}
        return {
            "home": static_document("/", lang),
            "query": None,  # a static site has no endpoint
            "queries": static_document("/queries/", lang),
            "dumps": static_document("/dumps/", lang),
            "api": None,
            "languages": switch,
        }
    return {
        "home": f"/?lang={lang}",
        "query": f"/sparql?lang={lang}",
        "queries": f"/queries?lang={lang}",
        "dumps": f"/dumps/?lang={lang}",
        "api": "/openapi.json",
        "languages": language_links(request),
    }

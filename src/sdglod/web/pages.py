"""HTML pages: Jinja2 templates (autoescaped) and the table model of a query result.

Pages are readable without JavaScript; ``static/workbench.js`` makes the query page a workbench
(editor, completion, history, sorting and filtering the table).
"""

from __future__ import annotations

import math
import re
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
from ..rdf.namespaces import SKOS, XSD
from .i18n import LANGUAGES, word
from .page_queries import Context, Sdg
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
    """What a table cell shows: text, a link for IRIs, the language of a literal, an SDG badge;
    ``sort``: the key a column sorts by: the number of a numeric literal, an SDG code's
    natural order; none where the text sorts as it is."""

    text: str
    href: str | None = None
    lang: str | None = None
    title: str | None = None
    numeric: bool = False
    sdg: Sdg | None = None
    sort: str | None = None

    @property
    def number(self) -> float | None:
        """The value of a numeric literal (None for other cells, or NaN/INF)."""
        if not self.numeric:
            return None
        try:
            value = float(self.text)
        except ValueError:
            return None
        return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Table:
    """A result for people: a header (the variables) with a readable title for each column,
    and rows of cells (or an ASK answer)."""

    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    boolean: bool | None = None
    titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Naming:
    """How a table names what its cells hold: what the store says of its IRIs (labels, types,
    SDG codes and colours), in the page's language, linked where the page links them."""

    context: Context
    lang: str
    prefixes: dict[str, str]
    link: Link


NUMERIC_TYPES = frozenset(
    XSD + t
    for t in (
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
)


def datatype_title(literal: Literal, prefixes: dict[str, str]) -> str | None:
    """A typed literal's datatype as a prefixed name (shown on hover); none for texts."""
    datatype = literal.datatype.value if literal.datatype else ""
    if literal.language or datatype in ("", XSD + "string"):
        return None
    return compact_iri(datatype, prefixes)


def readable(variable: str) -> str:
    """A variable's name as a column heading: ``targetCode`` → ``Target code``,
    ``outcome_name`` → ``Outcome name``, ``eventIRI`` → ``Event IRI``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", variable)
    words = [
        w if len(w) > 1 and w.isupper() else w.lower() for w in spaced.replace("_", " ").split()
    ]
    text = " ".join(words) or variable
    return text[:1].upper() + text[1:]


def sdg_sort_key(code: str) -> str:
    """A key that sorts SDG codes as people count: 17.2 before 17.14, a goal before its
    targets, numbered targets before lettered ones (17.19 before 17.a)."""
    goal, _, target = code.partition(".")
    head = goal.zfill(2) if goal.isdigit() else goal
    if not target:
        return head
    return f"{head}.{target.zfill(2) if target.isdigit() else target}"


def number_key(text: str) -> str | None:
    """The number a numeric literal's text means, as JavaScript's ``Number()`` reads it
    (``+007`` → ``7``, ``1.50`` → ``1.5``); none for NaN, INF and what is no number."""
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def cell(term: object, naming: Naming) -> Cell:
    """The cell for one term: IRIs named and linked as :class:`Naming` says."""
    if term is None:
        return Cell("")
    if isinstance(term, NamedNode):
        return _iri_cell(term.value, naming)
    if isinstance(term, BlankNode):
        return Cell(f"_:{term.value}")
    if isinstance(term, Literal):
        datatype = term.datatype.value if term.datatype else None
        numeric = datatype in NUMERIC_TYPES
        title = datatype_title(term, naming.prefixes)
        sort = number_key(term.value) if numeric else None
        return Cell(term.value, lang=term.language or None, title=title, numeric=numeric, sort=sort)
    if isinstance(term, Triple):
        parts = [cell(t, naming).text for t in (term.subject, term.predicate, term.object)]
        return Cell("<< " + " ".join(parts) + " >>")
    return Cell(str(term))


def _iri_cell(iri: str, naming: Naming) -> Cell:
    """An IRI: its label in the page's language, linked to its page; an SDG goal or target
    with its badge and the UN's title (its ``skos:prefLabel``), sorted by its code."""
    context, lang = naming.context, naming.lang
    href = link_target(naming.link(iri))
    sdg = context.sdg(iri)
    if sdg is not None and sdg.code:
        titles = context.labels.get(iri, {}).get(SKOS + "prefLabel", {})
        text = titles.get(lang) or titles.get("en") or context.label(iri, lang) or sdg.code
        return Cell(text, href, title=iri, sdg=sdg, sort=sdg_sort_key(sdg.code))
    label = context.label(iri, lang)
    return Cell(label or compact_iri(iri, naming.prefixes), href, title=iri)


def table(
    result: Result, naming: Naming, headings: Callable[[str], str | None] | None = None
) -> Table:
    """The table of ``result`` for a page; ``headings`` gives a column's own title by
    variable, if it has one (a canned query's header), else its name is made readable."""
    if isinstance(result, AskResult):
        return Table((), (), boolean=result.value)
    if isinstance(result, SelectResult):
        variables = tuple(result.variables)
        rows = tuple(tuple(cell(t, naming) for t in row) for row in result.rows)
    else:
        assert isinstance(result, GraphResult)
        variables = ("subject", "predicate", "object")
        rows = tuple(
            tuple(cell(t, naming) for t in (tr.subject, tr.predicate, tr.object))
            for tr in result.triples
        )
    own = headings or (lambda _: None)
    titles = tuple(own(v) or readable(v) for v in variables)
    return Table(variables, rows, titles=titles)


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

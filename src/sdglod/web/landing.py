"""The ways into the data for a reader and a crawler: the landing page (the dataset, its events
newest first, the SDG coverage chart of all outcomes or of one event's, its types) and the
browse pages, which list every resource of a type a page at a time."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from pyoxigraph import Literal, NamedNode
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..describe.public_urls import CATALOG_TURTLE_FILE, SCHEMA_ORG_FILE, VOID_FILE
from ..rdf.namespaces import SCHEMA
from .describing import (
    builder,
    describe,
    language_of,
    link_language,
    naming_context,
    runtime_of,
)
from .downloads import dump_files
from .errors import HttpError
from .event_list import Coverage, coverage, event_list
from .i18n import LANGUAGES
from .page_queries import LABEL_PROPERTIES
from .pages import navigation, render
from .resources import PageBuilder, ResourcePage, Value
from .runtime import Runtime
from .security import link_target, safe_colour, script_json
from .vocabulary import ui_vocabulary

_DATASET = f"SELECT ?dataset WHERE {{ ?dataset a <{SCHEMA}Dataset> }} ORDER BY ?dataset LIMIT 1"
_TYPES = (
    "SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type "
    "ORDER BY DESC(?n) ?type"
)


async def landing(request: Request) -> Response:
    runtime = runtime_of(request)
    lang = language_of(request)
    focus = _focus(request)
    return await runtime.page(request, lang, lambda: _landing(request, runtime, lang, focus))


def _focus(request: Request) -> str | None:
    """The event whose SDG coverage the chart shows (``?event=IRI``), or None: all outcomes."""
    asked = request.query_params.get("event")
    if not asked:
        return None
    try:
        return NamedNode(asked).value
    except ValueError:
        raise HttpError("bad-request", f"event={asked!r} is not an IRI") from None


async def _landing(
    request: Request, runtime: Runtime, lang: str, focus: str | None
) -> HTMLResponse:
    link_lang = link_language(request, runtime, lang)
    make = builder(runtime, lang, link_lang)
    dataset_page = await _dataset_page(runtime, make)
    type_rows = await _type_rows(runtime, lang)
    all_outcomes = await coverage(runtime)
    events = await event_list(runtime, make, all_outcomes)
    focus_value = None if focus is None else await _event_value(runtime, make, focus)
    shown = all_outcomes if focus is None else await coverage(runtime, focus)
    schema_dataset = _read_dist(runtime, SCHEMA_ORG_FILE)
    return render(
        "landing.html",
        lang=lang,
        request=request,
        runtime=runtime,
        dataset=dataset_page,
        events=events,
        focus=focus_value,
        types=type_rows,
        coverage=shown,
        chart=chart(shown, lang),
        dumps=dump_files(runtime),
        has_void=runtime.dist_file(VOID_FILE) is not None,
        has_catalog=runtime.dist_file(CATALOG_TURTLE_FILE) is not None,
        has_stream=runtime.build is not None and bool(runtime.build.manifest.releases),
        link=lambda iri: link_target(runtime.link(iri, link_lang)),
        browse_link=lambda iri: runtime.browse_link(iri, link_lang),
        events_link=runtime.browse_link(SCHEMA + "Event", link_lang),
        chart_link=lambda iri=None: _chart_link(runtime, iri, link_lang),
        schema_dataset=script_json(schema_dataset) if schema_dataset else None,
    )


def _chart_link(runtime: Runtime, event: str | None, lang: str | None) -> str | None:
    """The landing page with the chart of one event's outcomes (all, without ``event``); a
    static site has one landing page only, so none there."""
    if runtime.config.static_site:
        return None
    query = {**({"event": event} if event else {}), **({"lang": lang} if lang else {})}
    return f"/?{urlencode(query)}#coverage" if query else "/#coverage"


async def _dataset_page(runtime: Runtime, make: PageBuilder) -> ResourcePage | None:
    """The page of the dataset (the first one described)."""
    found = await runtime.select(_DATASET)
    dataset = found.rows[0][0].value if found.rows else None
    if dataset is None:
        return None
    described, context = await describe(runtime, dataset)
    return make.page(dataset, described, context)


async def _event_value(runtime: Runtime, make: PageBuilder, iri: str) -> Value:
    """The name of the event ``iri`` (a link to its page); 404 if the data has no such event."""
    context = await naming_context(runtime, [iri])
    if SCHEMA + "Event" not in context.types.get(iri, set()):
        raise HttpError("not-found", f"the data has no event {iri}", hint="see the home page")
    return make.value(NamedNode(iri), context)


async def _type_rows(runtime: Runtime, lang: str) -> list[tuple[str, str, int]]:
    """(label, IRI, resources) of every type in the data, the most used first."""
    types = await runtime.select(_TYPES)
    type_iris = [row[0].value for row in types.rows]
    type_context = await naming_context(runtime, type_iris)
    vocabulary = ui_vocabulary()
    return [
        (
            vocabulary.label(iri, lang, {iri: type_context.store_labels(iri)}),
            iri,
            int(row[1].value),
        )
        for iri, row in zip(type_iris, types.rows, strict=True)
    ]


def chart(coverage: Coverage, lang: str) -> dict:
    """The geometry of the SDG coverage bar chart (drawn as SVG by the template)."""
    most = max((n for _, _, n, _ in coverage), default=0) or 1
    width, height, gap = 34, 160, 6
    bars = []
    for index, (code, colour, count, goal) in enumerate(coverage):
        bar_height = round(height * count / most)
        bars.append(
            {
                "x": index * (width + gap),
                "y": height - bar_height + 20,
                "height": bar_height,
                "width": width,
                "colour": safe_colour(colour),
                "code": code,
                "count": count,
                "goal": goal,
            }
        )
    return {"bars": bars, "width": len(coverage) * (width + gap), "height": height + 45}


def _read_dist(runtime: Runtime, name: str) -> str | None:
    path = runtime.dist_file(name)
    return None if path is None else path.read_text(encoding="utf-8")


BROWSE_PAGE_SIZE = 500  # resources on one browse page (fewer if the row limit is lower)
_LABELLED = f"<{SCHEMA}name>"
_OTHER_LABELS = "|".join(f"<{p}>" for p in LABEL_PROPERTIES if p != SCHEMA + "name")


def browse_page_size(runtime: Runtime) -> int:
    return max(1, min(BROWSE_PAGE_SIZE, runtime.config.row_limit))


def browse_page_link(
    runtime: Runtime, type_iri: str, lang: str | None, page: int, static: bool | None = None
) -> str:
    """Page ``page`` of the browse list of a type: ``&page=N`` on the server, a file
    ``….pageN.html`` of a static site (a dot, which no type's slug holds)."""
    link = runtime.browse_link(type_iri, lang, static)
    if page <= 1:
        return link
    if link.startswith("/browse?"):
        return f"{link}&page={page}"
    english = link.endswith(".en.html")
    stem = link.removesuffix(".html").removesuffix(".en")
    return f"{stem}.page{page}{'.en' if english else ''}.html"


def _members_query(node: str, lang: str, size: int, offset: int) -> str:
    """A page of the resources typed ``node``, ordered by name as the page shows them: the
    name in ``lang``, else in English, else any, then other labels, then the IRI."""
    picks = []
    for var, path in (("n", _LABELLED), ("l", _OTHER_LABELS)):
        text = f"LCASE(STR(?{var}))"
        picks.append(
            f"OPTIONAL {{ ?s {path} ?{var} "
            f"BIND(IF(LANGMATCHES(LANG(?{var}), {Literal(lang)}), {text}, ?none) AS ?{var}1) "
            f'BIND(IF(LANGMATCHES(LANG(?{var}), "en"), {text}, ?none) AS ?{var}2) '
            f"BIND({text} AS ?{var}3) }}"
        )
    keys = ("n1", "n2", "n3", "l1", "l2", "l3")
    return (
        f"SELECT ?s WHERE {{ {{ SELECT ?s {' '.join(f'(MIN(?{k}) AS ?k{k})' for k in keys)} "
        f"WHERE {{ ?s a {node} FILTER(isIRI(?s)) {' '.join(picks)} }} GROUP BY ?s }} "
        f"BIND(COALESCE({', '.join(f'?k{k}' for k in keys)}, STR(?s)) AS ?key) }} "
        f"ORDER BY ?key ?s LIMIT {size} OFFSET {offset}"
    )


def _page_number(asked: str | None) -> int:
    if asked is None or asked == "":
        return 1
    if not asked.isdigit() or int(asked) < 1:
        raise HttpError("bad-request", f"page={asked!r} is not a page number (1, 2, …)")
    return int(asked)


async def browse(request: Request) -> Response:
    """Every resource of a type, by name, a page at a time: so that nothing is out of reach
    of a crawler, however many there are."""
    runtime = runtime_of(request)
    lang = language_of(request)
    type_iri = request.query_params.get("type")
    if not type_iri:
        raise HttpError("bad-request", "browse needs ?type=<class IRI>", hint="see the home page")
    try:
        node = str(NamedNode(type_iri))
    except ValueError:
        raise HttpError("bad-request", f"type={type_iri!r} is not an IRI") from None
    page = _page_number(request.query_params.get("page"))
    return await runtime.page(
        request, lang, lambda: _browse(request, runtime, lang, type_iri, node, page)
    )


async def _browse(
    request: Request, runtime: Runtime, lang: str, type_iri: str, node: str, page: int
) -> HTMLResponse:
    size = browse_page_size(runtime)
    counted = await runtime.select(
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a {node} FILTER(isIRI(?s)) }}"
    )
    total = int(counted.rows[0][0].value) if counted.rows else 0
    pages = max(1, -(-total // size))
    if page > pages:
        raise HttpError(
            "not-found", f"there is no page {page}: {pages} in all", hint="start at page 1"
        )
    members = await runtime.select(_members_query(node, lang, size, (page - 1) * size))
    iris = [row[0].value for row in members.rows if isinstance(row[0], NamedNode)]
    context = await naming_context(runtime, [*iris, type_iri])
    link_lang = link_language(request, runtime, lang)
    make = builder(runtime, lang, link_lang)

    def link(number: int) -> str:
        return browse_page_link(runtime, type_iri, link_lang, number)

    # The store orders by the name; this keeps the page in the order of what it shows.
    items = sorted(
        (make.value(NamedNode(iri), context) for iri in iris), key=lambda v: v.text.casefold()
    )
    title = ui_vocabulary().label(type_iri, lang, {type_iri: context.store_labels(type_iri)})
    nav = navigation(request, runtime, lang)
    nav["languages"] = {
        other: browse_page_link(runtime, type_iri, other, page) for other in LANGUAGES
    }
    return render(
        "browse.html",
        lang=lang,
        nav=nav,
        request=request,
        runtime=runtime,
        title=title,
        type_iri=type_iri,
        items=items,
        total=total,
        first=(page - 1) * size + 1,
        page=page,
        page_count=pages,
        pages=page_links(page, pages, link),
        previous=link(page - 1) if page > 1 else None,
        next=link(page + 1) if page < pages else None,
    )


def page_links(
    page: int, pages: int, link: Callable[[int], str]
) -> list[tuple[int | None, str | None]]:
    """(number, link) of the pages to offer from ``page``: the first, the last and those near
    it, with ``(None, None)`` for a gap; the current page has no link."""
    if pages <= 1:
        return []
    near = {1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)}
    shown: list[tuple[int | None, str | None]] = []
    previous = 0
    for number in sorted(near):
        if number > previous + 1:
            shown.append((None, None))
        shown.append((number, None if number == page else link(number)))
        previous = number
    return shown


async def browse_pages(runtime: Runtime) -> list[tuple[str, int]]:
    """Every type in the data with the number of its browse pages (one at least): what a
    static export writes."""
    found = await runtime.select(
        "SELECT ?type (COUNT(DISTINCT ?member) AS ?n) WHERE { ?s a ?type "
        "BIND(IF(isIRI(?s), ?s, ?none) AS ?member) FILTER(isIRI(?type)) } GROUP BY ?type "
        "ORDER BY ?type"
    )
    size = browse_page_size(runtime)
    return [(row[0].value, max(1, -(-int(row[1].value) // size))) for row in found.rows]

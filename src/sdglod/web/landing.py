"""The ways into the data for a reader and a crawler: the landing page (the dataset, what it
is about, its types and the SDG coverage chart) and the browse pages, which list every
resource of a type."""

from __future__ import annotations

from pyoxigraph import NamedNode
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..describe.public_urls import CATALOG_TURTLE_FILE, SCHEMA_ORG_FILE, VOID_FILE
from ..rdf.namespaces import SCHEMA, SDGLOD, SDGO, SKOS, XSD_INTEGER
from .describing import (
    builder,
    describe,
    language_of,
    link_language,
    merge_contexts,
    runtime_of,
)
from .downloads import dump_files
from .errors import HttpError
from .i18n import LANGUAGES
from .pages import navigation, render
from .resources import Context, PageBuilder, ResourcePage, context_queries
from .runtime import Runtime
from .vocabulary import ui_vocabulary

_DATASET = f"SELECT ?dataset WHERE {{ ?dataset a <{SCHEMA}Dataset> }} ORDER BY ?dataset LIMIT 1"
_TYPES = (
    "SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type "
    "ORDER BY DESC(?n) ?type"
)
_COVERAGE = (
    "SELECT ?goal ?code ?colour (COUNT(DISTINCT ?outcome) AS ?n) WHERE { "
    f"?goal a <{SDGO}Goal> ; <{SKOS}notation> ?code . "
    f"FILTER(DATATYPE(?code) = <{SDGO}SDGCodeCompact>) "
    f"OPTIONAL {{ ?goal <{SCHEMA}color> ?colour }} "
    f"OPTIONAL {{ ?outcome <{SDGLOD}servesTarget> ?target . "
    f"?target <{SDGO}isTargetOf> ?goal }} }} GROUP BY ?goal ?code ?colour "
    f"ORDER BY <{XSD_INTEGER}>(STR(?code))"
)

Coverage = list[tuple[str, str, int, str]]  # (goal code, colour, outcomes, goal IRI) a goal


async def landing(request: Request) -> Response:
    runtime = runtime_of(request)
    lang = language_of(request)
    return await runtime.page(request, lang, lambda: _landing(request, runtime, lang))


async def _landing(request: Request, runtime: Runtime, lang: str) -> HTMLResponse:
    link_lang = link_language(request, runtime, lang)
    dataset_page, about_pages = await _dataset_pages(runtime, builder(runtime, lang, link_lang))
    type_rows = await _type_rows(runtime, lang)
    coverage = await _coverage(runtime)
    schema_dataset = _read_dist(runtime, SCHEMA_ORG_FILE)
    return render(
        "landing.html",
        lang=lang,
        request=request,
        runtime=runtime,
        dataset=dataset_page,
        about=about_pages,
        types=type_rows,
        coverage=coverage,
        chart=chart(coverage, lang),
        dumps=dump_files(runtime),
        has_void=runtime.dist_file(VOID_FILE) is not None,
        has_catalog=runtime.dist_file(CATALOG_TURTLE_FILE) is not None,
        link=lambda iri: runtime.link(iri, link_lang),
        browse_link=lambda iri: runtime.browse_link(iri, link_lang),
        schema_dataset=schema_dataset.replace("</", "<\\/") if schema_dataset else None,
    )


async def _dataset_pages(
    runtime: Runtime, make: PageBuilder
) -> tuple[ResourcePage | None, list[ResourcePage]]:
    """The page of the dataset (the first one described), and those of what it is about."""
    found = await runtime.select(_DATASET)
    dataset = found.rows[0][0].value if found.rows else None
    if dataset is None:
        return None, []
    described, context = await describe(runtime, dataset)
    dataset_page = make.page(dataset, described, context)
    about = [
        t.object.value
        for t in described
        if t.subject.value == dataset
        and t.predicate.value == SCHEMA + "about"
        and isinstance(t.object, NamedNode)
    ]
    about_pages = []
    for iri in sorted(about):
        described, context = await describe(runtime, iri)
        page = make.page(iri, described, context)
        if page is not None:
            about_pages.append(page)
    return dataset_page, about_pages


async def _type_rows(runtime: Runtime, lang: str) -> list[tuple[str, str, int]]:
    """(label, IRI, resources) of every type in the data, the most used first."""
    types = await runtime.select(_TYPES)
    type_iris = [row[0].value for row in types.rows]
    type_context = Context()
    for query in context_queries(type_iris):
        type_context = merge_contexts(type_context, Context.of(await runtime.graph(query)))
    vocabulary = ui_vocabulary()
    return [
        (
            vocabulary.label(iri, lang, {iri: type_context.store_labels(iri)}),
            iri,
            int(row[1].value),
        )
        for iri, row in zip(type_iris, types.rows, strict=True)
    ]


async def _coverage(runtime: Runtime) -> Coverage:
    result = await runtime.select(_COVERAGE)
    return [
        (row[1].value, row[2].value if row[2] else "#777777", int(row[3].value), row[0].value)
        for row in result.rows
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
                "colour": colour,
                "code": code,
                "count": count,
                "goal": goal,
            }
        )
    return {"bars": bars, "width": len(coverage) * (width + gap), "height": height + 45}


def _read_dist(runtime: Runtime, name: str) -> str | None:
    path = runtime.dist_file(name)
    return None if path is None else path.read_text(encoding="utf-8")


async def browse(request: Request) -> Response:
    """Every resource of a type, by name: so that nothing is out of reach of a crawler."""
    runtime = runtime_of(request)
    lang = language_of(request)
    type_iri = request.query_params.get("type")
    if not type_iri:
        raise HttpError("bad-request", "browse needs ?type=<class IRI>", hint="see the home page")
    try:
        node = str(NamedNode(type_iri))
    except ValueError:
        raise HttpError("bad-request", f"type={type_iri!r} is not an IRI") from None
    members = await runtime.select(f"SELECT DISTINCT ?s WHERE {{ ?s a {node} }} ORDER BY ?s")
    iris = [row[0].value for row in members.rows if isinstance(row[0], NamedNode)]
    context = Context()
    for query in context_queries([*iris, type_iri]):
        context = merge_contexts(context, Context.of(await runtime.graph(query)))
    make = builder(runtime, lang, link_language(request, runtime, lang))
    items = sorted(
        (make.value(NamedNode(iri), context) for iri in iris), key=lambda v: v.text.casefold()
    )
    title = ui_vocabulary().label(type_iri, lang, {type_iri: context.store_labels(type_iri)})
    nav = navigation(request, runtime, lang)
    nav["languages"] = {other: runtime.browse_link(type_iri, other) for other in LANGUAGES}
    return render(
        "browse.html",
        lang=lang,
        nav=nav,
        request=request,
        runtime=runtime,
        title=title,
        type_iri=type_iri,
        items=items,
        truncated=len(members.rows) >= runtime.config.row_limit,
    )

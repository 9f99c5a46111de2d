"""Linked data on the web: dereferenceable IRIs, resource pages, the landing page, browsing,
dumps, VoID, sitemap and robots.txt.

IRIs and documents (Cool URIs, the 303 way): an IRI the dataset mints, such as
``{base}id/event/baltic-sdg-2021``, names a thing (an event), not a document. Asking for it
gives ``303 See Other`` to a document about it, chosen by ``Accept`` (or ``?format=``):
``….html``, ``….ttl``, ``….jsonld``, ``….nt`` or ``….rdf``. The documents answer ``200``,
with ``Link`` headers to each other. The server maps the base IRI to its own root, so on
``http://127.0.0.1:8000/`` the IRI above is ``/id/event/baltic-sdg-2021``; the data is not
rewritten.
"""

from __future__ import annotations

import json
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, urlencode

from pyoxigraph import Literal, NamedNode
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)

from ..describe.descriptions import (
    CATALOG_JSONLD_FILE,
    CATALOG_TURTLE_FILE,
    SCHEMA_ORG_FILE,
    VOID_FILE,
)
from ..rdf.formats import RDF_FORMATS, RESULT_FORMATS, negotiate
from ..rdf.namespaces import SCHEMA, SDGO
from .endpoint import HTML
from .errors import HttpError
from .execution.executor import QueryJob
from .i18n import LANGUAGES, page_language
from .pages import navigation, render
from .resources import Context, PageBuilder, context_queries, describe_query, mentioned_iris
from .runtime import Runtime, content_type
from .vocabulary import ui_vocabulary

DOCUMENT_FORMATS = ("ttl", "jsonld", "nt", "rdf")  # besides .html
DUMP_MEDIA = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".json": "application/json",
    ".xml": "application/xml",
}


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def _lang(request: Request) -> str:
    return page_language(request.query_params.get("lang"), request.headers.get("accept-language"))


def split_document(path: str) -> tuple[str, str | None]:
    """``/id/x.ttl`` → (``/id/x``, ``ttl``); ``/id/x`` → (``/id/x``, ``None``)."""
    for name in ("html", *DOCUMENT_FORMATS):
        if path.endswith("." + name):
            return path[: -len(name) - 1], name
    return path, None


def _alternates(local: str) -> list[tuple[str, str, str]]:
    """(format name, document path, media type) of every document about a resource."""
    docs = [("html", f"{local}.html", HTML)]
    docs += [(n, f"{local}.{n}", RDF_FORMATS[n].media_type) for n in DOCUMENT_FORMATS]
    return docs


def _link_header(local: str) -> str:
    return ", ".join(
        f'<{quote(path)}>; rel="alternate"; type="{media}"' for _, path, media in _alternates(local)
    )


async def _exists(runtime: Runtime, iri: str) -> bool:
    node = str(NamedNode(iri))
    job = QueryJob(f"ASK {{ {node} ?p ?o }}", "json", 1, base=runtime.base)
    answer = await runtime.answer(job, runtime.config.timeout)
    return json.loads(answer.body)["boolean"]


def _not_found(iri: str, wants_html: bool) -> HttpError | Response:
    if wants_html:
        return HttpError(
            "not-found",
            f"<{iri}> is not described in this dataset",
            hint="check the address, or find resources from the home page or with a query",
        )
    body = (
        f"# 404 Not Found: <{iri}> is not described in this dataset.\n"
        "# Find resources from the home page (/), /sitemap.xml or the SPARQL endpoint (/sparql).\n"
    )
    return Response(body, status_code=404, media_type="text/turtle; charset=utf-8")


async def resource(request: Request) -> Response:
    """An IRI (303 to a document) or a document about it (200)."""
    runtime = _runtime(request)
    local, document = split_document(request.url.path)
    iri = runtime.base + local.lstrip("/")
    try:
        NamedNode(iri)
    except ValueError:
        raise HttpError("not-found", f"{request.url.path} is not an IRI of this dataset") from None
    asked = request.query_params.get("format")
    if document is None:
        return await _see_other(request, runtime, iri, local, asked)
    headers = {"Link": _link_header(local), "Vary": "Accept"}
    if document == "html":
        return await _page(request, runtime, iri, local, headers)
    fmt = RESULT_FORMATS[document]
    job = QueryJob(describe_query(iri), fmt.name, runtime.config.row_limit, base=runtime.base)
    answer = await runtime.answer(job, runtime.config.timeout)
    if answer.size == 0:
        found = _not_found(iri, wants_html=False)
        assert isinstance(found, Response)
        return found
    response = await runtime.respond(request, job, fmt, runtime.config.timeout, answer)
    response.headers.update(headers)
    return response


async def _see_other(
    request: Request, runtime: Runtime, iri: str, local: str, asked: str | None
) -> Response:
    offered = [HTML] + [RDF_FORMATS[n].media_type for n in DOCUMENT_FORMATS]
    if asked:
        name = {"turtle": "ttl", "json-ld": "jsonld", "rdfxml": "rdf"}.get(asked, asked)
        if name not in ("html", *DOCUMENT_FORMATS):
            raise HttpError(
                "not-acceptable",
                f"format={asked!r} is not offered",
                hint=f"use one of: html, {', '.join(DOCUMENT_FORMATS)}",
            )
    else:
        chosen = negotiate(request.headers.get("accept"), offered)
        if chosen is None:
            raise HttpError(
                "not-acceptable",
                f"no document format that Accept: {request.headers.get('accept')} allows",
                hint=f"accept one of: {', '.join(offered)}",
            )
        name = (
            "html"
            if chosen == HTML
            else next(n for n in DOCUMENT_FORMATS if RDF_FORMATS[n].media_type == chosen)
        )
    wants_html = name == "html"
    if not await _exists(runtime, iri):
        found = _not_found(iri, wants_html)
        if isinstance(found, HttpError):
            raise found
        return found
    target = f"{quote(local)}.{name}"
    language = request.query_params.get("lang")
    if wants_html and language:
        target += "?" + urlencode({"lang": language})
    return RedirectResponse(
        target, status_code=303, headers={"Vary": "Accept", "Link": _link_header(local)}
    )


async def describe(runtime: Runtime, iri: str) -> tuple[list, Context]:
    """What a page about ``iri`` needs: its description and the context to name things."""
    described = await runtime.graph(describe_query(iri))
    iris = mentioned_iris(described) | {iri}
    context_triples = []
    for query in context_queries(iris):
        context_triples += await runtime.graph(query)
    return described, Context.of(context_triples)


def link_language(request: Request, runtime: Runtime, lang: str) -> str | None:
    """The language links carry: the reader's explicit choice (``?lang=``), or on a static
    site always the page's (each language is a file of its own there)."""
    if runtime.config.static_site:
        return lang
    return lang if request.query_params.get("lang") else None


def builder(runtime: Runtime, lang: str, link_lang: str | None = None) -> PageBuilder:
    return PageBuilder(
        ui_vocabulary(),
        lang,
        dict(runtime.vocabulary.prefixes),
        dict(runtime.vocabulary.context),
        lambda iri: runtime.link(iri, link_lang),
    )


async def _page(
    request: Request, runtime: Runtime, iri: str, local: str, headers: dict[str, str]
) -> Response:
    lang = _lang(request)

    async def make() -> HTMLResponse:
        described, context = await describe(runtime, iri)
        page = builder(runtime, lang, link_language(request, runtime, lang)).page(
            iri, described, context
        )
        if page is None:
            raise HttpError(
                "not-found",
                f"<{iri}> is not described in this dataset",
                hint="check the address, or find resources from the home page or with a query",
            )
        return render(
            "resource.html",
            lang=lang,
            request=request,
            runtime=runtime,
            page=page,
            alternates=_alternates(local),
        )

    return await runtime.page(request, lang, make, headers)


async def named_graph(request: Request) -> Response:
    """A named graph of the dataset: 303 from its IRI, a page, or its triples."""
    runtime = _runtime(request)
    local, document = split_document(request.url.path)
    iri = runtime.base + local.lstrip("/")
    size = runtime.graph_sizes.get(iri)
    if size is None:
        raise HttpError("not-found", f"<{iri}> is not a named graph of this dataset")
    if document is None:
        chosen = negotiate(
            request.headers.get("accept"),
            [HTML] + [RDF_FORMATS[n].media_type for n in DOCUMENT_FORMATS],
        )
        name = (
            "html"
            if chosen in (HTML, None)
            else next(n for n in DOCUMENT_FORMATS if RDF_FORMATS[n].media_type == chosen)
        )
        return RedirectResponse(
            f"{quote(local)}.{name}", status_code=303, headers={"Vary": "Accept"}
        )
    if document == "html":
        lang = _lang(request)
        return render(
            "graph.html",
            lang=lang,
            request=request,
            runtime=runtime,
            iri=iri,
            size=size,
            alternates=_alternates(local),
        )
    fmt = RESULT_FORMATS[document]
    node = str(NamedNode(iri))
    job = QueryJob(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}",
        fmt.name,
        runtime.config.row_limit,
        base=runtime.base,
    )
    response = await runtime.respond(request, job, fmt, runtime.config.timeout)
    response.headers["Link"] = _link_header(local)
    return response


# --- the landing page --------------------------------------------------------------------------

_DATASET = (
    "SELECT ?dataset WHERE { ?dataset a <http://schema.org/Dataset> } ORDER BY ?dataset LIMIT 1"
)
_TYPES = (
    "SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type "
    "ORDER BY DESC(?n) ?type"
)
_COVERAGE = (
    "SELECT ?goal ?code ?colour (COUNT(DISTINCT ?outcome) AS ?n) WHERE { "
    f"?goal a <{SDGO}Goal> ; <http://www.w3.org/2004/02/skos/core#notation> ?code . "
    f"FILTER(DATATYPE(?code) = <{SDGO}SDGCodeCompact>) "
    f"OPTIONAL {{ ?goal <{SCHEMA}color> ?colour }} "
    "OPTIONAL { ?outcome <https://w3id.org/sdglod/ontology#servesTarget> ?target . "
    f"?target <{SDGO}isTargetOf> ?goal }} }} GROUP BY ?goal ?code ?colour "
    "ORDER BY <http://www.w3.org/2001/XMLSchema#integer>(STR(?code))"
)


async def landing(request: Request) -> Response:
    runtime = _runtime(request)
    lang = _lang(request)
    return await runtime.page(request, lang, lambda: _landing(request, runtime, lang))


async def _landing(request: Request, runtime: Runtime, lang: str) -> HTMLResponse:
    link_lang = link_language(request, runtime, lang)
    make = builder(runtime, lang, link_lang)
    found = await runtime.select(_DATASET)
    dataset = found.rows[0][0].value if found.rows else None
    dataset_page = about_pages = None
    if dataset is not None:
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
    types = await runtime.select(_TYPES)
    type_iris = [row[0].value for row in types.rows]
    type_context = Context()
    for query in context_queries(type_iris):
        type_context = _merge(type_context, Context.of(await runtime.graph(query)))
    vocabulary = ui_vocabulary()
    type_rows = [
        (
            vocabulary.label(iri, lang, {iri: type_context.store_labels(iri)}),
            iri,
            int(row[1].value),
        )
        for iri, row in zip(type_iris, types.rows, strict=True)
    ]
    coverage_result = await runtime.select(_COVERAGE)
    coverage = [
        (row[1].value, row[2].value if row[2] else "#777777", int(row[3].value), row[0].value)
        for row in coverage_result.rows
    ]
    schema_dataset = _read_dist(runtime, SCHEMA_ORG_FILE)
    return render(
        "landing.html",
        lang=lang,
        request=request,
        runtime=runtime,
        dataset=dataset_page,
        about=about_pages or [],
        types=type_rows,
        coverage=coverage,
        chart=chart(coverage, lang),
        dumps=_dump_files(runtime),
        has_void=runtime.dist_file(VOID_FILE) is not None,
        has_catalog=runtime.dist_file(CATALOG_TURTLE_FILE) is not None,
        link=lambda iri: runtime.link(iri, link_lang),
        browse_link=lambda iri: runtime.browse_link(iri, link_lang),
        schema_dataset=schema_dataset.replace("</", "<\\/") if schema_dataset else None,
    )


def _merge(a: Context, b: Context) -> Context:
    a.labels.update(b.labels)
    a.types.update(b.types)
    a.codes.update(b.codes)
    a.goal_of.update(b.goal_of)
    a.colours.update(b.colours)
    return a


def chart(coverage: list[tuple[str, str, int, str]], lang: str) -> dict:
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


def _dump_files(runtime: Runtime) -> list[dict]:
    files = []
    for name, entry in sorted(runtime.manifest.get("dumps", {}).items()):
        suffix = Path(entry["file"]).suffix
        files.append(
            {
                "name": name,
                "file": entry["file"],
                "bytes": entry["bytes"],
                "sha256": entry["sha256"],
                "media_type": DUMP_MEDIA.get(suffix, "application/octet-stream"),
            }
        )
    return files


# --- browsing ----------------------------------------------------------------------------------


async def browse(request: Request) -> Response:
    """Every resource of a type, by name: so that nothing is out of reach of a crawler."""
    runtime = _runtime(request)
    lang = _lang(request)
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
        context = _merge(context, Context.of(await runtime.graph(query)))
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


# --- dumps, VoID, sitemap, robots ----------------------------------------------------------


async def dump_list(request: Request) -> Response:
    runtime = _runtime(request)
    files = _dump_files(runtime)
    if negotiate(request.headers.get("accept"), ["application/json", HTML]) == HTML:
        return render(
            "dumps.html", lang=_lang(request), request=request, runtime=runtime, dumps=files
        )
    return JSONResponse({"dumps": [{**f, "url": f"/dumps/{f['file']}"} for f in files]})


async def dump_file(request: Request) -> Response:
    """A file of the build's ``dist/``: ETag (its SHA-256), Last-Modified, 304s, media type."""
    runtime = _runtime(request)
    name = request.path_params["name"]
    entry = next((e for e in runtime.manifest.get("dumps", {}).values() if e["file"] == name), None)
    path = runtime.dist_file(name)
    if entry is None or path is None:
        raise HttpError("not-found", f"there is no dump {name!r}", hint="the dumps are at /dumps/")
    etag = f'"{entry["sha256"]}"'
    modified = formatdate(path.stat().st_mtime, usegmt=True)
    headers = {
        "ETag": etag,
        "Last-Modified": modified,
        "Cache-Control": f"public, max-age={runtime.config.max_age}",
    }
    asked_etag = request.headers.get("if-none-match")
    asked_date = request.headers.get("if-modified-since")
    if (asked_etag is not None and etag in asked_etag) or (
        asked_etag is None and asked_date is not None and _not_newer(path, asked_date)
    ):
        return Response(status_code=304, headers=headers)
    media = DUMP_MEDIA.get(path.suffix, "application/octet-stream")
    return FileResponse(path, media_type=content_type(media), headers=headers)


def _not_newer(path: Path, asked: str) -> bool:
    try:
        since = parsedate_to_datetime(asked).timestamp()
    except (TypeError, ValueError):
        return False
    return int(path.stat().st_mtime) <= since


async def void(request: Request) -> Response:
    """The VoID description of the dataset (``/.well-known/void``, RFC 5785 / VoID §7)."""
    return _description(request, {"text/turtle": VOID_FILE})


async def catalog(request: Request) -> Response:
    """The DCAT-AP catalogue record (``/catalog``): Turtle or JSON-LD by ``Accept``."""
    return _description(
        request,
        {"text/turtle": CATALOG_TURTLE_FILE, "application/ld+json": CATALOG_JSONLD_FILE},
    )


def _description(request: Request, files: dict[str, str]) -> Response:
    runtime = _runtime(request)
    available = {m: f for m, f in files.items() if runtime.dist_file(f) is not None}
    if not available:
        raise HttpError("not-found", "this build has no such description")
    # Browsers get Turtle as text, which they show, rather than a download.
    accept = request.headers.get("accept")
    chosen = negotiate(accept, [*available, HTML, "text/plain"])
    if chosen is None:
        raise HttpError("not-acceptable", f"offered: {', '.join(available)}")
    media = chosen if chosen in available else "text/turtle"
    shown = "text/plain" if chosen in (HTML, "text/plain") and media == "text/turtle" else media
    found = runtime.dist_file(available.get(media, next(iter(available.values()))))
    assert found is not None
    body = found.read_bytes()
    return Response(body, media_type=content_type(shown), headers={"Vary": "Accept"})


async def sitemap(request: Request) -> Response:
    """Every resource page, the landing page and the query list, with the data's date."""
    runtime = _runtime(request)
    root = str(request.base_url)
    found = await runtime.select(
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "
        f'{Literal(runtime.base)}) && !CONTAINS(STR(?s), "#")) }} ORDER BY ?s'
    )
    modified = await runtime.select(
        "SELECT (MAX(STR(?d)) AS ?m) WHERE { ?x a <http://schema.org/Dataset> ; "
        "<http://purl.org/dc/terms/modified> ?d }"
    )
    lastmod = modified.rows[0][0].value if modified.rows and modified.rows[0][0] else None
    urls = [root, root + "queries"]
    urls += [root + quote(runtime.local_path(row[0].value)[1:]) + ".html" for row in found.rows]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    lines.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    for url in urls:
        stamp = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.append(f"  <url><loc>{_xml(url)}</loc>{stamp}</url>")
    lines.append("</urlset>")
    return Response("\n".join(lines) + "\n", media_type="application/xml; charset=utf-8")


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


async def robots(request: Request) -> Response:
    root = str(request.base_url)
    text = (
        "User-agent: *\n"
        "Disallow: /sparql\n"  # queries cost CPU; crawlers get everything from the pages
        "Disallow: /queries/\n"
        "Allow: /\n"
        f"Sitemap: {root}sitemap.xml\n"
    )
    return Response(text, media_type="text/plain; charset=utf-8")

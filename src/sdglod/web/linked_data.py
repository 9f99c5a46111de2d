"""Dereferenceable IRIs and the documents about them: resources and named graphs.

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
from urllib.parse import quote, urlencode

from pyoxigraph import NamedNode
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..rdf.formats import RDF_FORMATS, RESULT_FORMATS, negotiate
from .describing import builder, describe, language_of, link_language, runtime_of
from .endpoint import HTML
from .errors import HttpError
from .execution.jobs import QueryJob
from .page_queries import describe_query
from .pages import render
from .runtime import Runtime

DOCUMENT_FORMATS = ("ttl", "jsonld", "nt", "rdf")  # besides .html


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
    job = QueryJob(f"ASK {{ {node} ?p ?o }}", "json", 1, base=runtime.base, bounded=True)
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
    runtime = runtime_of(request)
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
    limit = runtime.config.row_limit
    job = QueryJob(describe_query(iri), fmt.name, limit, base=runtime.base, bounded=True)
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


async def _page(
    request: Request, runtime: Runtime, iri: str, local: str, headers: dict[str, str]
) -> Response:
    lang = language_of(request)

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
    runtime = runtime_of(request)
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
        lang = language_of(request)
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

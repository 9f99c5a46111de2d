"""Dereferenceable IRIs and the documents about them: resources and named graphs.

IRIs and documents (Cool URIs, the 303 way): an IRI the dataset mints, such as
``{base}id/event/baltic-sdg-2021``, names a thing (an event), not a document. Asking for it
gives ``303 See Other`` to a document about it, chosen by ``Accept`` (or ``?format=``):
``….html``, ``….ttl``, ``….jsonld``, ``….nt`` or ``….rdf``. The documents answer ``200``,
with ``Link`` headers to each other. The server maps the base IRI to its own root, so on
``http://127.0.0.1:8000/`` the IRI above is ``/id/event/baltic-sdg-2021``; the data is not
rewritten.

Each document comes in profiles (:mod:`.profiles`), chosen by ``Accept-Profile`` or
``?_profile=``: the full description (the default), schema.org only, for the dataset its DCAT-AP
record, and the alternates view that lists them all. The 303 keeps a profile that is not the
default as ``?_profile=`` on the document's address.
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
from .profiles import (
    ALTERNATES,
    DEFAULT_PROFILE,
    VARY,
    Representation,
    alternates_response,
    catalog_datasets,
    catalog_record,
    choose_profile,
    neighbours,
    profile_headers,
    schema_only_query,
)
from .runtime import Runtime, content_type

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


def _media(name: str) -> str:
    return HTML if name == "html" else RDF_FORMATS[name].media_type


def _offer(runtime: Runtime, iri: str) -> dict[str, tuple[str, ...]]:
    """The profiles of the documents about ``iri`` (the default first), each with the formats
    it comes in: the full description and the alternates view in every format, schema.org only
    in the RDF formats, and for the dataset the build's DCAT-AP record."""
    every = ("html", *DOCUMENT_FORMATS)
    offer = {DEFAULT_PROFILE: every, "schema": DOCUMENT_FORMATS}
    if iri in catalog_datasets(runtime):
        offer["dcat-ap"] = DOCUMENT_FORMATS
    offer[ALTERNATES] = every
    return offer


def _offered_media(offer: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    return {token: [_media(name) for name in names] for token, names in offer.items()}


def _document_path(local: str, name: str, token: str, lang: str | None = None) -> str:
    """Where the document in format ``name`` and profile ``token`` is (``lang``: of a page)."""
    query = {"_profile": token} if token != DEFAULT_PROFILE else {}
    if lang and name == "html":
        query["lang"] = lang
    return f"{quote(local)}.{name}" + (f"?{urlencode(query)}" if query else "")


def _representations(local: str, offer: dict[str, tuple[str, ...]]) -> list[Representation]:
    """Every document about the resource, the default (its page) first."""
    return [
        Representation(_document_path(local, name, token), _media(name), token)
        for token, names in offer.items()
        for name in names
    ]


async def resource(request: Request) -> Response:
    """An IRI (303 to a document) or a document about it (200), in the profile asked."""
    runtime = runtime_of(request)
    local, document = split_document(request.url.path)
    iri = runtime.base + local.lstrip("/")
    try:
        NamedNode(iri)
    except ValueError:
        raise HttpError("not-found", f"{request.url.path} is not an IRI of this dataset") from None
    offer = _offer(runtime, iri)
    if document is None:
        return await _see_other(request, runtime, iri, local, offer)
    tokens = [token for token, names in offer.items() if document in names]
    token = choose_profile(request, tokens, _offered_media(offer), runtime.base)
    here = Representation(_document_path(local, document, token), _media(document), token)
    every = _representations(local, offer)
    headers = profile_headers(here, neighbours(every, here), offer, runtime.base)
    if token == ALTERNATES:
        if not await _exists(runtime, iri):
            return _missing(iri, document == "html")
        return alternates_response(request, iri, every, _media(document), headers)
    if document == "html":
        return await _page(request, runtime, iri, local, headers)
    if token == "dcat-ap":
        record = catalog_record(runtime, document)
        if record is None:
            raise HttpError("not-found", "this build has no DCAT-AP record")
        return Response(record, media_type=content_type(_media(document)), headers=headers)
    return await _document(request, runtime, iri, document, token, headers)


async def _document(
    request: Request,
    runtime: Runtime,
    iri: str,
    document: str,
    token: str,
    headers: dict[str, str],
) -> Response:
    """The RDF document about ``iri`` in ``token``'s profile: what a query constructs."""
    fmt = RESULT_FORMATS[document]
    query = describe_query(iri) if token == DEFAULT_PROFILE else schema_only_query(iri)
    job = QueryJob(query, fmt.name, runtime.config.row_limit, base=runtime.base, bounded=True)
    answer = await runtime.answer(job, runtime.config.timeout)
    # Nothing schema.org about a resource is an empty document; nothing at all, a 404.
    if answer.size == 0 and (token == DEFAULT_PROFILE or not await _exists(runtime, iri)):
        return _missing(iri, False)
    response = await runtime.respond(request, job, fmt, runtime.config.timeout, answer)
    response.headers.update(headers)
    return response


def _missing(iri: str, wants_html: bool) -> Response:
    found = _not_found(iri, wants_html)
    if isinstance(found, HttpError):
        raise found
    return found


def _redirect_format(
    request: Request, offer: dict[str, tuple[str, ...]], base: str
) -> tuple[str, str]:
    """The (format name, profile token) a request for the resource's IRI is sent on to:
    ``?format=`` or ``Accept`` among the formats, the profile among those that come in them."""
    asked = request.query_params.get("format")
    accept = request.headers.get("accept")
    media = _offered_media(offer)
    if asked:
        name = {"turtle": "ttl", "json-ld": "jsonld", "rdfxml": "rdf"}.get(asked, asked)
        if name not in ("html", *DOCUMENT_FORMATS):
            raise HttpError(
                "not-acceptable",
                f"format={asked!r} is not offered",
                hint=f"use one of: html, {', '.join(DOCUMENT_FORMATS)}",
            )
        tokens = [token for token, names in offer.items() if name in names]
    else:
        offered = [_media(name) for name in ("html", *DOCUMENT_FORMATS)]
        if negotiate(accept, offered) is None:
            raise HttpError(
                "not-acceptable",
                f"no document format that Accept: {accept} allows",
                hint=f"accept one of: {', '.join(offered)}",
            )
        tokens = [token for token in offer if negotiate(accept, media[token]) is not None]
    token = choose_profile(request, tokens, media, base)
    if not asked:
        chosen = negotiate(accept, media[token])
        name = next(n for n in offer[token] if _media(n) == chosen)
    return name, token


async def _see_other(
    request: Request, runtime: Runtime, iri: str, local: str, offer: dict[str, tuple[str, ...]]
) -> Response:
    """303 to the document in the format and profile the request asks for (a profile not the
    default kept as ``?_profile=``, as the spec asks of a redirect)."""
    name, token = _redirect_format(request, offer, runtime.base)
    if not await _exists(runtime, iri):
        return _missing(iri, name == "html")
    target = _document_path(local, name, token, request.query_params.get("lang"))
    here = Representation(target, _media(name), token)
    every = _representations(local, offer)
    headers = profile_headers(here, neighbours(every, here), offer, runtime.base, is_self=False)
    return RedirectResponse(target, status_code=303, headers=headers)


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

    response = await runtime.page(request, lang, make, headers)
    # The page's validators say Accept and Accept-Language; it varies on profiles too.
    response.headers["Vary"] = f"{VARY}, Accept-Language"
    return response


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

"""The ASGI application: routes, middleware (CORS, gzip) and the one error handler."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import QueryError
from ..query.canned import PARAM_TYPES, CannedQuery, Prepared
from ..query.labels import iris_in, label_queries, labels_from
from ..query.results import Result, from_sparql_json, graph_from_bytes
from ..query.sparql_text import SparqlTextError, insert_values, prologue
from ..query.values import READ_AT_MOST, Probe, http_listing, listing_text, resolve_async
from ..rdf.formats import GRAPH, RESULT_FORMATS, SOLUTIONS, ResultSerialisation, negotiate
from . import downloads, landing, linked_data
from .config import ServerConfig
from .describing import language_of, link_language, runtime_of
from .endpoint import (
    HTML,
    ProtocolRequest,
    choose_format,
    describe_service,
    job_for,
    query_kind,
    read_protocol_request,
)
from .errors import ERROR_CODES, HttpError
from .execution.jobs import QueryJob
from .openapi import openapi_document
from .pages import STATIC, Table, render, table
from .runtime import Runtime

log = logging.getLogger("sdglod.web")
EXPOSED_HEADERS = ["ETag", "Sdglod-Truncated", "Sdglod-Row-Limit", "Sdglod-Result-Size"]
CANNED_SUFFIXES = {
    "." + name: name for name in ("json", "csv", "tsv", "xml", "ttl", "nt", "jsonld", "rdf")
}


def create_app(config: ServerConfig) -> Starlette:
    """The server for the current build of the project in ``config``."""
    runtime = Runtime.load(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.pool.close()

    routes = [
        Route("/", landing.landing, methods=["GET", "HEAD"]),
        Route("/id/{path:path}", linked_data.resource, methods=["GET", "HEAD"]),
        Route("/ontology", linked_data.resource, methods=["GET", "HEAD"]),
        Route("/ontology.{suffix}", linked_data.resource, methods=["GET", "HEAD"]),
        Route("/graph/{name}", linked_data.named_graph, methods=["GET", "HEAD"]),
        Route("/browse", landing.browse, methods=["GET", "HEAD"]),
        Route("/dumps", downloads.dump_list, methods=["GET", "HEAD"]),
        Route("/dumps/", downloads.dump_list, methods=["GET", "HEAD"]),
        Route("/dumps/{name}", downloads.dump_file, methods=["GET", "HEAD"]),
        Route("/.well-known/void", downloads.void, methods=["GET", "HEAD"]),
        Route("/catalog", downloads.catalog, methods=["GET", "HEAD"]),
        Route("/sitemap.xml", downloads.sitemap, methods=["GET", "HEAD"]),
        Route("/sitemap-{number:int}.xml", downloads.sitemap_part, methods=["GET", "HEAD"]),
        Route("/robots.txt", downloads.robots, methods=["GET", "HEAD"]),
        Route("/sparql", sparql, methods=["GET", "HEAD", "POST"]),
        Route("/queries", query_list, methods=["GET", "HEAD"]),
        Route("/queries/", query_list, methods=["GET", "HEAD"]),
        Route("/queries.json", query_list, methods=["GET", "HEAD"]),
        Route("/queries/{name}", canned_query, methods=["GET", "HEAD"]),
        Route("/queries/{name}/values/{param}", canned_values, methods=["GET", "HEAD"]),
        Route("/openapi.json", openapi, methods=["GET", "HEAD"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
            allow_headers=["Accept", "Accept-Language", "Content-Type", "If-None-Match"],
            expose_headers=EXPOSED_HEADERS,
            max_age=86400,
        ),
        Middleware(GZipMiddleware, minimum_size=1024),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={
            HttpError: http_error,
            HTTPException: starlette_error,
            Exception: internal_error,
        },
    )
    app.state.runtime = runtime
    return app


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept")
    # JSON first: a client that accepts anything (curl, libraries) gets the API's JSON.
    return bool(accept) and negotiate(accept, ["application/json", HTML]) == HTML


# --- errors ----------------------------------------------------------------------------------


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HttpError)
    if _wants_html(request):
        return render(
            "error.html",
            status=exc.status,
            headers=exc.headers,
            lang=language_of(request),
            error=exc,
            request=request,
        )
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


async def starlette_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codes = {404: "not-found", 405: "method-not-allowed", 413: "content-too-large"}
    code = codes.get(exc.status_code, "bad-request")
    message = {
        "not-found": f"nothing at {request.url.path}",
        "method-not-allowed": f"{request.method} is not allowed on {request.url.path}",
    }.get(code, str(exc.detail))
    return await http_error(request, HttpError(code, message, headers=dict(exc.headers or {})))


async def internal_error(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    error = HttpError("internal", "an internal error: this is a bug in sdglod, please report it")
    return JSONResponse(error.body(), status_code=500)


# --- pages and the endpoint ------------------------------------------------------------------


async def sparql(request: Request) -> Response:
    runtime = runtime_of(request)
    parsed = await read_protocol_request(request, runtime.config.body_limit)
    accept = request.headers.get("accept")
    if parsed.query is None:
        if request.method == "POST":
            raise HttpError("bad-request", "no query= in the request", hint="send query=SELECT …")
        endpoint = str(request.url.replace(query=""))
        described = describe_service(runtime, endpoint, accept, parsed.format)
        if described is None:
            return await query_page(request, runtime, parsed)
        body, media_type = described
        return Response(body, media_type=media_type, headers={"Vary": "Accept"})
    kind = query_kind(parsed.query, runtime.config.allowed_services)
    fmt = choose_format(kind, accept, parsed.format, html=request.method != "POST")
    timeout = runtime.time_limit(parsed.timeout)
    if fmt is None:
        return await query_page(request, runtime, parsed, kind, timeout)
    return await runtime.respond(request, job_for(runtime, parsed, fmt), fmt, timeout)


async def _result_table(
    runtime: Runtime,
    job: QueryJob,
    kind: str | None,
    lang: str,
    timeout: float,
    link_lang: str | None = None,
) -> tuple[Table, bool]:
    """Run ``job`` for a page: the table with labels in ``lang``, and whether it was cut."""
    graph = kind == GRAPH
    job = dataclasses.replace(job, format="nt" if graph else "json")
    answer = await runtime.answer(job, timeout)
    result: Result
    if graph:
        result = graph_from_bytes(answer.body, "application/n-triples")
    else:
        result = from_sparql_json(answer.body)
    labels = await _labels(runtime, result, lang, timeout)
    prefixes = dict(runtime.vocabulary.prefixes)
    return table(result, labels, prefixes, lambda iri: runtime.link(iri, link_lang)), (
        answer.truncated
    )


async def _labels(runtime: Runtime, result: Result, lang: str, timeout: float) -> dict[str, str]:
    iris = iris_in(result)[:2000]
    answers = []
    for text in label_queries(iris, lang):
        answer = await runtime.answer(QueryJob(text, "json", runtime.config.row_limit), timeout)
        answers.append(from_sparql_json(answer.body))
    return labels_from(answers)


def _download_formats(kind: str | None) -> list[str]:
    return ["ttl", "jsonld", "nt", "rdf"] if kind == GRAPH else ["csv", "json", "tsv", "xml"]


def _sparql_downloads(query: str, kind: str | None) -> list[tuple[str, str]]:
    return [
        (RESULT_FORMATS[name].label, "/sparql?" + urlencode({"query": query, "format": name}))
        for name in _download_formats(kind)
    ]


def _canned_downloads(name: str, given: dict[str, str], kind: str | None) -> list[tuple[str, str]]:
    search = ("?" + urlencode(given)) if given else ""
    return [
        (RESULT_FORMATS[fmt].label, f"/queries/{name}.{fmt}{search}")
        for fmt in _download_formats(kind)
    ]


async def query_page(
    request: Request,
    runtime: Runtime,
    parsed: ProtocolRequest,
    kind: str | None = None,
    timeout: float | None = None,
) -> Response:
    """The query editor; with a query, also its results (or its error) below."""
    lang = language_of(request)
    context: dict = {
        "lang": lang,
        "request": request,
        "runtime": runtime,
        "query": parsed.query or _first_example(runtime),
        "examples": sorted(runtime.queries.values(), key=lambda q: q.name),
        "examples_map": {q.name: _example_text(runtime, q) for q in runtime.queries.values()},
        "table": None,
        "error": None,
        "truncated": False,
        "downloads": [],
    }
    status = 200
    if parsed.query is not None:
        context["downloads"] = _sparql_downloads(parsed.query, kind)
        context["share"] = "/sparql?" + urlencode({"query": parsed.query})
        job = job_for(runtime, parsed, RESULT_FORMATS["json"])
        timeout = timeout or runtime.config.timeout
        status = await _show_results(context, request, runtime, job, kind, timeout)
    return render("query.html", status=status, **context)


async def _show_results(
    context: dict,
    request: Request,
    runtime: Runtime,
    job: QueryJob,
    kind: str | None,
    timeout: float,
) -> int:
    """Put ``job``'s result table into a page's ``context``, or the error the reader caused
    (or a time-out / busy pool, which the page explains); the page's status."""
    lang = str(context["lang"])
    try:
        context["table"], context["truncated"] = await _result_table(
            runtime, job, kind, lang, timeout, link_language(request, runtime, lang)
        )
    except HttpError as err:
        if err.status >= 500 and err.code not in ("timeout", "busy"):
            raise
        context["error"] = err
        return err.status
    return 200


def _example_text(runtime: Runtime, query: CannedQuery) -> str:
    """A canned query as an example to edit: its parameters bound to their defaults by a
    VALUES block (the way a remote endpoint gets them), so that it runs as it is."""
    try:
        bindings = query.bind({}, runtime.base, runtime.vocabulary.prefixes)
        return insert_values(query.text, {name: str(term) for name, term in bindings.items()})
    except (QueryError, SparqlTextError):
        return query.text


def _first_example(runtime: Runtime) -> str:
    return "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)"


# --- canned queries --------------------------------------------------------------------------


async def query_list(request: Request) -> Response:
    runtime = runtime_of(request)
    queries = sorted(runtime.queries.values(), key=lambda q: q.name)
    as_json = request.url.path.endswith(".json") or not _wants_html(request)
    if as_json:
        listing = [{**q.to_dict(), "url": f"/queries/{q.name}"} for q in queries]
        return JSONResponse({"queries": listing}, headers={"Vary": "Accept"})
    lang = language_of(request)
    static = runtime.config.static_site
    return render(
        "queries.html",
        lang=lang,
        request=request,
        runtime=runtime,
        queries=queries,
        query_link=lambda name: (
            f"/queries/{name}{'.en' if lang == 'en' else ''}.html"
            if static
            else f"/queries/{name}?lang={lang}"
        ),
    )


def _split_suffix(name: str) -> tuple[str, str | None]:
    for suffix, fmt in CANNED_SUFFIXES.items():
        if name.endswith(suffix):
            return name[: -len(suffix)], fmt
    if name.endswith(".html"):
        return name[:-5], "html"
    if name.endswith(".rq"):
        return name[:-3], "rq"
    return name, None


async def canned_query(request: Request) -> Response:
    runtime = runtime_of(request)
    name, suffix = _split_suffix(request.path_params["name"])
    query = runtime.queries.get(name)
    if query is None:
        raise HttpError(
            "not-found",
            f"there is no canned query {name!r}",
            hint=f"the queries are listed at /queries ({', '.join(sorted(runtime.queries))})",
        )
    if suffix == "rq":
        return Response(query.text, media_type="application/sparql-query; charset=utf-8")
    given = _parameters(request)
    if "lang" not in query.parameter_names:
        given.pop("lang", None)  # then ?lang= only chooses the language of the page
    try:
        prepared = query.prepare(given, runtime.base, runtime.vocabulary.prefixes, http_listing)
        bindings = await _checked(runtime, prepared)
    except QueryError as err:
        if suffix == "html" or (suffix is None and _wants_html(request)):
            return await canned_page(request, runtime, query, given, err)
        raise HttpError("bad-parameter", err.message, hint=err.hint) from None
    kind = {"SELECT": "solutions", "ASK": "boolean"}.get(query.form, GRAPH)
    fmt: ResultSerialisation | None
    if suffix == "html":
        fmt = None
    elif suffix is not None:
        fmt = choose_format(kind, None, suffix)
    else:
        fmt = choose_format(kind, request.headers.get("accept"), None, html=True)
    job = QueryJob(
        query.text,
        (fmt.name if fmt else "json"),
        runtime.config.row_limit,
        {name: str(term) for name, term in bindings.items()},
        base=runtime.base,
    )
    if fmt is None:
        return await canned_page(request, runtime, query, given, None, job, kind)
    return await runtime.respond(request, job, fmt, runtime.config.timeout)


async def _checked(runtime: Runtime, prepared: Prepared) -> dict:
    """The bindings of ``prepared`` with every given value checked against the data (and found
    by name, if need be): each check's probes run as query jobs, like any other query."""

    async def run(probe: Probe) -> Result:
        bindings = {name: str(term) for name, term in probe.bindings.items()}
        job = QueryJob(probe.text, "json", READ_AT_MOST, bindings, base=runtime.base)
        return from_sparql_json((await runtime.answer(job, runtime.config.timeout)).body)

    return await resolve_async(prepared.bindings, prepared.checks, run)


async def canned_values(request: Request) -> Response:
    """Every valid value of a canned query's parameter, as a query result in any format."""
    runtime = runtime_of(request)
    name = request.path_params["name"]
    param, suffix = _split_suffix(request.path_params["param"])
    query = runtime.queries.get(name)
    parameter = query.parameter(param) if query is not None else None
    if query is None or parameter is None or parameter.values_where is None:
        raise HttpError(
            "not-found",
            f"there is no list of values for {param!r} of {name!r}",
            hint="the parameters with a list of values are in /openapi.json",
        )
    accept = None if suffix else request.headers.get("accept")
    fmt = choose_format(SOLUTIONS, accept, suffix) or RESULT_FORMATS["json"]
    text = listing_text(prologue(query.text), param, parameter.values_where)
    job = QueryJob(text, fmt.name, runtime.config.row_limit, base=runtime.base)
    return await runtime.respond(request, job, fmt, runtime.config.timeout)


def _parameters(request: Request) -> dict[str, str]:
    given: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in given:
            raise HttpError("bad-parameter", f"{key}= is given more than once", hint="give it once")
        if value != "":  # an empty form field means: use the default
            given[key] = value
    return given


async def canned_page(
    request: Request,
    runtime: Runtime,
    query: CannedQuery,
    given: dict[str, str],
    problem: QueryError | None,
    job: QueryJob | None = None,
    kind: str | None = None,
) -> Response:
    lang = language_of(request)
    context: dict = {
        "lang": lang,
        "request": request,
        "runtime": runtime,
        "query": query,
        "given": given,
        "types": PARAM_TYPES,
        "table": None,
        "error": None,
        "truncated": False,
        "downloads": [],
    }
    status = 200
    if problem is not None:
        context["error"] = HttpError("bad-parameter", problem.message, hint=problem.hint)
        status = 400
    elif job is not None:
        # A static site has each result once, with the defaults: its links carry no values.
        shown = {} if runtime.config.static_site else given
        context["downloads"] = _canned_downloads(query.name, shown, kind)
        status = await _show_results(context, request, runtime, job, kind, runtime.config.timeout)
    return render("canned.html", status=status, **context)


async def openapi(request: Request) -> Response:
    runtime = runtime_of(request)
    document = openapi_document(runtime, str(request.base_url).rstrip("/"), ERROR_CODES)
    return JSONResponse(document)


__all__ = ["create_app"]

"""The ASGI application: routes, middleware (security headers, the pinning of each request to
one build, CORS, gzip), the error handlers, and the SPARQL endpoint's query page."""

from __future__ import annotations

import contextlib
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
from starlette.types import ASGIApp, Receive, Scope, Send

from ..rdf.formats import RESULT_FORMATS
from . import canned, downloads, landing, ldes, linked_data, profiles, workbench
from .config import ServerConfig
from .describing import language_of, public_root, runtime_of
from .endpoint import (
    ProtocolRequest,
    choose_format,
    describe_service,
    job_for,
    query_kind,
    read_protocol_request,
    wants_html,
)
from .errors import ERROR_CODES, HttpError
from .follow import BuildFollower, PinRuntime
from .health import health
from .limits import user_query
from .openapi import openapi_document
from .pages import STATIC, render
from .replay import Replay
from .result_pages import show_results, sparql_downloads
from .runtime import RUNTIME_KEY, Runtime
from .security import SecurityHeaders

log = logging.getLogger("sdglod.web")
EXPOSED_HEADERS = [
    "ETag",
    "Link",
    "Content-Profile",
    "Sdglod-Truncated",
    "Sdglod-Row-Limit",
    "Sdglod-Result-Size",
]


def create_app(config: ServerConfig) -> Starlette:
    """The server for the current build of the project in ``config`` (and, as ``sdglod build``
    makes new ones, for each new build: see :mod:`.follow`)."""
    follower = BuildFollower(config, Runtime.load(config))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await follower.start()
        try:
            yield
        finally:
            await follower.close()

    app = Starlette(
        routes=_routes(),
        middleware=_middleware(follower),
        lifespan=lifespan,
        exception_handlers={
            HttpError: http_error,
            HTTPException: starlette_error,
            Exception: internal_error,
        },
    )
    app.state.follower = follower
    app.state.runtime = follower.current  # the newest; a request uses the one it is pinned to

    def switched(runtime: Runtime) -> None:
        app.state.runtime = runtime

    follower.on_switch = switched
    return app


def _routes() -> list[Route | Mount]:
    read = ["GET", "HEAD"]
    return [
        Route("/", landing.landing, methods=read),
        Route("/id/{path:path}", linked_data.resource, methods=read),
        Route("/ontology", linked_data.resource, methods=read),
        Route("/ontology.{suffix}", linked_data.resource, methods=read),
        Route("/graph/{name}", linked_data.named_graph, methods=read),
        Route("/browse", landing.browse, methods=read),
        Route("/dumps", downloads.dump_list, methods=read),
        Route("/dumps/", downloads.dump_list, methods=read),
        Route("/dumps/{name}", downloads.dump_file, methods=read),
        Route("/.well-known/void", downloads.void, methods=read),
        Route("/catalog", downloads.catalog, methods=read),
        Route("/profile/{token}", profiles.profile_document, methods=read),
        Route("/sitemap.xml", downloads.sitemap, methods=read),
        Route("/sitemap-{number:int}.xml", downloads.sitemap_part, methods=read),
        Route("/robots.txt", downloads.robots, methods=read),
        Route("/ldes", ldes.stream, methods=read),
        Route("/ldes.{suffix}", ldes.stream, methods=read),
        Route("/ldes/{rest:path}", ldes.stream, methods=read),
        Route("/sparql", sparql, methods=[*read, "POST"]),
        Route("/sparql/terms.json", workbench.terms, methods=read),
        Route("/sparql/lookup.json", workbench.lookup, methods=read),
        Route("/queries", canned.query_list, methods=read),
        Route("/queries/", canned.query_list, methods=read),
        Route("/queries.json", canned.query_list, methods=read),
        Route("/queries/{name}", canned.canned_query, methods=read),
        Route("/queries/{name}/values/{param}", canned.canned_values, methods=read),
        Route("/openapi.json", openapi, methods=read),
        Route("/health", health, methods=read),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def _middleware(follower: BuildFollower) -> list[Middleware]:
    return [
        Middleware(SecurityHeaders),  # first: on every answer, whatever made it
        Middleware(NoControlCharacters),
        Middleware(PinRuntime, follower=follower),
        # Inside the pin (a runtime's replies), outside CORS and gzip (kept as sent).
        Middleware(Replay, replies_of=lambda scope: scope[RUNTIME_KEY].replies),
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
            allow_headers=[
                "Accept",
                "Accept-Language",
                "Accept-Profile",
                "Content-Type",
                "If-None-Match",
            ],
            expose_headers=EXPOSED_HEADERS,
            max_age=86400,
        ),
        Middleware(GZipMiddleware, minimum_size=1024),
    ]


class NoControlCharacters:
    """A path with a control character (``%0A``…) names nothing here: 404 before routing —
    Starlette's route patterns end in ``$``, which also matches before a final newline, so
    ``/dumps/%0A`` would otherwise be the list of dumps."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
            error = HttpError("not-found", f"nothing at {path!r}", hint="see the home page")
            await JSONResponse(error.body(), status_code=404)(scope, receive, send)
            return
        await self.app(scope, receive, send)


# --- errors ----------------------------------------------------------------------------------


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HttpError)
    if wants_html(request):
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
        endpoint = public_root(runtime) + "sparql"  # never from the Host header
        described = describe_service(runtime, endpoint, accept, parsed.format)
        if described is None:
            return await query_page(request, runtime, parsed)
        body, media_type = described
        return Response(body, media_type=media_type, headers={"Vary": "Accept"})
    kind = query_kind(parsed.query, runtime.config.allowed_services)
    fmt = choose_format(kind, accept, parsed.format, html=request.method != "POST")
    timeout = runtime.time_limit(parsed.timeout)
    # A client's share of the endpoint; its queries run apart from the pages' (limits.py).
    with user_query(request, runtime.config.client_queries):
        if fmt is None:
            return await query_page(request, runtime, parsed, kind, timeout)
        return await runtime.respond(request, job_for(runtime, parsed, fmt), fmt, timeout)


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
        "examples_map": workbench.examples(runtime),
        "table": None,
        "error": None,
        "truncated": False,
        "downloads": [],
    }
    status = 200
    if parsed.query is not None:
        context["downloads"] = sparql_downloads(parsed.query, kind)
        job = job_for(runtime, parsed, RESULT_FORMATS["json"])
        timeout = timeout or runtime.config.timeout
        # A canned query's example, as it is: its header's column headings apply.
        example = workbench.example_named(runtime, parsed.query)
        headings = (lambda name: example.heading(name, lang)) if example else None
        status = await show_results(context, request, runtime, job, kind, timeout, headings)
        # The link keeps the view the reader sees (the chart, when there is one).
        shown = {"view": "chart"} if context.get("chart") and context["view"] == "chart" else {}
        context["share"] = "/sparql?" + urlencode({"query": parsed.query, **shown})
    return render("query.html", status=status, **context)


def _first_example(runtime: Runtime) -> str:
    return "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)"


async def openapi(request: Request) -> Response:
    runtime = runtime_of(request)
    # The public URL if one is set, else "/": relative to wherever the document was read.
    server = (runtime.config.public_url or "/").rstrip("/") or "/"
    document = openapi_document(runtime, server, ERROR_CODES)
    return JSONResponse(document)


__all__ = ["create_app"]

"""Canned queries over HTTP: the list, each query's result in any format or as a page with its
form, pages of a result (:mod:`.paging`), and the values a parameter takes in the data."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..errors import QueryError
from ..query.canned import PARAM_TYPES, CannedQuery, Prepared
from ..query.results import Result, Term, from_sparql_json
from ..query.sparql_text import SparqlTextError, prologue, with_offset
from ..query.values import READ_AT_MOST, Probe, http_listing, listing_text, resolve_async
from ..rdf.formats import GRAPH, RESULT_FORMATS, SOLUTIONS, ResultSerialisation
from .describing import language_of, runtime_of
from .endpoint import choose_format, wants_html
from .errors import HttpError
from .execution.jobs import QueryJob
from .pages import render
from .paging import PAGE_PARAMETERS, Page, link_header, page_links, paged_job, requested_page
from .result_pages import download_formats, show_results
from .runtime import Runtime
from .workbench import editor_text

PAGE_OWN = ("lang", "view")  # the page's own parameters, unless the query has one so named
CANNED_SUFFIXES = {
    "." + name: name for name in ("json", "csv", "tsv", "xml", "ttl", "nt", "jsonld", "rdf")
}


async def query_list(request: Request) -> Response:
    runtime = runtime_of(request)
    queries = sorted(runtime.queries.values(), key=lambda q: q.name)
    as_json = request.url.path.endswith(".json") or not wants_html(request)
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


def split_suffix(name: str) -> tuple[str, str | None]:
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
    name, suffix = split_suffix(request.path_params["name"])
    query = runtime.queries.get(name)
    if query is None:
        raise HttpError(
            "not-found",
            f"there is no canned query {name!r}",
            hint=f"the queries are listed at /queries ({', '.join(sorted(runtime.queries))})",
        )
    if suffix == "rq":
        return Response(query.text, media_type="application/sparql-query; charset=utf-8")
    # ?lang= and ?view= choose how the page shows, unless the query has a parameter so named.
    given = {k: v for k, v in _parameters(request).items() if k not in _own(query)}
    page = None
    if not set(PAGE_PARAMETERS) & set(query.parameter_names):  # the query's own names win
        page = requested_page(given, runtime.config.row_limit)
        for reserved in PAGE_PARAMETERS:
            given.pop(reserved, None)
    try:
        prepared = query.prepare(given, runtime.base, runtime.vocabulary.prefixes, http_listing)
        bindings = await _checked(runtime, prepared)
    except QueryError as err:
        if suffix == "html" or (suffix is None and wants_html(request)):
            return await canned_page(request, runtime, query, given, None, err)
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
        bounded=pins_a_resource(query, bindings),
    )
    if page is not None:
        if kind != SOLUTIONS:
            raise HttpError(
                "bad-parameter",
                f"limit and offset page the solutions of a SELECT; {query.name!r} is a "
                f"{query.form}",
                hint="leave out limit and offset",
            )
        job = paged_job(job, page)
    if fmt is None:
        return await canned_page(request, runtime, query, given, bindings, None, job, kind, page)
    response = await runtime.respond(request, job, fmt, runtime.config.timeout)
    more = response.headers.get("sdglod-truncated") == "true"
    links = _neighbours(request, job, page, more)
    if links:
        response.headers["Link"] = link_header(links)
    return response


def _own(query: CannedQuery) -> set[str]:
    """The page's own parameters that are not also ``query``'s."""
    return set(PAGE_OWN) - set(query.parameter_names)


def pins_a_resource(query: CannedQuery, bindings: Mapping[str, object]) -> bool:
    """Whether ``bindings`` give ``query`` a resource (an IRI or an SDG code) to look up: then
    its cost is bounded by what the data says about that resource, and it may run in the
    server process (see :mod:`.execution.in_process`)."""
    for name in bindings:
        parameter = query.parameter(name)
        if parameter is not None and parameter.type in ("iri", "sdg-code"):
            return True
    return False


def _neighbours(request: Request, job: QueryJob, page: Page | None, more: bool) -> dict:
    """The pages next to this answer; for a whole result cut at the row limit, the page
    that goes on after it (if the query can be paged)."""
    if page is None:
        if not more:
            return {}
        try:
            with_offset(job.query, job.limit)
        except SparqlTextError:
            return {}
        page = Page(job.limit, 0)
    return page_links(request.url.path, dict(request.query_params), page, more)


async def _checked(runtime: Runtime, prepared: Prepared) -> dict:
    """The bindings of ``prepared`` with every given value checked against the data (and found
    by name, if need be): each check's probes run as query jobs, like any other query."""

    async def run(probe: Probe) -> Result:
        bindings = {name: str(term) for name, term in probe.bindings.items()}
        # A check of given values: a lookup of them, if there are any.
        job = QueryJob(
            probe.text, "json", READ_AT_MOST, bindings, base=runtime.base, bounded=bool(bindings)
        )
        return from_sparql_json((await runtime.answer(job, runtime.config.timeout)).body)

    return await resolve_async(prepared.bindings, prepared.checks, run)


async def canned_values(request: Request) -> Response:
    """Every valid value of a canned query's parameter, as a query result in any format."""
    runtime = runtime_of(request)
    name = request.path_params["name"]
    param, suffix = split_suffix(request.path_params["param"])
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
    bindings: Mapping[str, Term] | None,
    problem: QueryError | None,
    job: QueryJob | None = None,
    kind: str | None = None,
    page: Page | None = None,
) -> Response:
    """The HTML page of a canned query: its form, its text with the values ``bindings`` give it
    (one click from the query editor), and the result (a page of it, if asked) or the error its
    parameters gave."""
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
        "editor": None,
    }
    if not runtime.config.static_site:  # a static site has no query editor
        text = editor_text(runtime, query, bindings)
        context["editor"] = "/sparql?" + urlencode({"query": text, "lang": lang})
    status = 200
    if problem is not None:
        context["error"] = HttpError("bad-parameter", problem.message, hint=problem.hint)
        status = 400
    elif job is not None:
        # A static site has each result once, with the defaults: its links carry no values.
        shown = {} if runtime.config.static_site else given
        context["downloads"] = canned_downloads(query.name, shown, kind)
        status = await show_results(
            context,
            request,
            runtime,
            job,
            kind,
            runtime.config.timeout,
            lambda name: query.heading(name, lang),
        )
        if status == 200 and not runtime.config.static_site:
            context["pages"] = _neighbours(request, job, page, bool(context["truncated"]))
            context["first_row"] = (page.offset if page else 0) + 1
    return render("canned.html", status=status, **context)


def canned_downloads(name: str, given: dict[str, str], kind: str | None) -> list[tuple[str, str]]:
    """(label, URL) of the canned query's result, with the values ``given``, in each format."""
    search = ("?" + urlencode(given)) if given else ""
    return [
        (RESULT_FORMATS[fmt].label, f"/queries/{name}.{fmt}{search}")
        for fmt in download_formats(kind)
    ]

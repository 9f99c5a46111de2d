"""``/sparql``: the SPARQL 1.1 Protocol, query operation only.

GET with ``query=``; POST form-encoded or ``application/sparql-query``; ``default-graph-uri`` and
``named-graph-uri`` choose the dataset; ``Accept`` or ``format=`` choose the result format
(:func:`choose_format`); ``timeout=`` asks for a lower time limit. Without a query: the Service
Description for machines, the query page for browsers. Updates and federated queries
(``SERVICE``, unless the operator allows the endpoint) are refused before anything runs.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

from pyoxigraph import BlankNode, Literal, NamedNode, Quad
from starlette.requests import Request

from ..query.execute import ServiceRefused, UpdateRefused, check_query, check_services
from ..query.sparql_text import SparqlTextError, operation, tokens
from ..rdf.formats import (
    BOOLEAN,
    GRAPH,
    RDF_FORMATS,
    RESULT_FORMATS,
    SOLUTIONS,
    ResultSerialisation,
    negotiate,
)
from ..rdf.namespaces import FORMATS, RDF_TYPE, SD, VOID, XSD_INTEGER
from ..rdf.writer import Dumper
from .errors import HttpError
from .execution.jobs import QueryJob
from .runtime import Runtime, content_type

HTML = "text/html"
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
# The W3C formats a SPARQL endpoint offers, in the order of preference when the client says */*.
ENDPOINT_FORMATS = {
    SOLUTIONS: ["json", "xml", "csv", "tsv"],
    BOOLEAN: ["json", "xml", "csv", "tsv"],
    GRAPH: ["ttl", "nt", "jsonld", "rdf"],
}
# What clients (SPARQLWrapper, YASGUI, Virtuoso users) put in format=, by kind of result.
FORMAT_ALIASES = {
    SOLUTIONS: {"sparql-results+json": "json", "sparql-results+xml": "xml"},
    BOOLEAN: {"sparql-results+json": "json", "sparql-results+xml": "xml"},
    GRAPH: {
        "turtle": "ttl",
        "ntriples": "nt",
        "n-triples": "nt",
        "json-ld": "jsonld",
        "json": "jsonld",
        "xml": "rdf",
        "rdfxml": "rdf",
        "rdf+xml": "rdf",
    },
}
KIND_OF_FORM = {"SELECT": SOLUTIONS, "ASK": BOOLEAN, "CONSTRUCT": GRAPH, "DESCRIBE": GRAPH}
# The parameters clients name a result format with: Virtuoso reads format=, Fuseki and Joseki
# output=, some stores results=; SPARQLWrapper sends all three.
FORMAT_PARAMETERS = ("format", "output", "results")


@dataclass(frozen=True)
class ProtocolRequest:
    """The protocol parameters of one request."""

    query: str | None
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    format: tuple[str, ...]  # every format=, output= and results= value, in order
    timeout: str | None


def _single(pairs: list[tuple[str, str]], name: str) -> str | None:
    values = [value for key, value in pairs if key == name]
    if len(values) > 1:
        raise HttpError("bad-request", f"{name}= is given {len(values)} times", hint="give it once")
    return values[0] if values else None


def _graphs(pairs: list[tuple[str, str]], name: str) -> tuple[str, ...] | None:
    values = tuple(value for key, value in pairs if key == name)
    for value in values:
        try:
            NamedNode(value)
        except ValueError:
            raise HttpError("bad-request", f"{name}={value!r} is not an IRI") from None
    return values or None


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HttpError("content-too-large", f"the request body is over {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise HttpError("content-too-large", f"the request body is over {limit} bytes")
    return bytes(body)


def _charset_is_utf8(content_type_header: str) -> bool:
    for parameter in content_type_header.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower() in ("utf-8", "utf8")
    return True


async def read_protocol_request(request: Request, body_limit: int) -> ProtocolRequest:
    """The protocol parameters of a GET or POST request (405 for other methods)."""
    url_pairs = parse_qsl(request.url.query, keep_blank_values=True)
    if request.method in ("GET", "HEAD"):
        pairs = url_pairs
    elif request.method == "POST":
        header = request.headers.get("content-type", "")
        media_type = header.split(";", 1)[0].strip().lower()
        body = await read_body(request, body_limit)
        if media_type == FORM:
            if not _charset_is_utf8(header):
                raise HttpError("unsupported-media-type", f"{header} is not UTF-8")
            pairs = url_pairs + parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        elif media_type == SPARQL_QUERY:
            if not _charset_is_utf8(header):
                raise HttpError(
                    "unsupported-media-type",
                    f"the content type {header!r} is not supported: queries are UTF-8",
                    hint=f"send {SPARQL_QUERY}; charset=utf-8",
                )
            if any(key == "query" for key, _ in url_pairs):
                raise HttpError("bad-request", "a query in the body and in the URL")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise HttpError("bad-request", "the query is not valid UTF-8") from None
            pairs = [*url_pairs, ("query", text)]
        else:
            shown = header or "no content type"
            raise HttpError(
                "unsupported-media-type",
                f"the content type {shown!r} is not supported",
                hint=f"POST {SPARQL_QUERY} or {FORM} with query=",
            )
    else:
        raise HttpError(
            "method-not-allowed",
            f"{request.method} is not allowed on the SPARQL endpoint",
            hint="use GET or POST (the endpoint is read-only)",
            headers={"Allow": "GET, HEAD, POST, OPTIONS"},
        )
    if any(key == "update" for key, _ in pairs):
        raise HttpError("update-refused", "SPARQL Update is refused: the endpoint is read-only")
    return ProtocolRequest(
        query=_single(pairs, "query"),
        default_graphs=_graphs(pairs, "default-graph-uri"),
        named_graphs=_graphs(pairs, "named-graph-uri"),
        format=tuple(value for key, value in pairs if key in FORMAT_PARAMETERS and value),
        timeout=_single(pairs, "timeout"),
    )


def wants_html(request: Request) -> bool:
    """Whether the client prefers a page to the API's JSON (a browser does; a client that
    accepts anything, such as curl or a library, gets JSON)."""
    accept = request.headers.get("accept")
    return bool(accept) and negotiate(accept, ["application/json", HTML]) == HTML


def _only_comments(text: str) -> bool:
    """Whether ``text`` holds nothing but white space and ``#`` comments."""
    try:
        return next(tokens(text), None) is None
    except SparqlTextError:
        return False  # an unclosed string is something: the engine says what is wrong


_SERVICE_HINT = "ask the operator to allow the endpoint (sdglod serve --allow-service URL)"


def query_kind(text: str, allowed_services: tuple[str, ...]) -> str | None:
    """The kind of result ``text`` gives (solutions, boolean, graph); refuses updates and
    federated queries before a worker is asked (the same checks as every query's, in
    :func:`~sdglod.query.execute.run_query`). ``None`` if the text cannot be read lexically
    (the engine will say)."""
    if _only_comments(text):
        # A store sent nothing but comments may fail as a server (Virtuoso does): ours to say.
        raise HttpError("bad-request", "the query is empty", hint="give query=SELECT …")
    try:
        check_query(text)
        check_services(text, allowed_services)
    except (UpdateRefused, ServiceRefused) as err:
        where = err.location
        raise HttpError(
            err.code,
            err.message,
            hint=_SERVICE_HINT if isinstance(err, ServiceRefused) else err.hint,
            line=where.line if where else None,
            column=where.column if where else None,
        ) from None
    try:
        return KIND_OF_FORM.get(operation(text) or "")
    except SparqlTextError:
        return None


def choose_format(
    kind: str | None, accept: str | None, asked: Sequence[str] | str | None, html: bool = False
) -> ResultSerialisation | None:
    """The result format: the first ``format=``/``output=``/``results=`` value (a name, an
    alias or a media type) that names a format offered for this kind of result, else the best
    one ``Accept`` allows.

    As in Fuseki and Virtuoso, a format parameter wins over ``Accept``; values that name
    nothing offered (``format=n3``, or a second spelling such as SPARQLWrapper sends) are
    passed over, so that a client that also sends a usable ``Accept`` gets an answer. ``None``
    means HTML (only if ``html`` is offered); 406 if nothing fits.
    """
    names = ENDPOINT_FORMATS.get(kind or SOLUTIONS, ENDPOINT_FORMATS[SOLUTIONS])
    offered = [RESULT_FORMATS[name] for name in names]
    asked = (asked,) if isinstance(asked, str) else tuple(asked or ())
    found = _named_format(offered, asked, FORMAT_ALIASES[kind or SOLUTIONS])
    if found is not None:
        return found
    types = [f.media_type for f in offered] + ([HTML] if html else [])
    if asked and _wildcard(accept):
        # Nothing but a format parameter says what the client wants, and it names nothing.
        raise HttpError(
            "not-acceptable",
            f"format={asked[0]!r} cannot carry this result",
            hint=f"use one of: {', '.join(f.name for f in offered)}",
        )
    chosen = negotiate(accept, types)
    if chosen is None:
        raise HttpError(
            "not-acceptable",
            f"none of the formats that Accept: {accept} allows can carry this result",
            hint=f"accept one of: {', '.join(types)}",
        )
    return None if chosen == HTML else next(f for f in offered if f.media_type == chosen)


def _named_format(
    offered: list[ResultSerialisation], asked: Sequence[str], aliases: dict[str, str]
) -> ResultSerialisation | None:
    for value in asked:
        name = value.split(";", 1)[0].strip().lower()
        name = aliases.get(name, name)
        found = next((f for f in offered if name in (f.name, f.media_type)), None)
        if found is not None:
            return found
    return None


def _wildcard(accept: str | None) -> bool:
    """Whether ``Accept`` says nothing in particular (absent, or only ``*/*``)."""
    types = [part.split(";", 1)[0].strip() for part in (accept or "").split(",")]
    return all(t in ("", "*/*") for t in types)


def job_for(runtime: Runtime, parsed: ProtocolRequest, fmt: ResultSerialisation) -> QueryJob:
    assert parsed.query is not None
    return QueryJob(
        query=parsed.query,
        format=fmt.name,
        limit=runtime.config.row_limit,
        default_graphs=parsed.default_graphs,
        named_graphs=parsed.named_graphs,
        base=runtime.base,  # <id/event/…> means what it means in the data's Turtle
    )


# --- Service Description ---------------------------------------------------------------------

_FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "ttl": "Turtle",
    "nt": "N-Triples",
    "jsonld": "JSON-LD",
    "rdf": "RDF_XML",
}


def service_description(endpoint: str, graph_sizes: dict[str, int]) -> list[Quad]:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``."""
    service = NamedNode(endpoint)
    quads: list[Quad] = []

    def add(subject: NamedNode | BlankNode, predicate: str, obj: object) -> None:
        quads.append(Quad(subject, NamedNode(predicate), obj))  # type: ignore[arg-type]

    add(service, RDF_TYPE, NamedNode(SD + "Service"))
    add(service, SD + "endpoint", service)
    add(service, SD + "supportedLanguage", NamedNode(SD + "SPARQL11Query"))
    add(service, SD + "feature", NamedNode(SD + "UnionDefaultGraph"))
    for name in _FORMAT_IRIS.values():
        add(service, SD + "resultFormat", NamedNode(FORMATS + name))
    dataset, default = BlankNode("dataset"), BlankNode("default")
    add(service, SD + "defaultDataset", dataset)
    add(dataset, RDF_TYPE, NamedNode(SD + "Dataset"))
    add(dataset, SD + "defaultGraph", default)
    add(default, RDF_TYPE, NamedNode(SD + "Graph"))
    total = sum(graph_sizes.values())
    add(default, VOID + "triples", Literal(str(total), datatype=NamedNode(XSD_INTEGER)))
    for number, (graph, size) in enumerate(sorted(graph_sizes.items())):
        named, description = BlankNode(f"named{number}"), BlankNode(f"graph{number}")
        add(dataset, SD + "namedGraph", named)
        add(named, RDF_TYPE, NamedNode(SD + "NamedGraph"))
        add(named, SD + "name", NamedNode(graph))
        add(named, SD + "graph", description)
        add(description, RDF_TYPE, NamedNode(SD + "Graph"))
        add(description, VOID + "triples", Literal(str(size), datatype=NamedNode(XSD_INTEGER)))
    return quads


def describe_service(
    runtime: Runtime, endpoint: str, accept: str | None, asked: Sequence[str] = ()
) -> tuple[bytes, str] | None:
    """The Service Description as bytes and its media type; ``None`` if HTML is preferred.
    Format parameters and ``Accept`` as for results (:func:`choose_format`)."""
    offered = [RDF_FORMATS[name] for name in ("ttl", "nt", "jsonld", "rdf")]
    fmt = _named_format(offered, asked, FORMAT_ALIASES[GRAPH])
    if fmt is None and asked and _wildcard(accept):
        raise HttpError("not-acceptable", f"format={asked[0]!r} is not an RDF format offered")
    if fmt is None:
        chosen = negotiate(accept, [HTML] + [f.media_type for f in offered])
        if chosen is None:
            raise HttpError("not-acceptable", f"no format that Accept: {accept} allows")
        if chosen == HTML:
            return None
        fmt = next(f for f in offered if f.media_type == chosen)
    out = io.BytesIO()
    prefixes = {"sd": SD, "formats": FORMATS, "void": VOID}
    Dumper(service_description(endpoint, runtime.graph_sizes), prefixes, {}).write(fmt, out)
    return out.getvalue(), content_type(fmt.media_type)

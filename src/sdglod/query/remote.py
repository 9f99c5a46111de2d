"""A remote SPARQL 1.1 endpoint as a backend, spoken to with httpx over keep-alive connections.

Queries go as the SPARQL 1.1 Protocol's URL-encoded POST through a client (:func:`open_client`)
that the queries to one endpoint share, a query pool's own or else the process's: connections
are opened once and reused, not once per query (which capped a front end at about 100 queries
a second). Credentials in the endpoint's URL go as Basic authentication and never into a
message (:func:`redact`); a store on the loopback interface is never reached through a proxy
from the environment.

The SPARQL protocol has no way to send parameter bindings, so :class:`RemoteBackend` binds them
in the text: each parameter's term written where the variable occurs (or, where that would not
mean the same, a ``BIND`` at the start of the outermost WHERE group), with every term
written by pyoxigraph in N-Triples syntax (which escapes quotes, ``>`` and the like, and whose
IRIs were checked when the term was made). A value therefore stays one term, whatever it holds.
Answers are read back with pyoxigraph's parsers into the same typed results as the embedded
store's.

Stores differ, and their ways are handled here, in one place:
- a store's default graph may hold graphs of its own (Virtuoso's system graphs, other
  datasets): a query without a dataset of its own is sent with the project's graphs as the
  protocol's default and named graphs, so it sees what the embedded store would;
- Virtuoso 7 answers an ASK in SPARQL JSON as a one-row SELECT of ``__ASK_RETVAL`` (1 or 0);
- Virtuoso writes typed literals as ``"type": "typed-literal"`` (pyoxigraph reads them);
- Virtuoso 7 has no boolean values: ``xsd:boolean(…)`` comes back as ``"1"`` or ``"0"``, valid
  lexical forms that are written here in their canonical form, ``true`` or ``false``, as the
  embedded store gives them (a query's own ``true`` or ``EXISTS`` comes back as an integer, which
  cannot be told from one: portable queries cast with ``xsd:boolean``).
"""

from __future__ import annotations

import atexit
import ipaddress
import os
import re
import ssl
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
from pyoxigraph import Literal, NamedNode

from ..errors import QueryError, RemoteError
from ..project import web_address_problem
from ..version import __version__
from .execute import Backend, QueryOutcome, QueryRequest
from .results import AskResult, SelectResult, Term, cut, from_sparql_json, graph_from_bytes
from .sparql_text import (
    SparqlTextError,
    dataset_clauses,
    inline_bindings,
    insert_binds,
    operation,
    without_dataset_clauses,
)

DEFAULT_TIMEOUT = 60.0  # seconds to wait for an answer
_ACCEPT_RESULTS = "application/sparql-results+json"
_ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.9"
_ENDPOINT_HINT = "check the endpoint URL (the query URL, not the server's home page)"
# Statuses answered as an error of the endpoint, with a hint to check its URL: what a wrong URL
# or wrong credentials get (401, 404), with 414 and 500, as sdglod reported them before.
_ENDPOINT_ERRORS = frozenset({401, 404, 414, 500})
# What a kept-alive connection raises when the store closed it just as a query went out (its
# idle time ran out): the query goes once more, on a new connection. Safe, as queries change
# nothing; a store that really went away then cannot be reached.
_DROPPED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


def open_client(endpoint: str, connections: int | None = None) -> httpx.Client:
    """A keep-alive HTTP client for the store at ``endpoint``, safe to share between threads;
    it keeps up to ``connections`` idle connections open between queries (20 if not given).
    The caller closes it."""
    return httpx.Client(
        headers={
            "User-Agent": f"sdglod/{__version__}",
            # As urllib asked: uncompressed (on loopback, compressing costs both ends CPU).
            "Accept-Encoding": "identity",
        },
        # No cap on connections: the callers' threads bound them (a cap would queue queries).
        limits=httpx.Limits(max_connections=None, max_keepalive_connections=connections or 20),
        follow_redirects=True,  # as urllib did
        # A loopback store is reached directly whatever $http_proxy says; others as urllib
        # reached them: through the environment's proxies, minus $no_proxy.
        trust_env=not _loopback(endpoint),
        verify=ssl.create_default_context(),  # the system's CAs, as urllib used, not certifi's
    )


def _loopback(endpoint: str) -> bool:
    try:
        host = urlsplit(endpoint).hostname or ""
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# One client per endpoint for backends made on their own (the CLI, check_union_graph, the
# library), kept for the life of the process: a pool passes its own client instead. Keyed by
# process too, so that a forked child never shares its parent's sockets.
_shared: dict[tuple[int, str], httpx.Client] = {}
_shared_lock = threading.Lock()


def shared_client(endpoint: str) -> httpx.Client:
    """This process's client for ``endpoint``, made on first use (see :func:`open_client`),
    and again if it was closed."""
    key = (os.getpid(), endpoint)
    with _shared_lock:
        client = _shared.get(key)
        if client is None or client.is_closed:
            client = _shared[key] = open_client(endpoint)
        return client


@atexit.register
def _close_shared() -> None:
    with _shared_lock:
        for client in _shared.values():
            client.close()
        _shared.clear()


def redact(url: str) -> str:
    """``url`` without any user name or password, for messages."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (a port out of range raises here)
    except ValueError:  # malformed (``http://[::1``): cut what could be user information
        return re.sub(r"//[^/?#]*@", "//", url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


def _dataset(
    text: str, request: QueryRequest, graphs: Sequence[str] = (), union_graph: str | None = None
) -> tuple[str, list[str], list[str]]:
    """The text to send and the protocol's dataset: the request's if it gives one (it wins
    over the query's, Protocol §2.1.4), else the query's ``FROM``/``FROM NAMED`` sent as
    protocol parameters — a store whose default graph is the union of its graphs (as sdglod
    asks of one) may ignore ``FROM`` in the text, but not the protocol's dataset — else
    ``graphs`` (the project's) as the named graphs and, as the default graph, ``union_graph``
    (one graph of the store that is their union) or else ``graphs`` themselves."""
    if request.default_graphs is not None or request.named_graphs is not None:
        return (
            without_dataset_clauses(text),
            list(request.default_graphs or ()),
            list(request.named_graphs or ()),
        )
    clauses = dataset_clauses(text)
    if not clauses:
        return text, [union_graph] if union_graph else list(graphs), list(graphs)
    if any(c.graph is None or ":" not in c.graph for c in clauses):
        return text, [], []  # one the store must judge (an undeclared prefix)
    default = [c.graph for c in clauses if not c.named and c.graph]
    named = [c.graph for c in clauses if c.named and c.graph]
    return without_dataset_clauses(text), default, named


class RemoteBackend(Backend):
    """Queries a SPARQL 1.1 endpoint (the query URL, e.g. ``http://127.0.0.1:7878/query``);
    ``graphs`` are the project's named graphs, the dataset of a query that names none, and
    ``union_graph`` a graph of the store that holds their union, asked as the default graph
    instead of the list (Virtuoso 7.2 plans a query over several default graphs badly: a
    resource page of 100k triples took 0.5–0.9 s, over one graph group 10 ms). Queries go
    through ``client`` (from :func:`open_client`; its owner closes it), else through this
    process's :func:`shared_client` for the endpoint."""

    def __init__(
        self,
        endpoint: str,
        timeout: float = DEFAULT_TIMEOUT,
        graphs: Sequence[str] = (),
        union_graph: str | None = None,
        client: httpx.Client | None = None,
    ):
        problem = web_address_problem(endpoint)
        if problem is None:
            try:
                httpx.URL(endpoint)
            except httpx.InvalidURL as err:
                problem = str(err)
        if problem is not None:
            raise RemoteError(
                f"endpoint {redact(endpoint)!r} is not an http(s) URL: {problem}",
                hint="give the query URL, e.g. http://127.0.0.1:7878/query",
            )
        self.endpoint = endpoint
        self.timeout = timeout
        self.graphs = tuple(graphs)
        self.union_graph = union_graph
        self._client = client

    def evaluate(self, request: QueryRequest) -> QueryOutcome:
        """Send ``request`` (see :class:`~sdglod.query.execute.Backend`): the dataset goes as
        the protocol's parameters, and the base IRI as a ``BASE`` in front of the text (on its
        first line, so line numbers stay those of the text)."""
        text = bind_in_text(request.text, request.bindings, request.source)
        text, default_graphs, named_graphs = _dataset(text, request, self.graphs, self.union_graph)
        form = operation(text)
        graph = form in ("CONSTRUCT", "DESCRIBE")
        if request.base:
            text = f"BASE {NamedNode(request.base)} {text}"
        form_data: dict[str, str | list[str]] = {
            "query": text,
            "default-graph-uri": default_graphs,
            "named-graph-uri": named_graphs,
        }
        data, media_type = self._send(form_data, _ACCEPT_GRAPH if graph else _ACCEPT_RESULTS)
        try:
            result = graph_from_bytes(data, media_type) if graph else from_sparql_json(data)
            if form == "ASK" and isinstance(result, SelectResult):
                result = _ask_answer(result)
            elif isinstance(result, SelectResult):
                result = _canonical_booleans(result)
        except (SyntaxError, ValueError) as err:
            problem = str(err)  # e.g. an answer cut short when the store stopped the query
        else:
            # The whole answer has arrived: the protocol cannot ask for less than the query does.
            return QueryOutcome(*cut(result, request.limit))
        # Raised outside the except clause: the parser's exception holds frames with pyoxigraph's
        # result iterator, which must be freed in this thread, not chained to an error that
        # travels to another (pyoxigraph's iterators are unsendable).
        raise RemoteError(
            f"{redact(self.endpoint)} sent an answer that does not parse ({media_type}): {problem}"
        )

    def _send(self, form: dict[str, str | list[str]], accept: str) -> tuple[bytes, str]:
        """The body and media type of the endpoint's answer. A query it cannot parse raises
        ``SyntaxError`` with its own message; anything else that goes wrong is a
        :class:`RemoteError`."""
        client = self._client or shared_client(self.endpoint)
        headers = {"Accept": accept}
        try:
            try:
                response = client.post(
                    self.endpoint, data=form, headers=headers, timeout=self.timeout
                )
            except _DROPPED:
                response = client.post(
                    self.endpoint, data=form, headers=headers, timeout=self.timeout
                )
        except httpx.HTTPError as err:  # refused, unreachable, timed out, cut off
            raise RemoteError(
                f"cannot reach {redact(self.endpoint)}: {str(err) or type(err).__name__}",
                hint="is the server running, and is this its query URL?",
            ) from None
        status = response.status_code
        if response.is_success:
            return response.content, _media_type(response)
        text = _text(response.content)
        if status == 400:  # the store's word for a query it cannot parse
            raise SyntaxError(text or "the store refused the query as malformed")
        if status in _ENDPOINT_ERRORS:
            raise RemoteError(
                f"{redact(self.endpoint)} answered with an error: {text or f'HTTP {status}'}",
                hint=_ENDPOINT_HINT,
            )
        raise RemoteError(f"{redact(self.endpoint)} answered HTTP {status}: {text}")


def _media_type(response: httpx.Response) -> str:
    """The answer's media type, lower case, without parameters (``text/plain`` if none)."""
    value = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    return value if "/" in value else "text/plain"


def _ask_answer(result: SelectResult) -> AskResult:
    """The answer of an ASK that a store sent as solutions: Virtuoso 7's one row of
    ``__ASK_RETVAL``, 1 or 0."""
    if result.variables == ("__ASK_RETVAL",) and len(result.rows) <= 1:
        value = result.rows[0][0] if result.rows else None
        return AskResult(value is not None and value.value not in ("0", "false"))
    raise ValueError(f"an ASK answered with solutions of {', '.join(result.variables)}")


_BOOLEAN = NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_CANONICAL_BOOLEAN = {"1": "true", "0": "false"}


def _canonical_booleans(result: SelectResult) -> SelectResult:
    """``result`` with every ``xsd:boolean`` written ``1`` or ``0`` (Virtuoso's way) as
    ``true`` or ``false``: the same values, in the form the embedded store gives."""

    def canonical(term: Term | None) -> Term | None:
        if isinstance(term, Literal) and term.datatype == _BOOLEAN:
            value = _CANONICAL_BOOLEAN.get(term.value)
            if value is not None:
                return Literal(value, datatype=_BOOLEAN)
        return term

    if not any(
        isinstance(t, Literal) and t.datatype == _BOOLEAN for row in result.rows for t in row
    ):
        return result
    rows = tuple(tuple(canonical(term) for term in row) for row in result.rows)
    return SelectResult(result.variables, rows)


def bind_in_text(sparql: str, bindings: Mapping[str, Term], source: Path | None = None) -> str:
    """``sparql`` with ``bindings`` written in (terms written by pyoxigraph): as constants
    where the variables occur, else as ``BIND``s at the start of the WHERE group."""
    terms = {name: str(term) for name, term in bindings.items()}
    try:
        inlined = inline_bindings(sparql, terms)
        return inlined if inlined is not None else insert_binds(sparql, terms)
    except SparqlTextError as err:
        raise QueryError(
            f"cannot bind parameters for a remote endpoint: {err}",
            hint="give the query an explicit WHERE { … } group",
        ) from None


def _text(data: bytes | str | None) -> str:
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    return " ".join((data or "").split())[:500]


_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def check_union_graph(endpoint: str, graphs: Sequence[str], union_graph: str) -> None:
    """A :class:`RemoteError` unless ``union_graph`` on the store at ``endpoint`` holds as
    many statements as ``graphs`` together (a graph group that lacks one of them would serve
    pages without its statements)."""

    def count(backend: RemoteBackend) -> int:
        result = backend.run(_COUNT)
        first = result.rows[0][0] if isinstance(result, SelectResult) and result.rows else None
        return int(first.value) if first is not None else 0

    listed = count(RemoteBackend(endpoint, graphs=graphs))
    united = count(RemoteBackend(endpoint, graphs=graphs, union_graph=union_graph))
    if united != listed:
        # SQL string literals: an IRI may hold a quote, doubled so the commands stay whole.
        group, members = _sql(union_graph), [_sql(graph) for graph in graphs]
        lines = [f"DB.DBA.RDF_GRAPH_GROUP_CREATE({group}, 1);"]
        lines += [f"DB.DBA.RDF_GRAPH_GROUP_INS({group}, {member});" for member in members]
        raise RemoteError(
            f"the union graph <{union_graph}> holds {united} statements, the project's "
            f"{len(graphs)} graphs {listed}: it must hold exactly them",
            hint="on Virtuoso, as dba in isql-vt: " + " ".join(lines),
        )


def _sql(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"

"""`--endpoint`: the same queries against a real `oxigraph serve` process on 127.0.0.1 give the
same typed results, and so the same bytes in every format, as the embedded store."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import http.server
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from injection import ECHO, TRICKY
from oxigraph_server import HOST, free_port
from pyoxigraph import Literal

from sdglod.cli import cli
from sdglod.errors import ExitCode, QueryError, RemoteError
from sdglod.query.canned import run_canned
from sdglod.query.catalogue import load_queries, parse_query
from sdglod.query.embedded import EmbeddedBackend
from sdglod.query.execute import QuerySyntaxError
from sdglod.query.labels import fetch_labels, iris_in
from sdglod.query.remote import RemoteBackend, open_client, redact, shared_client
from sdglod.query.results import serialize_result
from sdglod.rdf.names import Vocabulary
from sdglod.web.execution.jobs import QueryAnswer, QueryJob
from sdglod.web.execution.remote_pool import RemotePool


@pytest.fixture(scope="module")
def server(built, start_oxigraph):
    """An Oxigraph server holding the N-Quads dump of the build."""
    server = start_oxigraph()
    server.load(built[1].dist_path / "dataset.nq")
    return server


@pytest.fixture(scope="module")
def remote(server):
    return RemoteBackend(server.query_url)


@pytest.fixture(scope="module")
def catalogue(built):
    return load_queries(built[0])


def both(built, store, remote, query, given=None):
    project, build = built
    prefixes = build.manifest.prefixes
    embedded = run_canned(EmbeddedBackend(store), query, given or {}, project.base, prefixes)
    far = run_canned(remote, query, given or {}, project.base, prefixes)
    return embedded, far


def test_the_server_holds_the_whole_dataset(built, remote):
    result = remote.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(result.rows[0][0].value) == built[1].manifest.triples


def test_every_canned_query_gives_identical_results(built, store, remote, catalogue):
    vocabulary = Vocabulary(built[1].manifest.prefixes, built[1].manifest.context)
    for name, query in catalogue.items():
        embedded, far = both(built, store, remote, query)
        assert len(far) > 0, name
        assert far == embedded, name
        formats = ("nt", "ttl", "jsonld") if far.kind == "graph" else ("csv", "tsv", "json")
        for fmt in formats:
            assert serialize_result(far, fmt, vocabulary) == serialize_result(
                embedded, fmt, vocabulary
            ), (name, fmt)


@pytest.mark.parametrize(
    ("name", "given"),
    [
        ("outcomes-by-sdg", {"sdg": "17", "lang": "lv"}),
        ("organizations", {"country": "place:estonia", "role": "partner"}),
        ("campaigns-and-events", {"from": "2021-10-12", "to": "2021-10-12"}),
        ("resource", {"resource": "outcome:baltic-sdg-2021-3"}),
        ("missing-labels", {"lang": "et"}),
    ],
)
def test_parameters_bind_the_same_way_remotely(built, store, remote, catalogue, name, given):
    embedded, far = both(built, store, remote, catalogue[name], given)
    assert len(far) > 0
    assert far == embedded


def test_labels_for_tables_come_from_the_endpoint(store, remote, catalogue, built):
    embedded, _ = both(built, store, remote, catalogue["people"])
    iris = iris_in(embedded)
    assert fetch_labels(remote, iris, "lv") == fetch_labels(EmbeddedBackend(store), iris, "lv")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=TRICKY)
def test_parameter_values_cannot_change_a_remote_query(remote, value):
    query = parse_query(ECHO, Path("echo.rq"))
    result = run_canned(remote, query, {"text": value})
    assert result.variables == ("text", "echo", "n")
    assert result.rows == ((Literal(value), Literal(value), None),)


# --- The command line ------------------------------------------------------------------------


def invoke(built, *args: str):
    project, _ = built
    return CliRunner().invoke(cli, ["--project", str(project.root), *args])


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "jsonl"])
def test_cli_query_with_endpoint_prints_what_the_embedded_store_prints(built, server, fmt):
    args = ("query", "event-participants", "--lang", "lv", "--format", fmt)
    far = invoke(built, *args, "--endpoint", server.query_url)
    assert far.exit_code == 0, far.output
    assert far.output == invoke(built, *args).output


def test_cli_sparql_with_endpoint(built, server):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <http://schema.org/Person> ; ?p ?o }"
    far = invoke(built, "sparql", query, "--endpoint", server.query_url, "--format", "jsonld")
    assert far.exit_code == 0, far.output
    assert far.output == invoke(built, "sparql", query, "--format", "jsonld").output


def test_remote_syntax_error_shows_message_and_position(built, server):
    result = invoke(built, "sparql", "SELECT * WHERE { ?s ?p }", "--endpoint", server.query_url)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "<query>:1:" in result.output and "syntax error: expected" in result.output


def test_updates_are_refused_before_they_reach_the_endpoint(built, server, remote):
    update = "DELETE WHERE { ?s ?p ?o }"
    result = invoke(built, "sparql", update, "--endpoint", server.query_url)
    assert result.exit_code == ExitCode.BAD_INPUT and "refused" in result.output
    with pytest.raises(QueryError, match="refused"):
        remote.run("PREFIX x: <http://x/> CLEAR ALL")
    assert len(remote.run("SELECT * WHERE { ?s ?p ?o } LIMIT 3")) == 3


def test_unreachable_endpoint_is_a_clear_error(built):
    url = f"http://127.0.0.1:{free_port()}/query"
    result = invoke(built, "query", "events", "--endpoint", url)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"cannot reach {url}" in result.output


def test_wrong_endpoint_path_is_a_clear_error(server):
    with pytest.raises(RemoteError, match="answered with an error"):
        RemoteBackend(server.base_url + "/nowhere").run("ASK {}")


def test_endpoint_must_be_http():
    with pytest.raises(RemoteError, match="not an http"):
        RemoteBackend("ftp://127.0.0.1/query")


def test_credentials_never_appear_in_messages():
    assert redact("http://user:secret@127.0.0.1:7878/query") == "http://127.0.0.1:7878/query"
    assert redact("http://127.0.0.1/query") == "http://127.0.0.1/query"


def test_sparql_with_endpoint_needs_no_project(server, store, tmp_path):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <http://schema.org/Person> }"
    args = ["--project", str(tmp_path), "sparql", query]
    result = CliRunner().invoke(cli, [*args, "--endpoint", server.query_url, "--format", "csv"])
    assert result.exit_code == 0, result.output
    people = next(iter(store.query(query)))["n"].value  # as many as the build holds
    assert result.stdout_bytes == f"n\r\n{people}\r\n".encode()
    without = CliRunner().invoke(cli, args)
    assert without.exit_code == ExitCode.BAD_INPUT and "no sdglod.toml" in without.output


# --- Connections: kept alive, shared, closed ---------------------------------------------------
#
# The store is the real `oxigraph serve`; in front of it, where a test counts connections, a
# relay that passes the bytes through unchanged and counts the connections made to it.


def _pipe(source: socket.socket, target: socket.socket) -> None:
    """Copy ``source`` to ``target`` until ``source`` ends, then end ``target``'s sending."""
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)


class _RelayHandler(socketserver.BaseRequestHandler):
    server: CountingRelay

    def handle(self) -> None:
        self.server.opened()
        try:
            with socket.create_connection((HOST, self.server.upstream)) as upstream:
                back = threading.Thread(target=_pipe, args=(upstream, self.request), daemon=True)
                back.start()
                _pipe(self.request, upstream)
                back.join(10)
        finally:
            self.server.closed()


class CountingRelay(socketserver.ThreadingTCPServer):
    """A TCP relay on 127.0.0.1 to the server at ``upstream`` (a port) that counts the
    connections it accepts and how many are open."""

    daemon_threads = True

    def __init__(self, upstream: int):
        super().__init__((HOST, 0), _RelayHandler)
        self.upstream = upstream
        self.accepted = 0
        self.open = 0
        self._lock = threading.Lock()

    @property
    def query_url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/query"

    def opened(self) -> None:
        with self._lock:
            self.accepted += 1
            self.open += 1

    def closed(self) -> None:
        with self._lock:
            self.open -= 1

    def wait_until_all_closed(self, within: float = 10.0) -> bool:
        deadline = time.monotonic() + within
        while self.open and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.open == 0


@contextlib.contextmanager
def counting_relay(server) -> Iterator[CountingRelay]:
    relay = CountingRelay(server.port)
    threading.Thread(target=relay.serve_forever, daemon=True).start()
    try:
        yield relay
    finally:
        relay.shutdown()
        relay.server_close()


def test_queries_in_a_row_share_one_kept_alive_connection(server):
    # A new backend per query, as the CLI and the union-graph check make them: they share the
    # process's client for the endpoint, and errors the store answers keep the connection.
    with counting_relay(server) as relay:
        url = relay.query_url
        try:
            for _ in range(20):
                assert RemoteBackend(url).run("ASK { ?s ?p ?o }").value is True
                graph = RemoteBackend(url).run("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2")
                assert len(graph) == 2
                with pytest.raises(QuerySyntaxError):
                    RemoteBackend(url).run("SELECT * WHERE { ?s ?p }")
            assert relay.accepted == 1
        finally:
            shared_client(url).close()
        assert relay.wait_until_all_closed()


def test_a_pool_reuses_its_connections_and_closes_them(server):
    with counting_relay(server) as relay:

        async def scenario() -> list[QueryAnswer]:
            pool = RemotePool(relay.query_url, Vocabulary(), size=2)
            try:
                await pool.start()
                job = QueryJob("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", "json", 10)
                return await asyncio.gather(*(pool.run(job, 30) for _ in range(40)))
            finally:
                await pool.close()

        answers = asyncio.run(scenario())
        assert all(answer.ok for answer in answers)
        assert relay.accepted <= 2  # never more than the queries in flight at once
        assert relay.wait_until_all_closed()  # closing the pool let them go


def test_a_store_syntax_error_reaches_the_front_end_with_its_position(server):
    # The base IRI goes as a BASE on the first line: the store's line numbers are the text's.
    job = QueryJob("SELECT *\nWHERE { ?s ?p }", "json", 10, base="https://example.org/")

    async def scenario() -> QueryAnswer:
        pool = RemotePool(server.query_url, Vocabulary(), size=1)
        try:
            return await pool.run(job, 30)
        finally:
            await pool.close()

    answer = asyncio.run(scenario())
    assert not answer.ok and answer.code == "malformed-query"
    assert answer.line == 2 and "expected" in answer.message


def test_a_dead_port_cannot_be_reached_and_credentials_stay_out_of_the_message(built):
    url = f"http://127.0.0.1:{free_port()}/query"
    secret_url = url.replace("//", "//reader:s3cret@")
    with pytest.raises(RemoteError) as error:
        RemoteBackend(secret_url).run("ASK { ?s ?p ?o }")
    assert error.value.message.startswith(f"cannot reach {url}: ")
    result = invoke(built, "sparql", "ASK { ?s ?p ?o }", "--endpoint", secret_url)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"cannot reach {url}" in result.output and "s3cret" not in result.output


def test_a_store_that_does_not_answer_in_time_cannot_be_reached():
    # A port that accepts connections (the kernel does, into the backlog) but never answers.
    with socket.create_server((HOST, 0)) as silent:
        url = f"http://{HOST}:{silent.getsockname()[1]}/query"
        started = time.monotonic()
        with pytest.raises(RemoteError, match=f"cannot reach {url}: timed out"):
            RemoteBackend(url, timeout=0.5).run("ASK { ?s ?p ?o }")
        assert time.monotonic() - started < 5


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_proxy_in_the_environment_is_not_used_for_a_loopback_store(server, monkeypatch, host):
    nowhere = f"http://127.0.0.1:{free_port()}"
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.setenv(name, nowhere)
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    url = server.query_url.replace("127.0.0.1", host)
    with open_client(url) as client:  # made now, under this environment
        assert RemoteBackend(url, client=client).run("ASK { ?s ?p ?o }").value is True


# --- A store of our own, where the real one cannot show it: credentials, dropped connections --


class _Store(http.server.BaseHTTPRequestHandler):
    """Answers every query ``true`` over kept-alive connections, as the server asks: only with
    its credentials, and dropping a connection after ``drop_after`` answers on it."""

    protocol_version = "HTTP/1.1"
    server: AskStore

    def setup(self) -> None:
        super().setup()
        self.server.accepted += 1
        self.answered = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.server.drop_after and self.answered >= self.server.drop_after:
            self.close_connection = True  # closed as a query arrives, without an answer
            return
        if self.server.auth and self.headers.get("Authorization") != self.server.auth:
            self._answer(401, b"Unauthorized: wrong user name or password", "text/plain")
        else:
            self._answer(200, b'{"head":{},"boolean":true}', "application/sparql-results+json")
        self.answered += 1

    def _answer(self, status: int, body: bytes, media_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class AskStore(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, auth: str | None = None, drop_after: int = 0):
        super().__init__((HOST, 0), _Store)
        self.auth = auth
        self.drop_after = drop_after
        self.accepted = 0

    def url(self, userinfo: str = "") -> str:
        return f"http://{userinfo}{HOST}:{self.server_address[1]}/query"


@contextlib.contextmanager
def ask_store(**options: object) -> Iterator[AskStore]:
    store = AskStore(**options)
    threading.Thread(target=store.serve_forever, daemon=True).start()
    try:
        yield store
    finally:
        store.shutdown()
        store.server_close()


def test_credentials_in_the_endpoint_url_go_as_basic_auth_and_never_into_messages():
    auth = "Basic " + base64.b64encode(b"reader:s3cr:t").decode()
    with ask_store(auth=auth) as store, open_client(store.url()) as client:
        right = RemoteBackend(store.url("reader:s3cr%3At@"), client=client)
        assert right.run("ASK { ?s ?p ?o }").value is True
        wrong = RemoteBackend(store.url("reader:wrong@"), client=client)
        with pytest.raises(RemoteError) as error:
            wrong.run("ASK { ?s ?p ?o }")
    assert error.value.message == (
        f"{store.url()} answered with an error: Unauthorized: wrong user name or password"
    )
    assert "wrong@" not in str(error.value) + (error.value.hint or "")


def test_a_connection_the_store_dropped_is_replaced_without_an_error():
    # The store closes each kept-alive connection as the second query arrives on it (as one
    # whose idle time ran out just then does): every query is answered, on a new connection.
    with ask_store(drop_after=1) as store, open_client(store.url()) as client:
        backend = RemoteBackend(store.url(), client=client)
        for _ in range(5):
            assert backend.run("ASK { ?s ?p ?o }").value is True
        assert store.accepted == 5

"""One query path: the embedded store and a real remote ``oxigraph serve`` answer the same
request the same way through ``run_query`` — the same refusals, the same error positions, the
same row limit — and the server's workers answer jobs through the same function.

Runs on the tests' own small project (tests/fixtures/mini-project), not on the real data.
"""

from __future__ import annotations

import asyncio
import gc
import http.server
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from oxigraph_server import free_port
from pyoxigraph import Literal, NamedNode, Quad
from starlette.testclient import TestClient

from sdglod.build import build
from sdglod.cli import cli
from sdglod.errors import ExitCode, NoBuildError, QueryError, RemoteError
from sdglod.project import load_project
from sdglod.query.backends import open_backend, project_vocabulary
from sdglod.query.embedded import EmbeddedBackend
from sdglod.query.execute import (
    INLINE,
    QueryFailed,
    QueryRequest,
    QuerySyntaxError,
    ServiceRefused,
    UpdateRefused,
    run_query,
)
from sdglod.query.remote import RemoteBackend
from sdglod.query.results import AskResult, SelectResult
from sdglod.rdf.names import Vocabulary
from sdglod.rdf.store import Store
from sdglod.web.app import create_app
from sdglod.web.config import ServerConfig
from sdglod.web.execution.jobs import QueryJob, StoreUnavailable, answer_job
from sdglod.web.execution.remote_pool import RemotePool

MINI = Path(__file__).parent / "fixtures" / "mini-project"
EVENT = "https://example.org/mini/id/event/"
SCHEMA = "http://schema.org/"


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    project = load_project(shutil.copytree(MINI, tmp_path_factory.mktemp("backends") / "mini"))
    return project, build(project)


@pytest.fixture(scope="module")
def server(mini, start_oxigraph):
    server = start_oxigraph()
    server.load(mini[1].dist_path / "dataset.nq")
    return server


@pytest.fixture(scope="module", params=["embedded", "remote"])
def backend(request, mini):
    if request.param == "remote":
        return RemoteBackend(request.getfixturevalue("server").query_url)
    return EmbeddedBackend(mini[1].open_store())


def test_both_backends_answer_a_select_with_typed_terms(backend):
    result = backend.run(
        f"SELECT ?name WHERE {{ <{EVENT}poetry-evening> <{SCHEMA}name> ?name }} ORDER BY ?name"
    )
    assert isinstance(result, SelectResult)
    assert result.column("name") == [
        Literal("Dzejas vakars", language="lv"),
        Literal("Poetry evening", language="en"),
    ]


def test_parameters_are_bound_as_terms_on_both(backend):
    text = f"SELECT ?e ?start WHERE {{ ?e <{SCHEMA}startDate> ?start }}"
    result = backend.run(text, {"e": NamedNode(EVENT + "reading-week")})
    assert result.column("start")[0].value == "2024-03-04"


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_the_row_limit_cuts_and_says_so_on_both(backend, limit):
    request = QueryRequest("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o", limit=limit)
    everything = run_query(backend, QueryRequest(request.text)).result
    outcome = run_query(backend, request)
    assert len(outcome.result) == min(limit, len(everything))
    assert outcome.truncated == (len(everything) > limit)
    assert outcome.result.rows == everything.rows[:limit]


def test_an_update_is_refused_before_any_engine_sees_it(backend, mini):
    with pytest.raises(UpdateRefused) as refused:
        backend.run("PREFIX s: <http://schema.org/>\nDELETE WHERE { ?s ?p ?o }")
    assert refused.value.code == "update-refused"
    assert refused.value.location.path == INLINE
    # Nothing was deleted, on either store.
    assert backend.run("ASK { ?s ?p ?o }").value is True


def test_a_syntax_error_has_its_line_and_column_on_both(backend):
    with pytest.raises(QuerySyntaxError) as error:
        backend.run("SELECT ?s\nWHERE { ?s ?p }", source=Path("queries/x.rq"))
    location = error.value.location
    assert location.path == Path("queries/x.rq")
    assert location.line == 2
    assert location.column is not None
    assert error.value.code == "malformed-query"
    assert error.value.message.startswith("syntax error: ")


def test_a_query_that_parses_but_cannot_run_is_a_query_error():
    backend = EmbeddedBackend(Store.in_memory([]))
    closed = f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens there
    with pytest.raises(QueryFailed) as failed:
        backend.run(
            f"SELECT * WHERE {{ SERVICE <{closed}> {{ ?s ?p ?o }} }}", allowed_services=(closed,)
        )
    assert failed.value.code == "query-failed"


def test_a_parameter_the_select_does_not_project_still_binds():
    # Parameters go in as a VALUES block of their terms (pyoxigraph's substitutions refused a
    # variable the SELECT does not project, and were not planned as well).
    name, other = NamedNode(SCHEMA + "name"), NamedNode(SCHEMA + "other")
    event = NamedNode(EVENT + "e")
    graph = NamedNode("https://example.org/g")
    store = Store.in_memory(
        [
            Quad(event, name, Literal("x"), graph),
            Quad(NamedNode(EVENT + "f"), other, Literal("y"), graph),
        ]
    )
    answer = EmbeddedBackend(store).run("SELECT ?a WHERE { ?a ?b ?c }", {"b": name})
    assert answer.rows == ((event,),)


def test_a_worker_job_and_a_remote_job_give_the_same_bytes(mini, server):
    _, built = mini
    vocabulary = Vocabulary(built.manifest.prefixes, built.manifest.context)
    job = QueryJob(
        "SELECT ?e ?d WHERE { ?e <http://schema.org/startDate> ?d } ORDER BY ?e",
        "csv",
        limit=1,
    )
    here = answer_job(EmbeddedBackend(built.open_store()), job, vocabulary)
    there = answer_job(RemoteBackend(server.query_url), job, vocabulary)
    assert here == there
    assert here.ok and here.truncated and here.size == 1


def test_a_job_with_a_syntax_error_gives_the_same_refusal_on_both(mini, server):
    _, built = mini
    vocabulary = Vocabulary(built.manifest.prefixes)
    job = QueryJob("SELECT * WHERE {\n ?s ?p }", "json", limit=10)
    here = answer_job(EmbeddedBackend(built.open_store()), job, vocabulary)
    there = answer_job(RemoteBackend(server.query_url), job, vocabulary)
    assert (here.ok, here.code, here.line) == (False, "malformed-query", 2)
    assert (there.ok, there.code, there.line) == (False, "malformed-query", 2)
    assert not here.message.startswith("syntax error")  # the parser's own words


def test_a_job_crosses_a_process_boundary_unchanged():
    job = QueryJob(
        "ASK { ?s ?p ?o }",
        "json",
        7,
        {"x": str(Literal('a"b', language="lv"))},
        default_graphs=("urn:g",),
        named_graphs=(),
        base="https://example.org/",
    )
    assert QueryJob.from_payload(job.payload()) == job
    assert job.request().bindings == {"x": Literal('a"b', language="lv")}


def test_a_remote_store_that_does_not_answer_is_a_remote_error_not_a_query_error():
    backend = RemoteBackend("http://127.0.0.1:9/query")
    with pytest.raises(RemoteError) as error:
        backend.run("ASK { ?s ?p ?o }")
    assert not isinstance(error.value, QueryError)


def test_open_backend_without_a_build_says_to_build(tmp_path):
    project = load_project(shutil.copytree(MINI, tmp_path / "mini"))
    with pytest.raises(NoBuildError):
        open_backend(project)
    # The prefixes of a project that is only queried remotely come from its sources.
    assert project_vocabulary(project).prefixes["schema"] == SCHEMA
    built = build(project)
    assert isinstance(open_backend(project).run("ASK { ?s ?p ?o }"), AskResult)
    assert project_vocabulary(project).context == built.manifest.context


CUT_SHORT_ROW = b'{"s":{"type":"uri","value":"urn:a"}}'


class _CutShort(http.server.BaseHTTPRequestHandler):
    """A store whose answer breaks off midway, as one does when its own time limit stops a
    query while the results stream out."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"head":{"vars":["s"]},"results":{"bindings":[' + CUT_SHORT_ROW + b',{"s":'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_an_answer_cut_short_is_a_store_error_and_frees_pyoxigraph_in_its_own_thread():
    # pyoxigraph's result iterators may only be freed by the thread that made them: an error
    # that carried one from the remote pool's thread to the event loop's would be reported as
    # "unsendable, but is being dropped on another thread" (and fail this test).
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CutShort)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/query"
    try:
        with pytest.raises(RemoteError, match="does not parse"):
            RemoteBackend(url).run("SELECT ?s WHERE { ?s ?p ?o }")

        async def scenario() -> None:
            pool = RemotePool(url, Vocabulary(), size=2)
            with pytest.raises(StoreUnavailable, match="does not parse"):
                await pool.run(QueryJob("SELECT ?s WHERE { ?s ?p ?o }", "json", 10), 10)

        asyncio.run(scenario())
        gc.collect()
    finally:
        server.shutdown()
        server.server_close()


FEDERATED = "SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"


def test_service_is_refused_on_the_one_path_unless_allowed(backend):
    with pytest.raises(ServiceRefused) as refused:
        backend.run(f"# a comment first\n{FEDERATED}")
    assert refused.value.code == "service-refused"
    assert (refused.value.location.line, refused.value.location.column) == (2, 19)
    # Allowed, the query goes on to the engine (whose request to a closed port fails).
    with pytest.raises((QueryError, RemoteError)) as tried:
        backend.run(FEDERATED, allowed_services=["http://127.0.0.1:9/sparql"])
    assert not isinstance(tried.value, ServiceRefused)


def test_a_canned_query_with_service_is_refused_by_the_server_and_the_cli(tmp_path):
    project = load_project(shutil.copytree(MINI, tmp_path / "mini"))
    (project.root / "queries" / "federated.rq").write_text(
        "#+ title@lv: Federēts\n#+ title@en: Federated\n"
        "#+ description@lv: Vaicājums citam galapunktam.\n"
        "#+ description@en: A query of another endpoint.\n\n" + FEDERATED + "\n",
        encoding="utf-8",
    )
    build(project)
    config = ServerConfig(project_root=project.root, timeout=5.0, query_workers=1)
    with TestClient(create_app(config)) as client:
        answer = client.get("/queries/federated.json")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "service-refused"
    result = CliRunner().invoke(cli, ["--project", str(project.root), "query", "federated"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "federated.rq:" in result.output and "--allow-service" in result.output

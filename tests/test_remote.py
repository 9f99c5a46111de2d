"""`--endpoint`: the same queries against a real `oxigraph serve` process on 127.0.0.1 give the
same typed results, and so the same bytes in every format, as the embedded store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from injection import ECHO, TRICKY
from oxigraph_server import free_port
from pyoxigraph import Literal

from sdglod.cli import cli
from sdglod.errors import ExitCode, QueryError, RemoteError
from sdglod.query.canned import run_canned
from sdglod.query.catalogue import load_queries, parse_query
from sdglod.query.embedded import EmbeddedBackend
from sdglod.query.labels import fetch_labels, iris_in
from sdglod.query.remote import RemoteBackend, redact
from sdglod.query.results import serialize_result
from sdglod.rdf.names import Vocabulary


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

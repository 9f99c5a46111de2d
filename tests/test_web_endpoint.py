"""`/sparql`: the SPARQL 1.1 Protocol (query only), errors, limits, caching, CORS — in process."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from conftest import BACKENDS, backend_for
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results
from starlette.testclient import TestClient

from sdglod.web.app import create_app
from sdglod.web.config import ServerConfig

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
EVENT = "https://w3id.org/sdglod/id/event/baltic-sdg-2021"
CONSTRUCT = f"CONSTRUCT {{ <{EVENT}> ?p ?o }} WHERE {{ <{EVENT}> ?p ?o }}"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ROW_LIMIT = 100


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, built):
    """The app over the embedded store, and over a real remote store (`serve --backend`)."""
    project, _ = built
    config = ServerConfig(
        project_root=project.root,
        timeout=5.0,
        row_limit=ROW_LIMIT,
        backend=backend_for(request),
    )
    with TestClient(create_app(config)) as client:
        client.backend = request.param
        yield client


@pytest.fixture(scope="module")
def total(store) -> int:
    """The number of triples the endpoint must count: what the built store itself counts."""
    return int(next(iter(store.query(COUNT)))["n"].value)


def count_of(response) -> int:
    solutions = parse_query_results(response.content, QueryResultsFormat.JSON)
    return int(next(iter(solutions))["n"].value)


def error_of(response) -> dict:
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == response.status_code
    return body["error"]


# --- the protocol ------------------------------------------------------------------------------


def test_get_select_gives_sparql_json_by_default(client, total):
    response = client.get("/sparql", params={"query": COUNT})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert count_of(response) == total


def test_post_form_and_post_direct(client, total):
    form = client.post("/sparql", data={"query": COUNT})
    direct = client.post(
        "/sparql", content=COUNT, headers={"Content-Type": "application/sparql-query"}
    )
    assert count_of(form) == count_of(direct) == total


@pytest.mark.parametrize(
    ("accept", "media_type", "fmt"),
    [
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
            QueryResultsFormat.JSON,
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            QueryResultsFormat.XML,
        ),
        ("text/csv", "text/csv", None),
        ("text/tab-separated-values", "text/tab-separated-values", QueryResultsFormat.TSV),
        ("application/json", "application/sparql-results+json", QueryResultsFormat.JSON),
    ],
)
def test_select_formats_by_accept(client, accept, media_type, fmt, total):
    response = client.get("/sparql", params={"query": COUNT}, headers={"Accept": accept})
    assert response.headers["content-type"].split(";")[0] == media_type
    if fmt is None:  # CSV is lossy: pyoxigraph does not read it back
        assert response.text.splitlines() == ["n", str(total)]
        return
    solutions = parse_query_results(response.content, fmt)
    assert next(iter(solutions))["n"].value == str(total)


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", RdfFormat.TURTLE),
        ("application/n-triples", RdfFormat.N_TRIPLES),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("application/rdf+xml", RdfFormat.RDF_XML),
    ],
)
def test_construct_formats_by_accept(client, accept, fmt):
    response = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    triples = list(parse(response.content, format=fmt))
    assert len(triples) > 20 and {t.subject.value for t in triples} == {EVENT}


def test_format_parameter_overrides_accept(client, total):
    response = client.get(
        "/sparql", params={"query": COUNT, "format": "csv"}, headers={"Accept": "text/html"}
    )
    assert response.text.splitlines() == ["n", str(total)]


def test_ask(client):
    response = client.get("/sparql", params={"query": f"ASK {{ <{EVENT}> ?p ?o }}"})
    assert response.json() == {"head": {}, "boolean": True}


def test_protocol_dataset_selects_graphs(client, built):
    graph = "https://w3id.org/sdglod/graph/metadata"
    size = built[1].manifest.graphs[graph]
    assert 0 < size < built[1].manifest.triples  # one graph, not the whole dataset
    response = client.get("/sparql", params={"query": COUNT, "default-graph-uri": graph})
    assert count_of(response) == size
    named = client.get(
        "/sparql",
        params={
            "query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": graph,
        },
    )
    assert count_of(named) == size
    only_named = client.get("/sparql", params={"query": COUNT, "named-graph-uri": graph})
    assert count_of(only_named) == 0  # the default graph is then empty, as the protocol says


def test_service_description_for_machines_and_query_page_for_browsers(client):
    described = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert described.status_code == 200
    triples = list(parse(described.content, format=RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(t.object.value == sd + "SPARQL11Query" for t in triples)
    assert any(t.predicate.value == sd + "endpoint" for t in triples)
    page = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")
    assert '<textarea id="query" name="query"' in page.text


# --- errors, one shape -----------------------------------------------------------------------


def test_malformed_query_is_400_with_the_parser_message_and_position(client):
    response = client.get("/sparql", params={"query": "SELECT ?s WHERE {\n ?s ?p }"})
    error = error_of(response)
    assert response.status_code == 400 and error["code"] == "malformed-query"
    assert error["line"] == 2  # where ?o belongs
    if client.backend != "virtuoso":  # Virtuoso's parser names the line only
        assert 7 <= error["column"] <= 9  # at the "}"
    assert error["message"]


def test_unsupported_content_type_is_415_and_named(client):
    response = client.post("/sparql", content="x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert "text/plain" in error_of(response)["message"]


def test_unsupported_accept_is_406_and_lists_what_is_offered(client):
    response = client.get("/sparql", params={"query": COUNT}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/csv" in error_of(response)["hint"]


def test_other_methods_are_405_with_allow(client):
    response = client.put("/sparql", content=COUNT)
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]
    assert error_of(response)["code"] == "method-not-allowed"


def test_repeated_query_parameter_is_400(client):
    response = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert response.status_code == 400 and error_of(response)["code"] == "bad-request"


def test_unknown_path_is_a_json_404(client):
    response = client.get("/nothing/here")
    assert response.status_code == 404 and error_of(response)["code"] == "not-found"


# --- read-only, no outbound requests -----------------------------------------------------------


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <https://w3id.org/sdglod/graph/data>",
        "PREFIX x: <urn:x> WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused(client, update, total):
    for response in (
        client.post("/sparql", data={"query": update}),
        client.post("/sparql", data={"update": update}),
        client.get("/sparql", params={"query": update}),
    ):
        assert response.status_code == 400
        assert error_of(response)["code"] == "update-refused"
    assert count_of(client.get("/sparql", params={"query": COUNT})) == total


@pytest.mark.parametrize(
    "service",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://localhost/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { VALUES ?e { <http://127.0.0.1:9/> } SERVICE ?e { ?s ?p ?o } }",
        "PREFIX x: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE x:sparql { ?s ?p ?o } }",
    ],
)
def test_federated_queries_are_refused(client, service):
    response = client.get("/sparql", params={"query": service})
    assert response.status_code == 400
    assert error_of(response)["code"] == "service-refused"


def test_a_huge_body_is_refused(client):
    response = client.post(
        "/sparql",
        content="#" * (2 << 20),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 413
    assert error_of(response)["code"] == "content-too-large"


# --- the cost guard ----------------------------------------------------------------------------


def test_results_are_cut_at_the_row_limit_and_say_so(client):
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 200
    assert response.headers["sdglod-truncated"] == "true"
    assert response.headers["sdglod-row-limit"] == str(ROW_LIMIT)
    assert len(response.json()["results"]["bindings"]) == ROW_LIMIT
    small = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
    assert "sdglod-truncated" not in small.headers


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (Linux /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def test_a_runaway_query_is_stopped_and_its_cpu_freed(client, total):
    if client.backend != "embedded":
        pytest.skip("a remote store stops its own queries (its timeout); no worker of ours runs")
    pool = client.app.state.runtime.pool
    before = set(pool.pids())
    response = client.get("/sparql", params={"query": RUNAWAY, "timeout": "1"})
    assert response.status_code == 503
    assert error_of(response)["code"] == "timeout"
    assert "retry-after" in response.headers
    gone = before - set(pool.pids())
    assert len(gone) == 1
    (pid,) = gone
    assert not _running(pid)  # killed, not just forgotten: it burns no CPU any more
    # The pool is whole again and answers.
    assert count_of(client.get("/sparql", params={"query": COUNT})) == total


def test_a_bad_timeout_is_400(client):
    for value in ("soon", "-1", "0"):
        response = client.get("/sparql", params={"query": COUNT, "timeout": value})
        assert response.status_code == 400, value


# --- caching, CORS, compression ---------------------------------------------------------------


def test_etag_and_cache_control_allow_304(client):
    first = client.get("/sparql", params={"query": COUNT})
    etag = first.headers["etag"]
    assert "max-age=" in first.headers["cache-control"]
    again = client.get("/sparql", params={"query": COUNT}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/sparql", params={"query": COUNT, "format": "csv"})
    assert other.headers["etag"] != etag


def test_cors_is_open_for_get_and_post(client):
    response = client.get(
        "/sparql", params={"query": COUNT}, headers={"Origin": "https://example.org"}
    )
    assert response.headers["access-control-allow-origin"] == "*"
    assert "Sdglod-Truncated" in response.headers["access-control-expose-headers"]
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_large_answers_are_gzipped(client):
    response = client.get(
        "/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 90"},
        headers={"Accept-Encoding": "gzip"},
    )
    assert response.headers["content-encoding"] == "gzip"
    raw = client.get(
        "/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 90"},
        headers={"Accept-Encoding": "identity"},
    )
    assert "content-encoding" not in raw.headers
    assert json.loads(response.content) == json.loads(raw.content)
    assert len(gzip.compress(raw.content)) < len(raw.content)


def test_a_store_that_stops_answering_gives_502_not_a_crash(built, start_oxigraph, total):
    project, build = built
    store = start_oxigraph()
    store.load(build.dist_path / "dataset.nq")
    config = ServerConfig(project_root=project.root, backend=store.query_url, cache_entries=0)
    with TestClient(create_app(config)) as client:
        assert count_of(client.get("/sparql", params={"query": COUNT})) == total
        store.stop()
        response = client.get("/sparql", params={"query": COUNT})
        assert response.status_code == 502
        assert error_of(response)["code"] == "store-unavailable"
        assert "retry-after" in response.headers


def test_every_example_of_the_query_page_runs_as_offered(client):
    # The page offers each canned query with its parameters filled in; a librarian who picks
    # one and presses Run gets its answer, whichever store is behind the server.
    page = client.get("/sparql", headers={"Accept": "text/html"})
    data = re.search(
        r'<script type="application/json" id="examples-data">(.*?)</script>', page.text
    )
    examples = json.loads(data.group(1))
    assert examples
    for name, text in examples.items():
        answer = client.get("/sparql", params={"query": text}, headers={"Accept": "*/*"})
        assert answer.status_code == 200, (name, answer.text[:500])

"""The server on a real socket: W3C SPARQL 1.1 Protocol tests, SPARQLWrapper as a client, a
runaway query among cheap ones, the OpenAPI document and schemathesis against it."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import httpx
import pytest
import schemathesis
from conftest import BACKENDS, backend_for, backend_holding, copy_project
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import validate
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from sdglod_server import SdglodServer
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from sdglod.build import build
from sdglod.project import load_project

pytestmark = pytest.mark.usefixtures("loopback_without_proxy")

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"
HTS = "http://www.w3.org/2011/http-statusCodes#"
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
RESULT_TYPES = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"}


@pytest.fixture(scope="module")
def server(tmp_path_factory, built):
    project, _ = built
    log = tmp_path_factory.mktemp("serve") / "server.log"
    # One client sends 51 /sparql queries at once below: more than its share by default.
    options = ("--timeout", "4", "--query-workers", "2", "--client-queries", "64")
    with SdglodServer(project.root, log, *options, "--query-queue", "64") as running:
        yield running.start()


# --- W3C SPARQL 1.1 Protocol tests -------------------------------------------------------------


def _manifest(reference: Path) -> tuple[Graph, Path]:
    path = reference / "sparql-protocol-tests" / "protocol" / "manifest.ttl"
    return Graph().parse(path, format="turtle", publicID=path.resolve().as_uri()), path.parent


@pytest.fixture(scope="module", params=BACKENDS)
def protocol_server(request, tmp_path_factory, reference):
    """A project whose graphs are the protocol suite's data, under the IRIs it expects: served
    from the embedded store and through ``--backend`` from Oxigraph's server and Virtuoso."""
    manifest, folder = _manifest(reference)
    root = tmp_path_factory.mktemp("protocol") / "project"
    (root / "data").mkdir(parents=True)
    entries = {}
    for data in manifest.objects(None, URIRef(UT + "graphData")):
        file = Path(str(manifest.value(data, URIRef(UT + "graph"))).removeprefix("file://"))
        entries[file.name] = str(manifest.value(data, RDFS_LABEL))
    config = ['base = "http://www.example/"']
    for name, iri in sorted(entries.items()):
        shutil.copy(folder / name, root / "data" / name)
        config += ["[[graphs]]", f'name = "{Path(name).stem}"', f'iri = "{iri}"']
        config.append(f'files = ["data/{name}"]')
    (root / "sdglod.toml").write_text("\n".join(config) + "\n", encoding="utf-8")
    built = build(load_project(root), validate_first=False)  # test data: no shapes
    backend = backend_holding(request, built.dist_path / "dataset.nq")
    options = ("--backend", backend) if backend else ()
    log = root.parent / "server.log"
    with SdglodServer(root, log, *options) as running:
        yield running.start()


def _protocol_cases(reference: Path) -> list:
    manifest, _ = _manifest(reference)
    (entries,) = manifest.objects(None, URIRef(MF + "entries"))
    cases = []
    for entry in Collection(manifest, entries):
        name = str(entry).rsplit("#", 1)[1]
        cases.append(pytest.param(name, id=name))
    return cases


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "protocol_case" in metafunc.fixturenames:
        from conftest import REPO

        reference = Path(os.environ.get("SDGLOD_REFERENCE", REPO.parent / "shared" / "reference"))
        metafunc.parametrize("protocol_case", _protocol_cases(reference))


def test_w3c_protocol(protocol_case, protocol_server, reference):
    manifest, _ = _manifest(reference)
    entry = next(e for e in manifest.subjects() if str(e).endswith("#" + protocol_case))
    action = manifest.value(entry, URIRef(MF + "action"))
    requests = Collection(manifest, manifest.value(action, URIRef(HT + "requests")))
    for request in requests:
        method = str(manifest.value(request, URIRef(HT + "methodName")))
        path = str(manifest.value(request, URIRef(HT + "absolutePath")))
        path = path.replace("/sparql/", "/sparql", 1)
        headers = {}
        header_list = manifest.value(request, URIRef(HT + "headers"))
        if header_list is not None:
            for header in Collection(manifest, header_list):
                name = str(manifest.value(header, URIRef(HT + "fieldName")))
                headers[name] = str(manifest.value(header, URIRef(HT + "fieldValue")))
        body = manifest.value(request, URIRef(HT + "body"))
        content = None
        if body is not None:
            encoding = str(manifest.value(body, URIRef(CNT + "characterEncoding")) or "UTF-8")
            content = str(manifest.value(body, URIRef(CNT + "chars"))).encode(encoding.lower())
        response = httpx.request(
            method, protocol_server.url + path, headers=headers, content=content, timeout=30
        )
        expectation = manifest.value(request, URIRef(HT + "resp"))
        statuses = {str(s) for s in manifest.objects(expectation, URIRef(MF + "expectedStatus"))}
        if protocol_case.startswith("update_"):
            # A read-only endpoint: every update is refused, whatever the suite expects; the
            # queries that follow (which check the update's effect) must just not fail.
            is_update = "sparql-update" in headers.get("content-type", "") or "update=" in (
                path + (content or b"").decode("utf-8", "replace")
            )
            assert (400 <= response.status_code < 500) if is_update else response.is_success
            continue
        family = f"{HTS}StatusCode{response.status_code // 100}xx"
        assert family in statuses, (response.status_code, response.text)
        media_type = response.headers.get("content-type", "").split(";")[0]
        expected_format = manifest.value(expectation, URIRef(MF + "expectedFormat"))
        if expected_format is not None and str(expected_format) in ("boolean", "tabular"):
            assert media_type in RESULT_TYPES
        if expected_format is not None and str(expected_format) == "RDF":
            assert media_type in RDF_TYPES
        boolean = manifest.value(expectation, URIRef(MF + "expectedBoolean"))
        if boolean is not None:
            fmt = {
                "application/sparql-results+json": QueryResultsFormat.JSON,
                "application/sparql-results+xml": QueryResultsFormat.XML,
                "text/tab-separated-values": QueryResultsFormat.TSV,
            }[media_type]
            assert bool(parse_query_results(response.content, fmt)) == boolean.toPython()


# --- SPARQLWrapper, as a client uses it ------------------------------------------------------

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module", params=BACKENDS)
def client_server(request, tmp_path_factory, built):
    """``sdglod serve`` over the real build, on the embedded store and through ``--backend``
    on Oxigraph's server and Virtuoso: what SPARQLWrapper reads must not depend on the store."""
    project, _ = built
    log = tmp_path_factory.mktemp("clients") / "server.log"
    backend = backend_for(request)
    with SdglodServer(project.root, log, *(("--backend", backend) if backend else ())) as running:
        yield running.start()


@pytest.mark.parametrize(
    ("fmt", "read"),
    [
        (JSON, lambda data: data["results"]["bindings"][0]["n"]["value"]),
        (XML, lambda doc: doc.getElementsByTagName("literal")[0].firstChild.data),
        (CSV, lambda data: data.decode().splitlines()[1]),
    ],
)
def test_sparqlwrapper_select(client_server, store, fmt, read):
    client = SPARQLWrapper(client_server.url + "/sparql")
    client.setQuery(COUNT)
    client.setReturnFormat(fmt)
    # The server counts what the built store counts.
    assert read(client.query().convert()) == next(iter(store.query(COUNT)))["n"].value


def test_sparqlwrapper_construct_in_turtle(client_server, store):
    # An event of the data, whichever it is, and what the built store says about it.
    event = next(iter(store.query("SELECT ?e WHERE { ?e a <http://schema.org/Event> } LIMIT 1")))
    query = f"CONSTRUCT {{ {event['e']} ?p ?o }} WHERE {{ {event['e']} ?p ?o }}"
    client = SPARQLWrapper(client_server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(TURTLE)
    triples = {quad.triple for quad in parse(client.query().convert(), format=RdfFormat.TURTLE)}
    assert triples and triples == set(store.query(query))


# --- a runaway query does not stop the others ---------------------------------------------------

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_cheap_queries_are_answered_while_a_runaway_one_runs(server):
    async def scenario() -> tuple[int, list[int]]:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            heavy = asyncio.create_task(client.get("/sparql", params={"query": RUNAWAY}))
            await asyncio.sleep(0.3)  # the runaway query holds a worker now
            cheap = [
                # Different texts, so that no answer comes from the cache.
                client.get("/sparql", params={"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {n}"})
                for n in range(1, 51)
            ]
            answers = await asyncio.gather(*cheap)
            assert not heavy.done(), "the runaway query should still be running"
            return (await heavy).status_code, [a.status_code for a in answers]

    heavy_status, cheap_statuses = asyncio.run(scenario())
    assert cheap_statuses == [200] * 50
    assert heavy_status == 503


# --- OpenAPI ---------------------------------------------------------------------------------


def test_openapi_document_is_valid_and_has_an_operation_per_query(server, built):
    from sdglod.query.catalogue import load_queries

    document = httpx.get(server.url + "/openapi.json").json()
    validate(document)  # raises if not valid OpenAPI 3.1
    assert document["openapi"] == "3.1.0"
    queries = load_queries(built[0])
    for name, query in queries.items():
        operation = document["paths"][f"/queries/{name}"]["get"]
        parameters = {p["name"]: p for p in operation["parameters"]}
        paging = {"limit", "offset"} if query.form == "SELECT" else set()
        assert set(parameters) == set(query.parameter_names) | paging
        for parameter in query.parameters:
            if parameter.default is not None:
                assert str(parameters[parameter.name]["schema"]["default"]) == parameter.default
    sdg = document["paths"]["/queries/outcomes-by-sdg"]["get"]["parameters"]
    assert next(p for p in sdg if p["name"] == "sdg")["schema"]["pattern"]


def _operations(server) -> list:
    api = schemathesis.openapi.from_url(server.url + "/openapi.json")
    return [result.ok() for result in api.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_never_answers_5xx(server, mode):
    """schemathesis generates requests from /openapi.json — valid ones, and ones that break
    the schema — and none may get a 5xx (bounded: a few dozen per operation)."""
    checked = []
    for operation in _operations(server):
        nothing_to_break = not list(operation.iter_parameters()) and operation.method == "get"
        if mode == GenerationMode.NEGATIVE and nothing_to_break:
            continue

        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.generate],
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def call(case) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        call()
        checked.append(operation.label)
    assert "GET /sparql" in checked and "GET /queries/outcomes-by-sdg" in checked


# --- front ends over one shared store (`serve --backend`) ---------------------------------------


def test_two_front_ends_share_one_store_and_need_no_build(
    remote_store, server, tmp_path_factory, built
):
    """Two `sdglod serve --backend` processes, one of them in a project never built, answer
    like the embedded server: N front ends behind a load balancer share one store."""
    unbuilt = copy_project(tmp_path_factory.mktemp("front") / "project")
    logs = tmp_path_factory.mktemp("front-logs")
    options = ("--backend", remote_store.query_url)
    with (
        SdglodServer(built[0].root, logs / "a.log", *options) as a,
        SdglodServer(unbuilt, logs / "b.log", *options) as b,
    ):
        a.start()
        b.start()
        assert not (unbuilt / ".sdglod").exists()
        for name in ("events", "sdg-coverage", "outcomes-by-sdg", "people"):
            expected = httpx.get(f"{server.url}/queries/{name}.json").json()
            assert httpx.get(f"{a.url}/queries/{name}.json").json() == expected
            assert httpx.get(f"{b.url}/queries/{name}.json").json() == expected
        page = httpx.get(f"{b.url}/id/event/baltic-sdg-2021.html?lang=en").text
        assert "Localising the Sustainable Development Goals" in page
        refused = httpx.post(f"{b.url}/sparql", data={"query": "CLEAR ALL"})
        assert refused.status_code == 400

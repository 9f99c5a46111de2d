"""Canned queries over HTTP, the HTML views, and escaping — in process."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import BACKENDS_AND_GROUP, backend_for, copy_project, union_graph_for
from pyoxigraph import RdfFormat, parse
from starlette.testclient import TestClient

from sdglod.build import build
from sdglod.project import load_project
from sdglod.query.catalogue import load_queries
from sdglod.web.app import create_app
from sdglod.web.config import ServerConfig

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
SCRIPT = "<script>alert('sdglod')</script>"


@pytest.fixture(scope="module", params=BACKENDS_AND_GROUP)
def client(request, built):
    """The app over the embedded store, and over a real remote store (`serve --backend`,
    Virtuoso also through a graph group of the project's graphs, `--union-graph`)."""
    project, _ = built
    config = ServerConfig(
        project_root=project.root,
        timeout=5.0,
        backend=backend_for(request),
        union_graph=union_graph_for(request, project),
    )
    with TestClient(create_app(config)) as client:
        yield client


def test_the_list_is_json_for_machines_and_html_for_browsers(client, built):
    names = set(load_queries(built[0]))
    listing = client.get("/queries").json()["queries"]
    assert {q["name"] for q in listing} == names
    events = next(q for q in listing if q["name"] == "events")
    assert events["url"] == "/queries/events" and events["title"]["lv"]
    assert client.get("/queries.json").json()["queries"] == listing
    page = client.get("/queries", headers=BROWSER)
    assert page.headers["content-type"].startswith("text/html")
    for name in names:
        assert f'href="/queries/{name}?lang=' in page.text


def test_a_canned_query_runs_with_typed_parameters(client, store):
    response = client.get("/queries/outcomes-by-sdg", params={"sdg": "17.16"})
    assert response.status_code == 200
    rows = response.json()["results"]["bindings"]
    serving = store.query(
        "SELECT ?o { ?o <https://w3id.org/sdglod/ontology#servesTarget> "
        "<http://metadata.un.org/sdg/17.16> }"
    )
    found = {r["outcome"]["value"] for r in rows}
    assert found == {row["o"].value for row in serving}
    # Among them the conference's messages 3 and 4 (a fact of the conclusions).
    assert {o.rsplit("/", 1)[1] for o in found} >= {"baltic-sdg-2021-3", "baltic-sdg-2021-4"}


@pytest.mark.parametrize(
    ("suffix", "media_type"),
    [
        (".json", "application/sparql-results+json"),
        (".csv", "text/csv"),
        (".tsv", "text/tab-separated-values"),
        (".xml", "application/sparql-results+xml"),
    ],
)
def test_suffixes_pick_the_format(client, suffix, media_type):
    response = client.get(f"/queries/events{suffix}")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type


def test_csv_of_a_canned_query(client, store):
    response = client.get("/queries/people.csv", params={"lang": "lv"})
    rows = list(csv.DictReader(io.StringIO(response.text)))
    people = store.query("SELECT ?p { ?p a <http://schema.org/Person> }")
    assert {row["person"] for row in rows} == {row["p"].value for row in people}
    assert {"Inga Surgunte", "Māra Jēkabsone"} <= {row["name"] for row in rows}


def test_graph_queries_give_rdf(client):
    response = client.get("/queries/resource.ttl", params={"resource": "person:inga-surgunte"})
    triples = list(parse(response.content, format=RdfFormat.TURTLE))
    assert any(t.subject.value.endswith("/person/inga-surgunte") for t in triples)
    assert client.get("/queries/resource.csv").status_code == 406


def test_the_sparql_text_is_served(client):
    response = client.get("/queries/events.rq")
    assert response.headers["content-type"].startswith("application/sparql-query")
    assert "#+ title@en:" in response.text


def test_bad_parameters_are_400_and_list_the_valid_ones(client):
    unknown = client.get("/queries/events", params={"nonsense": "1"})
    assert unknown.status_code == 400
    error = unknown.json()["error"]
    assert error["code"] == "bad-parameter" and "lang" in error["hint"]
    wrong = client.get("/queries/campaigns-and-events", params={"from": "31.12.2021"})
    assert wrong.status_code == 400 and "date" in wrong.json()["error"]["message"]
    assert client.get("/queries/no-such-query").status_code == 404


def test_the_html_view_has_the_form_the_sparql_and_a_table(client):
    page = client.get(
        "/queries/outcomes-by-sdg", params={"sdg": "4.7", "lang": "en"}, headers=BROWSER
    )
    assert page.status_code == 200
    html = page.text
    assert '<html lang="en">' in html
    assert 'name="sdg"' in html and 'value="4.7"' in html
    assert "SELECT DISTINCT $sdg" in html  # the SPARQL text
    assert "<table" in html and "Conference message no. 1" in html
    assert 'href="/queries/outcomes-by-sdg.csv?sdg=4.7' in html


def test_a_bad_parameter_in_the_html_view_shows_the_form_again(client):
    page = client.get("/queries/outcomes-by-sdg", params={"sdg": "99"}, headers=BROWSER)
    assert page.status_code == 400
    assert 'role="alert"' in page.text and 'name="sdg"' in page.text


def test_the_query_page_shows_results_and_errors(client):
    query = (
        "SELECT ?name WHERE { ?s a <http://schema.org/Person> ; <http://schema.org/name> ?name }"
    )
    page = client.get("/sparql", params={"query": query, "lang": "lv"}, headers=BROWSER)
    assert page.status_code == 200
    assert "Māra Jēkabsone" in page.text
    assert 'lang="lv"' in page.text  # literals carry their language
    assert "format=csv" in page.text and "format=json" in page.text
    broken = client.get("/sparql", params={"query": "SELECT ?x WHERE {"}, headers=BROWSER)
    assert broken.status_code == 400
    assert 'id="error"' in broken.text


def test_page_language_from_accept_language(client):
    page = client.get("/queries", headers={**BROWSER, "Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in page.text
    default = client.get("/queries", headers=BROWSER)
    assert '<html lang="lv">' in default.text


# --- a label with markup is text in every HTML view ----------------------------------------------


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    people = root / "data" / "people.ttl"
    text = people.read_text(encoding="utf-8")
    people.write_text(
        text.replace('schema:name "Inga Surgunte"@lv', f'schema:name "{SCRIPT}"@lv'),
        encoding="utf-8",
    )
    project = load_project(root)
    build(project)
    with TestClient(create_app(ServerConfig(project_root=root, timeout=5.0))) as client:
        yield client


@pytest.mark.parametrize(
    "path",
    [
        "/sparql?lang=lv&query=SELECT%20%3Fs%20%3Fn%20WHERE%20%7B%20%3Fs%20%3Chttp%3A%2F%2Fschema.org%2Fname%3E%20%3Fn%20%7D",
        "/queries/people?lang=lv",
        "/sparql?lang=lv&query=DESCRIBE%20%3Chttps%3A%2F%2Fw3id.org%2Fsdglod%2Fid%2Fperson%2Finga-surgunte%3E",
        "/queries/resource?resource=person:inga-surgunte&lang=lv",
        "/queries/people?lang=lv&x=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/nothing/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/sparql?query=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ],
)
def test_markup_in_data_or_requests_is_escaped_in_html(hostile_client, path):
    page = hostile_client.get(path, headers=BROWSER)
    assert page.headers["content-type"].startswith("text/html")
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;" in page.text or page.status_code >= 400

"""The RDF dataset of a query as SPARQL 1.1 defines it, on the embedded store and a remote one,
from the library, the command line and over HTTP.

SPARQL 1.1 Query §13.2: ``FROM`` clauses make the default graph (their merge), ``FROM NAMED``
clauses the named graphs; a query with ``FROM NAMED`` alone has an empty default graph, one with
``FROM`` alone has no named graphs. SPARQL 1.1 Protocol §2.1.4: ``default-graph-uri`` and
``named-graph-uri`` in the request make the dataset in the same way and win over the query's
own. Only when neither says anything is sdglod's default dataset used: the union of all named
graphs as the default graph, every named graph by name.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from sdglod.build import build
from sdglod.cli import cli
from sdglod.project import load_project
from sdglod.query.embedded import EmbeddedBackend
from sdglod.query.execute import QueryRequest, run_query
from sdglod.query.remote import RemoteBackend
from sdglod.query.sparql_text import SparqlTextError, dataset_clauses, without_dataset_clauses
from sdglod.web.app import create_app
from sdglod.web.config import ServerConfig

MINI = Path(__file__).parent / "fixtures" / "mini-project"
BASE = "https://example.org/mini/"
EVENTS = BASE + "graph/data"
EXTRA = BASE + "graph/extra"
EXTRA_TTL = """@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/mini/id/event/film-night> a schema:Event ;
    schema:name "Filmu vakars"@lv, "Film night"@en ;
    schema:startDate "2024-03-08"^^xsd:date ; schema:endDate "2024-03-08"^^xsd:date .
"""
DEFAULT = "SELECT (COUNT(*) AS ?n) {DATASET} WHERE {{ ?s ?p ?o }}"
NAMED = "SELECT (COUNT(*) AS ?n) {DATASET} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"


@pytest.fixture(scope="module")
def two_graphs(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """The mini project with a second named graph; the triples in each graph."""
    root = shutil.copytree(MINI, tmp_path_factory.mktemp("dataset") / "mini")
    (root / "extra").mkdir()
    (root / "extra" / "film.ttl").write_text(EXTRA_TTL, encoding="utf-8")
    toml = (root / "sdglod.toml").read_text(encoding="utf-8")
    toml += '\n[[graphs]]\nname = "extra"\nfiles = ["extra/*.ttl"]\n'
    (root / "sdglod.toml").write_text(toml, encoding="utf-8")
    built = build(load_project(root))
    sizes = dict(built.manifest.graphs)
    assert set(sizes) == {EVENTS, EXTRA}, sizes  # the graph IRIs this test relies on
    return root, sizes


def expected(sizes: dict[str, int]) -> list[tuple[str, dict, int, int]]:
    """(query's dataset clauses, protocol parameters, triples in the default graph, triples
    in named graphs) for every combination the specifications describe."""
    events, extra = sizes[EVENTS], sizes[EXTRA]
    both = events + extra
    return [
        ("", {}, both, both),  # sdglod's default: the union, and every graph by name
        (f"FROM <{EVENTS}>", {}, events, 0),
        (f"FROM NAMED <{EVENTS}>", {}, 0, events),
        (f"FROM <{EVENTS}> FROM NAMED <{EXTRA}>", {}, events, extra),
        (f"FROM <{EVENTS}> FROM <{EXTRA}>", {}, both, 0),
        (f"FROM NAMED <{EVENTS}> FROM NAMED <{EXTRA}>", {}, 0, both),
        ("PREFIX g: <https://example.org/mini/graph/> FROM g:extra", {}, extra, 0),
        ("", {"default": [EXTRA]}, extra, 0),
        ("", {"named": [EVENTS]}, 0, events),
        ("", {"default": [EVENTS], "named": [EXTRA]}, events, extra),
        ("", {"default": [EVENTS, EXTRA]}, both, 0),
        # The request's dataset wins over the query's.
        (f"FROM <{EVENTS}>", {"default": [EXTRA]}, extra, 0),
        (f"FROM NAMED <{EVENTS}>", {"default": [EVENTS]}, events, 0),
        (f"FROM <{EVENTS}> FROM NAMED <{EXTRA}>", {"named": [EVENTS]}, 0, events),
    ]


def with_dataset(template: str, clauses: str) -> str:
    if clauses.startswith("PREFIX"):
        prefix, _, clause = clauses.partition(">")
        return prefix + "> " + template.replace("{DATASET}", clause.strip()).format()
    return template.replace("{DATASET}", clauses).format()


def count(result) -> int:
    return int(result.rows[0][0].value)


@pytest.fixture(scope="module", params=["embedded", "remote"])
def backend(request, two_graphs, start_oxigraph):
    root, _ = two_graphs
    if request.param == "remote":
        server = start_oxigraph()
        server.load(root / "dist" / "dataset.nq")
        return RemoteBackend(server.query_url)
    return EmbeddedBackend(load_project_build(root).open_store())


def load_project_build(root: Path):
    from sdglod.build import current_build

    return current_build(load_project(root))


def test_every_dataset_combination_on_both_stores(backend, two_graphs):
    _, sizes = two_graphs
    for clauses, protocol, default, named in expected(sizes):
        request = {
            "default_graphs": tuple(protocol["default"]) if "default" in protocol else None,
            "named_graphs": tuple(protocol["named"]) if "named" in protocol else None,
        }
        for template, want in ((DEFAULT, default), (NAMED, named)):
            text = with_dataset(template, clauses)
            got = count(run_query(backend, QueryRequest(text, **request)).result)
            assert got == want, (text, protocol)


def test_every_dataset_combination_over_http(two_graphs):
    root, sizes = two_graphs
    with TestClient(create_app(ServerConfig(project_root=root))) as client:
        for clauses, protocol, default, named in expected(sizes):
            params = [("default-graph-uri", g) for g in protocol.get("default", [])]
            params += [("named-graph-uri", g) for g in protocol.get("named", [])]
            for template, want in ((DEFAULT, default), (NAMED, named)):
                text = with_dataset(template, clauses)
                for answer in (
                    client.get("/sparql", params=[("query", text), *params]),
                    client.post("/sparql", params=params, data={"query": text}),
                ):
                    assert answer.status_code == 200, answer.text
                    n = answer.json()["results"]["bindings"][0]["n"]["value"]
                    assert int(n) == want, (text, protocol)


def test_from_in_the_command_line_query(two_graphs):
    root, sizes = two_graphs
    text = with_dataset(DEFAULT, f"FROM <{EXTRA}>")
    result = CliRunner().invoke(
        cli, ["--project", str(root), "sparql", "--format", "json", text], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    n = json.loads(result.output)["results"]["bindings"][0]["n"]["value"]
    assert int(n) == sizes[EXTRA]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?from ?p ?o }",  # a variable named from
        "SELECT * WHERE { ?s <http://ex/FROM> 'FROM <http://g>' }",  # in an IRI and a string
        "# FROM <http://g>\nSELECT * WHERE { ?s ?p ?o }",  # in a comment
        "PREFIX from: <http://ex/> SELECT * WHERE { ?s from:x ?o }",  # a prefix named from
    ],
)
def test_only_real_dataset_clauses_are_found(text):
    assert dataset_clauses(text) == ()
    assert without_dataset_clauses(text) == text


def test_blanking_the_clauses_keeps_every_position():
    text = "SELECT ?s\nFROM <http://g/1>\nFROM NAMED\n  <http://g/2>\nWHERE { ?s ?p }"
    blanked = without_dataset_clauses(text)
    assert len(blanked) == len(text) and blanked.count("\n") == text.count("\n")
    assert "FROM" not in blanked and blanked.index("WHERE") == text.index("WHERE")
    found = [(clause.named, clause.graph) for clause in dataset_clauses(text)]
    assert found == [(False, "http://g/1"), (True, "http://g/2")]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("FROMNAED <>{}?:'\"#\n\\gxs.")), max_size=60))
def test_blanking_never_moves_anything_whatever_the_text(text):
    try:
        blanked = without_dataset_clauses(text)
    except SparqlTextError:
        return  # an unclosed string: the engine reports it at its place
    assert len(blanked) == len(text)
    assert [i for i, c in enumerate(blanked) if c in "\n"] == [
        i for i, c in enumerate(text) if c in "\n"
    ]
    assert dataset_clauses(blanked) == ()

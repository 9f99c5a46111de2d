"""SPARQL clients as people use them, against a real ``sdglod serve`` on loopback.

SPARQLWrapper in its default mode sends the format it wants twice: in ``Accept`` and in
``format=``, ``output=`` and ``results=`` parameters (several values for TSV, JSON-LD and
RDF/XML). rdflib's ``SPARQLStore`` sends plain protocol requests. Every query form, every return
format these libraries offer, over GET and POST, must come back readable and right.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from sdglod_server import SdglodServer
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)

from sdglod.build import build, current_build
from sdglod.project import load_project

MINI = Path(__file__).parent / "fixtures" / "mini-project"
EVENT = "https://example.org/mini/id/event/reading-week"
SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
ASK = f"ASK {{ <{EVENT}> ?p ?o }}"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
DESCRIBE = f"DESCRIBE <{EVENT}>"


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    root = shutil.copytree(MINI, tmp_path_factory.mktemp("clients") / "mini")
    build(load_project(root))
    return root


@pytest.fixture(scope="module")
def server(mini, tmp_path_factory):
    log = tmp_path_factory.mktemp("clients-log") / "serve.log"
    with SdglodServer(mini, log).start() as running:
        yield running


@pytest.fixture(scope="module")
def triples(mini) -> int:
    return current_build(load_project(mini)).manifest.triples


def wrapper(server, query: str, fmt: str, method: str) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")  # the default mode: format= and Accept
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


def solutions(fmt: str, data: object) -> int:
    """How many solutions an answer ``.convert()`` gave holds (ASK: 1 if true)."""
    if fmt == JSON:
        if "boolean" in data:
            return int(data["boolean"])
        return len(data["results"]["bindings"])
    if fmt == XML:
        booleans = data.getElementsByTagName("boolean")
        if booleans:
            return int(booleans[0].firstChild.data == "true")
        return len(data.getElementsByTagName("result"))
    lines = data.decode("utf-8").strip().splitlines()
    return len(lines) - 1 if len(lines) > 1 else int(lines[-1].strip().lower() == "true")


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_and_ask_in_every_format(server, triples, fmt, method):
    selected = wrapper(server, SELECT, fmt, method).query().convert()
    assert solutions(fmt, selected) == triples
    asked = wrapper(server, ASK, fmt, method).query().convert()
    assert solutions(fmt, asked) == 1


def graph_of(fmt: str, data: object) -> Graph:
    if isinstance(data, Graph):
        return data
    if fmt == JSONLD and isinstance(data, (dict, list)):
        data = json.dumps(data)
    if isinstance(data, bytes):
        data = data.decode("utf-8")
    # An N3 answer is Turtle (Turtle is N3; rdflib's N3 parser warns about itself).
    syntax = {TURTLE: "turtle", N3: "turtle", JSONLD: "json-ld"}.get(fmt, "xml")
    return Graph().parse(data=data, format=syntax)


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, XML, JSONLD])
def test_sparqlwrapper_construct_and_describe_in_every_format(server, triples, fmt, method):
    constructed = graph_of(fmt, wrapper(server, CONSTRUCT, fmt, method).query().convert())
    assert len(constructed) == triples
    described = graph_of(fmt, wrapper(server, DESCRIBE, fmt, method).query().convert())
    assert (URIRef(EVENT), None, None) in described


def test_format_parameters_that_name_nothing_offered_leave_accept_to_decide(server):
    import httpx

    answer = httpx.get(
        server.url + "/sparql",
        params=[("query", CONSTRUCT), ("format", "n3"), ("format", "nonsense")],
        headers={"Accept": "text/turtle"},
        trust_env=False,
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    assert len(list(parse(answer.content, format=RdfFormat.TURTLE))) > 0
    # A format= that is offered still wins over Accept, as Fuseki and Virtuoso do.
    answer = httpx.get(
        server.url + "/sparql",
        params={"query": SELECT, "format": "csv"},
        headers={"Accept": "application/sparql-results+json"},
        trust_env=False,
    )
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.text.splitlines()[0] == "s,p,o"


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_reads_the_endpoint(server, triples, method):
    graph = Graph(store=SPARQLStore(server.url + "/sparql", method=method))  # its defaults
    assert len(list(graph.query(SELECT))) == triples
    assert graph.query(ASK).askAnswer is True
    assert len(graph.query(CONSTRUCT).graph) == triples
    assert (URIRef(EVENT), None, None) in graph.query(DESCRIBE).graph
    json_graph = Graph(store=SPARQLStore(server.url + "/sparql", returnFormat="json"))
    assert len(list(json_graph.query(SELECT))) == triples

"""The dumps: every format says the same thing, and JSON-LD is readable."""

from __future__ import annotations

import json

import pytest
import rdflib
from pyoxigraph import RdfFormat, parse
from rdflib.compare import isomorphic


@pytest.fixture(scope="module")
def dist(built):
    return built[1].dist_path


def rdflib_graph(path, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format=fmt)


def test_jsonld_read_back_is_isomorphic_to_turtle(dist):
    turtle = rdflib_graph(dist / "dataset.ttl", "turtle")
    jsonld = rdflib_graph(dist / "dataset.jsonld", "json-ld")
    assert len(turtle) > 1000
    assert isomorphic(turtle, jsonld)


def test_jsonld_read_back_by_oxigraph_gives_the_same_triples(dist):
    from_jsonld = set(parse(path=str(dist / "dataset.jsonld"), format=RdfFormat.JSON_LD))
    from_ntriples = set(parse(path=str(dist / "dataset.nt"), format=RdfFormat.N_TRIPLES))
    assert from_jsonld == from_ntriples


def test_triple_formats_hold_the_union_and_quad_formats_keep_graphs(built, dist):
    manifest = built[1].manifest
    nt = {q.triple for q in parse(path=str(dist / "dataset.nt"), format=RdfFormat.N_TRIPLES)}
    nq = list(parse(path=str(dist / "dataset.nq"), format=RdfFormat.N_QUADS))
    trig = list(parse(path=str(dist / "dataset.trig"), format=RdfFormat.TRIG))
    assert len(nt) == manifest.triples
    assert set(nq) == set(trig)
    assert len(nq) == sum(manifest.graphs.values())
    assert {q.graph_name.value for q in nq} == set(manifest.graphs)
    assert {q.triple for q in nq} == nt


def test_jsonld_uses_schema_org_terms_as_plain_keys(dist):
    document = json.loads((dist / "dataset.jsonld").read_text(encoding="utf-8"))
    assert document["@context"]["@vocab"] == "http://schema.org/"
    nodes = {node["@id"]: node for node in document["@graph"]}
    conference = nodes["event:baltic-sdg-2021"]
    assert conference["@type"] == "Event"
    assert conference["startDate"] == {"@value": "2021-09-23", "@type": "xsd:date"}
    assert {"@id": "organization:latvijas-nacionala-biblioteka"} in conference["organizer"]
    assert conference["isAccessibleForFree"] is True
    assert "sdglod:partner" in conference


def test_context_file_is_the_context_the_dump_uses(dist):
    context = json.loads((dist / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    document = json.loads((dist / "dataset.jsonld").read_text(encoding="utf-8"))
    assert context == document["@context"]


def test_turtle_dump_reads_like_the_sources(dist):
    turtle = (dist / "dataset.ttl").read_text(encoding="utf-8")
    assert "@prefix schema: <http://schema.org/> ." in turtle
    assert "event:baltic-sdg-2021 a schema:Event ;" in turtle
    # Unicode is written as itself, not escaped.
    assert "Jēkabsone" in turtle


def test_the_sort_key_orders_terms_of_one_value_as_their_ntriples_forms():
    # The key holds a short form instead of the whole N-Triples form (texts would be in it
    # twice); the order of terms with the same value must stay that of their N-Triples forms.
    from pyoxigraph import BlankNode, Literal, NamedNode, Quad

    from sdglod.rdf.writer import _statement_key

    xsd = "http://www.w3.org/2001/XMLSchema#"
    terms = [
        NamedNode("urn:x"),
        BlankNode("x"),
        Literal("urn:x"),
        Literal("x"),
        Literal("x", language="en"),
        Literal("x", language="en-gb"),
        Literal("x", language="lv"),
        Literal("x", datatype=NamedNode(xsd + "token")),
        Literal("x", datatype=NamedNode(xsd + "anyURI")),
        Literal('x "quoted"\n', language="en"),
        Literal('x "quoted"\n'),
    ]
    quads = [Quad(NamedNode("urn:s"), NamedNode("urn:p"), term) for term in terms]
    by_key = sorted(quads, key=_statement_key)
    by_ntriples = sorted(quads, key=lambda q: (q.object.value, str(q.object)))
    assert by_key == by_ntriples
    assert len({_statement_key(q) for q in quads}) == len(quads)

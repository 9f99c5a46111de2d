"""Result formats: the W3C SPARQL results formats, JSON Lines, Turtle/JSON-LD for graphs, and
tables for people; the same data gives the same bytes."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryResultsFormat,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
)

from sdglod.build import build
from sdglod.errors import QueryError
from sdglod.project import load_project
from sdglod.query.canned import run_canned
from sdglod.query.catalogue import load_queries
from sdglod.query.embedded import EmbeddedBackend
from sdglod.query.labels import fetch_labels, iris_in
from sdglod.query.results import (
    AskResult,
    GraphResult,
    SelectResult,
    TableStyle,
    format_table,
    from_sparql_json,
    render_table,
    serialize_result,
)
from sdglod.rdf.formats import (
    result_formats_for,
)
from sdglod.rdf.names import Vocabulary, compact_iri

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SAMPLE = SelectResult(
    ("s", "label", "n", "empty"),
    (
        (NamedNode(EX + "a"), Literal('Rīga, "quoted"\nline', language="lv"), Literal(3), None),
        (
            BlankNode("b0"),
            Literal("plain"),
            Literal("2.5", datatype=NamedNode(XSD + "decimal")),
            None,
        ),
    ),
)


@pytest.fixture(scope="module")
def catalogue(built):
    return load_queries(built[0])


@pytest.fixture(scope="module")
def vocabulary(built):
    manifest = built[1].manifest
    return Vocabulary(manifest.prefixes, manifest.context)


def run(built, store, catalogue, name, **given):
    project, build_ = built
    backend = EmbeddedBackend(store)
    return run_canned(backend, catalogue[name], given, project.base, build_.manifest.prefixes)


# --- The W3C formats -----------------------------------------------------------------------


def test_csv_follows_the_w3c_format():
    text = serialize_result(SAMPLE, "csv").decode("utf-8")
    assert text.startswith("s,label,n,empty\r\n")  # CRLF, no '?' in the header
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == [EX + "a", 'Rīga, "quoted"\nline', "3", ""]
    assert rows[2][0].startswith("_:")


def test_tsv_follows_the_w3c_format_and_reads_back():
    data = serialize_result(SAMPLE, "tsv")
    assert data.decode("utf-8").splitlines()[0] == "?s\t?label\t?n\t?empty"
    back = parse_query_results(data, QueryResultsFormat.TSV)
    first = next(iter(back))
    assert tuple(first[name] for name in SAMPLE.variables) == SAMPLE.rows[0]


@pytest.mark.parametrize("name", ["json", "xml"])
def test_json_and_xml_read_back_to_the_same_result(name):
    data = serialize_result(SAMPLE, name)
    fmt = QueryResultsFormat.JSON if name == "json" else QueryResultsFormat.XML
    back = parse_query_results(data, fmt)
    assert tuple(v.value for v in back.variables) == SAMPLE.variables
    rows = [tuple(row[n] for n in SAMPLE.variables) for row in back]
    assert rows[0] == SAMPLE.rows[0]
    assert isinstance(rows[1][0], BlankNode)


def test_json_document_shape():
    document = json.loads(serialize_result(SAMPLE, "json"))
    assert document["head"]["vars"] == ["s", "label", "n", "empty"]
    first = document["results"]["bindings"][0]
    assert first["label"] == {"type": "literal", "value": 'Rīga, "quoted"\nline', "xml:lang": "lv"}
    assert first["n"]["datatype"] == XSD + "integer"
    assert "empty" not in first  # unbound variables are left out
    assert from_sparql_json(serialize_result(SAMPLE, "json")).rows[0] == SAMPLE.rows[0]


def test_xml_is_sparql_results_xml():
    root = ET.fromstring(serialize_result(SAMPLE, "xml"))
    assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"


def test_jsonl_has_one_binding_object_per_line():
    lines = serialize_result(SAMPLE, "jsonl").decode("utf-8").splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])["s"] == {"type": "uri", "value": EX + "a"}
    assert json.loads(lines[1])["label"] == {"type": "literal", "value": "plain"}


def test_ask_results():
    assert serialize_result(AskResult(True), "json") == b'{"head":{},"boolean":true}'
    assert serialize_result(AskResult(False), "table") == b"false\n"
    with pytest.raises(QueryError):
        serialize_result(AskResult(True), "jsonl")


# --- Graphs --------------------------------------------------------------------------------


def test_graph_as_turtle_and_json_ld_reads_back(built, store, catalogue, vocabulary):
    result = run(built, store, catalogue, "resource")
    assert isinstance(result, GraphResult)
    turtle = serialize_result(result, "ttl", vocabulary)
    assert b"@prefix schema: <http://schema.org/> ." in turtle
    assert {q.triple for q in parse(turtle, format=RdfFormat.TURTLE)} == set(result.triples)
    jsonld = serialize_result(result, "jsonld", vocabulary)
    document = json.loads(jsonld)
    assert document["@context"]["@vocab"] == "http://schema.org/"
    conference = next(n for n in document["@graph"] if n["@id"] == "event:baltic-sdg-2021")
    assert conference["startDate"] == {"@value": "2021-09-23", "@type": "xsd:date"}
    assert {q.triple for q in parse(jsonld, format=RdfFormat.JSON_LD)} == set(result.triples)
    ntriples = serialize_result(result, "nt", vocabulary)
    assert {q.triple for q in parse(ntriples, format=RdfFormat.N_TRIPLES)} == set(result.triples)


@pytest.mark.parametrize(("kind", "bad"), [("graph", "csv"), ("solutions", "ttl")])
def test_a_format_that_cannot_carry_the_result_is_a_clear_error(kind, bad):
    result = GraphResult(()) if kind == "graph" else SAMPLE
    with pytest.raises(QueryError) as caught:
        serialize_result(result, bad)
    fitting = [f.name for f in result_formats_for(kind)]
    assert caught.value.hint == f"use one of: {', '.join(fitting)}"


# --- Byte stability ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """A second, separate build of the same project."""
    from conftest import copy_project

    project = load_project(copy_project(tmp_path_factory.mktemp("rebuilt") / "project"))
    return project, build(project)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl", "xml", "table"])
def test_results_are_byte_stable_for_the_same_data(built, store, rebuilt, catalogue, fmt):
    other_store = rebuilt[1].open_store()
    for name, query in catalogue.items():
        if query.form not in ("SELECT", "ASK"):
            continue
        first = run(built, store, catalogue, name)
        again = run(built, store, catalogue, name)
        other = run(rebuilt, other_store, catalogue, name)
        vocabulary = Vocabulary(built[1].manifest.prefixes)
        data = serialize_result(first, fmt, vocabulary)
        assert data == serialize_result(again, fmt, vocabulary), name
        assert data == serialize_result(other, fmt, vocabulary), name


def test_graph_results_are_byte_stable(built, store, rebuilt, catalogue, vocabulary):
    other_store = rebuilt[1].open_store()
    for name in ("resource", "describe"):
        ours = run(built, store, catalogue, name)
        theirs = run(rebuilt, other_store, catalogue, name)
        for fmt in ("ttl", "nt", "jsonld"):
            ours_bytes = serialize_result(ours, fmt, vocabulary)
            assert ours_bytes == serialize_result(theirs, fmt, vocabulary), (name, fmt)


# --- Tables for people ---------------------------------------------------------------------


def test_table_shows_labels_instead_of_iris(built, store, catalogue, vocabulary):
    result = run(built, store, catalogue, "event-participants", lang="lv")
    backend = EmbeddedBackend(store)
    labels = fetch_labels(backend, iris_in(result), "lv")
    text = render_table(result, vocabulary, TableStyle(labels, None))
    named = {iri: label for iri, label in labels.items() if "/id/organization/" in iri}
    assert named  # the participants include organisations with Latvian names
    for label in named.values():
        assert label in text
    assert "https://w3id.org/sdglod/id/organization/" not in text
    assert "sadarbības partneris" in text  # sdglod:partner's Latvian rdfs:label
    assert "schema:organizer" in text  # no label in the graph: a compact IRI
    assert text.endswith(f"({len(result)} rows)\n")


def test_labels_prefer_schema_name_and_fall_back_to_other_label_properties(store):
    backend = EmbeddedBackend(store)
    goal = "http://metadata.un.org/sdg/12"  # no schema:name in Latvian
    labels = fetch_labels(backend, [goal, "http://metadata.un.org/sdg/4"], "en")
    assert labels == {
        goal: "Responsible consumption and production",
        "http://metadata.un.org/sdg/4": "Quality education",
    }
    assert goal not in fetch_labels(backend, [goal], "lv")


def test_table_layout():
    text = render_table(SAMPLE, Vocabulary({"ex": EX}), TableStyle({}, 12))
    lines = text.splitlines()
    assert lines[0] == "s     label           n  empty"
    assert lines[1] == "----  ------------  ---  -----"
    assert lines[2] == 'ex:a  Rīga, "quot…    3'  # newline folded, cut at 12, number right
    assert lines[3] == "_:b0  plain         2.5"
    assert lines[-1] == "(2 rows)"


def test_format_table_counts_display_width():
    text = format_table(("a", "b"), [["ā", "x"], ["e\u0301", "y"]])
    assert text.splitlines()[2:] == ["ā  x", "e\u0301  y"]


def test_compact_iri_uses_the_longest_namespace():
    prefixes = {
        "sdg": "http://metadata.un.org/sdg/",
        "sdgo": "http://metadata.un.org/sdg/ontology#",
    }
    assert compact_iri("http://metadata.un.org/sdg/ontology#Goal", prefixes) == "sdgo:Goal"
    assert compact_iri("http://metadata.un.org/sdg/4.7", prefixes) == "sdg:4.7"
    assert (
        compact_iri("http://metadata.un.org/sdg/a/b", prefixes) == "http://metadata.un.org/sdg/a/b"
    )


def test_graph_table_lists_triples():
    triple = Triple(NamedNode(EX + "s"), NamedNode(EX + "p"), Literal("o"))
    text = render_table(GraphResult((triple,)), Vocabulary({"ex": EX}), TableStyle())
    assert text.splitlines()[2] == "ex:s     ex:p       o"
    assert text.endswith("(1 triple)\n")

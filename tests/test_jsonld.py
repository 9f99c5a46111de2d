"""The compact JSON-LD writer: whatever the triples, reading the output back gives them again."""

from __future__ import annotations

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from sdglod.rdf.jsonld import Compactor, build_context, write_jsonld
from sdglod.rdf.namespaces import RDF_TYPE

XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {
    "schema": "http://schema.org/",
    "sdg": "http://metadata.un.org/sdg/",
    "sdgo": "http://metadata.un.org/sdg/ontology#",
    "xsd": XSD,
    # Prefix names that are also schema.org property names must not capture those properties.
    "event": "https://w3id.org/sdglod/id/event/",
    "name": "https://example.org/name/",
}
CONTEXT = build_context(PREFIXES, "http://schema.org/")

local = st.text(
    alphabet=st.sampled_from("abcXYZ019_-āēšžõüąė"), min_size=0, max_size=8
) | st.sampled_from(["4.7", "17.16", "event", "name", "Event", "//x", "a/b", "x#y", "@id", "1a"])
namespace = st.sampled_from(
    [
        *PREFIXES.values(),
        "https://w3id.org/sdglod/id/",
        "urn:x:",
        "http://example.org/a?b=",
        "mailto:",
    ]
)


def valid_iri(value: str) -> NamedNode | None:
    try:
        return NamedNode(value)
    except ValueError:
        return None


iri = st.builds(lambda ns, loc: valid_iri(ns + loc), namespace, local).filter(
    lambda n: n is not None and n.value not in ("mailto:", "urn:x:")
)
blank = st.sampled_from(["b0", "b1", "x9"]).map(BlankNode)
text = st.text(st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from('\n\t"\\'))
language = st.sampled_from(["lv", "en", "et", "lt", "en-gb"])
lexical_integer = st.integers(-(10**20), 10**20).map(str) | st.sampled_from(
    ["007", "+5", "-0", "1e3"]
)
literal = st.one_of(
    text.map(Literal),
    st.builds(lambda t, lang: Literal(t, language=lang), text, language),
    lexical_integer.map(lambda v: Literal(v, datatype=NamedNode(XSD + "integer"))),
    st.sampled_from(["true", "false", "1", "0"]).map(
        lambda v: Literal(v, datatype=NamedNode(XSD + "boolean"))
    ),
    st.builds(lambda t, dt: Literal(t, datatype=dt), text, iri),
)
predicate = iri | st.just(NamedNode(RDF_TYPE))
triple = st.builds(Triple, iri | blank, predicate, iri | blank | literal)


def round_trip(triples: list[Triple]) -> set[Triple]:
    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    out = io.StringIO()
    write_jsonld(ordered, out, CONTEXT)
    json.loads(out.getvalue())  # well-formed JSON
    return {q.triple for q in parse(out.getvalue().encode(), format=RdfFormat.JSON_LD)}


@settings(max_examples=400, deadline=None)
@given(st.lists(triple, max_size=12))
def test_any_triples_survive_a_round_trip(triples):
    assert round_trip(triples) == set(triples)


def test_schema_org_terms_become_plain_keys_and_collisions_do_not():
    compactor = Compactor(CONTEXT)
    assert compactor.vocab_iri("http://schema.org/startDate") == "startDate"
    assert compactor.vocab_iri("http://schema.org/name") == "schema:name"  # "name" is a prefix here
    assert compactor.vocab_iri("http://schema.org/event") == "schema:event"
    assert compactor.id_iri("http://metadata.un.org/sdg/4.7") == "sdg:4.7"
    assert compactor.id_iri("http://metadata.un.org/sdg/ontology#Goal") == "sdgo:Goal"
    assert compactor.id_iri("https://elsewhere.example/x") == "https://elsewhere.example/x"


def test_native_json_values_only_where_they_read_back_exactly():
    compactor = Compactor(CONTEXT)
    integer, boolean = NamedNode(XSD + "integer"), NamedNode(XSD + "boolean")
    assert compactor.value(Literal("42", datatype=integer)) == 42
    assert compactor.value(Literal("042", datatype=integer)) == {
        "@value": "042",
        "@type": "xsd:integer",
    }
    assert compactor.value(Literal("true", datatype=boolean)) is True
    assert compactor.value(Literal("1", datatype=boolean)) == {
        "@value": "1",
        "@type": "xsd:boolean",
    }

"""Our own terms: few, documented in Latvian and English, and tied to schema.org."""

from __future__ import annotations

from support import ask, rows

ONTOLOGY_GRAPH = "https://w3id.org/sdglod/graph/ontology"


def test_every_term_has_labels_comments_and_a_schema_org_parent(store):
    incomplete = rows(
        store,
        f"""SELECT ?term {{ GRAPH <{ONTOLOGY_GRAPH}> {{
        ?term rdfs:isDefinedBy <https://w3id.org/sdglod/ontology> .
        FILTER NOT EXISTS {{
          ?term rdfs:label ?lv, ?en ; rdfs:comment ?clv, ?cen ;
                rdfs:subClassOf|rdfs:subPropertyOf ?parent
          FILTER(LANG(?lv) = 'lv' && LANG(?en) = 'en' && LANG(?clv) = 'lv' && LANG(?cen) = 'en')
          FILTER(STRSTARTS(STR(?parent), "http://schema.org/"))
        }} }} }}""",
    )
    assert incomplete == []


def test_every_sdglod_term_the_data_uses_is_defined(store):
    undefined = rows(
        store,
        f"""SELECT DISTINCT ?term {{
        {{ ?s ?term ?o }} UNION {{ ?s a ?term }}
        FILTER(STRSTARTS(STR(?term), "https://w3id.org/sdglod/ontology#"))
        FILTER NOT EXISTS {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?term rdfs:label ?l }} }} }}""",
    )
    assert undefined == []


def test_the_ontology_has_version_licence_and_creator(store):
    assert ask(
        store,
        """ASK { <https://w3id.org/sdglod/ontology> a <http://www.w3.org/2002/07/owl#Ontology> ;
        <http://www.w3.org/2002/07/owl#versionInfo> ?v ;
        dcterms:license ?l ; dcterms:creator ?c }""",
    )

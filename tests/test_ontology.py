"""Our own terms: few, documented in Latvian and English, and tied to schema.org."""

from __future__ import annotations

import pytest
from pyoxigraph import RdfFormat, parse
from starlette.testclient import TestClient
from support import ask, rows

from sdglod.web.app import create_app
from sdglod.web.config import ServerConfig

ONTOLOGY_GRAPH = "https://w3id.org/sdglod/graph/ontology"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


@pytest.fixture(scope="module")
def web_client(built):
    with TestClient(create_app(ServerConfig(project_root=built[0].root))) as client:
        yield client


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


# --- the vocabulary dereferences -----------------------------------------------------------


def _terms_in_use(store) -> list[str]:
    return [
        row[0]
        for row in rows(
            store,
            """SELECT DISTINCT ?term {
            { ?s ?term ?o } UNION { ?s a ?term }
            FILTER(STRSTARTS(STR(?term), "https://w3id.org/sdglod/ontology#")) }""",
        )
    ]


def _dereference(client, iri: str, accept: str) -> bytes:
    """What a linked-data client does with a hash IRI: drop the fragment, follow the 303."""
    document = iri.split("#", 1)[0].removeprefix("https://w3id.org/sdglod")
    seen = client.get(document, headers={"Accept": accept}, follow_redirects=False)
    assert seen.status_code == 303, (document, seen.status_code)
    answer = client.get(seen.headers["location"], headers={"Accept": accept})
    assert answer.status_code == 200
    return answer.content


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", RdfFormat.TURTLE),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("application/rdf+xml", RdfFormat.RDF_XML),
    ],
)
def test_every_term_the_data_uses_dereferences_to_all_it_says(store, web_client, accept, fmt):
    """Each sdglod: term in the data resolves to a document with its labels and comments in
    Latvian and English and every statement the ontology makes about it."""
    terms = _terms_in_use(store)
    assert terms
    for term in terms:
        document = list(parse(_dereference(web_client, term, accept), format=fmt))
        about = {(t.predicate.value, t.object) for t in document if t.subject.value == term}
        for prop in (RDFS + "label", RDFS + "comment"):
            languages = {o.language for p, o in about if p == prop}
            assert {"lv", "en"} <= languages, (term, prop)
        stated = rows(
            store,
            f"SELECT ?p ?o {{ GRAPH <{ONTOLOGY_GRAPH}> {{ <{term}> ?p ?o }} }}",
        )
        assert len(about) == len(stated), term


def test_the_vocabulary_page_has_an_entry_per_term(store, web_client):
    page = web_client.get("/ontology.html?lang=en").text
    for term in _terms_in_use(store):
        fragment = term.split("#", 1)[1]
        assert f'id="{fragment}"' in page, term

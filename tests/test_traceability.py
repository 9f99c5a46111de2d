"""Every statement in data/ either cites a source or is marked as the editors' work.

The pattern (ontology/sdglod.ttl, "What the editors, not the sources, say"): the editors' work
is what has the editors (the dataset's publisher) as its dcterms:creator; where it is one
statement about a resource the sources describe, an sdglod:EditorialStatement (of a kind: a
sub-class, such as sdglod:Translation or sdglod:TargetLink) names that statement with
rdf:subject and, narrowing it, rdf:predicate, rdf:object or schema:inLanguage. A text kept as
its source published it is an sdglod:VerbatimText. These tests check invariants of the data,
however much it holds: nothing here names a resource or counts one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import PREFIXES, rows

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = RDF + "langString"
TYPE = RDF + "type"
DCT = PREFIXES["dcterms"]
SDGLOD = PREFIXES["sdglod"]
SCHEMA = PREFIXES["schema"]
SKOS = PREFIXES["skos"]
PROV = PREFIXES["prov"]
SOURCE_PROPERTIES = {DCT + "source", PROV + "wasDerivedFrom"}
# A note for editors and translators (SKOS): the editors' by what the property means.
EDITORS_NOTE = SKOS + "editorialNote"


@dataclass(frozen=True)
class Triple:
    subject: str
    predicate: str
    object: object  # a pyoxigraph term

    @property
    def is_text(self) -> bool:
        datatype = getattr(self.object, "datatype", None)
        return datatype is not None and datatype.value in (XSD_STRING, LANG_STRING)

    @property
    def language(self) -> str | None:
        return getattr(self.object, "language", None)


@dataclass(frozen=True)
class Mark:
    """What an editorial statement or verbatim text names: a statement, or a set of them."""

    iri: str
    kind: str
    subject: str
    predicate: str | None
    object: object | None
    language: str | None

    def covers(self, triple: Triple) -> bool:
        return (
            triple.subject == self.subject
            and (self.predicate is None or triple.predicate == self.predicate)
            and (self.object is None or triple.object == self.object)
            and (self.language is None or triple.language == self.language)
        )


@dataclass(frozen=True)
class Data:
    triples: list[Triple]
    editors: set[str]
    marks: list[Mark]  # editorial statements other than target links
    verbatim: list[Mark]
    kinds: set[str]

    def objects(self, subject: str, predicate: str) -> list:
        return [t.object for t in self.triples if t.subject == subject and t.predicate == predicate]

    def types(self, subject: str) -> set[str]:
        return {o.value for o in self.objects(subject, RDF + "type")}


def _ontology_graph(built) -> str:
    return built[0].base + "graph/ontology"


@pytest.fixture(scope="module")
def data(store, built) -> Data:
    """The statements of data/ (every named graph but the ontology's), with the marks."""
    result = store.query(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f"FILTER(?g != <{_ontology_graph(built)}>) }}"
    )
    triples = [
        Triple(s["s"].value, s["p"].value, s["o"])
        for s in result
        if type(s["s"]).__name__ == "NamedNode"
    ]
    assert triples
    publishers = "SELECT ?p { ?d a schema:Dataset ; dcterms:publisher ?p }"
    editors = {p for (p,) in rows(store, publishers)}
    assert editors, "the dataset names its publisher (the editors)"
    kinds_query = "SELECT ?k { ?k rdfs:subClassOf* sdglod:EditorialStatement }"
    kinds = {k for (k,) in rows(store, kinds_query)}
    assert SDGLOD + "TargetLink" in kinds
    subjects = {t.subject for t in triples}

    def one(subject: str, predicate: str):
        values = [t.object for t in triples if t.subject == subject and t.predicate == predicate]
        assert len(values) <= 1, (subject, predicate, values)
        return values[0] if values else None

    def mark(iri: str, kind: str) -> Mark:
        subject, predicate = one(iri, RDF + "subject"), one(iri, RDF + "predicate")
        language = one(iri, SCHEMA + "inLanguage")
        assert subject is not None, f"{iri} names no rdf:subject"
        return Mark(
            iri,
            kind,
            subject.value,
            predicate.value if predicate is not None else None,
            one(iri, RDF + "object"),
            language.value if language is not None else None,
        )

    marks, verbatim = [], []
    for iri in sorted(subjects):
        types = {t.object.value for t in triples if t.subject == iri and t.predicate == TYPE}
        if types & (kinds - {SDGLOD + "TargetLink", SDGLOD + "EditorialStatement"}):
            marks.append(mark(iri, sorted(types & kinds)[0]))
        if SDGLOD + "VerbatimText" in types:
            verbatim.append(mark(iri, SDGLOD + "VerbatimText"))
    return Data(triples, editors, marks, verbatim, kinds)


def _editors_own(data: Data, subject: str) -> bool:
    """The editors' own work: made by them (dcterms:creator), or wholly marked as theirs."""
    creators = {o.value for o in data.objects(subject, DCT + "creator")}
    if creators & data.editors:
        return True
    return any(m.subject == subject and m.predicate is None for m in data.marks)


def _sources(data: Data, subject: str) -> list[str]:
    """Where the resource's facts come from: its sources; a source document is its own."""
    own = [subject] if SDGLOD + "SourceDocument" in data.types(subject) else []
    return own + [
        t.object.value
        for t in data.triples
        if t.subject == subject and t.predicate in SOURCE_PROPERTIES
    ]


def _source_languages(data: Data, subject: str) -> set[str] | None:
    """The languages the resource's sources are written in, or None if some source's language
    is not recorded (a web page): then any language may be the source's."""
    languages: set[str] = set()
    for source in _sources(data, subject):
        known = [o.value for o in data.objects(source, SCHEMA + "inLanguage")]
        if not known:
            return None
        languages.update(known)
    return languages


def test_every_resource_has_a_source_or_is_the_editors(data):
    unsourced = sorted(
        {
            t.subject
            for t in data.triples
            if not _sources(data, t.subject) and not _editors_own(data, t.subject)
        }
    )
    assert unsourced == [], "add dcterms:source, or mark it as the editors' (dcterms:creator)"


def test_every_text_has_a_source_or_an_editorial_mark(data):
    """A text (a string, in a language or not) is covered by an editorial statement or verbatim
    text that names it, or by its resource's sources, but a text in a language none of those
    sources is written in is a translation: it must be marked as one (or as another kind of
    the editors' work)."""
    uncovered = []
    for triple in data.triples:
        if not triple.is_text or triple.predicate == EDITORS_NOTE:
            continue
        if _editors_own(data, triple.subject):
            continue
        if any(m.covers(triple) for m in data.marks + data.verbatim):
            continue
        if not _sources(data, triple.subject):
            uncovered.append((triple.subject, triple.predicate, str(triple.object)))
            continue
        languages = _source_languages(data, triple.subject)
        if triple.language and languages is not None and triple.language not in languages:
            uncovered.append((triple.subject, triple.predicate, str(triple.object)))
    assert uncovered == [], (
        "each text needs a source in its language or an editorial statement that names it "
        "(such as an sdglod:Translation)"
    )


def test_every_mark_names_a_statement_of_the_data_and_who_made_it(data):
    for mark in data.marks + data.verbatim:
        assert any(mark.covers(t) for t in data.triples), f"{mark.iri} marks nothing"
    for mark in data.marks:
        creators = {o.value for o in data.objects(mark.iri, DCT + "creator")}
        assert creators, f"{mark.iri} does not say who made it"


def test_every_kind_of_editorial_statement_is_named_in_latvian_and_english(store, data):
    """The review of the editors' work lists each statement under its kind, in both languages."""
    named = {
        kind
        for kind, lang in rows(
            store,
            """SELECT DISTINCT ?k (LANG(?l) AS ?lang) {
            ?k rdfs:subClassOf* sdglod:EditorialStatement ; rdfs:label ?l ; rdfs:comment ?c }""",
        )
        if lang in ("lv", "en")
    }
    assert data.kinds <= named


def test_one_query_finds_every_editorial_statement(store, data):
    """One SPARQL query lists every editorial statement with its kind, the resource and the
    property it is about, for a reviewer: SDG target links (about their outcome's
    sdglod:servesTarget) as well as translations, identifications and the rest."""
    found = rows(
        store,
        f"""PREFIX rdf: <{RDF}>
        SELECT ?statement ?kind ?resource ?property WHERE {{
          ?statement a ?kind . ?kind rdfs:subClassOf* sdglod:EditorialStatement .
          ?statement dcterms:creator ?editors .
          {{ ?statement rdf:subject ?resource OPTIONAL {{ ?statement rdf:predicate ?property }} }}
          UNION
          {{ ?resource sdglod:hasTargetLink ?statement . BIND(sdglod:servesTarget AS ?property) }}
        }}""",
    )
    listed = {statement for statement, *_ in found}
    typed = {
        t.subject
        for t in data.triples
        if t.predicate == RDF + "type" and t.object.value in data.kinds
    }
    assert typed and typed <= listed
    # Every outcome's link to a target is one of them: none is a bare, unqualified fact.
    bare = rows(
        store,
        """SELECT ?o ?t { ?o sdglod:servesTarget ?t FILTER NOT EXISTS {
        ?o sdglod:hasTargetLink ?l . ?l sdglod:target ?t ; dcterms:creator ?editors } }""",
    )
    assert bare == []


def test_target_links_are_grounded_in_something_other_than_their_target(store):
    """A link's grounding says why the outcome serves the target: the outcome's own document
    and the frameworks its rationale uses, never the target itself (or any UN SDG IRI)."""
    circular = rows(
        store,
        """SELECT ?link ?source { ?link a sdglod:TargetLink ; dcterms:source ?source
        FILTER(STRSTARTS(STR(?source), "http://metadata.un.org/sdg")) }""",
    )
    assert circular == []
    ungrounded_in_text = rows(
        store,
        """SELECT ?link { ?o sdglod:hasTargetLink ?link ; schema:isPartOf ?document
        FILTER NOT EXISTS { ?link dcterms:source ?document } }""",
    )
    assert ungrounded_in_text == [], "ground each link in the text of its outcome's document"


def test_quoted_and_translated_texts_carry_their_own_rights(store, data):
    """The sources' verbatim texts and the editors' translations of them each say their rights
    (dcterms:rights, a described rights statement); translations also their licence."""
    for mark in data.verbatim:
        assert data.objects(mark.iri, DCT + "rights"), f"{mark.iri} has no rights statement"
        # Every other language of the same text is the editors' translation, with its rights.
        for triple in data.triples:
            if (
                triple.subject == mark.subject
                and triple.predicate == mark.predicate
                and triple.language not in (None, mark.language)
            ):
                translations = [
                    m for m in data.marks if m.kind == SDGLOD + "Translation" and m.covers(triple)
                ]
                assert translations, (mark.subject, mark.predicate, triple.language)
                for translation in translations:
                    assert data.objects(translation.iri, DCT + "rights"), translation.iri
                    assert data.objects(translation.iri, DCT + "license"), translation.iri
    statements = {
        o.value for m in data.marks + data.verbatim for o in data.objects(m.iri, DCT + "rights")
    }
    for statement in statements:
        labels = rows(store, f"SELECT (LANG(?l) AS ?lang) {{ <{statement}> rdfs:label ?l }}")
        assert {"lv", "en"} <= {lang for (lang,) in labels}, statement


def _normalised(text: str) -> str:
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text)).strip()


def _as_quoted(text: str) -> set[str]:
    """Quoting may change the first letter's case and the closing stop; nothing else."""
    text = _normalised(text).rstrip(".,;:!?")
    return {text, text[:1].lower() + text[1:], text[:1].upper() + text[1:]}


def test_verbatim_texts_are_as_their_source_published_them(data, reference):
    """A verbatim text is in one of the source documents letter for letter, spelling included
    (only its first letter's case and its closing stop may differ, as quoting needs)."""
    seeds = Path(reference).parent / "seeds"
    documents = [_normalised(p.read_text(encoding="utf-8")) for p in sorted(seeds.glob("*.txt"))]
    assert documents, f"no source documents in {seeds}"
    for mark in data.verbatim:
        for triple in data.triples:
            if mark.covers(triple):
                quoted = _as_quoted(str(triple.object.value))
                assert any(q in d for q in quoted for d in documents), mark.iri


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_the_review_query_and_page_list_every_editorial_statement(store, built, data, lang):
    """The canned query ``editorial-statements`` (and its page, /queries/editorial-statements)
    lists every mark in data/ for a reviewer, with its kind named in the reader's language."""
    from starlette.testclient import TestClient

    from sdglod.query.canned import run_canned
    from sdglod.query.catalogue import load_queries
    from sdglod.query.embedded import EmbeddedBackend
    from sdglod.web.app import create_app
    from sdglod.web.config import ServerConfig

    project = built[0]
    query = load_queries(project)["editorial-statements"]
    result = run_canned(EmbeddedBackend(store), query, {"lang": lang}, project.base)
    column = result.variables.index("statement")
    named = result.variables.index("kindName")
    listed = {row[column].value for row in result.rows}
    typed = {
        t.subject
        for t in data.triples
        if t.predicate == RDF + "type" and t.object.value in data.kinds
    }
    assert typed and typed <= listed
    assert all(row[named] is not None and row[named].language == lang for row in result.rows)
    with TestClient(create_app(ServerConfig(project_root=project.root))) as client:
        page = client.get(
            f"/queries/editorial-statements?lang={lang}", headers={"Accept": "text/html"}
        )
        assert page.status_code == 200
        assert page.text.count("<tr>") >= len(typed)


def test_the_sdg_links_are_called_the_editors_proposal_where_they_are_defined_and_charted(
    store, built
):
    from starlette.testclient import TestClient

    from sdglod.web.app import create_app
    from sdglod.web.config import ServerConfig

    comments = rows(
        store,
        "SELECT (LANG(?c) AS ?lang) ?c { sdglod:servesTarget rdfs:comment ?c }",
    )
    said = dict(comments)
    assert "proposal" in said["en"] and "priekšlikums" in said["lv"]
    with TestClient(create_app(ServerConfig(project_root=built[0].root))) as client:
        for lang, word in (("en", "proposal"), ("lv", "priekšlikums")):
            page = client.get(f"/?lang={lang}", headers={"Accept": "text/html"}).text
            assert word in page, lang

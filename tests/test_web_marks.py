"""The editors' work is visible where it is shown: every mark (a translation, an identification,
the editors' wording, a verbatim text, a proposed SDG target link) appears beside the statement
it marks on the page of that statement's subject (and of its object, for a link between two
resources), and an outcome's SDG targets are listed by their rank, each called the editors'
proposal.

The tests read what to expect from the store (the marks and ranks the data has), so they hold
as the data grows; the page model is also tried on a small graph of its own.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from conftest import BACKENDS, backend_for
from crawl import BROWSER
from pyoxigraph import Literal, NamedNode, RdfFormat, parse
from starlette.testclient import TestClient

from sdglod.web.app import create_app
from sdglod.web.config import ServerConfig
from sdglod.web.marks import Marks
from sdglod.web.page_queries import Context
from sdglod.web.resources import PageBuilder
from sdglod.web.vocabulary import ui_vocabulary

SDGLOD = "https://w3id.org/sdglod/ontology#"
PREFIXES = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX schema: <http://schema.org/>
PREFIX sdglod: <https://w3id.org/sdglod/ontology#>
"""


class Marked(HTMLParser):
    """Each ``a.mark`` of a page, with the ``title`` (an IRI) of the value or row it follows."""

    def __init__(self):
        super().__init__()
        self.marks: list[tuple[str | None, str | None]] = []  # (the mark's IRI, the value's)
        self.words: dict[str | None, str] = {}  # what each mark says
        self.last_title: str | None = None
        self._in_mark = False

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "a" and "mark" in (found.get("class") or "").split():
            self.marks.append((found.get("title"), self.last_title))
            self._in_mark = True
        elif tag == "a" and found.get("title"):
            self.last_title = found["title"]

    def handle_endtag(self, tag):
        if tag == "a":
            self._in_mark = False

    def handle_data(self, data):
        if self._in_mark:
            mark = self.marks[-1][0]
            self.words[mark] = self.words.get(mark, "") + data


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, built):
    project, _ = built
    config = ServerConfig(project_root=project.root, backend=backend_for(request))
    with TestClient(create_app(config)) as client:
        yield client


def page(client, iri: str, base: str, lang: str = "en") -> Marked:
    response = client.get(iri.removeprefix(base.rstrip("/")) + f"?lang={lang}", headers=BROWSER)
    assert response.status_code == 200, iri
    parsed = Marked()
    parsed.feed(response.text)
    return parsed


def test_every_mark_is_shown_beside_what_it_marks(client, built, store):
    project, _ = built
    base = project.base
    # (A pyoxigraph result must not outlive this thread: the app runs in another.)
    rows = list(
        store.query(
            PREFIXES + "SELECT ?mark ?subject ?object WHERE { ?mark rdf:subject ?subject . "
            "OPTIONAL { ?mark rdf:object ?object } FILTER(isIRI(?mark)) "
            "FILTER NOT EXISTS { ?mark owl:deprecated true } }"
        )
    )
    expected: dict[str, set[str]] = {}  # page → the marks it must show
    for row in rows:
        for end in (row["subject"], row["object"]):
            if isinstance(end, NamedNode) and end.value.startswith(base):
                expected.setdefault(end.value.split("#", 1)[0], set()).add(row["mark"].value)
    assert expected, "the data has marks on its own resources"
    for iri, marks in sorted(expected.items()):
        shown = {mark for mark, _ in page(client, iri, base).marks}
        assert marks <= shown, f"{iri}: not shown {sorted(marks - shown)}"


def test_a_withdrawn_statement_is_on_its_subjects_page_where_old_links_point(client, built, store):
    project, _ = built
    base = project.base
    rows = list(
        store.query(
            PREFIXES + "SELECT ?mark ?subject WHERE { ?mark rdf:subject ?subject ; "
            "owl:deprecated true FILTER(isIRI(?mark) && STRSTARTS(STR(?mark), STR(?subject))) }"
        )
    )
    for row in rows:
        subject, mark = row["subject"].value, row["mark"].value
        response = client.get(subject.removeprefix(base.rstrip("/")) + "?lang=en", headers=BROWSER)
        fragment = mark.split("#", 1)[1]
        assert f'id="{fragment}"' in response.text, mark
        assert "withdrawn: " in response.text


def test_an_outcomes_targets_come_by_rank_each_called_the_editors_proposal(client, built, store):
    project, _ = built
    base = project.base
    rows = list(
        store.query(
            PREFIXES + "SELECT ?outcome ?link ?target ?rank WHERE { ?outcome sdglod:hasTargetLink "
            "?link . ?link sdglod:target ?target ; schema:position ?rank } ORDER BY ?outcome ?rank"
        )
    )
    ranked: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        ranked.setdefault(row["outcome"].value, []).append((row["link"].value, row["target"].value))
    assert any(len(links) > 1 for links in ranked.values()), "some outcome has several targets"
    for outcome, links in ranked.items():
        for lang, words in (("en", "proposed by the sdglod editors"), ("lv", "priekšlikums")):
            shown = page(client, outcome, base, lang)
            beside = [(mark, value) for mark, value in shown.marks if mark in dict(links)]
            # First in the row of sdglod:servesTarget, each after the target it marks.
            assert beside[: len(links)] == links, outcome
            assert all(words in shown.words[link] for link, _ in links)


def test_marks_narrow_to_a_value_or_a_language_and_order_by_rank():
    turtle = """
    @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
    @prefix schema: <http://schema.org/> .
    @prefix sdglod: <https://w3id.org/sdglod/ontology#> .
    <https://x.org/o> schema:name "Nosaukums"@lv, "Name"@en ;
        sdglod:servesTarget <https://x.org/t/16.10>, <https://x.org/t/4.7> ;
        sdglod:hasTargetLink <https://x.org/o#b>, <https://x.org/o#a> .
    <https://x.org/o#a> a sdglod:TargetLink ; sdglod:target <https://x.org/t/4.7> ;
        schema:position 1 .
    <https://x.org/o#b> a sdglod:TargetLink ; sdglod:target <https://x.org/t/16.10> ;
        schema:position 2 .
    <https://x.org/o#name-en> a sdglod:Translation ; rdf:subject <https://x.org/o> ;
        rdf:predicate schema:name ; schema:inLanguage "en" .
    """
    triples = list(parse(turtle, format=RdfFormat.TURTLE))
    marks = Marks(triples, ui_vocabulary().qualified)
    o = NamedNode("https://x.org/o")
    name = "http://schema.org/name"
    assert [m.node.value for m in marks.of_value(o, name, Literal("Name", language="en"))] == [
        "https://x.org/o#name-en"
    ]
    assert marks.of_value(o, name, Literal("Nosaukums", language="lv")) == []
    assert marks.of_property(o, name) == []  # the mark is of one language's value only
    serves = SDGLOD + "servesTarget"
    ranks = {t: marks.rank(o, serves, NamedNode(f"https://x.org/t/{t}")) for t in ("4.7", "16.10")}
    assert ranks == {"4.7": 1, "16.10": 2}

    builder = PageBuilder(ui_vocabulary(), "en", {}, {}, lambda iri: iri)
    built = builder.page("https://x.org/o", triples, Context.of(triples))
    assert built is not None
    rows = {row.property: row for group in built.groups for row in group.rows}
    targets = rows[serves].values
    assert [v.title for v in targets] == ["https://x.org/t/4.7", "https://x.org/t/16.10"]
    assert all(v.marks[0].text == "proposed by the sdglod editors" for v in targets)
    assert [v.text for v in rows[SDGLOD + "hasTargetLink"].values] == [
        "proposed by the sdglod editors: https://x.org/t/4.7",
        "proposed by the sdglod editors: https://x.org/t/16.10",
    ]

"""What sdglod does with more than one event, checked exactly on the fictional multi-event
fixture (tests/fixtures/multi-event: three invented events, their outcomes and SDG targets),
which does not grow as the real data does: validation, the canned queries' answers, the framed
dump, the dataset descriptions and the site."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from crawl import BROWSER, crawl, minted
from pyoxigraph import RdfFormat, parse
from starlette.testclient import TestClient
from test_framing import SELECTED

from sdglod.cli import cli
from sdglod.describe.framing import FRAMED_FILE
from sdglod.describe.public_urls import SCHEMA_ORG_FILE
from sdglod.query.canned import run_canned
from sdglod.query.catalogue import load_queries
from sdglod.query.embedded import EmbeddedBackend
from sdglod.web.app import create_app
from sdglod.web.config import ServerConfig

BASE = "https://example.org/multi/"
WEEK, NIGHT, FORUM = (
    f"{BASE}id/event/example-{slug}"
    for slug in ("library-week-2031", "museum-night-2031", "archive-forum-2032")
)
WORKSHOPS = WEEK + "-workshops"
CAMPAIGN = f"{BASE}id/campaign/example-reading-campaign-2031"
VOID, DCAT = "http://rdfs.org/ns/void#", "http://www.w3.org/ns/dcat#"
DCT, SKOS = "http://purl.org/dc/terms/", "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
EXAMPLELAND, SAMPLELAND = (f"{BASE}id/place/{c}" for c in ("exampleland", "sampleland"))
# The outcomes each event produced, by number, and how their Latvian names call the event.
OUTCOMES = {WEEK: 2, NIGHT: 3, FORUM: 1}
PHRASE = {WEEK: "bibliotēku nedēļas", NIGHT: "muzeju nakts", FORUM: "arhīvu foruma"}


def outcome(event: str, number: int) -> str:
    return event.replace("/event/", "/outcome/") + f"-{number}"


@pytest.fixture(scope="module")
def ask(multi_built, multi_store):
    """Run a canned query of the repository on the fixture, with these parameter values."""
    project, build = multi_built
    queries = load_queries(project)
    backend = EmbeddedBackend(multi_store)

    def run(name: str, **given: str):
        prefixes = build.manifest.prefixes
        return run_canned(backend, queries[name], given, project.base, prefixes)

    return run


def column(result, name: str) -> list[str | None]:
    return [term.value if term is not None else None for term in result.column(name)]


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["auto", "pyshacl"])
def test_the_fixture_conforms_to_the_real_shapes_without_a_warning(multi_built, engine):
    project, build = multi_built
    command = ["--project", str(project.root), "validate", "--strict", "--engine", engine]
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 0, result.output
    assert "✓ passes: 0 violations, 0 warnings, 0 infos" in result.output
    assert build.manifest.validated


# --- the canned queries ----------------------------------------------------------------------


def test_events_lists_each_event_once_the_latest_first_with_its_parts(ask):
    result = ask("events")
    assert column(result, "event") == [FORUM, NIGHT, WEEK, WORKSHOPS]  # campaigns aside
    organisers = dict(zip(column(result, "event"), column(result, "organizers"), strict=True))
    assert organisers[NIGHT] == "Example City Museum; Example Regional Library"
    assert organisers[WORKSHOPS] == ""
    assert column(result, "partOf") == [None, None, None, WEEK]


@pytest.mark.parametrize("event", sorted(OUTCOMES))
def test_an_event_has_exactly_its_own_outcomes(ask, event):
    result = ask("event-outcomes", event=event, lang="lv")
    numbers = range(1, OUTCOMES[event] + 1)
    assert column(result, "outcome") == [outcome(event, n) for n in numbers]
    assert column(result, "position") == [str(n) for n in numbers]
    names = column(result, "name")
    assert names == [f"Piemēra {PHRASE[event]} vēstījums Nr. {n}" for n in numbers]


def test_outcomes_by_goal_in_numeric_order_of_their_targets(ask):
    goal = ask("outcomes-by-sdg", sdg="16")
    assert column(goal, "targetCode") == ["16.7", "16.10", "16.10", "16.10"]


def test_outcomes_by_goal_are_those_serving_any_of_its_targets(ask):
    goal = ask("outcomes-by-sdg", sdg="16")
    assert sorted(zip(column(goal, "targetCode"), column(goal, "outcome"), strict=True)) == [
        ("16.10", outcome(FORUM, 1)),
        ("16.10", outcome(WEEK, 1)),
        ("16.10", outcome(NIGHT, 3)),
        ("16.7", outcome(NIGHT, 3)),
    ]
    lettered = ask("outcomes-by-sdg", sdg="4")
    assert column(lettered, "targetCode") == ["4.7", "4.7", "4.a"]  # 4.a after the numbered


def test_outcomes_by_target_with_their_rank(ask):
    target = ask("outcomes-by-sdg", sdg="04.07")
    assert column(target, "outcome") == [outcome(WEEK, 1), outcome(NIGHT, 2)]
    assert column(target, "rank") == ["1", "1"]
    assert ask("outcomes-by-sdg", sdg="5").rows == ()  # a goal no outcome serves


def test_sdg_coverage_counts_distinct_outcomes_per_goal(ask):
    result = ask("sdg-coverage")
    counts = dict(zip(column(result, "code"), column(result, "outcomes"), strict=True))
    assert counts == {"4": "2", "5": "0", "11": "2", "16": "3", "17": "2"}
    targets = dict(zip(column(result, "code"), column(result, "targets"), strict=True))
    # A gap lists no target: an empty list, the same on every store (see test_query_engines).
    assert targets == {"4": "4.7, 4.a", "5": "", "11": "11.4", "16": "16.7, 16.10", "17": "17.17"}


def test_organizations_filter_by_country_and_role(ask):
    everyone = ask("organizations")
    assert set(column(everyone, "country")) == {EXAMPLELAND, SAMPLELAND}
    organisers = ask("organizations", country="place:exampleland", role="organizer")
    assert set(zip(column(organisers, "name"), column(organisers, "activity"), strict=True)) == {
        ("Example City Museum", NIGHT),
        ("Example Regional Library", CAMPAIGN),
        ("Example Regional Library", NIGHT),
        ("Example Regional Library", WEEK),
    }
    partners = ask("organizations", country="place:sampleland", role="partner")
    assert column(partners, "activity") == [NIGHT]


@pytest.mark.parametrize(
    ("start", "end", "items"),
    [
        ("2031-04-01", "2031-04-30", {CAMPAIGN, WEEK}),
        ("2031-04-11", "2031-04-11", {CAMPAIGN, WEEK}),  # the last day of the week
        ("2031-04-12", "2031-05-16", {CAMPAIGN}),
        ("2031-05-17", "2031-12-31", {NIGHT}),
        ("2032-01-01", "2032-12-31", {FORUM}),
        ("2030-01-01", "2030-12-31", set()),
    ],
)
def test_date_range_selects_what_overlaps_it(ask, start, end, items):
    result = ask("campaigns-and-events", **{"from": start, "to": end})
    assert set(column(result, "item")) == items


def test_a_campaign_is_related_to_the_event_whose_document_mentions_it(ask):
    result = ask("campaigns-and-events", **{"from": "2031-04-01", "to": "2031-04-01"})
    assert column(result, "relatedEvents") == ["Example Library Week 2031"]


def test_participants_and_materials_are_those_of_the_event_asked_for(ask):
    night = ask("event-participants", event=NIGHT)
    assert list(zip(column(night, "role"), column(night, "name"), strict=True)) == [
        ("http://schema.org/organizer", "Example City Museum"),
        ("http://schema.org/organizer", "Example Regional Library"),
        ("https://w3id.org/sdglod/ontology#partner", "Example Heritage Society"),
    ]
    week = ask("event-materials", event=WEEK)
    assert column(week, "work") == [
        f"{BASE}id/work/example-library-week-2031-report",
        f"{BASE}id/work/example-library-week-2031-video",
    ]


# --- the framed dump --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def framed(multi_built) -> dict:
    return json.loads((multi_built[1].dist_path / FRAMED_FILE).read_text(encoding="utf-8"))


def test_each_event_not_part_of_another_is_one_tree(framed):
    assert [tree["@id"] for tree in framed["@graph"]] == [
        "campaign:example-reading-campaign-2031",
        "event:example-archive-forum-2032",
        "event:example-library-week-2031",
        "event:example-museum-night-2031",
    ]


def test_each_outcome_is_under_its_own_event_only(framed):
    def ids(value) -> list[str]:  # JSON-LD writes a single value without a list
        return [o["@id"] for o in (value if isinstance(value, list) else [value])]

    found = {
        tree["@id"]: ids(tree.get("@reverse", {}).get("prov:wasGeneratedBy", []))
        for tree in framed["@graph"]
    }
    assert found == {
        "campaign:example-reading-campaign-2031": [],
        "event:example-archive-forum-2032": ["outcome:example-archive-forum-2032-1"],
        "event:example-library-week-2031": [
            f"outcome:example-library-week-2031-{n}" for n in (1, 2)
        ],
        "event:example-museum-night-2031": [
            f"outcome:example-museum-night-2031-{n}" for n in (1, 2, 3)
        ],
    }


def test_an_organisation_of_several_events_is_written_in_full_in_each_tree(framed):
    library = "organization:example-regional-library"
    for tree in framed["@graph"]:
        text = json.dumps(tree)
        assert text.count(f'"@id": "{library}"') >= 1, tree["@id"]
        assert len(re.findall(r'"Example Regional Library"', text)) == 1, tree["@id"]


def test_the_framed_dump_read_back_is_the_subgraph_it_frames(multi_built, multi_store):
    path = multi_built[1].dist_path / FRAMED_FILE
    framed = {q.triple for q in parse(path=str(path), format=RdfFormat.JSON_LD)}
    assert framed == set(multi_store.query(SELECTED))


# --- the dataset descriptions -----------------------------------------------------------------


def test_the_dataset_covers_the_time_and_places_of_all_its_events(multi_built):
    document = json.loads((multi_built[1].dist_path / SCHEMA_ORG_FILE).read_text("utf-8"))
    assert document["temporalCoverage"] == "2031-04-01/2032-10-02"  # the campaign is an event
    places = {place["@id"] for place in document["spatialCoverage"]["containsPlace"]}
    assert places == {EXAMPLELAND, SAMPLELAND}


def test_the_goals_the_outcomes_serve_are_the_editors_classification_not_themes(multi_built):
    path = multi_built[1].dist_path / "catalog.ttl"
    catalog = list(parse(path=str(path), format=RdfFormat.TURTLE))
    subjects = {t.object.value for t in catalog if t.predicate.value == DCT + "subject"}
    goals = {f"http://metadata.un.org/sdg/{g}" for g in (4, 11, 16, 17)}  # not 5: a gap
    assert goals == subjects
    # Not in dcat:theme, where portals expect the EU data-theme vocabulary.
    themes = {t.object.value for t in catalog if t.predicate.value == DCAT + "theme"}
    assert not themes & goals
    # Marked as the editors' (the proposers of the target links), in Latvian and English.
    (mark,) = [
        t.subject
        for t in catalog
        if t.predicate.value == RDF + "predicate" and t.object.value == DCT + "subject"
    ]
    said = {(t.predicate.value, t.object.value) for t in catalog if t.subject == mark}
    assert (DCT + "creator", f"{BASE}id/organization/sdglod") in said
    notes = [
        t.object
        for t in catalog
        if t.subject == mark and t.predicate.value == SKOS + "editorialNote"
    ]
    assert {note.language for note in notes} == {"lv", "en"}


def test_void_names_every_event_the_dataset_is_about_as_an_example(multi_built):
    void = parse(path=str(multi_built[1].dist_path / "void.ttl"), format=RdfFormat.TURTLE)
    examples = {t.object.value for t in void if t.predicate.value == VOID + "exampleResource"}
    assert {WEEK, NIGHT, FORUM} <= examples


# --- the site ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(multi_built):
    config = ServerConfig(project_root=multi_built[0].root)
    with TestClient(create_app(config), follow_redirects=False) as client:
        yield client


def test_every_resource_is_reached_from_the_landing_page(client, multi_store):
    assert minted(multi_store, BASE) <= crawl(client, BASE)


def test_the_landing_page_shows_every_event_the_dataset_is_about(client):
    page = client.get("/", params={"lang": "en"}, headers=BROWSER).text
    listed = re.findall(r'<span class="event-name"><a href="([^"?]+)', page)
    # Newest first; the workshops are listed under their week.
    assert listed == [e.removeprefix(BASE[:-1]) + ".html" for e in (FORUM, NIGHT, WEEK, CAMPAIGN)]


def test_an_organisation_page_lists_every_event_it_organised(client):
    page = client.get(
        "/id/organization/example-regional-library.html", params={"lang": "en"}, headers=BROWSER
    ).text
    for name in ("Example Library Week 2031", "Example Museum Night 2031"):
        assert name in page

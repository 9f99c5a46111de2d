"""Adding data needs no code. A copy of the real project with one more event file in data/ (as
an editor adds one) validates, builds, answers every canned query with the new event where it
belongs, and serves a site on which every resource, the new ones too, is reached. And any
well-formed event added to the multi-event fixture shows up in the queries, counted right."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import assemble_project, copy_project
from crawl import crawl, minted
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from sdglod.build import current_build
from sdglod.cli import cli
from sdglod.describe.framing import FRAMED_FILE
from sdglod.project import load_project
from sdglod.query.canned import run_canned
from sdglod.query.catalogue import load_queries
from sdglod.query.embedded import EmbeddedBackend
from sdglod.rdf.sources import load_sources
from sdglod.rdf.store import Store
from sdglod.validation.validate import load_shapes, validate
from sdglod.web.app import create_app
from sdglod.web.config import ServerConfig

NEW_EVENT_FILE = Path(__file__).parent / "fixtures" / "growth" / "example-reading-day-2031.ttl"
BASE = "https://w3id.org/sdglod/"
EVENT = BASE + "id/event/example-reading-day-2031"
OUTCOME = BASE + "id/outcome/example-reading-day-2031-1"
LIBRARY = BASE + "id/organization/latvijas-nacionala-biblioteka"


def sdglod(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(root), *args])


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> Path:
    """The real project plus one new event file in data/; nothing else changed."""
    root = copy_project(tmp_path_factory.mktemp("grown") / "project")
    shutil.copy(NEW_EVENT_FILE, root / "data" / NEW_EVENT_FILE.name)
    return root


@pytest.fixture(scope="module")
def built_grown(grown) -> Path:
    validated = sdglod(grown, "validate", "--strict")
    assert validated.exit_code == 0, validated.output
    assert "✓ passes: 0 violations, 0 warnings" in validated.output
    result = sdglod(grown, "build")
    assert result.exit_code == 0, result.output
    return grown


def select(root: Path, name: str, **params: str) -> list[dict[str, str]]:
    """The rows of ``sdglod query NAME -p …`` as the JSON results give them."""
    args = [arg for item in params.items() for arg in ("--param", "=".join(item))]
    result = sdglod(root, "query", name, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    bindings = json.loads(result.output)["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in bindings]


def test_the_grown_project_validates_and_builds(built_grown):
    manifest = current_build(load_project(built_grown)).manifest
    assert f"data/{NEW_EVENT_FILE.name}" in manifest.sources
    assert manifest.validated


@pytest.mark.parametrize("name", sorted(load_queries(Path(__file__).parents[1] / "queries")))
def test_every_canned_query_still_answers_with_its_defaults(built_grown, name):
    query = load_queries(built_grown / "queries")[name]
    fmt = "nt" if query.form in ("CONSTRUCT", "DESCRIBE") else "json"
    result = sdglod(built_grown, "query", name, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.output.strip()


def test_the_new_event_is_listed_with_its_date_and_organiser(built_grown):
    (row,) = [row for row in select(built_grown, "events") if row["event"] == EVENT]
    assert row["name"] == "Example Reading Day 2031"
    assert (row["startDate"], row["endDate"]) == ("2031-03-14", "2031-03-14")
    assert row["organizers"] == "National Library of Latvia"
    march = select(
        built_grown, "campaigns-and-events", **{"from": "2031-03-01", "to": "2031-03-14"}
    )
    assert [row["item"] for row in march] == [EVENT]


def test_the_new_event_has_its_outcome_participants_and_document(built_grown):
    outcomes = select(built_grown, "event-outcomes", event=EVENT)
    assert [(row["position"], row["outcome"]) for row in outcomes] == [("1", OUTCOME)]
    participants = select(built_grown, "event-participants", event=EVENT)
    assert {(row["role"].rsplit("/", 1)[1], row["name"]) for row in participants} == {
        ("organizer", "National Library of Latvia"),
        ("ontology#partner", "Estonian Museum Association"),
    }
    materials = select(built_grown, "event-materials", event=EVENT)
    assert [row["work"] for row in materials] == [BASE + "id/work/example-reading-day-2031-report"]
    organisers = select(built_grown, "organizations", country="place:latvia", role="organizer")
    assert {(row["organization"], row["activity"]) for row in organisers} >= {(LIBRARY, EVENT)}


def test_the_new_outcome_counts_for_its_sdg_target(built_grown, built, store):
    serving = select(built_grown, "outcomes-by-sdg", sdg="4.7")
    assert OUTCOME in {row["outcome"] for row in serving}
    project, _ = built
    before = run_canned(
        EmbeddedBackend(store), load_queries(project)["sdg-coverage"], {}, project.base
    )
    goal4 = next(row for row in before.rows if row[1].value == "4")
    after = {row["code"]: row for row in select(built_grown, "sdg-coverage")}
    assert int(after["4"]["outcomes"]) == int(goal4[3].value) + 1
    assert "4.7" in after["4"]["targets"].split(", ")


def test_the_new_event_is_a_tree_of_the_framed_dump(built_grown):
    document = json.loads((built_grown / "dist" / FRAMED_FILE).read_text(encoding="utf-8"))
    (tree,) = [t for t in document["@graph"] if t["@id"] == "event:example-reading-day-2031"]
    assert tree["@reverse"]["prov:wasGeneratedBy"]["@id"] == "outcome:example-reading-day-2031-1"


def test_every_resource_of_the_grown_data_is_reached_on_the_site(built_grown):
    config = ServerConfig(project_root=built_grown)
    with TestClient(create_app(config), follow_redirects=False) as client:
        reached = crawl(client, BASE)
    store = current_build(load_project(built_grown)).open_store()
    assert minted(store, BASE) <= reached
    assert {EVENT, OUTCOME} <= reached


# --- any new event, on the multi-event fixture -------------------------------------------------

MULTI = "https://example.org/multi/"
ORGANISATIONS = ("example-city-museum", "example-heritage-society", "example-regional-library")
TARGETS = {"4.7": "4", "4.a": "4", "11.4": "11", "16.7": "16", "16.10": "16", "17.17": "17"}
NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz āčēģīķļņšūž-'", min_size=1, max_size=30)


@st.composite
def events(draw) -> dict:
    """A well-formed event of random name, dates, organisers and outcomes (1–3, each serving
    1–3 of the fixture's SDG targets)."""
    start = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)))
    return {
        "name": draw(NAME).strip() or "x",
        "start": start,
        "end": start + timedelta(days=draw(st.integers(0, 10))),
        "organisers": draw(st.lists(st.sampled_from(ORGANISATIONS), min_size=1, unique=True)),
        "outcomes": draw(
            st.lists(
                st.lists(st.sampled_from(sorted(TARGETS)), min_size=1, max_size=3, unique=True),
                min_size=1,
                max_size=3,
            )
        ),
    }


def turtle(event: dict) -> str:
    """The event in the model of data/: event, document, outcomes and their target links."""
    lines = [
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix schema: <http://schema.org/> .",
        "@prefix sdglod: <https://w3id.org/sdglod/ontology#> .",
        "@prefix prov: <http://www.w3.org/ns/prov#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "<id/event/generated> a schema:Event ;",
        f'  schema:name "{event["name"]}"@en, "{event["name"]}"@lv ;',
        f'  schema:startDate "{event["start"]}"^^xsd:date ;',
        f'  schema:endDate "{event["end"]}"^^xsd:date ;',
        *(f"  schema:organizer <id/organization/{o}> ;" for o in event["organisers"]),
        "  dcterms:source <id/work/generated-report> .",
        "<id/work/generated-report> a sdglod:SourceDocument, schema:CreativeWork ;",
        '  schema:name "Atskaite"@lv, "Report"@en ; schema:inLanguage "en" .',
    ]
    for n, targets in enumerate(event["outcomes"], 1):
        iri = f"<id/outcome/generated-{n}>"
        lines += [
            f"{iri} a sdglod:Outcome, schema:CreativeWork ; schema:position {n} ;",
            f'  schema:name "Vēstījums {n}"@lv, "Message {n}"@en ;',
            f'  schema:text "Teksts {n}"@lv, "Text {n}"@en ;',
            "  schema:isPartOf <id/work/generated-report> ;",
            "  prov:wasGeneratedBy <id/event/generated> ;",
            "  dcterms:source <id/work/generated-report> .",
        ]
        for rank, target in enumerate(targets, 1):
            link = f"<id/outcome/generated-{n}#sdg-{target}>"
            lines += [
                f"{iri} sdglod:servesTarget <http://metadata.un.org/sdg/{target}> ;",
                f"  sdglod:hasTargetLink {link} .",
                f"{link} a sdglod:TargetLink ; schema:position {rank} ;",
                f"  sdglod:target <http://metadata.un.org/sdg/{target}> ;",
                '  sdglod:rationale "Pamatojums"@lv, "Rationale"@en ;',
                "  dcterms:creator <id/organization/sdglod> ;",
                "  dcterms:source <https://example.org/fictional/generated> .",
            ]
    return "\n".join(lines) + "\n"


class Fixture:
    """A copy of the multi-event fixture and its shapes (with a short repr for hypothesis)."""

    def __init__(self, root: Path):
        self.project = load_project(root)
        self.shapes = load_shapes(self.project)

    def __repr__(self) -> str:
        return f"Fixture({self.project.root})"


@pytest.fixture(scope="module")
def multi_copy(tmp_path_factory) -> Fixture:
    return Fixture(assemble_project("multi-event", tmp_path_factory.mktemp("m") / "p"))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event=events())
def test_any_new_event_validates_and_is_counted_in_the_queries(multi_copy, event):
    project, shapes = multi_copy.project, multi_copy.shapes
    queries = load_queries(project)
    path = project.root / "data" / "zz-generated.ttl"
    path.unlink(missing_ok=True)
    before = EmbeddedBackend(Store.in_memory(load_sources(project).quads()))
    path.write_text(turtle(event), encoding="utf-8")
    sources = load_sources(project)
    report = validate(project, sources, shapes)
    assert report.results == (), [r.message("en") for r in report.results]
    after = EmbeddedBackend(Store.in_memory(sources.quads()))

    def run(backend, name: str, **given: str):
        return run_canned(backend, queries[name], given, project.base)

    listed = [r for r in run(after, "events").rows if r[0].value == MULTI + "id/event/generated"]
    assert len(listed) == 1
    outcomes = run(after, "event-outcomes", event="id/event/generated")
    assert [int(r[1].value) for r in outcomes.rows] == list(range(1, len(event["outcomes"]) + 1))
    # Each goal is served by as many more outcomes as the new ones that serve one of its targets.
    counts = {}
    for backend in (before, after):
        result = run(backend, "sdg-coverage")
        counts[backend] = {r[1].value: int(r[3].value) for r in result.rows}
    for goal in set(TARGETS.values()):
        added = sum(any(TARGETS[t] == goal for t in ts) for ts in event["outcomes"])
        assert counts[after][goal] == counts[before][goal] + added, goal

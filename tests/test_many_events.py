"""Many events everywhere: an event added in data/ shows on the landing page, in the dataset
descriptions (time covered, keywords, what it is about, VoID examples), in the framed dump
and the sitemap, with data/dataset.ttl untouched; lists past the row limit are paged (the
sitemap and its index, the static export, /browse) and lose nothing; at 10k+ events the
landing page costs the same few queries and shows the newest, with a link to all.

Engine behaviour on the fictional fixtures (tests/fixtures/multi-event, and copies of it grown
by a test's own events), never on facts of the real data that change as it grows."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import pytest
import rdflib
from conftest import FIXTURES, assemble_project, copy_project
from crawl import BROWSER, minted
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape
from pyoxigraph import Literal, NamedNode, RdfFormat, parse
from starlette.testclient import TestClient
from test_descriptions import results, shapes, soso
from test_web_linked_data import assert_every_link_is_a_file

from sdglod.build import Build, build, current_build
from sdglod.describe.events import span
from sdglod.describe.facts import NAMED_EVENTS
from sdglod.describe.framing import FRAMED_FILE
from sdglod.describe.public_urls import SCHEMA_ORG_FILE
from sdglod.project import load_project
from sdglod.rdf.store import Store
from sdglod.web import downloads
from sdglod.web.app import create_app
from sdglod.web.config import ServerConfig
from sdglod.web.downloads import sitemap_parts
from sdglod.web.event_list import LISTED_EVENTS
from sdglod.web.export import export_static
from sdglod.web.landing import BROWSE_PAGE_SIZE, page_links

MULTI = "https://example.org/multi/"
SCHEMA = "http://schema.org/"
DCAT, DCT, VOID = (
    "http://www.w3.org/ns/dcat#",
    "http://purl.org/dc/terms/",
    "http://rdfs.org/ns/void#",
)
FAIR = MULTI + "id/event/example-book-fair-2033"
READINGS = FAIR + "-readings"
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SCRIPT = "<script>alert('sdglod')</script>"

# A FICTIONAL event added to a copy of the multi-event fixture, as an editor adds one: the
# newest of all, without an end date, with a part that only the whole names (schema:subEvent)
# and an outcome of that part serving SDG target 4.7. Nothing in it is true.
NEW_EVENT = """
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix event: <id/event/> .
@prefix organization: <id/organization/> .
@prefix outcome: <id/outcome/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <http://schema.org/> .
@prefix sdg: <http://metadata.un.org/sdg/> .
@prefix sdglod: <https://w3id.org/sdglod/ontology#> .
@prefix work: <id/work/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

event:example-book-fair-2033
    a schema:Event ;
    schema:name "Piemēra grāmatu tirgus 2033"@lv, "Example Book Fair 2033"@en ;
    schema:startDate "2033-03-05"^^xsd:date ;
    schema:organizer organization:example-heritage-society ;
    schema:subEvent event:example-book-fair-2033-readings ;
    dcterms:source work:example-book-fair-2033-report .

event:example-book-fair-2033-readings
    a schema:Event ;
    schema:name "Piemēra lasījumi"@lv, "Example readings"@en ;
    schema:startDate "2033-03-05"^^xsd:date ;
    schema:organizer organization:example-city-museum ;
    dcterms:source work:example-book-fair-2033-report .

work:example-book-fair-2033-report
    a sdglod:SourceDocument, schema:CreativeWork ;
    schema:name "Piemēra grāmatu tirgus atskaite"@lv, "Example Book Fair report"@en ;
    schema:inLanguage "lv" ;
    schema:about event:example-book-fair-2033 ;
    schema:hasPart outcome:example-book-fair-2033-1 .

outcome:example-book-fair-2033-1
    a sdglod:Outcome, schema:CreativeWork ;
    schema:position 1 ;
    schema:name "Grāmatu tirgus vēstījums Nr. 1"@lv, "Book Fair message no. 1"@en ;
    schema:text "Lasītāji mācās. (Izdomāts.)"@lv, "Readers learn. (Invented.)"@en ;
    schema:isPartOf work:example-book-fair-2033-report ;
    prov:wasGeneratedBy event:example-book-fair-2033-readings ;
    sdglod:servesTarget sdg:4.7 ;
    sdglod:hasTargetLink <id/outcome/example-book-fair-2033-1#sdg-4.7> ;
    dcterms:source work:example-book-fair-2033-report .

<id/outcome/example-book-fair-2033-1#sdg-4.7>
    a sdglod:TargetLink ;
    sdglod:target sdg:4.7 ;
    schema:position 1 ;
    sdglod:rationale "Izglītība ilgtspējīgai attīstībai."@lv,
        "Education for sustainable development."@en ;
    dcterms:creator organization:sdglod ;
    dcterms:source <https://example.org/fictional/book-fair-2033> .
"""


def page(client: TestClient, path: str, **params: str) -> str:
    response = client.get(path, params=params or None, headers=BROWSER)  # {} drops a query
    assert response.status_code == 200, (path, params, response.text[:500])
    return response.text


def listed_events(html: str) -> list[str]:
    """The pages the landing page's list of events links to, in its order (parts apart)."""
    return re.findall(r'<span class="event-name"><a href="([^"?]+)', html)


def page_of(iri: str) -> str:
    return iri.removeprefix(MULTI[:-1]) + ".html"


def graph(path: Path) -> set:
    return set(parse(path=str(path), format=RdfFormat.TURTLE))


def objects(triples: set, predicate: str, subject: str | None = None) -> set:
    return {
        t.object
        for t in triples
        if t.predicate.value == predicate and (subject is None or t.subject.value == subject)
    }


def sitemap_locations(client: TestClient, path: str = "/sitemap.xml") -> list[str]:
    """The URLs a sitemap lists, through its index if it is one."""
    tree = ET.fromstring(client.get(path).content)
    if tree.tag.endswith("sitemapindex"):
        found = []
        for loc in tree.findall("s:sitemap/s:loc", SITEMAP):
            found += sitemap_locations(client, "/" + loc.text.rsplit("/", 1)[-1])
        return found
    return [e.text for e in tree.findall("s:url/s:loc", SITEMAP)]


def resource_pages(store: Store, base: str) -> list[str]:
    """What a sitemap lists (at the base IRI, the public URL by default): the landing page, the
    queries, every page."""
    pages = [f"{iri}.html" for iri in sorted(minted(store, base))]
    return [base, f"{base}queries", *pages]


# --- a new event, with dataset.ttl untouched -----------------------------------------------------


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> tuple[Path, Build]:
    root = assemble_project("multi-event", tmp_path_factory.mktemp("grown") / "project")
    (root / "data" / "example-book-fair-2033.ttl").write_text(NEW_EVENT, encoding="utf-8")
    return root, build(load_project(root))


@pytest.fixture(scope="module")
def grown_client(grown):
    with TestClient(create_app(ServerConfig(project_root=grown[0])), follow_redirects=False) as c:
        yield c


def test_the_dataset_description_is_not_edited(grown):
    root, built = grown
    fixture = FIXTURES / "multi-event" / "data" / "dataset.ttl"
    assert (root / "data" / "dataset.ttl").read_bytes() == fixture.read_bytes()
    assert built.manifest.validated


def test_the_new_event_heads_the_landing_list_with_its_part_organiser_and_goals(grown_client):
    html = page(grown_client, "/", lang="en")
    assert listed_events(html) == [
        page_of(MULTI + f"id/{e}")
        for e in (
            "event/example-book-fair-2033",
            "event/example-archive-forum-2032",
            "event/example-museum-night-2031",
            "event/example-library-week-2031",
            "campaign/example-reading-campaign-2031",
        )
    ]
    first = html[html.index('<li class="event">') : html.index("</li>\n    <li")]
    assert '<time datetime="2033-03-05">2033-03-05</time>' in first
    assert "Example Heritage Society" in first
    # The part named only by its whole is under it, and its outcome counts for the whole.
    assert page_of(READINGS) in first and "Example City Museum" in first
    assert "Outcomes: 1" in first and 'title="Goal 4: 1"' in first
    latvian = page(grown_client, "/", lang="lv")
    assert "Piemēra grāmatu tirgus 2033" in latvian and "Organizatori" in latvian


def test_one_events_chart_counts_its_outcomes_and_its_parts(grown_client):
    html = page(grown_client, "/", lang="en", event=FAIR)
    chart = html[html.index('<section class="coverage"') :]
    assert "Example Book Fair 2033" in chart[: chart.index("<svg")]
    bars = dict(re.findall(r"<title>Goal (\d+): (\d+)</title>", chart))
    assert bars == {"4": "1", "5": "0", "11": "0", "16": "0", "17": "0"}
    landing = page(grown_client, "/", lang="en")
    everything = dict(re.findall(r"<title>Goal (\d+): (\d+)</title>", landing))
    assert everything["4"] == "3"  # the two of the fixture, and the new one
    assert f'href="/?{escape(urlencode({"event": FAIR, "lang": "en"}))}#coverage"' in landing
    not_an_event = {"event": MULTI + "id/place/exampleland"}
    assert grown_client.get("/", params=not_an_event).status_code == 404
    assert grown_client.get("/", params={"event": "not an IRI"}).status_code == 400


def test_the_new_event_is_in_the_temporal_coverage_with_its_start_for_an_end(grown):
    dist = grown[1].dist_path
    document = json.loads((dist / SCHEMA_ORG_FILE).read_text(encoding="utf-8"))
    assert document["temporalCoverage"] == "2031-04-01/2033-03-05"
    catalog = graph(dist / "catalog.ttl")
    (period,) = objects(catalog, DCT + "temporal")
    assert objects(catalog, DCAT + "startDate", period.value) == {
        Literal("2031-04-01", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    }
    assert {d.value for d in objects(catalog, DCAT + "endDate", period.value)} == {"2033-03-05"}


def test_keywords_and_about_name_the_events_and_goals_from_the_data(grown):
    dist = grown[1].dist_path
    store = grown[1].open_store()
    keywords = objects(graph(dist / "catalog.ttl"), DCAT + "keyword")
    assert {Literal("Example Book Fair 2033", language="en")} <= keywords
    assert {Literal("Piemēra grāmatu tirgus 2033", language="lv")} <= keywords
    served = store.query(
        "SELECT DISTINCT ?name { ?o <https://w3id.org/sdglod/ontology#servesTarget> ?t . "
        "?t <http://metadata.un.org/sdg/ontology#isTargetOf> ?g . "
        "?g <http://schema.org/name> ?name }"
    )
    assert {row["name"] for row in served} <= keywords
    document = json.loads((dist / SCHEMA_ORG_FILE).read_text(encoding="utf-8"))
    assert {"@value": "Example Book Fair 2033", "@language": "en"} in document["keywords"]
    assert FAIR in {node["@id"] for node in document["about"]}
    assert READINGS not in {node["@id"] for node in document["about"]}  # a part, not an event


def test_void_examples_take_the_latest_events(grown):
    void = graph(grown[1].dist_path / "void.ttl")
    examples = {o.value for o in objects(void, VOID + "exampleResource")}
    assert FAIR in examples and READINGS not in examples


def test_the_new_event_is_a_tree_of_the_framed_dump_with_its_part_inside(grown):
    document = json.loads((grown[1].dist_path / FRAMED_FILE).read_text(encoding="utf-8"))
    trees = {tree["@id"]: tree for tree in document["@graph"]}
    assert "event:example-book-fair-2033-readings" not in trees
    fair = trees["event:example-book-fair-2033"]
    assert fair["subEvent"]["@id"] == "event:example-book-fair-2033-readings"
    generated = fair["subEvent"]["@reverse"]["prov:wasGeneratedBy"]
    assert generated["@id"] == "outcome:example-book-fair-2033-1"


def test_the_sitemap_lists_the_new_event_and_its_part(grown, grown_client):
    locations = sitemap_locations(grown_client)
    assert f"{MULTI}{page_of(FAIR)[1:]}" in locations
    assert f"{MULTI}{page_of(READINGS)[1:]}" in locations
    assert locations == resource_pages(grown[1].open_store(), MULTI)


def test_the_descriptions_still_pass_dcat_ap_and_googles_shapes(grown, reference):
    dist = grown[1].dist_path
    catalog = rdflib.Graph().parse(dist / "catalog.ttl")
    assert results(catalog, shapes(reference, "shapes.ttl", "range.ttl")) == []
    document = (dist / SCHEMA_ORG_FILE).read_text(encoding="utf-8")
    dataset = rdflib.Graph().parse(data=document, format="json-ld")
    assert results(dataset, soso(reference, "googleRequired.ttl")) == []


def test_two_builds_of_the_same_sources_are_byte_identical(grown):
    root, first = grown
    second = build(load_project(root))
    assert second.dist_path != first.dist_path
    for entry in first.manifest.dumps.values():
        assert (first.dist_path / entry.file).read_bytes() == (
            second.dist_path / entry.file
        ).read_bytes(), entry.file


def test_the_real_project_grown_by_an_event_describes_it_without_an_edit(tmp_path):
    """The pattern of test_data_growth.py: a copy of the real project and one more event file."""
    root = copy_project(tmp_path / "project")
    shutil.copy(FIXTURES / "growth" / "example-reading-day-2031.ttl", root / "data")
    before = (root / "data" / "dataset.ttl").read_bytes()
    dist = build(load_project(root)).dist_path
    assert (root / "data" / "dataset.ttl").read_bytes() == before
    event = "https://w3id.org/sdglod/id/event/example-reading-day-2031"
    document = json.loads((dist / SCHEMA_ORG_FILE).read_text(encoding="utf-8"))
    assert document["temporalCoverage"].endswith("/2031-03-14")  # the latest event, one day
    assert event in {node["@id"] for node in document["about"]}
    assert event in {o.value for o in objects(graph(dist / "void.ttl"), VOID + "exampleResource")}
    with TestClient(create_app(ServerConfig(project_root=root))) as client:
        first = listed_events(page(client, "/", lang="en"))[0]
    assert first == "/id/event/example-reading-day-2031.html"


# --- paging past the row limit -------------------------------------------------------------


@pytest.fixture(scope="module")
def small_limit(multi_built):
    """The multi-event fixture served with a row limit of 2: every list is many pages."""
    config = ServerConfig(project_root=multi_built[0].root, row_limit=2)
    with TestClient(create_app(config), follow_redirects=False) as client:
        yield client


def test_the_sitemap_pages_past_the_row_limit(small_limit, multi_store):
    assert sitemap_locations(small_limit) == resource_pages(multi_store, MULTI)


def test_a_sitemap_index_past_the_urls_one_sitemap_may_hold(small_limit, multi_store, monkeypatch):
    monkeypatch.setattr(downloads, "URLS_PER_SITEMAP", 7)
    expected = resource_pages(multi_store, MULTI)
    tree = ET.fromstring(small_limit.get("/sitemap.xml").content)
    assert tree.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = [loc.text for loc in tree.findall("s:sitemap/s:loc", SITEMAP)]
    assert parts == [f"{MULTI}sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    assert len(parts) == -(-len(expected) // 7)
    assert {e.text for e in tree.findall("s:sitemap/s:lastmod", SITEMAP)} == {"2030-06-30"}
    sizes = [len(sitemap_locations(small_limit, f"/sitemap-{n}.xml")) for n in (1, len(parts))]
    assert sizes[0] == 7 and 1 <= sizes[1] <= 7
    assert sitemap_locations(small_limit) == expected
    for missing in (0, len(parts) + 1):
        assert small_limit.get(f"/sitemap-{missing}.xml").status_code == 404


def browse_all(client: TestClient, type_iri: str, lang: str = "en") -> tuple[list[str], int]:
    """Every member a browse list shows, following its "next" links; and how many pages."""
    members, pages = [], 0
    path = f"/browse?{urlencode({'type': type_iri, 'lang': lang})}"
    while path:
        html = page(client, unescape(path))
        pages += 1
        listing = html[html.index('<ol class="members"') : html.index("</ol>")]
        members += re.findall(r'title="([^"]+)"', listing)
        found = re.search(r'<a href="([^"]+)" rel="next">', html)
        path = found.group(1) if found else None
    return members, pages


def test_browse_pages_through_every_member_of_every_type(small_limit, multi_store):
    types = {row["t"].value for row in multi_store.query("SELECT DISTINCT ?t { ?s a ?t }")}
    for type_iri in sorted(types):
        expected = {
            row["s"].value
            for row in multi_store.query(f"SELECT DISTINCT ?s {{ ?s a <{type_iri}> }}")
            if isinstance(row["s"], NamedNode)
        }
        members, pages = browse_all(small_limit, type_iri)
        assert sorted(members) == sorted(expected), type_iri  # each once
        assert pages == max(1, -(-len(expected) // 2)), type_iri


def test_a_browse_page_out_of_range_or_malformed_is_refused(small_limit):
    event = "http://schema.org/Event"
    assert small_limit.get("/browse", params={"type": event, "page": "99"}).status_code == 404
    for bad in ("0", "-1", "two", "1.5"):
        response = small_limit.get("/browse", params={"type": event, "page": bad})
        assert response.status_code == 400, bad
    html = page(small_limit, "/browse", type=event, page="2", lang="lv")
    assert "Lapa 2 no 3" in html and 'rel="prev"' in html and 'rel="next"' in html


def generated_events(count: int, first: date, **extra: str) -> str:
    """Turtle for ``count`` invented events a day apart from ``first``, without end dates;
    ``extra`` adds a statement to each (``organizer=``, ``source=``: a prefixed name or IRI)."""
    lines = [
        "@prefix schema: <http://schema.org/> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
    ]
    statements = "".join(
        f"{'dcterms' if key == 'source' else 'schema'}:{key} {value} ; "
        for key, value in extra.items()
    )
    for i in range(count):
        lines.append(
            f"<id/event/generated-{i:05d}> a schema:Event ; "
            f'schema:name "Ģenerēts pasākums {i}"@lv, "Generated event {i}"@en ; '
            f'schema:startDate "{first + timedelta(days=i)}"^^xsd:date ; {statements[:-2]} .'
        )
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def paged(tmp_path_factory) -> Path:
    """The multi-event fixture and 120 small invented events (no organiser, a source outside
    the dataset): more resources than a row limit of 50, each page within it."""
    root = assemble_project("multi-event", tmp_path_factory.mktemp("paged") / "project")
    turtle = generated_events(120, date(2040, 1, 1), source="<https://example.org/fictional/g>")
    (root / "data" / "generated.ttl").write_text(turtle, encoding="utf-8")
    build(load_project(root))
    return root


def test_the_static_export_pages_past_the_row_limit(paged, tmp_path, monkeypatch):
    monkeypatch.setattr(downloads, "URLS_PER_SITEMAP", 40)
    summary = export_static(load_project(paged), tmp_path / "site", row_limit=50)
    folder = summary.folder
    resources = minted(current_build(load_project(paged)).open_store(), MULTI)
    assert summary.resources == len(resources) > 50
    for iri in resources:
        for suffix in (".html", ".en.html", ".ttl"):
            assert (folder / f"{iri[len(MULTI) :]}{suffix}").is_file(), iri
    # 125 events at 50 a page: three pages in each language, linked to each other.
    assert {p.name for p in (folder / "browse").glob("schema-event*")} == {
        f"schema-event{page}{lang}.html"
        for page in ("", ".page2", ".page3")
        for lang in ("", ".en")
    }
    assert_every_link_is_a_file(folder)
    # One landing page per language: no chart of one event (that needs the server).
    assert "?event=" not in (folder / "index.en.html").read_text(encoding="utf-8")
    parts = sitemap_parts(len(resources) + 2)
    assert parts > 1
    listed = []
    for n in range(1, parts + 1):
        tree = ET.parse(folder / f"sitemap-{n}.xml").getroot()
        listed += [e.text for e in tree.findall("s:url/s:loc", SITEMAP)]
    assert len(listed) == len(set(listed)) == len(resources) + 2


# --- 10k+ events ---------------------------------------------------------------------------------

MANY = 10_500
FIRST_DAY = date(2040, 1, 1)


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    """The multi-event fixture and MANY generated events, a day apart, without end dates."""
    root = assemble_project("multi-event", tmp_path_factory.mktemp("many") / "project")
    turtle = generated_events(
        MANY,
        FIRST_DAY,
        organizer="<id/organization/example-city-museum>",
        source="<id/work/example-museum-night-2031-report>",
    )
    (root / "data" / "generated.ttl").write_text(turtle, encoding="utf-8")
    build(load_project(root))
    return root


def generated(i: int) -> str:
    return f"/id/event/generated-{i:05d}.html"


def counted_client(root: Path, **config):
    """A client whose runtime counts the queries it runs."""
    app = create_app(ServerConfig(project_root=root, **config))
    runtime, calls = app.state.runtime, []
    answer = runtime.answer

    async def counting(job, timeout):
        calls.append(job.query)
        return await answer(job, timeout)

    runtime.answer = counting
    return TestClient(app, follow_redirects=False), calls


def test_the_landing_page_lists_the_newest_events_and_links_to_all(many):
    client, _ = counted_client(many)
    with client:
        html = page(client, "/", lang="en")
    listed = listed_events(html)
    assert listed == [generated(i) for i in range(MANY - 1, MANY - 1 - LISTED_EVENTS, -1)]
    total = MANY + 4  # and the fixture's three events and campaign
    assert f"The {LISTED_EVENTS} newest of {total} events are shown." in html
    assert 'href="/browse?type=http%3A%2F%2Fschema.org%2FEvent&amp;lang=en">All events</a>' in html


def test_the_landing_page_costs_a_few_queries_however_many_events(many, multi_built):
    counts = []
    for root in (multi_built[0].root, many):
        client, calls = counted_client(root)
        with client:
            page(client, "/", lang="en")
            counts.append(len(calls))
            page(client, "/", lang="en")  # the page cache: no query at all
            assert len(calls) == counts[-1]
    assert max(counts) <= 15 and abs(counts[0] - counts[1]) <= 2, counts


def test_browse_pages_thousands_of_events_in_name_order(many):
    client, _ = counted_client(many)
    size = BROWSE_PAGE_SIZE
    pages = -(-(MANY + 5) // size)  # the workshops are an event too
    with client:
        first = page(client, "/browse", type=SCHEMA + "Event", lang="en")
        last = page(client, "/browse", type=SCHEMA + "Event", lang="en", page=str(pages))
        second = page(client, "/browse", type=SCHEMA + "Event", lang="en", page="2")
    assert f"Page 1 of {pages}" in first and f"In all: {MANY + 5}" in first
    names = [re.findall(r'lang="en" title="[^"]+">([^<]+)</a>', html) for html in (first, second)]
    assert len(names[0]) == size and names[0] == sorted(names[0], key=str.casefold)
    assert names[0][-1].casefold() <= names[1][0].casefold()  # in order across pages too
    assert f'start="{(pages - 1) * size + 1}"' in last
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_the_sitemap_of_many_events_pages_with_a_lower_row_limit(many, monkeypatch):
    monkeypatch.setattr(downloads, "URLS_PER_SITEMAP", 4000)
    client, _ = counted_client(many, row_limit=1000)
    with client:
        locations = sitemap_locations(client)
    store = current_build(load_project(many)).open_store()
    assert locations == resource_pages(store, MULTI)
    assert len(locations) > MANY


def test_the_descriptions_of_many_events(many):
    dist = many / "dist"
    document = json.loads((dist / SCHEMA_ORG_FILE).read_text(encoding="utf-8"))
    last = FIRST_DAY + timedelta(days=MANY - 1)
    assert document["temporalCoverage"] == f"2031-04-01/{last}"
    about = [node["@id"] for node in document["about"]]
    assert len(about) <= NAMED_EVENTS + 3  # the events the description names, the latest
    assert f"{MULTI}id/event/generated-{MANY - 1:05d}" in about
    framed = json.loads((dist / FRAMED_FILE).read_text(encoding="utf-8"))
    assert len(framed["@graph"]) == MANY + 4  # every event not part of another


# --- markup in an event's name -------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = assemble_project("multi-event", tmp_path_factory.mktemp("hostile") / "project")
    events = root / "data" / "events.ttl"
    text = events.read_text(encoding="utf-8")
    for name in ('"Piemēra muzeju nakts 2031"@lv', '"Example Museum Night 2031"@en'):
        text = text.replace(name, f'"{SCRIPT}"@{name[-2:]}')
    events.write_text(text, encoding="utf-8")
    build(load_project(root))
    with TestClient(create_app(ServerConfig(project_root=root))) as client:
        yield client


@pytest.mark.parametrize(
    "params",
    [
        {"lang": "lv"},
        {"lang": "en"},
        {"lang": "en", "event": MULTI + "id/event/example-museum-night-2031"},
    ],
)
def test_an_event_name_with_markup_is_text_on_the_landing_page(hostile, params):
    html = page(hostile, "/", **params)
    assert "<script>alert" not in html
    assert str(escape(SCRIPT)) in html  # the name shown, as text
    # The schema.org document embedded in the page names the event too, escaped for a script.
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert SCRIPT in json.dumps(json.loads(embedded.group(1)), ensure_ascii=False)


def test_an_event_name_with_markup_is_text_on_the_browse_page(hostile):
    html = page(hostile, "/browse", type=SCHEMA + "Event", lang="en")
    assert "<script>alert" not in html and str(escape(SCRIPT)) in html


# --- properties ----------------------------------------------------------------------------------

DATES = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


def xsd_date(day: date) -> Literal:
    return Literal(day.isoformat(), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date"))


@given(st.lists(st.tuples(DATES, st.one_of(st.none(), st.integers(0, 400))), max_size=30))
def test_the_span_of_events_is_the_earliest_start_to_the_latest_end_or_start(events):
    pairs = [
        (xsd_date(start), None if days is None else xsd_date(start + timedelta(days=days)))
        for start, days in events
    ]
    found = span(pairs)
    if not events:
        assert found is None
        return
    ends = [start + timedelta(days=days or 0) for start, days in events]
    assert found == (xsd_date(min(s for s, _ in events)), xsd_date(max(ends)))
    assert span(reversed(pairs)) == found  # whatever order the rows come in


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(1, n), st.just(n))))
def test_the_page_list_offers_first_last_and_nearby_pages(position):
    current, pages = position
    offered = page_links(current, pages, lambda n: f"/p{n}")
    if pages == 1:
        assert offered == []
        return
    numbers = [n for n, _ in offered if n is not None]
    assert numbers == sorted(set(numbers)) and {1, pages, current} <= set(numbers)
    assert len(offered) <= 9
    for number, link in offered:
        assert (link is None) == (number is None or number == current)
    for before, after in itertools.pairwise(offered):
        if before[0] is not None and after[0] is not None:
            assert after[0] == before[0] + 1  # a gap is always marked


@given(st.integers(0, 10**7))
def test_a_sitemap_index_has_the_fewest_sitemaps_that_hold_every_url(urls):
    parts = sitemap_parts(urls)
    limit = downloads.URLS_PER_SITEMAP
    if urls <= limit:
        assert parts == 0
    else:
        assert (parts - 1) * limit < urls <= parts * limit


def test_markup_asked_for_as_an_event_or_a_page_is_refused_as_text(hostile):
    for path, params in (("/", {"event": SCRIPT}), ("/browse", {"type": SCHEMA, "page": SCRIPT})):
        response = hostile.get(path, params=params, headers=BROWSER)
        assert response.status_code == 400
        assert "<script>alert" not in response.text

"""Dereferenceable IRIs, resource pages, the landing page, dumps, sitemap — in process; and the
crawl: from the landing page every resource is reached, and no internal link is broken."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import BACKENDS_AND_GROUP, backend_for, copy_project, union_graph_for
from crawl import BROWSER, Links, crawl, internal, minted
from markupsafe import escape
from pyoxigraph import RdfFormat, parse
from starlette.testclient import TestClient

from sdglod.build import build
from sdglod.project import load_project
from sdglod.releases.log import ReleaseLog
from sdglod.web.app import create_app
from sdglod.web.config import ServerConfig
from sdglod.web.export import STREAM_FILES, export_static

BASE = "https://w3id.org/sdglod/"
EVENT = "/id/event/baltic-sdg-2021"
RDF = {
    "text/turtle": RdfFormat.TURTLE,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/rdf+xml": RdfFormat.RDF_XML,
}


MINI = Path(__file__).parent / "fixtures" / "mini-project"


@pytest.fixture(scope="module", params=BACKENDS_AND_GROUP)
def client(request, built):
    """The app over the embedded store, and over a real remote store (`serve --backend`,
    Virtuoso also through a graph group of the project's graphs, `--union-graph`)."""
    project, _ = built
    config = ServerConfig(
        project_root=project.root,
        backend=backend_for(request),
        union_graph=union_graph_for(request, project),
    )
    with TestClient(create_app(config), follow_redirects=False) as client:
        yield client


# --- dereferencing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "document"),
    [
        ("text/html,application/xhtml+xml,*/*;q=0.8", ".html"),
        ("*/*", ".html"),
        ("text/turtle", ".ttl"),
        ("application/ld+json", ".jsonld"),
        ("application/n-triples", ".nt"),
        ("application/rdf+xml", ".rdf"),
        ("application/rdf+xml;q=0.5, text/turtle", ".ttl"),
    ],
)
def test_an_iri_gives_303_to_the_document_the_client_accepts(client, accept, document):
    response = client.get(EVENT, headers={"Accept": accept})
    assert response.status_code == 303
    assert response.headers["location"] == EVENT + document
    assert "Accept" in response.headers["vary"]
    assert 'rel="alternate"; type="text/turtle"' in response.headers["link"]


def test_format_parameter_and_language_choose_the_document(client):
    assert client.get(EVENT, params={"format": "ttl"}).headers["location"] == EVENT + ".ttl"
    english = client.get(EVENT, params={"lang": "en"}, headers=BROWSER)
    assert english.headers["location"] == EVENT + ".html?lang=en"
    assert client.get(EVENT, params={"format": "pdf"}).status_code == 406


@pytest.mark.parametrize("media_type", sorted(RDF))
def test_documents_in_every_rdf_format_describe_the_resource(client, media_type):
    suffix = {
        "text/turtle": "ttl",
        "application/ld+json": "jsonld",
        "application/n-triples": "nt",
        "application/rdf+xml": "rdf",
    }[media_type]
    response = client.get(f"{EVENT}.{suffix}")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "link" in response.headers and response.headers["etag"]
    triples = list(parse(response.content, format=RDF[media_type]))
    subjects = {t.subject.value for t in triples}
    assert BASE + EVENT[1:] in subjects
    assert BASE + EVENT[1:] + "#online" in subjects  # its part comes with it
    # Incoming links too: the outcomes point at the event.
    assert any(t.object.value == BASE + EVENT[1:] and "outcome" in t.subject.value for t in triples)


def test_the_turtle_and_json_ld_documents_hold_the_same_graph(client):
    turtle = set(parse(client.get(f"{EVENT}.ttl").content, format=RdfFormat.TURTLE))
    jsonld = set(parse(client.get(f"{EVENT}.jsonld").content, format=RdfFormat.JSON_LD))
    assert turtle == jsonld


def test_unknown_iris_are_404_never_500(client):
    page = client.get("/id/event/no-such-event", headers=BROWSER)
    assert page.status_code == 303 or page.status_code == 404
    page = client.get("/id/event/no-such-event.html", headers=BROWSER)
    assert page.status_code == 404 and "not described in this dataset" in page.text
    assert '<a href="/?lang=' in page.text  # a way back
    rdf = client.get("/id/event/no-such-event", headers={"Accept": "text/turtle"})
    assert rdf.status_code == 404
    assert rdf.headers["content-type"].startswith("text/turtle")
    assert list(parse(rdf.content, format=RdfFormat.TURTLE)) == []  # valid, empty Turtle
    assert client.get("/id/event/no-such-event.ttl").status_code == 404
    assert client.get("/id/%00%3E").status_code == 404


def test_the_base_iri_maps_to_whatever_host_serves_it(tmp_path):
    root = copy_project(tmp_path / "project")
    project = load_project(root, "https://data.example.org/sdg/")
    build(project)
    config = ServerConfig(project_root=root, base="https://data.example.org/sdg/")
    with TestClient(create_app(config), follow_redirects=False) as client:
        document = client.get(f"{EVENT}.ttl")
        subjects = {t.subject.value for t in parse(document.content, format=RdfFormat.TURTLE)}
        assert "https://data.example.org/sdg/id/event/baltic-sdg-2021" in subjects
        page = client.get(f"{EVENT}.html", headers=BROWSER)
        assert "https://data.example.org/sdg/id/event/baltic-sdg-2021" in page.text
        assert 'href="/id/organization/latvijas-muzeju-biedriba.html"' in page.text


# --- pages -------------------------------------------------------------------------------------


def test_a_resource_page_in_latvian_and_english(client):
    lv = client.get(f"{EVENT}.html", headers=BROWSER).text
    assert '<html lang="lv">' in lv
    assert '<h1 lang="lv">Ilgtspējīgas attīstības mērķu lokalizēšana Baltijas valstu' in lv
    assert ">Laiks</h2>" in lv and ">sākuma datums</dt>" in lv
    en = client.get(f"{EVENT}.html", params={"lang": "en"}, headers=BROWSER).text
    assert '<html lang="en">' in en
    assert ">When</h2>" in en and ">start date</dt>" in en
    assert ">organiser</dt>" in en
    # Inverse links: the outcomes adopted at the event, in the reader's language.
    assert ">outcomes</dt>" in en and "Conference message no. 1" in en
    # Links keep the chosen language; texts say theirs.
    assert 'href="/id/organization/latvijas-muzeju-biedriba.html?lang=en"' in en
    assert re.search(r'<span lang="lv">Ilgtspējīgas', en)  # other languages, tagged


def test_accept_language_chooses_the_page_language(client):
    page = client.get(f"{EVENT}.html", headers={**BROWSER, "Accept-Language": "en-US,en;q=0.8"})
    assert '<html lang="en">' in page.text


def test_sdg_targets_show_code_and_goal_colour(client):
    page = client.get("/id/outcome/baltic-sdg-2021-1.html", headers=BROWSER).text
    badge = re.search(r'<span class="sdg sdg-target" style="background:([^;]+);[^"]*">4\.7<', page)
    assert badge and badge.group(1) == "#C5192D"  # goal 4's colour
    assert 'id="sdg-4.7"' in page  # the qualified link is a part of the page


def test_pages_embed_their_schema_org_json_ld(client):
    page = client.get(f"{EVENT}.html", headers=BROWSER).text
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    document = json.loads(embedded.group(1))
    assert document["@context"]["@vocab"] == "http://schema.org/"
    event = next(n for n in document["@graph"] if n["@id"] == "event:baltic-sdg-2021")
    assert event["@type"] == "Event" and event["startDate"]["@value"] == "2021-09-23"


def test_pages_list_sources_and_alternates(client):
    page = client.get(f"{EVENT}.html", params={"lang": "en"}, headers=BROWSER).text
    assert ">source</dt>" in page and "Messages from the conference" in page
    for suffix in ("ttl", "jsonld", "nt", "rdf"):
        assert f'href="{EVENT}.{suffix}"' in page


@pytest.mark.parametrize("path", [f"{EVENT}.html", "/"])
def test_pages_have_an_etag_and_answer_304_and_stay_the_same(client, path):
    first = client.get(path, headers={**BROWSER, "Accept-Language": "en"})
    again = client.get(path, headers={**BROWSER, "Accept-Language": "en"})
    assert first.status_code == again.status_code == 200
    assert first.text == again.text  # the second comes from the page cache
    assert first.headers["etag"] == again.headers["etag"]
    assert first.headers.get("link") == again.headers.get("link")
    assert "Accept-Language" in first.headers["vary"]
    latvian = client.get(path, headers={**BROWSER, "Accept-Language": "lv"})
    assert latvian.headers["etag"] != first.headers["etag"]  # one ETag per language
    assert latvian.text != first.text
    unchanged = client.get(
        path, headers={**BROWSER, "Accept-Language": "en", "If-None-Match": first.headers["etag"]}
    )
    assert unchanged.status_code == 304 and unchanged.content == b""


def test_the_landing_page(client, store):
    page = client.get("/", params={"lang": "en"}, headers=BROWSER).text
    (title,) = store.query(
        "SELECT ?t { ?d a <http://schema.org/Dataset> ; <http://purl.org/dc/terms/title> ?t "
        'FILTER(LANG(?t) = "en") }'
    )
    assert f">{escape(title['t'].value)}</h1>" in page
    assert "creativecommons.org/licenses/by/4.0" in page and "sdglod project" in page
    bars = re.findall(r'<rect [^>]*fill="(#[0-9A-F]{6})"', page)
    assert len(bars) == 17 and "#C5192D" in bars  # a bar per goal in its colour
    assert 'role="img"' in page
    for link in (
        'href="/sparql?lang=en"',
        'href="/queries?lang=en"',
        'href="/dumps/?lang=en"',
        'href="/.well-known/void"',
        'href="/sitemap.xml"',
    ):
        assert link in page
    # Every event that is not part of another is listed, newest first, with its parts under it.
    top_level = store.query(
        "SELECT ?e ?start { ?e a <http://schema.org/Event> ; <http://schema.org/startDate> ?start "
        "FILTER NOT EXISTS { ?e <http://schema.org/superEvent> ?whole } } ORDER BY DESC(?start) ?e"
    )
    listed = re.findall(r'<span class="event-name"><a href="([^"?]+)', page)
    assert listed == [row["e"].value.removeprefix(BASE[:-1]) + ".html" for row in top_level]
    parts = "".join(re.findall(r'<ul class="parts".*?</ul>', page, re.S))
    for row in store.query("SELECT ?p { ?p <http://schema.org/superEvent> ?e }"):
        assert row["p"].value.removeprefix(BASE[:-1]) + ".html" in parts


def test_browse_lists_every_resource_of_a_type(client):
    page = client.get(
        "/browse", params={"type": "http://schema.org/Person", "lang": "en"}, headers=BROWSER
    ).text
    assert "Inga Surgunte" in page and "Māra Jēkabsone" in page


# --- dumps, descriptions, sitemap ---------------------------------------------------------


def test_dumps_with_etag_last_modified_304_and_gzip(client, built):
    manifest = built[1].manifest
    listing = client.get("/dumps/").json()["dumps"]
    assert {d["file"] for d in listing} == {d.file for d in manifest.dumps.values()}
    response = client.get("/dumps/dataset.ttl", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert response.headers["content-encoding"] == "gzip"
    etag = response.headers["etag"]
    assert etag == f'"{manifest.dumps["ttl"].sha256}"'
    assert client.get("/dumps/dataset.ttl", headers={"If-None-Match": etag}).status_code == 304
    since = response.headers["last-modified"]
    assert client.get("/dumps/dataset.ttl", headers={"If-Modified-Since": since}).status_code == 304
    assert client.get("/dumps/dataset.nq").headers["content-type"].startswith("application/n-quads")
    assert client.get("/dumps/../sdglod.toml").status_code == 404


def test_sitemap_and_robots(client, store, built):
    robots = client.get("/robots.txt").text
    assert f"Sitemap: {BASE}sitemap.xml" in robots  # the public URL: by default the base IRI
    tree = ET.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [e.text for e in tree.findall("s:url/s:loc", ns)]
    assert f"{BASE}id/event/baltic-sdg-2021.html" in locations
    assert len(locations) == len(minted(store, BASE)) + 2
    dates = {
        e.findtext("s:loc", namespaces=ns): e.findtext("s:lastmod", namespaces=ns)
        for e in tree.findall("s:url", ns)
    }
    project = built[0]
    log = ReleaseLog.read(project.release_log, project.base)
    if not log.releases:
        # Every page is as recent as the data: the date the dataset description gives.
        (modified,) = store.query(
            "SELECT ?d { ?x a <http://schema.org/Dataset> ; "
            "<http://purl.org/dc/terms/modified> ?d }"
        )
        assert set(dates.values()) == {modified["d"].value}
        return
    # Each resource's page is dated by the last release that changed it (or its #parts), the
    # landing page and the query list by the last release.
    changed: dict[str, str] = {}
    for release in log.releases:
        for change in release.changes:
            changed[change.iri.partition("#")[0]] = release.time
    assert dates.pop(BASE) == dates.pop(f"{BASE}queries") == log.releases[-1].time
    for location, lastmod in dates.items():
        assert lastmod == changed.get(location.removesuffix(".html")), location


# --- the crawl ---------------------------------------------------------------------------------


def test_every_resource_is_reached_from_the_landing_page_and_no_link_is_broken(client, store):
    assert minted(store, BASE) <= crawl(client, BASE)


# --- the static export -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(built, tmp_path_factory):
    project, _ = built
    return export_static(project, tmp_path_factory.mktemp("static") / "site")


def test_the_static_export_has_pages_documents_and_server_rules(exported, store):
    folder = exported.folder
    for iri in minted(store, BASE):
        local = iri[len(BASE) :]
        for suffix in (".html", ".en.html", ".ttl", ".jsonld", ".nt", ".rdf"):
            assert (folder / f"{local}{suffix}").is_file(), local + suffix
    for name in (
        "index.html",
        "index.en.html",
        "sitemap.xml",
        "robots.txt",
        ".htaccess",
        "nginx.conf",
        "dumps/dataset.ttl",
        "queries/index.html",
        "queries/events.csv",
    ):
        assert (folder / name).is_file(), name
    htaccess = (folder / ".htaccess").read_text()
    assert "R=303" in htaccess and "AddType text/turtle .ttl" in htaccess
    assert "return 303" in (folder / "nginx.conf").read_text()


def assert_every_link_is_a_file(folder) -> None:
    """Every internal link of every page of a static export is a file of it."""
    for page in folder.rglob("*.html"):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        where = "/" + str(page.relative_to(folder))
        for href in parser.links:
            target = internal(href, where)
            if target is None:
                continue
            path = unquote(urlsplit(target).path)
            file = folder / path.lstrip("/")
            stream = re.fullmatch(r"/ldes(?:/(view|release/[0-9]+))?", path)
            if stream:  # the server rules serve these from ldes-pages/ (test_export_servers)
                file = folder / STREAM_FILES / f"{stream.group(1) or 'stream'}.ttl"
            if path.endswith("/"):
                file = file / "index.html"
            assert file.is_file(), f"{where} links to {href}, which the export does not have"
            assert "/sparql" not in path


def test_every_link_of_the_static_site_is_a_file_of_it(exported):
    assert_every_link_is_a_file(exported.folder)


def test_void_catalog_and_schema_org_descriptions_are_served(client):
    void = client.get("/.well-known/void")
    assert void.headers["content-type"].startswith("text/turtle")
    triples = list(parse(void.content, format=RdfFormat.TURTLE))
    assert any(t.object.value == "http://rdfs.org/ns/void#Dataset" for t in triples)
    turtle = client.get("/catalog", headers={"Accept": "text/turtle"})
    jsonld = client.get("/catalog", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert set(parse(turtle.content, format=RdfFormat.TURTLE)) == set(
        parse(jsonld.content, format=RdfFormat.JSON_LD)
    )
    landing = client.get("/", headers=BROWSER).text
    embedded = re.findall(r'<script type="application/ld\+json">(.*?)</script>', landing, re.S)
    dataset = json.loads(embedded[0])
    assert dataset["@type"] == "Dataset" and dataset["name"]
    assert 'href="/catalog"' in landing


def test_the_static_export_has_the_descriptions(exported):
    for name in (".well-known/void", "catalog", "dumps/events.framed.jsonld", "dumps/void.ttl"):
        assert (exported.folder / name).is_file(), name


HOSTILE_NAME = '</script><script>alert("x")</script><!-- <b>'


def test_a_hostile_name_stays_text_in_the_page_and_its_embedded_json_ld(tmp_path):
    project = load_project(shutil.copytree(MINI, tmp_path / "mini"))
    events = project.root / "data" / "events.ttl"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace('"Poetry evening"@en', f"{json.dumps(HOSTILE_NAME)}@en"))
    build(project)
    with TestClient(create_app(ServerConfig(project_root=project.root, query_workers=1))) as app:
        page = app.get("/id/event/poetry-evening.html?lang=en").text
    embedded = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert embedded, "the page embeds its schema.org JSON-LD"
    for block in embedded:
        assert "<" not in block  # nothing in it can end the element or open a comment
    names = json.dumps(json.loads(embedded[0]), ensure_ascii=False)
    assert json.dumps(HOSTILE_NAME, ensure_ascii=False)[1:-1] in names
    assert "<script>alert" not in page.replace(str(escape(HOSTILE_NAME)), "")

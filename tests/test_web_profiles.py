"""Profiles by content negotiation (W3C Content Negotiation by Profile), as a client meets them
on a real ``sdglod serve`` over the real project: the full description by default, schema.org
only, the dataset's DCAT-AP record, the alternates view, 406 for a profile not offered, q-values,
hostile headers, and answers kept or replayed never mixing profiles.

Nothing here names a fact of ``data/``: the resource is found in the sitemap, the dataset as the
build finds it (``find_dataset``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import NamedNode, RdfFormat, Triple, parse
from rdflib import Graph
from rdflib.compare import isomorphic
from sdglod_server import SdglodServer

from sdglod.describe.facts import find_dataset
from sdglod.rdf.namespaces import DCT, RDF_TYPE, SCHEMA

pytestmark = pytest.mark.usefixtures("loopback_without_proxy")

DCAT_AP = "https://semiceu.github.io/DCAT-AP/releases/3.0.1"
ALTR = "http://www.w3.org/ns/dx/conneg/altr"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PARSE = {
    "ttl": (RdfFormat.TURTLE, "turtle"),
    "jsonld": (RdfFormat.JSON_LD, "json-ld"),
    "nt": (RdfFormat.N_TRIPLES, "nt"),
    "rdf": (RdfFormat.RDF_XML, "xml"),
}
MEDIA = {
    "html": "text/html",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    project, _ = built
    log = tmp_path_factory.mktemp("profiles") / "serve.log"
    with SdglodServer(project.root, log).start() as running:
        yield running


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def base(built) -> str:
    return built[0].base


@pytest.fixture(scope="module")
def full(base) -> str:
    return f"{base}profile/full"


@pytest.fixture(scope="module")
def dataset(built, store, base) -> str:
    """The local path of the dataset the data describes, as the build finds it."""
    iri = find_dataset(store)
    assert iri is not None and iri.startswith(base)
    return "/" + iri[len(base) :]


@pytest.fixture(scope="module")
def resource(client, base) -> str:
    """The local path of a resource of the sitemap whose description has both schema.org
    statements and others (so that the schema.org profile leaves something out)."""
    for path in sitemap_paths(client, base):
        triples = rdf(client.get(path + ".nt"), "nt")
        kinds = {is_schema(t) for t in triples}
        if kinds == {True, False}:
            return path
    pytest.fail("no resource with both schema.org and other statements")


def sitemap_paths(client: httpx.Client, base: str) -> list[str]:
    root = ET.fromstring(client.get("/sitemap.xml").content)
    if root.tag == SITEMAP + "sitemapindex":
        first = root.find(f"{SITEMAP}sitemap/{SITEMAP}loc").text
        root = ET.fromstring(client.get(urlsplit(first).path).content)
    urls = [loc.text for loc in root.iter(SITEMAP + "loc")]
    return [u[len(base) - 1 : -len(".html")] for u in urls if u.endswith(".html")]


def rdf(response: httpx.Response, name: str) -> set[Triple]:
    assert response.status_code == 200, response.text[:500]
    return {quad.triple for quad in parse(response.content, PARSE[name][0])}


def graph(data: bytes | str, name: str) -> Graph:
    return Graph().parse(data=data, format=PARSE[name][1])


def is_schema(triple: Triple) -> bool:
    if triple.predicate.value.startswith(SCHEMA):
        return True
    return (
        triple.predicate.value == RDF_TYPE
        and isinstance(triple.object, NamedNode)
        and triple.object.value.startswith(SCHEMA)
    )


def schema_part(data: bytes, name: str) -> Graph:
    """The schema.org statements of a document (rdflib, to compare with blank nodes)."""
    whole, part = graph(data, name), Graph()
    for s, p, o in whole:
        if str(p).startswith(SCHEMA) or (str(p) == RDF_TYPE and str(o).startswith(SCHEMA)):
            part.add((s, p, o))
    return part


def links(response: httpx.Response) -> list[dict[str, str]]:
    """The Link header's links: each its target and parameters."""
    found = []
    for match in re.finditer(r'<([^>]*)>((?:\s*;\s*[\w*-]+="[^"]*")*)', response.headers["link"]):
        params = dict(re.findall(r'([\w*-]+)="([^"]*)"', match.group(2)))
        found.append({"target": match.group(1), **params})
    return found


def says(response: httpx.Response, profile: str) -> None:
    """``response`` is a 200 in ``profile``: Content-Profile, Link rel=profile, Vary."""
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-profile"] == f"<{profile}>"
    found = links(response)
    assert {"target": profile, "rel": "profile"} in found
    assert [link["profile"] for link in found if link.get("rel") == "self"] == [profile]
    assert "Accept-Profile" in response.headers["vary"]


# --- the default and schema.org only ----------------------------------------------------------


def test_the_full_description_is_the_default_and_says_so(client, resource, full):
    default = client.get(resource + ".ttl")
    says(default, full)
    for asked in ({"headers": {"Accept-Profile": f"<{full}>"}}, {"params": {"_profile": "full"}}):
        again = client.get(resource + ".ttl", **asked)
        says(again, full)
        assert again.content == default.content
    found = links(default)
    alternates = {(link["type"], link["profile"]) for link in found if link["rel"] == "alternate"}
    assert ("text/turtle", SCHEMA) in alternates and ("text/html", full) in alternates
    assert {"full", "schema", "alt"} <= {link.get("token") for link in found}
    page = client.get(resource + ".html")
    says(page, full)
    assert "Accept-Language" in page.headers["vary"]


@pytest.mark.parametrize("name", ["ttl", "jsonld"])
@pytest.mark.parametrize("how", ["header", "query"])
def test_schema_org_only_keeps_every_schema_org_statement_and_nothing_else(
    client, resource, full, name, how
):
    asked = (
        {"headers": {"Accept-Profile": f"<{SCHEMA}>"}}
        if how == "header"
        else {"params": {"_profile": "schema"}}
    )
    only = client.get(f"{resource}.{name}", **asked)
    says(only, SCHEMA)
    assert only.headers["content-type"].startswith(MEDIA[name])
    assert all(is_schema(t) for t in rdf(only, name))
    whole = client.get(f"{resource}.{name}")
    assert "sdglod-truncated" not in whole.headers
    assert isomorphic(graph(only.content, name), schema_part(whole.content, name))
    assert len(rdf(only, name)) < len(rdf(whole, name))


def test_the_303_keeps_a_profile_that_is_not_the_default(client, resource, full):
    asked = {"Accept": "text/turtle", "Accept-Profile": f"<{SCHEMA}>"}
    schema = client.get(resource, headers=asked)
    assert schema.status_code == 303
    assert schema.headers["location"] == f"{resource}.ttl?_profile=schema"
    assert schema.headers["content-profile"] == f"<{SCHEMA}>"
    assert "Accept-Profile" in schema.headers["vary"]
    says(client.get(schema.headers["location"]), SCHEMA)
    default = client.get(resource, headers={"Accept": "text/turtle", "Accept-Profile": "full"})
    assert default.headers["location"] == f"{resource}.ttl"
    # A browser asking for schema.org only is sent to a format that has it.
    browser = "text/html,application/xhtml+xml,*/*;q=0.8"
    sent = client.get(resource, params={"_profile": "schema"}, headers={"Accept": browser})
    assert sent.headers["location"] == f"{resource}.ttl?_profile=schema"
    only_html = client.get(resource, params={"_profile": "schema"}, headers={"Accept": "text/html"})
    assert only_html.status_code == 406


# --- DCAT-AP, the alternates view, the profile's own document -----------------------------------


def test_the_dcat_ap_profile_of_the_dataset_is_the_catalogue_record(client, dataset, resource):
    catalogue = client.get("/catalog", headers={"Accept": "text/turtle"})
    says(catalogue, DCAT_AP)
    as_jsonld = client.get("/catalog", headers={"Accept": "application/ld+json"})
    says(as_jsonld, DCAT_AP)
    record = client.get(dataset + ".ttl", params={"_profile": "dcat-ap"})
    says(record, DCAT_AP)
    assert record.content == catalogue.content
    by_header = client.get(dataset + ".jsonld", headers={"Accept-Profile": f"<{DCAT_AP}>"})
    says(by_header, DCAT_AP)
    assert by_header.content == as_jsonld.content
    for name in ("nt", "rdf"):
        written = client.get(f"{dataset}.{name}", params={"_profile": "dcat-ap"})
        says(written, DCAT_AP)
        assert isomorphic(graph(written.content, name), graph(catalogue.content, "ttl"))
    # Only the dataset has a DCAT-AP record; the catalogue is nothing else.
    assert client.get(resource + ".ttl", params={"_profile": "dcat-ap"}).status_code == 406
    assert client.get("/catalog", headers={"Accept-Profile": f"<{SCHEMA}>"}).status_code == 406


@pytest.mark.parametrize("which", ["resource", "dataset"])
def test_alt_lists_every_representation_and_each_is_what_it_says(
    client, request, base, server, full, which
):
    path = request.getfixturevalue(which)
    listing = client.get(path + ".ttl", params={"_profile": "alt"})
    says(listing, ALTR)
    triples = rdf(listing, "ttl")
    iri = NamedNode(base + path[1:])
    listed = {
        t.object
        for t in triples
        if t.subject == iri and t.predicate.value.endswith("#hasRepresentation")
    }
    default = [t.object for t in triples if t.predicate.value.endswith("#hasDefaultRepresentation")]
    assert default and default[0] in listed
    offered = set()
    for node in listed:
        about = {t.predicate.value: t.object.value for t in triples if t.subject == node}
        profile, media = about[DCT + "conformsTo"], about[DCT + "format"]
        offered.add((profile, media))
        if node == default[0]:  # the resource's page
            assert (profile, media) == (full, "text/html")
        answer = client.get(node.value.replace(base, server.url + "/", 1))
        says(answer, profile)
        assert answer.headers["content-type"].startswith(media)
    profiles = {profile for profile, _ in offered}
    assert profiles == {full, SCHEMA, ALTR} | ({DCAT_AP} if which == "dataset" else set())
    assert (full, "text/html") in offered and (SCHEMA, "text/html") not in offered
    # The same list in JSON-LD (by Accept-Profile) and for people (HTML).
    as_jsonld = client.get(path + ".jsonld", headers={"Accept-Profile": f"<{ALTR}>"})
    says(as_jsonld, ALTR)
    assert len(rdf(as_jsonld, "jsonld")) == len(triples)
    page = client.get(path + ".html", params={"_profile": "alt"})
    says(page, ALTR)
    assert all(profile in page.text for profile in profiles)


def test_the_catalogue_lists_its_representations(client, base):
    listing = client.get("/catalog", params={"_profile": "alt"}, headers={"Accept": "text/turtle"})
    says(listing, ALTR)
    formats = {t.object.value for t in rdf(listing, "ttl") if t.predicate.value.endswith("/format")}
    assert {"text/turtle", "application/ld+json", "text/html"} <= formats
    page = client.get("/catalog", params={"_profile": "alt"}, headers={"Accept": "text/html"})
    says(page, ALTR)


def test_the_full_profile_is_dereferenceable(client, base, full):
    described = client.get("/" + full[len(base) :], headers={"Accept": "text/turtle"})
    assert described.status_code == 200
    triples = rdf(described, "ttl")
    assert (
        Triple(
            NamedNode(full), NamedNode(RDF_TYPE), NamedNode("http://www.w3.org/ns/dx/prof/Profile")
        )
        in triples
    )
    tokens = {t.object.value for t in triples if t.predicate.value.endswith("hasToken")}
    assert tokens == {"full"}
    assert client.get("/profile/schema").status_code == 404


# --- choosing, refusing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        (f"<{SCHEMA}>;q=0.5, <{{full}}>;q=0.9", "full"),
        (f"<{SCHEMA}>;q=0.9, <{{full}}>;q=0.5", "schema"),
        (f"<{SCHEMA}>, <{{full}}>", "schema"),  # equal: the client's order
        (f"<{{full}}>, <{SCHEMA}>", "full"),
        ("<{full}>;q=0, *", "schema"),  # not the full one, anything else
        ("<http://example.org/no-such-profile>, *;q=0.1", "full"),
        ("schema", "schema"),  # tokens too
        ("https://schema.org/", "schema"),  # the https name of schema.org
        ("", "full"),
    ],
)
def test_q_values_and_order_choose_the_profile(client, resource, full, header, chosen):
    answer = client.get(resource + ".nt", headers={"Accept-Profile": header.format(full=full)})
    says(answer, full if chosen == "full" else SCHEMA)


def test_a_profile_not_offered_is_406_listing_those_that_are(client, resource, dataset, base):
    for asked in (
        {"params": {"_profile": "no-such-profile"}},
        {"headers": {"Accept-Profile": "<http://example.org/no-such-profile>"}},
        {"headers": {"Accept-Profile": f"<{SCHEMA}>;q=0"}},
    ):
        refused = client.get(resource + ".ttl", **asked)
        assert refused.status_code == 406, asked
        error = refused.json()["error"]
        assert error["code"] == "not-acceptable"
        listed = {p["token"]: p for p in error["profiles"]}
        assert set(listed) == {"full", "schema", "alt"}
        assert listed["schema"]["uri"] == SCHEMA and listed["schema"]["title"]
        assert listed["full"]["uri"] == f"{base}profile/full"
        assert "schema" in error["hint"]
    dataset_refused = client.get(dataset + ".ttl", params={"_profile": "no-such-profile"})
    assert "dcat-ap" in {p["token"] for p in dataset_refused.json()["error"]["profiles"]}
    # Pages are in the full profile only: schema.org only is a format of its own.
    page = client.get(resource + ".html", params={"_profile": "schema"})
    assert page.status_code == 406
    shown = client.get(
        resource + ".html", params={"_profile": "schema"}, headers={"Accept": "text/html"}
    )
    assert shown.status_code == 406 and "schema.org only" in shown.text


@pytest.mark.parametrize(
    "asked",
    [
        {"headers": {"Accept-Profile": "<" + "http://example.org/" + "x" * 6000 + ">"}},
        {"headers": {"Accept-Profile": ", ".join(f"<http://example.org/{n}>" for n in range(200))}},
        {"headers": {"Accept-Profile": "<<<>>>,,,;;;q=q, <http://schema.org/"}},
        {"headers": {"Accept-Profile": f"<{SCHEMA}>;q=NaN"}},
        {"headers": {"Accept-Profile": f"<{SCHEMA}>;q=1e999"}},
        {"headers": {"Accept-Profile": "*;q=-1"}},
        {"params": [("_profile", "schema"), ("_profile", "full")]},
        {"params": [("_profile", "schema"), ("_profile", "schema")]},
        {"params": {"_profile": "x" * 6000}},
        {"params": {"_profile": "<>"}},
        {"params": {"_profile": ""}},
    ],
)
def test_hostile_profiles_get_a_clear_4xx_or_a_right_answer(client, resource, full, asked):
    answer = client.get(resource + ".ttl", **asked)
    assert answer.status_code in (200, 400, 406, 431), answer.text[:300]
    if answer.status_code == 200:
        assert answer.headers["content-profile"] in (f"<{full}>", f"<{SCHEMA}>")
    else:
        assert len(answer.content) < 4000  # the message does not echo a megabyte back


HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=120)
PROFILE_WORDS = st.sampled_from(["<", ">", ",", ";", "q=", "*", "0.5", "full", "schema", SCHEMA])


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=HEADER_TEXT | st.lists(PROFILE_WORDS, max_size=12).map("".join),
    query=st.none() | HEADER_TEXT,
    which=st.sampled_from(["", ".ttl", ".html", ".jsonld"]),
)
def test_any_accept_profile_and_profile_argument_give_no_5xx(
    client, resource, header, query, which
):
    asked = {"_profile": query} if query is not None else {}
    answer = client.get(
        resource + which,
        params=asked,
        # h11 sends no header value with spaces around it
        headers={"Accept-Profile": header.strip(), "Accept": "text/turtle, */*;q=0.1"},
    )
    assert answer.status_code in (200, 303, 400, 406), (header, query, answer.text[:300])
    if answer.status_code in (200, 303):
        assert answer.headers["content-profile"].startswith("<")


def test_the_headers_fit_a_proxy_s_default_buffer(client, dataset):
    # nginx's proxy_buffer_size is one memory page (4 KB) by default: an answer whose headers
    # are larger is a 502 behind it. The Link header lists neighbours, not every document.
    for path in (dataset, dataset + ".ttl", dataset + ".html"):
        answer = client.get(path, headers={"Accept": "text/turtle", "Accept-Encoding": "gzip"})
        size = sum(len(k) + len(v) + 4 for k, v in answer.headers.items())
        assert size < 3500, (path, size)


# --- kept and replayed answers ------------------------------------------------------------------


def test_kept_and_replayed_answers_never_mix_profiles(client, resource, full):
    asked = [f"<{SCHEMA}>", f"<{full}>", None, "schema", f"<{ALTR}>"]
    first = {}
    for _ in range(3):  # the second and third rounds meet kept and replayed answers
        for header in asked:
            headers = {"Accept-Profile": header} if header else {}
            answer = client.get(resource + ".ttl", headers=headers)
            expected = {f"<{SCHEMA}>": SCHEMA, "schema": SCHEMA, f"<{ALTR}>": ALTR}
            says(answer, expected.get(header, full))
            if header in first:
                assert answer.content == first[header].content
            first.setdefault(header, answer)
    # The ETag of one profile's answer is no validator for another's.
    etag = first[None].headers["etag"]
    other = client.get(
        resource + ".ttl", headers={"If-None-Match": etag, "Accept-Profile": f"<{SCHEMA}>"}
    )
    says(other, SCHEMA)
    assert client.get(resource + ".ttl", headers={"If-None-Match": etag}).status_code == 304

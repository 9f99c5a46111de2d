"""What a hostile client or hostile data can do to the server's pages: nothing.

On the hostile fixture project (tests/fixtures/hostile-project: XSS payloads in labels, texts and
IRIs): links never come from request headers (a ``Host`` attack leaves no trace for the next
reader, absolute URLs come from ``--public-url`` or the base IRI), no IRI but http(s), mailto and
the site's own paths becomes a link, JSON inside ``<script>`` cannot end it, every answer carries
the security headers, and no name of a dump or path of an IRI gives a 500.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import httpx
import pytest
from click.testing import CliRunner
from conftest import BACKENDS, assemble_project, backend_holding
from crawl import BROWSER
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sdglod_server import SdglodServer
from starlette.testclient import TestClient

from sdglod.build import Build, build
from sdglod.cli.group import cli
from sdglod.project import load_project
from sdglod.web.app import create_app
from sdglod.web.config import ServerConfig
from sdglod.web.export import HTACCESS, NGINX
from sdglod.web.page_queries import Sdg
from sdglod.web.pages import environment
from sdglod.web.security import SECURITY_HEADERS, SecurityHeaders, link_target

EVIL = "evil.example"
PUBLIC = "https://data.example.org/lod"  # given without its final slash: the server adds it
ATTACK_HEADERS = {
    "Host": EVIL,
    "X-Forwarded-Host": EVIL,
    "X-Forwarded-Proto": "https",
    "Forwarded": f"host={EVIL};proto=https",
    "X-Original-URL": f"http://{EVIL}/",
    "User-Agent": f"Mozilla/5.0 (http://{EVIL}/)",
}
EVENT_PAGE = "/id/event/example-library-week-2031.html"
WEB_SCHEMES = ("http", "https", "mailto")
LINK_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "data")
OUR_SCRIPTS = ("/static/workbench.js", "/static/vendor/codemirror.min.js")
DATA_SCRIPTS = ("application/ld+json", "application/json")


# --- the hostile project ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_built(tmp_path_factory) -> tuple[Path, Build]:
    """The hostile fixture project, built (it validates: its payloads are where shapes allow)."""
    root = assemble_project("hostile-project", tmp_path_factory.mktemp("hostile") / "project")
    return root, build(load_project(root))


@pytest.fixture(scope="module")
def hostile(hostile_built) -> Path:
    return hostile_built[0]


@pytest.fixture(scope="module")
def base(hostile) -> str:
    return load_project(hostile).base


@pytest.fixture(scope="module")
def hostile_iris(hostile_built) -> list[str]:
    """Every IRI of the data whose scheme a page must not link: from the store, not a list."""
    store = hostile_built[1].open_store()
    rows = store.query(
        "SELECT DISTINCT ?o { ?s ?p ?o FILTER(isIRI(?o) && "
        '!REGEX(STR(?o), "^(https?|mailto):", "i")) } ORDER BY ?o'
    )
    found = [row["o"].value for row in rows]
    assert any(iri.lower().startswith("javascript:") for iri in found)
    return found


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, hostile, hostile_built):
    """The app over the hostile data, in the embedded store and through ``--backend`` in
    Oxigraph's server and Virtuoso: what a store gives back is as hostile as what it was given."""
    backend = backend_holding(request, hostile_built[1].dist_path / "dataset.nq")
    config = ServerConfig(project_root=hostile, backend=backend)
    with TestClient(create_app(config), follow_redirects=False) as c:
        yield c


@pytest.fixture(scope="module")
def server(hostile, tmp_path_factory):
    """``sdglod serve --public-url …`` over the hostile project: the socket is the point of the
    Host attack (uvicorn builds the request's URL from the header)."""
    log = tmp_path_factory.mktemp("security") / "server.log"
    with SdglodServer(hostile, log, "--public-url", PUBLIC) as running:
        yield running.start()


# --- what a page may hold --------------------------------------------------------------------


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of every ``<script>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_data(self, data):
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def elements(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser


def scheme_of(url: str) -> str | None:
    found = re.match(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):", url)
    return found.group(1).lower() if found else None


def assert_page_is_safe(path: str, html: str) -> None:
    """No link a reader could follow into script, no markup from the data, no script but ours,
    and the data scripts parse as JSON that cannot end their element."""
    page = elements(html)
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{path}: <{tag} {name}=…> from the data"
            if name in LINK_ATTRIBUTES and value is not None:
                scheme = scheme_of(value)
                assert scheme in (None, *WEB_SCHEMES), f"{path}: <{tag} {name}={value!r}>"
                assert not value.startswith("//"), f"{path}: <{tag} {name}={value!r}>"
        assert tag not in ("iframe", "object", "embed", "img", "base", "frame"), f"{path}: {tag}"
        if "style" in attrs:
            assert re.fullmatch(
                r"background:#[0-9A-Fa-f]{6};color:#[0-9A-Fa-f]{6}", attrs["style"] or ""
            ), f"{path}: style={attrs['style']!r}"
    for attrs, text in page.scripts:
        if attrs.get("src") is not None:
            assert attrs["src"] in OUR_SCRIPTS and not text.strip(), f"{path}: {attrs}"
            continue
        assert attrs.get("type") in DATA_SCRIPTS, f"{path}: an inline script {attrs}"
        assert not re.search("[<>&\u2028\u2029]", text), f"{path}: unescaped JSON in <script>"
        json.loads(text)


def site(client, starts: tuple[str, ...] = ("/", "/?lang=en")) -> dict[str, httpx.Response]:
    """Every page a reader reaches from ``starts`` by following the site's links (HTML only,
    redirects followed), by path and query."""
    pages: dict[str, httpx.Response] = {}
    to_visit = list(starts)
    while to_visit:
        path = to_visit.pop()
        if path in pages:
            continue
        response = client.get(path, headers=BROWSER)
        if response.status_code in (301, 302, 303, 307, 308):
            to_visit.append(response.headers["location"])
            continue
        pages[path] = response
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        for tag, attrs in elements(response.text).tags:
            href = attrs.get("href")
            if tag != "a" or not href or "download" in attrs:
                continue
            target = urlsplit(urljoin("http://site.invalid" + path, href))
            if target.netloc != "site.invalid" or target.path.startswith("/openapi"):
                continue
            local = target.path + (f"?{target.query}" if target.query else "")
            if local not in pages:
                to_visit.append(local)
    return pages


# --- 1. links never come from request headers ------------------------------------------------


def test_a_host_attack_leaves_no_trace_for_the_next_reader(server, base):
    attacked = [
        "/",
        "/?lang=en",
        "/?lang=lv",
        EVENT_PAGE,
        EVENT_PAGE + "?lang=en",
        "/queries",
        "/sparql",
        "/dumps/",
        "/nothing-here",
        f"//{EVIL}/",
    ]
    with httpx.Client(base_url=server.url, timeout=30) as attacker:
        for path in attacked:
            answer = attacker.get(path, headers={**BROWSER, **ATTACK_HEADERS})
            assert EVIL not in answer.text, f"the attacker's own {path} names its host"
        # Machines get absolute URLs, and from the public URL only.
        robots = attacker.get("/robots.txt", headers=ATTACK_HEADERS).text
        assert f"Sitemap: {PUBLIC}/sitemap.xml" in robots
        sitemap = attacker.get("/sitemap.xml", headers=ATTACK_HEADERS)
        tree = ET.fromstring(sitemap.content)
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        locations = [e.text or "" for e in tree.findall("s:url/s:loc", ns)]
        assert locations and all(loc.startswith(PUBLIC + "/") for loc in locations)
        assert f"{PUBLIC}{EVENT_PAGE}" in locations
        described = attacker.get("/sparql", headers={**ATTACK_HEADERS, "Accept": "text/turtle"})
        assert f"<{PUBLIC}/sparql>" in described.text and EVIL not in described.text
        api = attacker.get("/openapi.json", headers=ATTACK_HEADERS).json()
        assert api["servers"] == [{"url": PUBLIC}]
    with httpx.Client(base_url=server.url, timeout=30) as reader:
        pages = site(reader)
    assert EVENT_PAGE in pages and "/?lang=en" in pages
    for path, page in pages.items():
        assert EVIL not in page.text, f"{path} names the attacker's host"
        assert page.status_code in (200, 400), path  # 400: a canned query's default not found
    assert len(pages) > 50  # every page of the fixture, in both languages


def test_no_cached_page_depends_on_a_header_outside_vary(client):
    """A page (kept in the answer cache, with an ETag) is the same whatever a header not in its
    Vary says."""
    for path in ("/?lang=en", EVENT_PAGE + "?lang=en", "/queries?lang=en"):
        plain = client.get(path, headers=BROWSER)
        odd = client.get(path, headers={**BROWSER, **ATTACK_HEADERS, "Cookie": "a=b"})
        assert odd.text == plain.text, path
        assert odd.headers.get("etag") == plain.headers.get("etag"), path
        vary = {v.strip().lower() for v in plain.headers.get("vary", "").split(",")}
        assert "host" not in vary and "x-forwarded-host" not in vary


def test_language_links_are_paths_of_this_site(client):
    page = client.get(EVENT_PAGE + "?lang=en&x=1", headers={**BROWSER, "Host": EVIL})
    switch = [a for t, a in elements(page.text).tags if t == "a" and a.get("hreflang") == "lv"]
    assert [a["href"] for a in switch] == [EVENT_PAGE + "?x=1&lang=lv"]
    # A path that begins with two slashes would be another host's: it gets one.
    lost = client.get(f"//{EVIL}/x?lang=en", headers=BROWSER)
    assert lost.status_code == 404
    for _, attrs in elements(lost.text).tags:
        assert not (attrs.get("href") or "").startswith("//"), attrs


def test_redirects_stay_on_this_site_whatever_host_says(client):
    for path in ("/dumps//", "/browse/", "/id/event/example-library-week-2031"):
        answer = client.get(path, headers={**BROWSER, **ATTACK_HEADERS})
        assert answer.status_code in (303, 307), path
        location = answer.headers["location"]
        assert location.startswith("/") and not location.startswith("//"), location


def test_without_public_url_absolute_urls_come_from_the_base_iri(client, base):
    assert f"Sitemap: {base}sitemap.xml" in client.get("/robots.txt", headers=ATTACK_HEADERS).text
    sitemap = client.get("/sitemap.xml", headers=ATTACK_HEADERS).text
    assert f"<loc>{base}</loc>" in sitemap and EVIL not in sitemap
    described = client.get("/sparql", headers={**ATTACK_HEADERS, "Accept": "text/turtle"}).text
    assert f"<{base}sparql>" in described
    # The API document is relative to wherever it was read, unless a public URL is set.
    assert client.get("/openapi.json", headers=ATTACK_HEADERS).json()["servers"] == [{"url": "/"}]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://data.example.org/",
        "data.example.org",
        "javascript:alert(1)",
        "https://",
        "https://data.example.org/?x=1",
        "https://data.example.org/#top",
        "https://user:secret@data.example.org/",
        "https://data.example.org:99999/",
        "",
    ],
)
def test_a_bad_public_url_is_a_usage_error(hostile, url):
    result = CliRunner().invoke(cli, ["--project", str(hostile), "serve", "--public-url", url])
    assert result.exit_code == 2, result.output
    assert "--public-url" in result.output
    assert "secret" not in result.output


# --- 2. no script from data or queries -------------------------------------------------------


@pytest.mark.parametrize(
    ("href", "linked"),
    [
        ("https://example.org/x", True),
        ("HTTP://EXAMPLE.ORG/", True),
        ("mailto:anna@example.org", True),
        ("/id/event/x.html?lang=en#part", True),
        ("#part", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("javascript\n:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox(1)", False),
        ("file:///etc/passwd", False),
        ("urn:isbn:0451450523", False),
        ("//evil.example/", False),
        ("\\\\evil.example/", False),
        ("/\\evil.example/", False),
        ("", False),
        (None, False),
    ],
)
def test_only_web_links_become_links(href, linked):
    assert link_target(href) == (href if linked else None)


def test_every_page_of_hostile_data_is_safe(client, hostile_iris):
    pages = site(client)
    assert EVENT_PAGE in pages
    for path, page in pages.items():
        if page.headers["content-type"].startswith("text/html"):
            assert_page_is_safe(path, page.text)
    # Each IRI of another scheme is on some page: as text, with the whole IRI as its title.
    shown = {
        attrs.get("title")
        for page in pages.values()
        for tag, attrs in elements(page.text).tags
        if tag == "span"
    }
    assert set(hostile_iris) <= shown


def test_query_results_never_link_other_schemes(client, hostile_iris):
    values = " ".join(f"<{iri}>" for iri in hostile_iris)
    queries = [
        "SELECT ?x WHERE { VALUES ?x { <javascript:alert(document.domain)> } }",
        f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(isIRI(?o) && "
        'STRSTARTS(LCASE(STR(?o)), "javascript:")) }',
    ]
    for query in queries:
        page = client.get("/sparql", params={"query": query, "lang": "en"}, headers=BROWSER)
        assert page.status_code == 200
        assert_page_is_safe("/sparql", page.text)
        titles = {a.get("title") for t, a in elements(page.text).tags if t == "td"}
        assert "javascript:alert(document.domain)" in titles
    canned = client.get(
        "/queries/resource-sources",
        params={"resource": "id/event/example-library-week-2031", "lang": "en"},
        headers=BROWSER,
    )
    assert canned.status_code == 200
    assert_page_is_safe("/queries/resource-sources", canned.text)
    assert 'title="javascript:alert(document.domain)"' in canned.text


def test_json_in_scripts_escapes_what_could_end_it():
    env = environment()
    rendered = env.from_string("{{ x|tojson }}").render(x="</script><!--<script> & \u2028\u2029")
    assert not re.search("[<>&\u2028\u2029]", rendered)
    assert json.loads(rendered) == "</script><!--<script> & \u2028\u2029"


def test_a_badge_colour_is_a_colour_or_the_default():
    badge = environment().get_template("_macros.html").module.badge  # type: ignore[attr-defined]
    for colour, shown in [
        ("#C5192D", "#C5192D"),
        ("#c5192d", "#c5192d"),
        ("red;background:url(https://evil.example/)", "#555555"),
        ('#000000"><script>alert(1)</script>', "#555555"),
        ("zzzzzz", "#555555"),
        ("", "#555555"),
    ]:
        html = str(badge(Sdg("4", colour, "goal")))
        assert f"background:{shown};" in html, html
        assert "evil" not in html and "<script" not in html


def test_every_answer_carries_the_security_headers(client):
    page = client.get("/?lang=en", headers=BROWSER)
    answers = {
        "page": page,
        "304": client.get("/?lang=en", headers={**BROWSER, "If-None-Match": page.headers["etag"]}),
        "json": client.get("/queries.json"),
        "404 json": client.get("/nothing-here"),
        "404 page": client.get("/nothing-here", headers=BROWSER),
        "400": client.get("/sparql", params={"query": "SELECT"}),
        "405": client.delete("/sparql"),
        "static": client.get("/static/workbench.js"),
        "dump": client.get("/dumps/dataset.ttl"),
        "head": client.head("/?lang=en"),
        "303": client.get("/id/event/example-library-week-2031"),
        "preflight": client.options(
            "/sparql",
            headers={"Origin": "https://x.example", "Access-Control-Request-Method": "POST"},
        ),
        "results": client.get("/sparql", params={"query": "ASK {}"}),
    }
    assert answers["304"].status_code == 304
    for name, answer in answers.items():
        for header, value in SECURITY_HEADERS.items():
            assert answer.headers.get(header) == value, f"{name}: {header}"
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy


def test_the_static_export_rules_send_the_same_headers():
    for header, value in SECURITY_HEADERS.items():
        assert f'Header always set {header} "{value}"' in HTACCESS
        assert f'add_header {header} "{value}" always;' in NGINX


# --- 3. names that are no dump, paths that are no IRI ----------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "a" * 256,
        "x" * 5000 + ".ttl",
        "%00",
        "dataset.ttl%00",
        "%2E%2E",
        "..%2Fsdglod.toml",
        "%2F..%2F..%2Fetc%2Fpasswd",
        ".htaccess",
        "build.json",
        "%C0%AE%C0%AE",
        "%FF",
    ],
)
def test_no_dump_name_gives_500(client, name):
    answer = client.get("/dumps/" + name)
    assert answer.status_code == 404, name
    assert answer.headers["content-type"].startswith("application/json")


NAMES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="./\\%\x00a", max_size=20),
    st.integers(200, 6000).map(lambda n: "n" * n),
    st.sampled_from(["..", ".", "...", "\x00", "/", "%", "dataset.ttl/..", "~"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=NAMES)
def test_dump_names_are_404_never_500(client, name):
    assume(name not in ("", ".", "..", "dataset.ttl"))  # the list, the root, a dump
    answer = client.get("/dumps/" + quote(name, safe=""))
    if answer.status_code == 307:
        # A slash too many (%2F is a slash to the router): the same path without it, here.
        location = answer.headers["location"]
        assert location.startswith("/dumps") and not location.startswith("//"), location
        answer = client.get(location)
        assert answer.status_code in (200, 404), location  # the list, or no such dump
    else:
        assert answer.status_code == 404, (name, answer.status_code)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.one_of(
        st.text(max_size=40),
        st.integers(300, 9000).map(lambda n: "event/" + "e" * n),
        st.lists(st.text(min_size=1, max_size=12), max_size=80).map("/".join),
    ),
    suffix=st.sampled_from(["", ".html", ".ttl", ".jsonld"]),
)
def test_long_and_odd_resource_paths_are_404_or_400_never_500(client, path, suffix):
    answer = client.get("/id/" + quote(path, safe="/") + suffix, headers=BROWSER)
    if answer.status_code == 307:
        # Dot segments ("/id/.") are resolved by the client; a slash too many is redirected
        # to the same path without it, on this site.
        location = answer.headers["location"]
        assert location.startswith("/") and not location.startswith("//"), location
        answer = client.get(location, headers=BROWSER)
    assert answer.status_code in (200, 303, 400, 404), (path, answer.status_code)


def test_even_a_bug_is_answered_with_the_security_headers():
    """An exception before any answer (a bug: 500) passes Starlette's last handler, which
    answers past the app's middleware; the security middleware answers it first."""

    async def broken(scope, receive, send):
        raise RuntimeError("a bug")

    answer = TestClient(SecurityHeaders(broken), raise_server_exceptions=False).get("/")
    assert answer.status_code == 500
    assert answer.json()["error"]["code"] == "internal"
    for header, value in SECURITY_HEADERS.items():
        assert answer.headers.get(header) == value

"""Every page of a project full of XSS payloads, in a real headless Chromium: served by
``sdglod serve`` and exported by ``sdglod export-static`` (served by ``python -m http.server``).

The hostile fixture (tests/fixtures/hostile-project) puts ``<!--<script>``, ``</script><script>``,
``"><img onerror=…>``, ``<svg onload=…>``, ``{{7*7}}``, U+2028/U+2029 and ``]]>`` into names and
texts, and ``javascript:``, ``data:``, ``vbscript:``, ``file:`` and ``urn:`` IRIs into sources and
``schema:sameAs``. On every page: no dialog ever opens, no script of ours breaks the
Content-Security-Policy, every link is http(s), mailto or a path of the site, the IRIs of other
schemes are text (clicking them does nothing), and the page shows its title and text — one
label cannot blank a page. Bounded: one tab, each page loaded once, clicks on a few pages.

Set SDGLOD_SKIP_BROWSER=1 to skip on a machine without Chromium (never skipped silently).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from chromium import launched
from conftest import BACKENDS, assemble_project, backend_holding
from crawl import BROWSER
from oxigraph_server import HOST, free_port
from sdglod_server import SdglodServer

from sdglod.build import Build, build
from sdglod.project import load_project

# No host but loopback resolves: a click on a link elsewhere goes nowhere, at once.
LOOPBACK_ONLY = (f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {HOST}",)
EVENT = "/id/event/example-library-week-2031"
# A link of the site to follow: not a download, not the language switch (each language is
# crawled from its own start).
SITE_LINK = re.compile(r'<a href="([^"]+)"(?! download| lang="\w+" hreflang)')
WEB_LINK = re.compile(r"^(https?:|mailto:|/(?!/)|#|\?|[^:/?#]+(/|$))", re.IGNORECASE)
NOT_A_LINK = re.compile(r"^(?!https?:|mailto:)[A-Za-z][A-Za-z0-9+.\-]*:")
# The IRIs of the fixture's data shown as text and clicked (their scheme would run script).
HOSTILE_SHOWN = "[title^='javascript:' i], [title^='data:' i], [title^='vbscript:' i]"

if os.environ.get("SDGLOD_SKIP_BROWSER") == "1":
    pytest.skip("SDGLOD_SKIP_BROWSER=1", allow_module_level=True)


@pytest.fixture(scope="module")
def hostile_built(tmp_path_factory) -> tuple[Path, Build]:
    root = assemble_project("hostile-project", tmp_path_factory.mktemp("hostile") / "project")
    return root, build(load_project(root))


@pytest.fixture(scope="module")
def hostile(hostile_built) -> Path:
    return hostile_built[0]


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, hostile_built, tmp_path_factory):
    """The hostile data from the embedded store and through ``--backend`` from Oxigraph's
    server and Virtuoso (what a store hands back is as hostile as what it was given)."""
    root, built = hostile_built
    backend = backend_holding(request, built.dist_path / "dataset.nq")
    log = tmp_path_factory.mktemp("hostile-server") / "server.log"
    with SdglodServer(root, log, *(("--backend", backend) if backend else ())) as running:
        yield running.start()


@pytest.fixture(scope="module")
def exported(hostile, tmp_path_factory):
    """The static export, served as plain files by ``python -m http.server`` on loopback."""
    folder = tmp_path_factory.mktemp("hostile-export") / "site"
    sdglod = str(Path(sys.executable).with_name("sdglod"))
    subprocess.run([sdglod, "--project", str(hostile), "export-static", str(folder)], check=True)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", HOST, "-d", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(url + "/index.html", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield folder, url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    yield from launched(LOOPBACK_ONLY)


class Watched:
    """A browser context whose every tab records each dialog, script error and CSP report."""

    def __init__(self, browser):
        # Downloads (the RDF documents' links) refused: a tab closes at once, whatever it was doing.
        self.context = browser.new_context(accept_downloads=False)
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page = self.new_page()

    def new_page(self):
        page = self.context.new_page()

        def dialog(d) -> None:
            self.dialogs.append(f"{d.type}: {d.message} on {page.url}")
            d.dismiss()

        def console(message) -> None:
            text = message.text
            if "Content Security Policy" in text or "Refused to" in text:
                self.errors.append(f"{text} on {page.url}")

        page.on("dialog", dialog)
        page.on("console", console)
        page.on("pageerror", lambda error: self.errors.append(f"{error} on {page.url}"))
        return page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser):
    watched = Watched(browser)
    yield watched
    watched.close()


def server_pages(server) -> list[str]:
    """Every HTML page a reader reaches from ``/`` and ``/?lang=en`` (the site's own links),
    and result pages of queries that return the data's script IRIs."""
    seen: dict[str, None] = {}
    to_visit = ["/", "/?lang=en"]
    with httpx.Client(base_url=server.url, timeout=30) as client:
        while to_visit:
            path = to_visit.pop()
            if path in seen:
                continue
            response = client.get(path, headers=BROWSER)
            if response.is_redirect:
                to_visit.append(response.headers["location"])
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            seen[path] = None
            # Each language from its own start: no links of the language switch (hreflang).
            for href in SITE_LINK.findall(response.text):
                target = urlsplit(urljoin("http://site.invalid" + path, href.replace("&amp;", "&")))
                local = target.path + (f"?{target.query}" if target.query else "")
                if target.netloc == "site.invalid" and not local.startswith("/openapi"):
                    to_visit.append(local)
    return [*seen, *query_pages()]


def query_pages() -> list[str]:
    from urllib.parse import urlencode

    queries = [
        "SELECT ?x WHERE { VALUES ?x { <javascript:alert(document.domain)> } }",
        'SELECT ?s ?o WHERE { ?s ?p ?o FILTER(isIRI(?o) && !REGEX(STR(?o), "^(https?|mailto):")) }',
        'CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), "<")) }',
        'SELECT ?label WHERE { ?s ?p ?label FILTER(REGEX(STR(?label), "[<>\\u2028]")) }',
    ]
    pages = [f"/sparql?{urlencode({'query': q, 'lang': 'en'})}" for q in queries]
    resource = EVENT[1:]
    pages += [
        f"/queries/{name}?{urlencode({'resource': resource, 'lang': lang})}"
        for name in ("resource-sources", "resource")
        for lang in ("en", "lv")
    ]
    return pages


def check_page(tab: Watched, url: str) -> int:
    """Load ``url``: its text is there with its title, every link is a web link, and the IRIs
    of other schemes are text that does nothing when clicked; how many it shows."""
    page = tab.page
    page.goto(url, wait_until="domcontentloaded")
    before = page.url
    seen = page.evaluate(INSPECT, HOSTILE_SHOWN)
    title, text = seen["title"], seen["text"]
    assert text.strip() and title, f"{url}: a blank page"
    heading = re.sub(r" \(\d+\)$", "", title.rsplit(" — ", 1)[0])
    assert " ".join(heading.split()) in " ".join(text.split()), f"{url}: no {heading!r}"
    for href in seen["hrefs"]:
        assert WEB_LINK.match(href) and not href.startswith("//"), f"{url}: a link to {href!r}"
    assert seen["linked"] == [], f"{url}: links to {seen['linked']}"
    page.wait_for_load_state("domcontentloaded")
    assert page.url == before, f"{url}: a click on an IRI shown as text went to {page.url}"
    return seen["shown"]


# In the page: its title, text and links, and the IRIs of other schemes it shows, each clicked
# (visible or not: some are in a closed <details>).
INSPECT = """selector => {
  const shown = [...document.querySelectorAll(selector)];
  const linked = shown.filter(e => e.closest('a')).map(e => e.getAttribute('title'));
  for (const e of shown) {
    e.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}));
  }
  return {
    title: document.title,
    text: document.body.innerText,
    hrefs: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
    linked: linked,
    shown: shown.length,
  };
}"""


def click_every_link(tab: Watched, url: str) -> int:
    """Click each link of ``url`` in turn (from a fresh load each time, hidden ones and the
    SVG chart's too); how many. A link to another host gets an empty answer (204: the tab
    stays), so that no click waits for the network."""
    page = tab.new_page()
    page.route(lambda target: urlsplit(target).hostname != HOST, lambda r: r.fulfill(status=204))
    page.goto(url, wait_until="domcontentloaded")
    # Each link's target; a link to this very page (its HTML format) would only reload it.
    targets = page.eval_on_selector_all("a[href]", "all => all.map(a => a.href.baseVal || a.href)")
    clicked = 0
    for index, target in enumerate(targets):
        if target == page.url:
            continue
        goto(page, url)
        page.evaluate(
            "i => document.querySelectorAll('a[href]')[i].dispatchEvent("
            "new MouseEvent('click', {bubbles: true, cancelable: true}))",
            index,
        )
        page.wait_for_timeout(50)  # a javascript: link would run now, and a dialog open
        page.wait_for_load_state("domcontentloaded")
        clicked += 1
    page.close()
    return clicked


def goto(page, url: str) -> None:
    """Load ``url`` in ``page``, after the navigation a click may have begun."""
    from playwright.sync_api import Error

    for attempt in range(5):
        try:
            page.goto(url, wait_until="domcontentloaded")
            return
        except Error as err:
            if "interrupted by another navigation" not in str(err) or attempt == 4:
                raise
            page.wait_for_timeout(200)


def test_every_served_page_of_hostile_data_is_safe_in_chromium(tab, server):
    started = time.monotonic()
    paths = server_pages(server)
    assert f"{EVENT}.html" in paths and len(paths) > 50
    shown = sum(check_page(tab, server.url + path) for path in paths)
    assert shown > 10  # the data's script IRIs were on the pages, and clicked
    # Every link of the pages that show the data's script IRIs, clicked.
    clicked = sum(
        click_every_link(tab, server.url + path)
        for path in (f"{EVENT}.html?lang=en", query_pages()[0])
    )
    assert clicked > 20
    assert tab.dialogs == []
    assert tab.errors == []
    # Measured at about 35 s on 2 busy cores; the bound catches a runaway, not a slow machine.
    assert time.monotonic() - started < 120, "the browser test must stay bounded"


def test_the_query_page_script_runs_under_the_policy(tab, server):
    page = tab.page
    page.goto(server.url + "/sparql?lang=en")
    first = page.eval_on_selector("#example", "s => s.options[1].value")
    page.select_option("#example", first)
    assert page.input_value("#query") != ""
    assert "#+ title" in page.input_value("#query")  # the example's text, from workbench.js
    assert "#+ title" in page.inner_text(".cm-content")  # and in the editor, which runs too
    assert tab.errors == [] and tab.dialogs == []


def test_every_exported_page_of_hostile_data_is_safe_in_chromium(tab, exported):
    started = time.monotonic()
    folder, url = exported
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    assert f"{EVENT[1:]}.html" in files and f"{EVENT[1:]}.en.html" in files
    shown = sum(check_page(tab, f"{url}/{file}") for file in files)
    assert shown > 10
    assert click_every_link(tab, f"{url}{EVENT}.en.html") > 20
    assert tab.dialogs == []
    assert tab.errors == []
    # Measured at about 35 s on 2 busy cores; the bound catches a runaway, not a slow machine.
    assert time.monotonic() - started < 120, "the browser test must stay bounded"

"""The query pages in a real headless Chromium (Debian's, driven by Playwright).

`make test` installs Debian's chromium when it is missing (the CI machine runs as root). Set
SDGLOD_SKIP_BROWSER=1 to skip these tests on a machine without it — they never skip silently.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from chromium import launched, watched_page
from conftest import BACKENDS, REPO, backend_for
from sdglod_server import SdglodServer

from sdglod.query.canned import run_canned
from sdglod.query.catalogue import load_queries
from sdglod.query.embedded import EmbeddedBackend

ARTIFACTS = REPO / "test-artifacts"

if os.environ.get("SDGLOD_SKIP_BROWSER") == "1":
    pytest.skip("SDGLOD_SKIP_BROWSER=1", allow_module_level=True)


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, tmp_path_factory, built):
    """The real build served from the embedded store and through ``--backend`` from
    Oxigraph's server and Virtuoso: the browser must not tell them apart."""
    project, _ = built
    log = tmp_path_factory.mktemp("browser") / "server.log"
    backend = backend_for(request)
    with SdglodServer(project.root, log, *(("--backend", backend) if backend else ())) as running:
        yield running.start()


@pytest.fixture(scope="module")
def browser():
    yield from launched()


@pytest.fixture
def page(browser):
    yield from watched_page(browser)


def test_run_an_example_and_share_and_download_its_results(page, server):
    page.goto(server.url + "/sparql?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.select_option("#example", "sdg-coverage")
    text = page.input_value("#query")
    assert "SELECT" in text and "#+ title@en: SDG coverage by goal" in text
    page.focus(".cm-content")  # the editor (the form's textarea is hidden behind it)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("table.results")
    rows = page.locator("table.results tbody tr")
    assert rows.count() == 17
    assert "Quality education" in page.inner_text("table.results")
    # The address encodes the query: opening it again shows the same results.
    shared = page.url
    sent = parse_qs(urlsplit(shared).query)["query"][0]
    assert sent.replace("\r\n", "\n").strip() == text.strip()  # forms send CRLF
    page.goto(shared)
    assert page.locator("table.results tbody tr").count() == 17
    # The download links give the same result as CSV and JSON.
    links = {a.inner_text(): a.get_attribute("href") for a in page.locator(".downloads a").all()}
    csv = httpx.get(server.url + links["SPARQL 1.1 CSV"])
    assert csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text.strip().splitlines()) == 18
    document = httpx.get(server.url + links["SPARQL 1.1 JSON"]).json()
    assert len(document["results"]["bindings"]) == 17
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "query-page.png"), full_page=True)
    assert page.console_errors == []


def test_a_syntax_error_is_shown_where_it_is(page, server):
    page.goto(server.url + "/sparql?lang=lv")
    page.fill(".cm-content", "SELECT ?s WHERE {\n  ?s ?p \n}")
    page.click("#run")
    alert = page.locator("#error")
    alert.wait_for()
    assert alert.get_attribute("role") == "alert"
    assert "rinda 3" in alert.inner_text()  # the line, in the page's language
    assert "None" not in alert.inner_text()  # a store that gives no column (Virtuoso)
    assert page.get_attribute("#query", "aria-invalid") == "true"
    # The editor marks the place on line 3 (the whole line where the store gives no column).
    lines = page.locator(".cm-content .cm-line")
    marked = [
        i + 1 for i in range(lines.count()) if lines.nth(i).locator(".cm-lintRange-error").count()
    ]
    assert marked == [3]
    # The page itself comes with status 400 (the query is bad), which Chromium logs; nothing else.
    assert all("status of 400" in e for e in page.console_errors)


def test_a_canned_query_form_runs_with_its_parameter(page, server, built, store):
    page.goto(server.url + "/queries/outcomes-by-sdg?lang=en")
    page.fill("#param-sdg", "17")
    page.click("form.parameters button")
    page.wait_for_selector("table.results")
    # A row per link of an outcome to a target of goal 17, as the store has them.
    project, build = built
    query = load_queries(project)["outcomes-by-sdg"]
    expected = run_canned(
        EmbeddedBackend(store), query, {"sdg": "17"}, project.base, build.manifest.prefixes
    )
    assert len(expected) >= 6  # the conference's messages alone link six times to goal 17
    assert page.locator("table.results tbody tr").count() == len(expected)
    assert "sdg=17" in page.url
    assert page.console_errors == []


def test_pages_work_from_the_keyboard_without_scripts(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url + "/queries?lang=en")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.goto(server.url + "/sparql?lang=en&query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D")
    assert "Answer: yes" in page.inner_text("#results")
    context.close()


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_landing_and_resource_pages_in_both_languages(page, server, lang):
    page.goto(f"{server.url}/?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("svg.chart rect").count() == 17
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"landing-{lang}.png"), full_page=True)
    # Follow the conference from the list of events to its page, then an organiser, then back.
    page.click("section.events .event-name a[href*='/id/event/baltic-sdg-2021.html']")
    page.wait_for_url("**/id/event/baltic-sdg-2021.html*")
    assert page.locator("html").get_attribute("lang") == lang
    heading = page.inner_text("h1")
    assert "Ilgtspējīgas" in heading if lang == "lv" else "Localising" in heading
    page.screenshot(path=str(ARTIFACTS / f"event-{lang}.png"), full_page=True)
    page.click("a[href*='/id/organization/latvijas-nacionala-biblioteka']")
    page.wait_for_url("**/id/organization/latvijas-nacionala-biblioteka.html*")
    assert "Latvijas Nacionālā bibliotēka" in page.content()
    page.click("a[href*='/id/event/baltic-sdg-2021.html']")  # "organiser of" leads back
    page.wait_for_url("**/id/event/baltic-sdg-2021.html*")
    # An outcome shows its SDG targets as coloured codes.
    page.click("a[href*='/id/outcome/baltic-sdg-2021-1.html']")
    badge = page.locator(".sdg-target").first
    assert badge.inner_text() in {"4.7", "16.10", "12.8", "11.4"}
    assert page.console_errors == []

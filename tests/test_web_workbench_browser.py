"""The query workbench in a real headless Chromium (Debian's, driven by Playwright): the editor,
completion from the dataset, the place of a syntax error, the table's sorting, filtering and
pages, the chart, shared links, the history, the keyboard, both languages — all under the
page's Content-Security-Policy (a blocked script or style shows as a console error).

Expectations come from the store and from /sparql/terms.json, never from the data's facts.
"""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from chromium import launched, watched_page
from conftest import REPO
from sdglod_server import SdglodServer
from support import html_problems, rows

from sdglod.query.catalogue import load_queries

ARTIFACTS = REPO / "test-artifacts"
SDGLOD = "https://w3id.org/sdglod/ontology#"
SDGO = "http://metadata.un.org/sdg/ontology#"
SCHEMA = "http://schema.org/"
# Outcomes per SDG goal: one label column (the goal) and one number column.
BY_GOAL = (
    f"PREFIX sdglod: <{SDGLOD}>\nPREFIX sdgo: <{SDGO}>\n"
    "SELECT ?goal (COUNT(DISTINCT ?outcome) AS ?outcomes) WHERE {\n"
    "  ?outcome sdglod:servesTarget ?target .\n  ?target sdgo:isTargetOf ?goal .\n"
    "} GROUP BY ?goal ORDER BY DESC(?outcomes)"
)

if os.environ.get("SDGLOD_SKIP_BROWSER") == "1":
    pytest.skip("SDGLOD_SKIP_BROWSER=1", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory, built):
    project, _ = built
    log = tmp_path_factory.mktemp("workbench") / "server.log"
    with SdglodServer(project.root, log) as running:
        yield running.start()


@pytest.fixture(scope="module")
def terms(server) -> dict:
    answer = httpx.get(server.url + "/sparql/terms.json")
    assert answer.status_code == 200
    return answer.json()


@pytest.fixture(scope="module")
def browser():
    yield from launched()


@pytest.fixture
def page(browser):
    yield from watched_page(browser)


def set_query(page, text: str) -> None:
    """Replace the editor's text (as pasted: no brackets closed for us)."""
    page.click(".cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)


def query_text(page) -> str:
    return page.input_value("#query")  # the form's field, which the editor keeps up to date


def choose(page, label: str) -> None:
    """Go down the open completion list to ``label`` and take it, by keyboard."""
    page.wait_for_selector(".cm-tooltip-autocomplete li")
    for _ in range(60):
        # As a person would: CodeMirror ignores keys for 75 ms after the list changes (so
        # that a key meant for the text is not taken as a choice).
        page.wait_for_timeout(150)
        selected = page.locator(".cm-tooltip-autocomplete li[aria-selected] .cm-completionLabel")
        if selected.inner_text() == label:
            page.keyboard.press("Enter")
            return
        page.keyboard.press("ArrowDown")
    options = page.locator(".cm-tooltip-autocomplete .cm-completionLabel").all_inner_texts()
    raise AssertionError(f"{label!r} is not offered: {options}")


def marked_lines(page) -> list[int]:
    lines = page.locator(".cm-content .cm-line")
    return [
        number + 1
        for number in range(lines.count())
        if lines.nth(number).locator(".cm-lintRange-error").count()
    ]


def visible_rows(page) -> list[list[str]]:
    return page.evaluate(
        "Array.from(document.querySelectorAll('table.results tbody tr'))"
        ".filter(r => !r.hidden).map(r => Array.from(r.cells).map(c => c.innerText.trim()))"
    )


def no_errors_but(page, *allowed: str) -> None:
    unexpected = [e for e in page.console_errors if not any(a in e for a in allowed)]
    assert unexpected == [], unexpected


# --- the editor ----------------------------------------------------------------------------------


def test_a_typo_is_marked_where_the_server_says(page, server):
    page.goto(server.url + "/sparql?lang=en")
    assert page.locator("#query").is_hidden() and page.locator(".cm-editor").is_visible()
    set_query(page, "SELECT ?s WHERE {\n  ?s a ?type .\n  FILTR (?s)\n}")
    page.keyboard.press("Control+Enter")
    message = page.locator("#error .message")
    message.wait_for()
    line, column = int(message.get_attribute("data-line")), message.get_attribute("data-column")
    assert line == 3  # the typo's line, as the store reports it
    assert marked_lines(page) == [3]
    marked = page.locator(".cm-lintRange-error").inner_text()
    if column:  # the marker starts at the reported column
        assert "  FILTR (?s)"[int(column) - 1 :].startswith(marked)
    # The text is kept, the focus is back in the editor, and the field is flagged for readers.
    assert (
        query_text(page).replace("\r\n", "\n")
        == "SELECT ?s WHERE {\n  ?s a ?type .\n  FILTR (?s)\n}"
    )
    assert page.evaluate("document.activeElement.classList.contains('cm-content')")
    assert page.get_attribute(".cm-content", "aria-invalid") == "true"
    no_errors_but(page, "status of 400")


def test_brackets_are_highlighted_and_shortcuts_shown(page, server):
    page.goto(server.url + "/sparql?lang=lv")
    set_query(page, "SELECT * WHERE { ?s ?p ?o }")
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")  # before the closing brace
    page.keyboard.press("ArrowRight")
    assert page.locator(".cm-matchingBracket").count() == 2
    assert page.locator(".cm-content .tok-keyword, .cm-content span[class]").count() > 0
    shortcuts = page.inner_text("#shortcuts")
    assert "Ctrl" in shortcuts and "Enter" in shortcuts and "Space" in shortcuts
    assert page.locator("html").get_attribute("lang") == "lv"
    no_errors_but(page)


# --- completion from the dataset -------------------------------------------------------------


def test_prefixes_classes_and_properties_complete_from_the_dataset(page, server, terms):
    looked_up: list[str] = []
    page.on(
        "request",
        lambda r: (
            looked_up.extend(parse_qs(urlsplit(r.url).query).get("q", []))
            if "/sparql/lookup.json" in r.url
            else None
        ),
    )
    page.goto(server.url + "/sparql?lang=en")
    prefix, namespace = sorted(terms["prefixes"].items())[0]
    set_query(page, "")
    page.keyboard.type(f"PREFIX {prefix}", delay=20)
    choose(page, f"{prefix}: <{namespace}>")
    assert query_text(page) == f"PREFIX {prefix}: <{namespace}>"

    # The class with the most instances; its prefix is declared for us if it is missing.
    cls = max((c for c in terms["classes"] if ":" in c["name"]), key=lambda c: c["count"])
    set_query(page, "SELECT ?x WHERE {\n  ?x a ")
    page.keyboard.press("End")
    page.keyboard.type(cls["name"][:-1], delay=20)
    item = page.locator(".cm-tooltip-autocomplete li", has_text=cls["name"]).first
    assert str(cls["count"]) in item.inner_text()  # the VoID count beside the name
    choose(page, cls["name"])
    prop = max((p for p in terms["properties"] if ":" in p["name"]), key=lambda p: p["count"])
    page.keyboard.type(" ;\n    ", delay=20)
    page.keyboard.type(prop["name"][:-1], delay=20)
    choose(page, prop["name"])
    page.keyboard.type(" ?value .\n}", delay=20)
    text = query_text(page)
    for name in (cls["name"], prop["name"]):
        short = name.split(":")[0]
        assert re.search(rf"^PREFIX {re.escape(short)}: <", text, re.M), text
        assert name in text
    # A prefixed name's local part is completed from the terms, never looked up as a label.
    for name in (cls["name"], prop["name"]):
        local = name.split(":", 1)[1]
        assert not [q for q in looked_up if local.lower().startswith(q.lower())], looked_up
    # The query the completions wrote runs, and finds what the store has.
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("table.results, .results p")
    assert page.locator("#error").count() == 0
    no_errors_but(page)


def test_a_resource_is_found_by_its_label_on_this_server_only(page, server, store):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    label, iri = rows(
        store,
        f"SELECT ?label ?s WHERE {{ ?s <{SCHEMA}name> ?label FILTER(LANG(?label) = 'en' "
        "&& STRLEN(?label) > 8) } ORDER BY ?s LIMIT 1",
    )[0]
    page.goto(server.url + "/sparql?lang=en")
    set_query(page, "SELECT * WHERE {\n  ")
    page.keyboard.press("Control+End")
    page.keyboard.type(label.split()[0][:6] if len(label.split()[0]) >= 3 else label[:6], delay=30)
    page.keyboard.press("Control+Space")
    choose(page, label)
    assert iri in query_text(page) or iri.rsplit("/", 1)[-1] in query_text(page)
    assert all(urlsplit(url).netloc == urlsplit(server.url).netloc for url in requests)
    no_errors_but(page)


# --- results ---------------------------------------------------------------------------------


def test_an_aggregate_is_drawn_in_sdg_colours_and_the_link_keeps_the_view(page, server, store):
    expected = rows(
        store,
        BY_GOAL.replace("SELECT ?goal", "SELECT ?goal ?colour").replace(
            "} GROUP BY ?goal",
            f"  OPTIONAL {{ ?goal <{SCHEMA}color> ?colour }}\n}} GROUP BY ?goal ?colour",
        ),
    )
    assert expected, "the data links outcomes to SDG targets"
    page.goto(server.url + "/sparql?lang=en")
    set_query(page, BY_GOAL)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("nav.views")
    assert page.locator("#table-view").is_visible() and page.locator("#chart-view").is_hidden()
    page.locator("nav.views a", has_text="Chart").click()
    assert page.locator("#chart-view").is_visible() and page.locator("#table-view").is_hidden()
    assert parse_qs(urlsplit(page.url).query)["view"] == ["chart"]
    bars = page.locator("#chart-view g.bar rect")
    assert bars.count() == len(expected)
    fills = sorted(bars.nth(i).get_attribute("fill").lower() for i in range(bars.count()))
    assert fills == sorted(colour.lower() for _, colour, _ in expected)
    share = page.get_attribute("#share", "href")
    assert parse_qs(urlsplit(share).query)["view"] == ["chart"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "workbench-chart.png"), full_page=True)
    # Whoever opens the link sees the chart, drawn by the server.
    page.goto(server.url + share)
    assert page.locator("#chart-view").is_visible() and page.locator("#table-view").is_hidden()
    assert page.locator("#chart-view g.bar rect").count() == len(expected)
    no_errors_but(page)


def test_columns_sort_and_rows_filter_and_page(page, server, store):
    total = int(rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0][0])
    wanted = min(total, 120)
    assert wanted > 50, "enough triples for two pages"
    page.goto(server.url + "/sparql?lang=en")
    set_query(page, f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {wanted}")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("table.results")
    assert len(visible_rows(page)) == 50
    assert page.inner_text("#shown") == f"rows 1–50 of {wanted}"
    page.click("#next-rows")
    assert page.inner_text("#shown") == f"rows 51–{min(wanted, 100)} of {wanted}"
    # Sorting by a column orders every row, not just the page shown.
    page.locator("table.results th button.sort").nth(1).click()
    assert page.get_attribute("table.results th >> nth=1", "aria-sort") == "ascending"
    assert page.inner_text("#shown").startswith("rows 1–50")
    predicates = page.evaluate(
        "Array.from(document.querySelectorAll('table.results tbody tr'))"
        ".map(r => r.cells[1].dataset.sort || r.cells[1].innerText.trim())"
    )
    assert len(predicates) == wanted
    page.locator("table.results th button.sort").nth(1).click()
    assert page.get_attribute("table.results th >> nth=1", "aria-sort") == "descending"
    # The filter keeps the rows that say every word typed, in any case.
    word = visible_rows(page)[0][1]
    page.fill("#filter", word.upper())
    matching = page.evaluate(
        "w => Array.from(document.querySelectorAll('table.results tbody tr'))"
        ".filter(r => r.textContent.toLowerCase().includes(w)).length",
        word.lower(),
    )
    shown = page.inner_text("#shown")
    assert shown.endswith(f"of {matching}"), shown
    assert all(word.lower() in " ".join(r).lower() for r in visible_rows(page))
    no_errors_but(page)


def test_numbers_sort_as_numbers(page, server):
    page.goto(server.url + "/sparql?lang=en")
    set_query(page, "SELECT ?n WHERE { VALUES ?n { 10 9 100 2 } }")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("table.results")
    page.locator("table.results th button.sort").first.press("Enter")  # by keyboard
    assert [r[0] for r in visible_rows(page)] == ["2", "9", "10", "100"]
    page.locator("table.results th button.sort").first.press("Enter")
    assert [r[0] for r in visible_rows(page)] == ["100", "10", "9", "2"]
    no_errors_but(page)


def test_a_result_link_leads_to_the_resource_page(page, server):
    page.goto(server.url + "/sparql?lang=en")
    set_query(page, "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) } LIMIT 200")
    page.keyboard.press("Control+Enter")
    # A resource of this dataset (an IRI of another site, such as the UN's, links there).
    link = page.locator("table.results tbody a[href^='/']:not([href*='#'])").first
    link.wait_for()
    href, shown = link.get_attribute("href"), link.inner_text()
    with page.expect_navigation():
        link.click()
    assert urlsplit(page.url).path == urlsplit(href).path
    assert page.locator("h1").count() == 1 and shown in page.inner_text("main")
    no_errors_but(page)


# --- where queries come from ------------------------------------------------------------------


def test_the_history_keeps_the_readers_own_queries(page, server):
    page.goto(server.url + "/sparql?lang=en")
    assert page.locator("#history-row").is_hidden()  # nothing run yet in this browser
    first, second = "ASK { ?s ?p ?o }", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
    for text in (first, second):
        set_query(page, text)
        page.keyboard.press("Control+Enter")
        page.wait_for_selector("#results h2")
    page.goto(server.url + "/sparql?lang=en")
    assert page.locator("#history-row").is_visible()
    options = page.locator("#history option").all_inner_texts()
    assert len(options) == 3 and second.split(" LIMIT")[0] in options[1]  # newest first
    page.select_option("#history", index=2)
    assert query_text(page) == first
    page.click("#history-clear")
    page.reload()
    assert page.locator("#history-row").is_hidden()
    no_errors_but(page)


def test_a_canned_query_opens_in_the_editor_and_runs_the_same(page, server):
    queries = httpx.get(server.url + "/queries.json").json()
    name = next(
        q["name"]
        for q in queries["queries"]
        if q["form"] == "SELECT" and not [p for p in q.get("parameters", []) if p.get("required")]
    )
    page.goto(server.url + f"/queries/{name}?lang=en")
    page.wait_for_selector("#results")
    canned_rows = page.locator("table.results tbody tr").count()
    # The canned page's own table sorts and filters too (the same script, without an editor).
    header = page.locator("table.results th").first
    header.locator("button.sort").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert page.locator("#filter").is_visible()
    with page.expect_navigation():
        page.click("#open-in-editor")
    assert urlsplit(page.url).path == "/sparql"
    assert page.locator(".cm-editor").is_visible()
    page.wait_for_selector("#results")
    assert page.locator("table.results tbody tr").count() == canned_rows
    no_errors_but(page)


# --- keyboard, languages, validity ------------------------------------------------------------


def tab_to(page, css_class: str, presses: int = 40) -> None:
    """Press Tab until the focus is on an element of ``css_class``, as a keyboard user would."""
    for _ in range(presses):
        if page.evaluate("c => document.activeElement.classList.contains(c)", css_class):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reaches .{css_class}")


def test_the_workbench_works_by_keyboard_alone(page, server):
    page.goto(server.url + "/sparql?lang=en")
    tab_to(page, "cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.insert_text("SELECT ?n WHERE { VALUES ?n { 3 1 2 } }")
    page.keyboard.press("Tab")  # Tab leaves the editor: no keyboard trap
    assert not page.evaluate("document.activeElement.classList.contains('cm-content')")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("table.results")
    tab_to(page, "sort")  # the first column's sort button
    page.keyboard.press("Enter")
    assert [r[0] for r in visible_rows(page)] == ["1", "2", "3"]
    no_errors_but(page)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("lv", ("Atlasīt rindas", "Taustiņi redaktorā")),
        ("en", ("Filter rows", "Keys in the editor")),
    ],
)
def test_the_workbench_speaks_the_page_language(page, server, lang, words):
    page.goto(server.url + f"/sparql?lang={lang}")
    set_query(page, BY_GOAL)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("table.results")
    text = page.inner_text("main")
    assert all(word in text for word in words), text
    no_errors_but(page)


def test_the_workbench_page_passes_html_validate(page, server):
    for address in (
        "/sparql?lang=en",
        "/sparql?" + httpx.QueryParams({"query": BY_GOAL, "lang": "lv"}).__str__(),
        "/sparql?" + httpx.QueryParams({"query": BY_GOAL, "view": "chart"}).__str__(),
        "/sparql?" + httpx.QueryParams({"query": "SELECT ?s WHERE { ?s ?p }"}).__str__(),
    ):
        served = httpx.get(server.url + address, headers={"Accept": "text/html"}).text
        assert html_problems(served, address) == []
        page.goto(server.url + address)  # and what the script makes of it
        page.wait_for_selector(".cm-editor")
        assert [p for p in html_problems(page.content(), address) if not _serialised(p)] == []


def _serialised(problem: str) -> bool:
    """What html-validate says of every page Chromium serialises (``<!DOCTYPE``, ``defer=""``,
    the white space left where the script moved rows) and of CodeMirror's editable ``div
    role=textbox``, which stands in for a textarea."""
    serialising = ("doctype-style:", "attribute-boolean-style:", "attribute-empty-style:")
    return problem.startswith((*serialising, "no-trailing-whitespace:")) or problem.startswith(
        "prefer-native-element: Prefer to use the native <textarea>"
    )


def test_an_example_runs_with_its_own_column_headings(page, server, built):
    project, _ = built
    query = next(
        q
        for q in sorted(load_queries(project).values(), key=lambda q: q.name)
        if q.form == "SELECT" and q.columns and not any(p.required for p in q.parameters)
    )
    page.goto(server.url + "/sparql?lang=lv")
    page.select_option("#example", query.name)
    page.focus(".cm-content")
    page.keyboard.press("Control+Enter")  # the form sends the text with CRLF line ends
    page.wait_for_selector("table.results")
    headings = {
        th.get_attribute("data-variable"): th.inner_text().strip()
        for th in page.locator("table.results th").all()
    }
    named = {v: h for v, h in headings.items() if query.heading(v, "lv")}
    assert named and all(h == query.heading(v, "lv") for v, h in named.items()), headings
    no_errors_but(page)


@pytest.fixture(scope="module")
def tight_server(tmp_path_factory, built):
    """The same build served with a small time limit and row cap."""
    project, _ = built
    log = tmp_path_factory.mktemp("workbench-tight") / "server.log"
    with SdglodServer(project.root, log, "--timeout", "1", "--row-limit", "7") as running:
        yield running.start()


def test_the_limits_are_shown_and_said_when_met(page, tight_server):
    page.goto(tight_server.url + "/sparql?lang=en")
    limits = page.inner_text("#limits")
    assert "1 s" in limits and "7 rows" in limits  # before anything runs
    set_query(page, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("table.results")
    assert "cut at 7 rows" in page.inner_text("#results")
    assert len(visible_rows(page)) == 7
    # Every triple against every other, twice: far more than a second's work.
    set_query(page, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    page.keyboard.press("Control+Enter")
    page.locator("#error").wait_for()
    assert "more than 1 s" in page.inner_text("#error")
    no_errors_but(page, "status of 503", "status of 504", "status of 408")

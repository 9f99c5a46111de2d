"""Every HTML page sdglod serves passes html-validate (npm, pinned in tests/node/package.json to
10.17.0, the newest that runs on the Node.js 20 of CI: 11.x needs Node 22; `make node-tools`
installs it; a missing one fails these tests, never skips them).

The pages come from a real ``sdglod serve`` of the real build, asked with ``Accept: text/html``:
the landing page in each language, a browse page, the dump and query lists, every canned query
with its defaults, a page of one resource of each type the store holds, a named graph, the SPARQL
page without a query and with a SELECT, an ASK, a CONSTRUCT and a syntax error, a 404; and every
page of the static export. All are checked in one html-validate process per group.

The rules are html-validate's "recommended" set (tests/node/.htmlvalidate.json), with these
changes (JSON holds no comments, so the reasons are here):

- ``doctype-style`` asks for lowercase ``<!doctype html>``: the HTML standard takes either case,
  and the templates are consistently lowercase.
- ``valid-id`` is relaxed (HTML's own rule: any id without whitespace): a part of a resource is
  shown in a section whose id is the fragment of its IRI (``…/baltic-sdg-2021-1#sdg-4.7``), so
  that the IRI leads to it; the fragments come from the data and hold dots.
- ``long-title`` is off: a page's title is the full name of its resource (or dataset) from the
  data, in its language; shortening it to 70 characters for search-result display would hide
  what the page is about. It is advice for search engines, not a matter of validity.
- ``no-inline-style`` is off: an SDG badge takes its official colour from the data (checked by
  ``security.safe_colour``; the Content-Security-Policy allows inline styles for exactly this),
  and a stylesheet of classes cannot know the data's colours.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import pytest
from sdglod_server import SdglodServer
from support import html_file_problems, html_pages_problems

from sdglod.query.catalogue import load_queries
from sdglod.web.export import export_static

HTML = {"Accept": "text/html"}


def sparql(query: str) -> str:
    return "/sparql?" + urlencode({"query": query})


@pytest.fixture(scope="module")
def pages(built, store) -> dict[str, str]:
    """Each page to check, by a name of its own: its path on the server."""
    project, _ = built
    base = project.base
    found: dict[str, str] = {
        "landing (lv)": "/?lang=lv",
        "landing (en)": "/?lang=en",
        "dumps": "/dumps/",
        "dumps (en)": "/dumps/?lang=en",
        "queries": "/queries",
        "sparql": "/sparql",
        "sparql select": sparql(
            "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s ?p ?o LIMIT 20"
        ),
        "sparql ask": sparql("ASK { ?s ?p ?o }"),
        "sparql construct": sparql(
            "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s ?p ?o LIMIT 20"
        ),
        "sparql syntax error": sparql("SELECT ?s WHERE {\n  ?s ?p \n}"),
        "not found": "/id/there-is-no-such-resource-here",
    }
    # The browse page of the type with the most members (in both languages).
    typed = store.query(
        "SELECT ?type (COUNT(DISTINCT ?s) AS ?n) { ?s a ?type FILTER(isIRI(?s)) } "
        "GROUP BY ?type ORDER BY DESC(?n) ?type LIMIT 1"
    )
    (most,) = [row["type"].value for row in typed]
    for lang in ("lv", "en"):
        found[f"browse (lang={lang})"] = "/browse?" + urlencode({"type": most, "lang": lang})
    # One resource of each type (the first by IRI; one page may stand for several types).
    for row in store.query(
        "SELECT (MIN(STR(?s)) AS ?one) { ?s a ?type "
        f'FILTER(STRSTARTS(STR(?s), "{base}") && !CONTAINS(STR(?s), "#")) }} GROUP BY ?type'
    ):
        local = row["one"].value[len(base) :]
        found[f"resource {local}"] = "/" + quote(local)
    # A named graph under the base.
    graphs = sorted(
        row["g"].value
        for row in store.query("SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")
        if row["g"].value.startswith(f"{base}graph/")
    )
    found["named graph"] = "/" + quote(graphs[0][len(base) :])
    for name in sorted(load_queries(project)):
        found[f"canned query {name}"] = f"/queries/{quote(name)}"
    return found


@pytest.fixture(scope="module")
def served(built, pages, tmp_path_factory) -> dict[str, tuple[int, str, list[str], str]]:
    """Each page as the real server answers it, as a browser follows it (an IRI answers 303 to
    its page): status, media type, html-validate's problems (all in one html-validate run) and
    the text."""
    project, _ = built
    log = tmp_path_factory.mktemp("html-validity") / "server.log"
    answers: dict[str, tuple[int, str, str]] = {}
    with SdglodServer(project.root, log) as server:
        server.start()
        with httpx.Client(
            base_url=server.url, trust_env=False, timeout=60, follow_redirects=True
        ) as client:
            for name, path in pages.items():
                try:
                    response = client.get(path, headers=HTML)
                except httpx.HTTPError as err:
                    answers[name] = (0, f"no answer: {err!r}", "")
                    continue
                answers[name] = (
                    response.status_code,
                    response.headers.get("content-type", ""),
                    response.text,
                )
    html = {name: text for name, (_, media, text) in answers.items() if "text/html" in media}
    problems = html_pages_problems(html)
    return {
        name: (status, media, problems.get(name, []), text)
        for name, (status, media, text) in answers.items()
    }


def check(served, pages, names: list[str], status: int = 200) -> None:
    """Every page of ``names`` answers ``status`` with HTML that html-validate passes."""
    assert names, "no page to check"
    failures = []
    for name in names:
        got, media, problems, _ = served[name]
        where = f"{name} ({pages[name]})"
        if got != status or not media.startswith("text/html"):
            failures.append(f"{where}: HTTP {got} {media}, expected {status} text/html")
        failures += [f"{where}: {problem}" for problem in problems]
    assert not failures, "\n".join(failures)


def named(pages, prefix: str) -> list[str]:
    return [name for name in pages if name.startswith(prefix)]


def test_the_validator_finds_problems():
    """The checks below would see an invalid page (and html-validate is installed)."""
    problems = html_pages_problems(
        {
            "bad": '<!doctype html><html lang="en"><head><title>t</title></head>'
            "<body><p><div>x</p><img src=x></body></html>",
            "good": '<!doctype html><html lang="en"><head><title>t</title></head>'
            "<body><p>x</p></body></html>",
        }
    )
    assert problems["good"] == []
    rules = {problem.split(":")[0] for problem in problems["bad"]}
    assert {"close-order", "wcag/h37"} <= rules, problems["bad"]


def test_landing_pages(served, pages):
    check(served, pages, named(pages, "landing"))


def test_browse_pages(served, pages):
    check(served, pages, named(pages, "browse"))


def test_dump_list(served, pages):
    check(served, pages, named(pages, "dumps"))


def test_query_list(served, pages):
    check(served, pages, ["queries"])


def test_canned_query_pages_with_their_defaults(served, pages):
    canned = named(pages, "canned query ")
    check(served, pages, canned)
    # The defaults run the query: most show results (a check of an audit may rightly find none).
    shown = [name for name in canned if '<table class="results"' in served[name][3]]
    assert len(shown) > len(canned) / 2, f"only {shown} show results"


def test_a_resource_page_of_each_type(served, pages):
    check(served, pages, named(pages, "resource "))


def test_named_graph_page(served, pages):
    check(served, pages, ["named graph"])


def test_sparql_page_without_a_query(served, pages):
    check(served, pages, ["sparql"])


@pytest.mark.parametrize("form", ["select", "ask", "construct"])
def test_sparql_page_with_results(served, pages, form):
    check(served, pages, [f"sparql {form}"])
    shown = served[f"sparql {form}"][3]
    assert 'class="answer"' in shown if form == "ask" else '<table class="results"' in shown


def test_sparql_page_with_a_syntax_error(served, pages):
    check(served, pages, ["sparql syntax error"], status=400)


def test_not_found_page(served, pages):
    check(served, pages, ["not found"], status=404)


# --- the static export ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(built) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="sdglod-html-validity-"))
    try:
        export_static(built[0], folder / "site")
        yield folder / "site"
    finally:
        shutil.rmtree(folder)


def test_every_page_of_the_static_export(site):
    files = sorted(site.rglob("*.html"))
    assert any(f.name == "index.html" for f in files) and any(
        f.parts[-3:-1] == ("id", "event") for f in files
    ), "the export has no landing or event page"
    problems = html_file_problems(files)
    failures = [
        f"{file.relative_to(site)}: {problem}"
        for file in files
        for problem in problems[file.resolve()]
    ]
    assert not failures, "\n".join(failures)

"""The query workbench's server side: completion data (``/sparql/terms.json``), the lookup of
resources by label (``/sparql/lookup.json``), readable result tables (headings, SDG cells, sort
keys), the bar chart and its views, and the way from a canned query's page to the editor."""

from __future__ import annotations

import re
import time
import unicodedata
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import BACKENDS, backend_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from virtuoso_server import VirtuosoServer, virtuoso_missing

from sdglod.errors import QueryError
from sdglod.query.catalogue import load_queries, parse_query
from sdglod.rdf.namespaces import RDFS, SCHEMA, SDGO, SKOS
from sdglod.web import workbench
from sdglod.web.app import create_app
from sdglod.web.config import ServerConfig
from sdglod.web.vocabulary import ui_vocabulary
from sdglod.web.workbench import LOOKUP_ROWS, LabelIndex, index_queries, lookup_query

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
JSON = {"Accept": "application/sparql-results+json"}
TIMEOUT = 5.0
GOAL_COUNTS = (
    f"SELECT ?goal (COUNT(DISTINCT ?t) AS ?targets) WHERE {{ ?t <{SDGO}isTargetOf> ?goal }} "
    "GROUP BY ?goal ORDER BY ?goal"
)


def app_client(built, backend: str | None = None, **options: object) -> TestClient:
    config = ServerConfig(
        project_root=built[0].root, backend=backend, **{"timeout": TIMEOUT, **options}
    )
    return TestClient(create_app(config))


@pytest.fixture(scope="module")
def client(built):
    with app_client(built) as client:
        yield client


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each element with an id."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))

    def find(self, tag: str, **wanted: str) -> list[dict[str, str | None]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in wanted.items())
        ]


def header_texts(html: str) -> dict[str, str]:
    """Column titles by variable (``<th data-variable=…>``)."""
    return dict(re.findall(r'<th scope="col" data-variable="([^"]+)">([^<]*)</th>', html))


def page(client: TestClient, query: str, **params: str):
    response = client.get("/sparql", params={"query": query, **params}, headers=BROWSER)
    assert response.status_code == 200, response.text[:500]
    return response


# --- /sparql/terms.json --------------------------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def any_client(request, built):
    """The app over the embedded store (terms from the build's VoID) and over remote stores
    (`serve --backend`: counted with SPARQL)."""
    with app_client(built, backend_for(request)) as client:
        yield client


def counts(store, text: str) -> dict[str, int]:
    return {row["term"].value: int(row["n"].value) for row in store.query(text)}


def test_terms_list_every_class_and_property_with_the_stores_counts(any_client, store, built):
    response = any_client.get("/sparql/terms.json")
    assert response.status_code == 200
    document = response.json()
    classes = counts(
        store,
        "SELECT ?term (COUNT(DISTINCT ?s) AS ?n) { ?s a ?term FILTER(isIRI(?term)) } "
        "GROUP BY ?term",
    )
    properties = counts(
        store,
        "SELECT ?term (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?term ?o { ?s ?term ?o } } "
        "GROUP BY ?term",
    )
    assert {t["iri"]: t["count"] for t in document["classes"]} == classes
    assert {t["iri"]: t["count"] for t in document["properties"]} == properties
    for kind in ("classes", "properties"):
        listed = [t["count"] for t in document[kind]]
        assert listed == sorted(listed, reverse=True)  # the most used first
    prefixes = document["prefixes"]
    assert prefixes == dict(built[1].manifest.prefixes)
    for term in document["classes"] + document["properties"]:
        prefix, _, local = term["name"].partition(":")
        assert term["name"] == f"<{term['iri']}>" or prefixes[prefix] + local == term["iri"]
    assert document["limits"] == {
        "timeout": TIMEOUT,
        "rows": any_client.app.state.runtime.config.row_limit,
    }


def test_terms_carry_the_labels_the_ontology_and_the_pages_give(client, store):
    terms = client.get("/sparql/terms.json").json()
    listed = {t["iri"]: t["label"] for t in terms["classes"] + terms["properties"]}
    stored: dict[str, dict[str, set[str]]] = {}
    for row in store.query(f"SELECT ?t ?l {{ ?t <{RDFS}label> ?l }}"):
        if row["t"].value in listed:
            stored.setdefault(row["t"].value, {}).setdefault(row["l"].language, set()).add(
                row["l"].value
            )
    assert stored, "the ontology labels some classes or properties"
    own = ui_vocabulary().labels
    for iri, by_lang in stored.items():
        for lang in ("lv", "en"):
            expected = own.get(iri, {}).get(lang)
            if expected is not None:
                assert listed[iri][lang] == expected
            elif lang in by_lang:
                assert listed[iri][lang] in by_lang[lang]


def test_terms_are_one_document_per_build_with_an_etag(client):
    first = client.get("/sparql/terms.json")
    assert first.headers["etag"] and "max-age" in first.headers["cache-control"]
    again = client.get("/sparql/terms.json", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


# --- /sparql/lookup.json -------------------------------------------------------------------------


def named(store, lang: str) -> list[tuple[str, str]]:
    rows = store.query(
        f"SELECT ?s ?n {{ ?s <{SCHEMA}name> ?n FILTER(isIRI(?s) && lang(?n) = '{lang}') }} "
        "ORDER BY ?s"
    )
    return [(row["s"].value, row["n"].value) for row in rows]


def names_of(store, iris: list[str]) -> dict[str, list[str]]:
    """Every text a lookup compares for each of ``iris``: its labels and its local name."""
    values = " ".join(f"<{iri}>" for iri in iris)
    found: dict[str, list[str]] = {iri: [re.split(r"[/#]", iri)[-1]] for iri in iris}
    for row in store.query(f"SELECT ?s ?l {{ VALUES ?s {{ {values} }} ?s ?p ?l }}"):
        if row["l"].__class__.__name__ == "Literal":
            found[row["s"].value].append(row["l"].value)
    return found


def test_lookup_finds_a_resource_by_part_of_its_label_in_any_case(client, store):
    iri, name = next((i, n) for i, n in named(store, "lv") if len(n) >= 12)
    part = name[2:11].swapcase()
    found = client.get("/sparql/lookup.json", params={"q": part, "lang": "lv"}).json()
    assert found["limit"] == LOOKUP_ROWS and len(found["results"]) <= LOOKUP_ROWS
    by_iri = {r["iri"]: r for r in found["results"]}
    # It is found unless 20 resources with that text come before it.
    assert iri in by_iri or found["truncated"]
    if iri in by_iri:
        assert by_iri[iri]["type"]
    first = found["results"][0]
    assert part.lower() in (first["label"].lower() + first["iri"].lower())


def test_lookup_puts_labels_starting_with_the_text_first_and_caps_rows(client, store):
    names = [n for _, n in named(store, "en")]
    # A two-letter text in very many names: more than the cap.
    text = max(
        ("an", "ar", "er", "in", "en", "on", "ti", "at"),
        key=lambda t: sum(t in n.lower() for n in names),
    )
    assert sum(text in n.lower() for n in names) > LOOKUP_ROWS
    found = client.get("/sparql/lookup.json", params={"q": text.upper(), "lang": "en"}).json()
    assert len(found["results"]) == LOOKUP_ROWS and found["truncated"] is True
    texts = names_of(store, [r["iri"] for r in found["results"]])
    starts = [any(t.lower().startswith(text) for t in texts[r["iri"]]) for r in found["results"]]
    assert starts == sorted(starts, reverse=True)  # every "starts with" before "contains"


@pytest.mark.parametrize("q", ["", " ", "a", " a ", "x" * 101])
def test_lookup_needs_2_to_100_characters(client, q):
    response = client.get("/sparql/lookup.json", params={"q": q})
    assert response.status_code == 400
    assert "2 to 100" in response.json()["error"]["hint"]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(q=st.text(max_size=120) | st.sampled_from(['"}} ', "\\\\", "') }", "\x00ab", "ab\u2028"]))
def test_lookup_is_safe_whatever_the_text(client, q):
    response = client.get("/sparql/lookup.json", params={"q": q})
    assert response.status_code in (200, 400)
    assert isinstance(response.json(), dict)


@pytest.mark.parametrize("raw", ["%FF%FE", "%C0%AE%C0%AE", "%ED%A0%80ab", "ab%00cd", "%22%7D%7D"])
def test_lookup_is_safe_with_odd_escapes(client, raw):
    response = client.get(f"/sparql/lookup.json?q={raw}")
    assert response.status_code in (200, 400)
    assert isinstance(response.json(), dict)


@pytest.fixture(scope="module")
def index(store) -> LabelIndex:
    """The lookup index as the server reads it, from the store itself."""
    names = set()
    for text, _ in index_queries():
        for row in store.query(text):
            iri = row["s"].value
            said = row["text"].value if len(row) > 1 else re.sub(r"^.*[/#]", "", iri)
            names.add((said.lower(), iri))
    return LabelIndex(tuple(sorted(names)))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_the_index_finds_what_the_sparql_search_finds_in_the_same_order(index, store, data):
    """Two ways to one answer: the index (in memory) and lookup_query (SPARQL, for a store too
    big to index): the same IRIs, the same order, for pieces of real names and any text."""
    name, _ = data.draw(st.sampled_from(index.names))
    start = data.draw(st.integers(0, max(0, len(name) - 2)))
    piece = data.draw(st.sampled_from([name[start : start + 2], name[start : start + 5]]))
    text = data.draw(st.sampled_from([piece, piece.upper()]) | st.text(min_size=2, max_size=6))
    if len(text.strip()) < 2 or any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        return
    by_sparql = [row["s"].value for row in store.query(lookup_query(text.strip()))]
    assert index.search(text.strip(), LOOKUP_ROWS + 1) == by_sparql


def naive_search(names, text: str, limit: int) -> list[str]:
    """What LabelIndex.search means, said plainly: a name at a time."""
    best: dict[str, tuple[int, int]] = {}
    for name, iri in names:
        if text.lower() in name:
            rank = (0 if name.startswith(text.lower()) else 1, len(name))
            old = best.get(iri, (2, 1 << 30))
            best[iri] = (min(old[0], rank[0]), min(old[1], rank[1]))
    return sorted(best, key=lambda iri: (*best[iri], iri))[:limit]


@settings(max_examples=300, deadline=None)
@given(
    names=st.lists(
        st.tuples(
            st.text(alphabet="ab\nc é", max_size=8).map(str.lower),
            st.sampled_from(["http://x/1", "http://x/2", "http://x/3", "http://x/4"]),
        ),
        max_size=12,
    ),
    text=st.text(alphabet="ab\nc é", min_size=1, max_size=3),
)
def test_the_index_search_means_what_a_plain_search_means(names, text):
    """Names with any characters (a label may hold a line break, the index's separator):
    a match never runs from one name into the next."""
    index = LabelIndex(tuple(sorted(set(names))))
    assert index.search(text, 3) == naive_search(sorted(set(names)), text, 3)


def test_a_store_too_big_to_index_is_searched_with_sparql(built, store, monkeypatch, index):
    monkeypatch.setattr(workbench, "INDEX_NAMES", 1)  # every store has more names than that
    name = next(n for _, n in named(store, "en") if len(n) >= 8)
    with app_client(built) as small:
        found = small.get("/sparql/lookup.json", params={"q": name[:6], "lang": "en"}).json()
        reading = small.app.state.runtime.label_index
        for _ in range(200):  # read in the background: wait until it gives up
            if reading.done():
                break
            time.sleep(0.05)
        assert reading.result() is None
        again = small.get("/sparql/lookup.json", params={"q": name[:5], "lang": "en"}).json()
    assert [r["iri"] for r in found["results"]] == index.search(name[:6], LOOKUP_ROWS)
    assert [r["iri"] for r in again["results"]] == index.search(name[:5], LOOKUP_ROWS)


def test_lookups_search_the_index_once_it_is_read(client, index):
    client.get("/sparql/terms.json")  # the editor asks for the terms first: the reading starts
    reading = client.app.state.runtime.label_index
    for _ in range(200):
        if reading.done():
            break
        time.sleep(0.05)
    assert reading.result() == index  # every name of the store, as the store gives them


def test_a_store_that_cuts_answers_silently_is_searched_with_sparql(built, tmp_path, index):
    """Virtuoso cuts every answer at ResultSetMaxRows and says nothing: an index read from it
    would lack names. The server counts what it reads, sees the gap, and searches instead."""
    missing = virtuoso_missing()
    if missing is not None:
        pytest.skip(missing)
    cap = 50
    assert len(index.names) > cap
    virtuoso = VirtuosoServer(tmp_path / "virtuoso", max_rows=cap)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NO_PROXY", "127.0.0.1")
        patch.setenv("no_proxy", "127.0.0.1")
        virtuoso.start()
        try:
            virtuoso.load(built[1].dist_path / "dataset.nq")
            name = next(n for n, _ in index.names if 10 <= len(n) <= 60 and n.isascii())
            with app_client(built, backend=virtuoso.query_url) as capped:
                capped.get("/sparql/terms.json")  # starts reading the index
                reading = capped.app.state.runtime.label_index
                for _ in range(400):
                    if reading.done():
                        break
                    time.sleep(0.05)
                assert reading.result() is None
                found = capped.get("/sparql/lookup.json", params={"q": name, "lang": "en"})
        finally:
            virtuoso.stop()
    assert found.status_code == 200, found.text
    expected = set(index.search(name, LOOKUP_ROWS))
    assert expected and expected <= {r["iri"] for r in found.json()["results"]}


# --- column headings -----------------------------------------------------------------------------


def test_headings_come_from_a_canned_querys_header(client, built):
    query = load_queries(built[0])["outcomes-by-sdg"]
    assert query.columns
    for lang in ("lv", "en"):
        html = client.get(
            "/queries/outcomes-by-sdg", params={"sdg": "4", "lang": lang}, headers=BROWSER
        ).text
        for variable, title in header_texts(html).items():
            assert title == (query.columns[variable][lang] if variable in query.columns else title)
        assert set(header_texts(html)) & set(query.columns)


def test_headings_from_variable_names_are_readable(client):
    text = (
        'SELECT ?targetCode ?outcome_name ?n WHERE { BIND("4.7" AS ?targetCode) '
        'BIND("x" AS ?outcome_name) BIND(1 AS ?n) }'
    )
    titles = header_texts(page(client, text, lang="en").text)
    assert titles == {"targetCode": "Target code", "outcome_name": "Outcome name", "n": "N"}


TITLES = "#+ title@lv: V\n#+ title@en: T\n#+ description@lv: A\n#+ description@en: D\n"


def test_a_column_header_reads_with_continuations(tmp_path):
    query = parse_query(
        TITLES + "#+ column targetCode@lv: Apakšmērķa\n#+     kods\n"
        "#+ column targetCode@en: Target code\nSELECT ?targetCode WHERE { }",
        tmp_path / "q.rq",
    )
    assert query.columns == {"targetCode": {"lv": "Apakšmērķa kods", "en": "Target code"}}
    assert query.to_dict()["columns"] == query.columns


@pytest.mark.parametrize(
    ("extra", "line", "complaint"),
    [
        ("#+ column x@lv: X\n", 5, "column x has no heading in en"),
        ("#+ column ?x@en: X\n", 5, "is not a SPARQL variable name"),
        ("#+ column x: X\n", 5, "needs a language"),
        ("#+ column x@en: X\n#+ column x@en: Y\n", 6, "column x@en is given twice"),
        ("#+ column x@en:\n#+ column x@lv: X\n", 5, "column x@en is empty"),
        ("#+ column y@lv: Y\n#+ column y@en: Y\n", 5, "column y is not a column of the result"),
    ],
)
def test_a_malformed_column_header_names_file_and_line(tmp_path, extra, line, complaint):
    path = tmp_path / "q.rq"
    with pytest.raises(QueryError) as caught:
        parse_query(TITLES + extra + "SELECT ?x WHERE { }", path)
    assert complaint in caught.value.message
    assert caught.value.location.path == path and caught.value.location.line == line


def test_column_headings_are_for_a_select(tmp_path):
    path = tmp_path / "q.rq"
    with pytest.raises(QueryError) as caught:
        parse_query(TITLES + "#+ column x@lv: X\n#+ column x@en: X\nASK { ?x ?p ?o }", path)
    assert "not a column of the result" in caught.value.message
    assert "ASK" in (caught.value.hint or "") and caught.value.location.line == 5


# --- SDG cells, sort keys ------------------------------------------------------------------------


def goal_colours(store) -> dict[str, str]:
    rows = store.query(f"SELECT ?g ?c {{ ?g a <{SDGO}Goal> ; <{SCHEMA}color> ?c }}")
    return {row["g"].value: row["c"].value for row in rows}


def test_sdg_cells_show_the_code_in_the_goals_colour_and_the_un_title(client, store):
    colours = goal_colours(store)
    titles = {
        row["t"].value: row["l"].value
        for row in store.query(
            f"SELECT ?t ?l {{ ?t <{SDGO}isTargetOf> ?g ; <{SKOS}prefLabel> ?l "
            "FILTER(lang(?l) = 'en') }"
        )
    }
    goal_of = {
        row["t"].value: row["g"].value
        for row in store.query(f"SELECT ?t ?g {{ ?t <{SDGO}isTargetOf> ?g }}")
    }
    html = page(
        client, f"SELECT ?target WHERE {{ ?target <{SDGO}isTargetOf> ?goal }}", lang="en"
    ).text
    cells = re.findall(
        r'<td class="sdg-cell" data-sort="([^"]+)" title="([^"]+)">'
        r'<span class="sdg sdg-target" style="background:(#[0-9A-Fa-f]{6});[^"]*">([^<]+)</span> '
        r'<a href="[^"]+">([^<]+)</a></td>',
        html,
    )
    assert len(cells) == len(goal_of)
    for sort, iri, colour, code, title in cells:
        assert colour.lower() == colours[goal_of[iri]].lower()
        assert title == titles[iri].replace("'", "&#39;").replace('"', "&#34;")
        goal = code.split(".")[0]
        assert sort.startswith(goal.zfill(2) + ".")
    keys = [c[0] for c in cells]
    codes = [c[3] for c in cells]
    # The sort key orders codes as people count them: 17.2 before 17.14.
    by_key = [code for _, code in sorted(zip(keys, codes, strict=True))]
    assert by_key == sorted(
        codes, key=lambda c: [int(p) if p.isdigit() else 99 for p in c.split(".")]
    )


def test_numbers_carry_their_value_as_sort_key(client):
    text = 'SELECT ?x ?y WHERE { VALUES (?x ?y) { (7 "seven") (1.0e20 "big") } }'
    html = page(client, text).text
    keys = re.findall(r'<td class="number" data-sort="([^"]+)"', html)
    assert sorted(float(k) for k in keys) == [7.0, 1e20]
    assert '<td data-sort="' not in html  # texts sort as they are


# --- the chart and its views ----------------------------------------------------------------------


def bars(html: str) -> list[tuple[str, str, str]]:
    return re.findall(
        r'<g class="bar" data-label="([^"]*)">.*?<rect [^>]*data-value="([^"]*)" fill="([^"]+)"',
        html,
        re.S,
    )


def test_an_aggregate_of_goals_is_a_chart_in_the_goals_colours(client, store):
    expected = [(row["goal"].value, row["targets"].value) for row in store.query(GOAL_COUNTS)]
    colours = goal_colours(store)
    response = page(client, GOAL_COUNTS, view="chart", lang="en")
    html = response.text
    found = bars(html)
    assert [value for _, value, _ in found] == [value for _, value in expected]
    assert [fill.lower() for _, _, fill in found] == [colours[g].lower() for g, _ in expected]
    elements = Elements(html)
    assert elements.find("figure", id="chart-view")[0].get("hidden", "no") == "no"
    assert "hidden" in elements.find("div", id="table-view")[0]
    assert elements.find("svg", role="img")
    current = elements.find("a", **{"aria-current": "page"})
    assert [a["data-view"] for a in current] == ["chart"]
    share = elements.find("a", id="share")[0]["href"]
    assert parse_qs(urlsplit(share).query)["view"] == ["chart"]
    # The table view is the same page with view=table, and the default.
    for params in ({"view": "table"}, {}):
        table = Elements(page(client, GOAL_COUNTS, **params).text)
        assert "hidden" in table.find("figure", id="chart-view")[0]
        assert "hidden" not in table.find("div", id="table-view")[0]
        assert "view" not in parse_qs(urlsplit(table.find("a", id="share")[0]["href"]).query)


def test_a_result_without_one_number_column_has_no_chart(client):
    for text in (
        f"SELECT ?goal ?code WHERE {{ ?goal a <{SDGO}Goal> ; <{SKOS}notation> ?code }}",
        "SELECT ?a ?b WHERE { VALUES (?a ?b) { (1 2) (3 4) } }",
        "SELECT ?n WHERE { VALUES ?n { 1 2 } }",
    ):
        html = page(client, text, view="chart").text
        assert 'id="chart-view"' not in html and 'class="views"' not in html
        assert (
            'id="table-view"' in html
            and "hidden" not in Elements(html).find("div", id="table-view")[0]
        )


def test_negative_values_are_no_bar_but_keep_their_value(client):
    text = 'SELECT ?x ?n WHERE { VALUES (?x ?n) { ("a" -3) ("b" 6) ("c" 3) } }'
    html = page(client, text, view="chart").text
    widths = dict(re.findall(r'<rect [^>]*width="([^"]+)"[^>]*data-value="([^"]+)"', html))
    assert {value: float(width) for width, value in widths.items()} == {
        "-3": 0.0,
        "6": 400.0,
        "3": 200.0,
    }


@pytest.mark.parametrize("view", ["CHART", "<script>", "chart ", "graph", ""])
def test_any_other_view_is_the_table(client, view):
    html = page(client, GOAL_COUNTS, view=view).text
    assert "hidden" not in Elements(html).find("div", id="table-view")[0]
    assert "<script>" not in html.split("<main", 1)[-1]


# --- limits, and from a canned page to the editor ------------------------------------------------


def test_a_time_out_on_the_page_states_the_limit_in_seconds(built):
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with app_client(built, timeout=1.0) as client:
        response = client.get("/sparql", params={"query": runaway}, headers=BROWSER)
    assert response.status_code == 503
    assert 'id="error"' in response.text and "1 s" in response.text


def test_the_canned_page_opens_its_query_in_the_editor_with_its_values(client):
    params = {"sdg": "4.7", "lang": "en"}
    html = client.get("/queries/outcomes-by-sdg", params=params, headers=BROWSER).text
    link = Elements(html).find("a", id="open-in-editor")[0]["href"]
    assert link.startswith("/sparql?")
    opened = parse_qs(urlsplit(link).query)
    assert opened["lang"] == ["en"]
    assert client.get(link, headers=BROWSER).status_code == 200
    edited = client.get("/sparql", params={"query": opened["query"][0]}, headers=JSON).json()
    canned = client.get("/queries/outcomes-by-sdg.json", params=params).json()
    assert edited["results"]["bindings"] == canned["results"]["bindings"]
    assert canned["results"]["bindings"]


def test_a_static_site_has_no_editor_link(built):
    with app_client(built, static_site=True) as client:
        html = client.get("/queries/events", params={"lang": "en"}, headers=BROWSER).text
    assert 'id="open-in-editor"' not in html

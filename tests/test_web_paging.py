"""Pages of canned-query results over HTTP: ``limit``/``offset``, ``Link: rel="next"`` and
``"prev"``, in JSON, CSV and HTML, the same solutions in the same order as the whole result —
on the embedded store and through ``--backend`` on Oxigraph's server and Virtuoso."""

from __future__ import annotations

import csv
import io
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from conftest import BACKENDS, backend_holding
from starlette.testclient import TestClient

from sdglod.build import build, current_build
from sdglod.project import load_project
from sdglod.web.app import create_app
from sdglod.web.config import ServerConfig

MINI = Path(__file__).parent / "fixtures" / "mini-project"
EXTRA_EVENTS = 9


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The mini project with some more events, so that a result takes several pages."""
    root = shutil.copytree(MINI, tmp_path_factory.mktemp("paging") / "mini")
    lines = [
        "@prefix schema: <http://schema.org/> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
    ]
    for i in range(EXTRA_EVENTS):
        lines.append(
            f"<https://example.org/mini/id/event/extra-{i}> a schema:Event ;"
            f' schema:name "Papildu {i}"@lv, "Extra {i}"@en ;'
            f' schema:startDate "2024-04-{i + 1:02d}"^^xsd:date ;'
            f' schema:endDate "2024-04-{i + 1:02d}"^^xsd:date .'
        )
    (root / "data" / "extra.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "queries" / "everything.rq").write_text(
        "#+ title@en: Everything\n#+ title@lv: Viss\n"
        "#+ description@en: Every triple.\n#+ description@lv: Visi trijnieki.\n"
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n",
        encoding="utf-8",
    )
    build(load_project(root))
    return root


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request, project) -> str | None:
    """Each store pages the same: the embedded one, Oxigraph's server, Virtuoso."""
    return backend_holding(request, current_build(load_project(project)).dist_path / "dataset.nq")


@pytest.fixture(scope="module")
def client(project, backend):
    with TestClient(create_app(ServerConfig(project_root=project, backend=backend))) as client:
        yield client


def links(response) -> dict[str, str]:
    """The ``Link`` header's URLs by relation."""
    header = response.headers.get("link", "")
    return {rel: url for url, rel in re.findall(r'<([^>]*)>;\s*rel="([^"]*)"', header)}


def rows_of(response) -> list[tuple[str, ...]]:
    if response.headers["content-type"].startswith("text/csv"):
        return [tuple(row) for row in list(csv.reader(io.StringIO(response.text)))[1:]]
    bindings = response.json()["results"]["bindings"]
    return [tuple(sorted((k, v["value"]) for k, v in b.items())) for b in bindings]


@pytest.mark.parametrize("suffix", ["json", "csv"])
@pytest.mark.parametrize("size", [1, 2, 4])
def test_following_next_gives_the_whole_result_once_in_order(client, suffix, size):
    whole = rows_of(client.get(f"/queries/events.{suffix}"))
    assert len(whole) > size  # takes several pages
    seen, url, pages = [], f"/queries/events.{suffix}?limit={size}", 0
    while url:
        page = client.get(url)
        assert page.status_code == 200
        chunk = rows_of(page)
        assert 0 < len(chunk) <= size
        seen += chunk
        pages += 1
        if pages > 1:
            assert "prev" in links(page) and "first" in links(page)
        url = links(page).get("next")
    assert seen == whole
    assert pages == -(-len(whole) // size)


def test_prev_goes_back_and_parameters_are_kept(client):
    page = client.get("/queries/events.json?lang=lv&limit=2&offset=4")
    back = links(page)["prev"]
    assert "lang=lv" in back and "offset=2" in back and "limit=2" in back
    assert rows_of(client.get(back)) == rows_of(client.get("/queries/events.json?lang=lv"))[2:4]


def test_the_html_page_links_its_neighbours(client):
    page = client.get("/queries/events?limit=2&offset=2", headers={"Accept": "text/html"})
    assert page.status_code == 200
    anchors = dict(
        (rel, unescape(href))
        for href, rel in re.findall(r'<a href="([^"]*)" rel="(next|prev)"', page.text)
    )
    assert "offset=4" in anchors["next"] and "offset=0" in anchors["prev"]


def test_a_result_cut_at_the_row_limit_says_where_it_goes_on(project, backend):
    config = ServerConfig(project_root=project, row_limit=3, backend=backend)
    with TestClient(create_app(config)) as small:
        answer = small.get("/queries/events.json")
        assert answer.headers["sdglod-truncated"] == "true"
        assert "offset=3" in links(answer)["next"]
        # A page is never larger than the row limit.
        assert len(rows_of(small.get("/queries/events.json?limit=100"))) == 3


@pytest.mark.parametrize("query", ["limit=0", "limit=-1", "limit=ten", "offset=-3", "offset=1.5"])
def test_bad_page_parameters_are_a_clear_400(client, query):
    answer = client.get(f"/queries/events.json?{query}")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "bad-parameter"


def test_the_openapi_document_offers_limit_and_offset(client):
    document = client.get("/openapi.json").json()
    names = {p["name"] for p in document["paths"]["/queries/events"]["get"]["parameters"]}
    assert {"limit", "offset"} <= names


def test_every_canned_select_of_the_project_orders_its_solutions():
    """Pages are stable only for ordered results: a data invariant of queries/."""
    from conftest import REPO

    from sdglod.query.catalogue import load_queries

    project = load_project(REPO)
    for name, query in load_queries(project).items():
        if query.form == "SELECT":
            assert re.search(r"\bORDER\s+BY\b", query.text, re.IGNORECASE), name


def test_a_graph_query_is_not_paged_and_says_so(client):
    answer = client.get("/queries/everything.ttl?limit=2")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "bad-parameter" and "'everything' is a CONSTRUCT" in error["message"]
    assert client.get("/queries/everything.ttl").status_code == 200

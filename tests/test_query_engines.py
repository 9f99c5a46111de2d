"""Every canned query gives the same answer on each store sdglod runs on: the embedded store,
Oxigraph's server and Virtuoso 7 (each a real process on 127.0.0.1), on the real data and on
the multi-event fixture. Both builds sit in the same remote store, as two projects may: each
is asked only about its own graphs.

What SPARQL leaves to the store is compared as such: the items of a list made by
``GROUP_CONCAT`` as a multiset (the order inside a list is the store's), and a ``DESCRIBE`` as
containing the embedded store's description (a store may describe more: Virtuoso adds the
statements that point to the resource).
"""

from __future__ import annotations

import pytest
from test_queries import CATALOGUE, multi_parameters

from sdglod.build import Build
from sdglod.project import Project
from sdglod.query.backends import project_graphs
from sdglod.query.canned import CannedQuery, run_canned
from sdglod.query.embedded import EmbeddedBackend
from sdglod.query.remote import RemoteBackend
from sdglod.query.results import GraphResult, SelectResult, serialize_result
from sdglod.query.sparql_text import tokens
from sdglod.rdf.store import Store

STORES = ["oxigraph", "virtuoso", "virtuoso-group"]  # the last through a graph group


@pytest.fixture(scope="module")
def oxigraph(built, multi_built, start_oxigraph):
    server = start_oxigraph()
    for _, build in (built, multi_built):
        server.load(build.dist_path / "dataset.nq")
    return server


@pytest.fixture(scope="module")
def virtuoso_both(built, multi_built, virtuoso_server):
    virtuoso_server.reset()
    for project, build in (built, multi_built):
        virtuoso_server.load(build.dist_path / "dataset.nq")
        graphs = [area.iri for area in project.areas]
        virtuoso_server.graph_group(union_graph(project), graphs)
    yield virtuoso_server
    virtuoso_server.reset()


def union_graph(project: Project) -> str:
    """The graph group of ``project``'s graphs on the Virtuoso of these tests."""
    return f"{project.base}graph/"


@pytest.fixture(scope="module", params=STORES)
def store_of(request) -> tuple[str, bool]:
    """The query URL of a store, and whether to ask it through the project's graph group."""
    name = "oxigraph" if request.param == "oxigraph" else "virtuoso_both"
    return request.getfixturevalue(name).query_url, request.param == "virtuoso-group"


def list_separators(query: CannedQuery) -> dict[str, str]:
    """The columns of ``query`` that hold a list made by ``GROUP_CONCAT``, with the separator
    between items: the last non-empty string of the column's expression (``STRAFTER(
    GROUP_CONCAT(?piece; separator=""), "; ")`` lists with ``"; "``)."""
    found: dict[str, str] = {}
    opened: list[int] = []  # the token indexes of the open parentheses
    seen = [token for token in tokens(query.text) if token.kind != "comment"]
    for index, token in enumerate(seen):
        if token.text == "(":
            opened.append(index)
        elif token.text == ")" and opened:
            start = opened.pop()
            inside = seen[start + 1 : index]
            if len(inside) < 3 or inside[-2].text.upper() != "AS" or opened:
                continue
            words = [t.text.upper() for t in inside]
            strings = [t.text[1:-1] for t in inside if t.kind == "string" and len(t.text) > 2]
            if "GROUP_CONCAT" in words and strings:
                found[inside[-1].text.lstrip("?$")] = strings[-1]
    return found


def comparable(result, query: CannedQuery) -> list:
    """``result`` in a form where what SPARQL leaves to the store does not count."""
    if isinstance(result, GraphResult):
        return sorted(serialize_result(result, "nt").decode("utf-8").splitlines())
    assert isinstance(result, SelectResult)
    lists = list_separators(query)
    rows = []
    for row in result.rows:
        cells = []
        for name, term in zip(result.variables, row, strict=True):
            if term is not None and name in lists and lists[name]:
                cells.append(sorted(term.value.split(lists[name])))
            else:
                cells.append(None if term is None else str(term))
        rows.append(cells)
    return [list(result.variables), rows]


def answers(
    query: CannedQuery,
    project: Project,
    build: Build,
    store: Store,
    store_of: tuple[str, bool],
    given: dict,
) -> tuple:
    prefixes = build.manifest.prefixes
    here = run_canned(EmbeddedBackend(store), query, given, project.base, prefixes)
    url, grouped = store_of
    group = union_graph(project) if grouped else None
    remote = RemoteBackend(url, graphs=project_graphs(project), union_graph=group)
    there = run_canned(remote, query, given, project.base, prefixes)
    return here, there


@pytest.mark.parametrize("name", sorted(CATALOGUE))
@pytest.mark.parametrize("data", ["real", "multi-event"])
def test_a_canned_query_answers_the_same_on_every_store(
    name, data, store_of, built, store, multi_built, multi_store
):
    (project, build), local = (built, store) if data == "real" else (multi_built, multi_store)
    query = CATALOGUE[name]
    given = {} if data == "real" else multi_parameters(query)
    here, there = answers(query, project, build, local, store_of, given)
    assert len(here) > 0
    if query.form == "DESCRIBE":
        missing = set(comparable(here, query)) - set(comparable(there, query))
        assert not missing, f"{name}: the store's description lacks {sorted(missing)[:5]}"
        return
    assert comparable(there, query) == comparable(here, query)


def test_lists_are_found_in_the_queries_that_make_them():
    # The comparison above would be too strict, or blind, if it misread a list column.
    assert list_separators(CATALOGUE["sdg-coverage"]) == {"targets": ", "}
    assert list_separators(CATALOGUE["campaigns-and-events"]) == {
        "organizers": "; ",
        "relatedEvents": "; ",
    }
    assert list_separators(CATALOGUE["events"]) != {}

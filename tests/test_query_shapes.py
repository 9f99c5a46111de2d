"""The canned queries give the right rows whatever the shape of the data: one row per thing when
the same statement sits in several named graphs (the UN SDG KOS imported next to data/sdg.ttl,
every statement twice), no resource dropped for lacking an optional property, no row repeated
for a property with several values, and every outcome named with its event."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import REPO
from pyoxigraph import NamedNode
from query_projects import Queried, of, twice, with_cases, with_kos
from support import rows as support_rows

from sdglod.query.canned import run_canned
from sdglod.query.catalogue import load_queries
from sdglod.query.remote import RemoteBackend
from sdglod.query.results import GraphResult, SelectResult
from sdglod.query.sparql_text import projection

QUERIES = load_queries(REPO / "queries")
CATALOGUE = sorted(QUERIES)
MULTI = "https://example.org/multi/"
SDG = "http://metadata.un.org/sdg/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
NIGHT = f"{MULTI}id/event/example-museum-night-2031"
# Calls of the SDG queries that reach into the KOS; outcomes-by-sdg is asked for every goal and
# target the data's outcomes serve (found in the data, so that the test follows it).
SDG_CALLS = [("sdg-link-audit", {"lang": "lv"}), ("sdg-coverage-by-event", {"lang": "lv"})]
SERVED_CODES = f"""SELECT DISTINCT ?code WHERE {{
  ?outcome <https://w3id.org/sdglod/ontology#servesTarget> ?target .
  {{ ?target <{SKOS}notation> ?code }} UNION
  {{ ?target <{SDG}ontology#isTargetOf> ?goal . ?goal <{SKOS}notation> ?code }}
  FILTER(datatype(?code) = <{SDG}ontology#SDGCode>) }}"""
# What the KOS adds for real: classes with more resources. Every other answer stays the same.
KOS_GROWS = {"resource-types"}
# One row per source and named graph that holds the statement: two graphs, two rows.
PER_GRAPH = {"resource-sources"}


@pytest.fixture(scope="module")
def real(built) -> Queried:
    return of(built)


@pytest.fixture(scope="module")
def kos(built, tmp_path_factory, reference) -> Queried:
    return with_kos(built[0].root, tmp_path_factory.mktemp("kos") / "project", reference)


@pytest.fixture(scope="module")
def doubled(built, tmp_path_factory) -> Queried:
    return twice(built[0].root, tmp_path_factory.mktemp("twice") / "project")


@pytest.fixture(scope="module")
def multi(multi_built) -> Queried:
    return of(multi_built)


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> Queried:
    return with_cases(tmp_path_factory.mktemp("cases") / "project")


def rows(result) -> list:
    return list(result.triples) if isinstance(result, GraphResult) else list(result.rows)


def column(result: SelectResult, name: str) -> list[str | None]:
    return [term.value if term is not None else None for term in result.column(name)]


def test_the_kos_says_what_data_sdg_ttl_says_in_another_graph(kos):
    """The premise: with the KOS imported, a target's goal is stated in two graphs."""
    target, is_target_of = NamedNode(SDG + "4.7"), NamedNode(SDG + "ontology#isTargetOf")
    graphs = {
        quad.graph_name.value
        for quad in kos.backend.store.quads()
        if (quad.subject, quad.predicate) == (target, is_target_of)
    }
    assert {graph.rsplit("/", 1)[1] for graph in graphs} == {"sdg", "sdg-kos"}


@pytest.mark.parametrize("name", CATALOGUE)
def test_importing_the_un_sdg_kos_changes_no_answer(real, kos, name):
    if name in KOS_GROWS:
        counts = [
            dict(zip(column(answer, "class"), column(answer, "resources"), strict=True))
            for answer in (real.ask(name), kos.ask(name))
        ]
        assert all(int(counts[1][c]) >= int(n) for c, n in counts[0].items())
        return
    assert rows(kos.ask(name)) == rows(real.ask(name))


@pytest.mark.parametrize(("name", "given"), SDG_CALLS, ids=lambda x: str(x))
def test_importing_the_un_sdg_kos_changes_no_sdg_answer(real, kos, name, given):
    answer = real.ask(name, **given)
    assert len(answer) > 0
    assert rows(kos.ask(name, **given)) == rows(answer)


def test_importing_the_un_sdg_kos_changes_no_answer_for_any_served_goal_or_target(real, kos, store):
    codes = sorted(row[0] for row in support_rows(store, SERVED_CODES))
    assert any("." in code for code in codes) and any("." not in code for code in codes)
    for code in codes:
        answer = real.ask("outcomes-by-sdg", sdg=code)
        assert len(answer) > 0, code
        assert rows(kos.ask("outcomes-by-sdg", sdg=code)) == rows(answer), code


@pytest.mark.parametrize("name", CATALOGUE)
def test_every_statement_in_two_graphs_changes_no_answer(real, doubled, name):
    before, after = real.ask(name), doubled.ask(name)
    if name not in PER_GRAPH:
        assert rows(after) == rows(before)
        return
    graph = before.variables.index("graph")
    assert len(after) == 2 * len(before)
    other = {row[:graph] + row[graph + 1 :] for row in after.rows}
    assert other == {row[:graph] + row[graph + 1 :] for row in before.rows}


@pytest.mark.parametrize("name", CATALOGUE)
@pytest.mark.parametrize("where", ["real", "kos", "doubled", "cases"])
def test_no_answer_has_a_row_twice(request, where, name):
    answer = request.getfixturevalue(where).ask(name)
    if isinstance(answer, SelectResult):
        repeated = [row for row, n in Counter(answer.rows).items() if n > 1]
        assert not repeated


# --- optional properties and properties with several values ----------------------------------


def test_an_organisation_without_an_address_is_listed_without_a_country(cases):
    listed = cases.ask("organizations")
    rows_of = [r for r in listed.rows if r[2].value.endswith("/example-travelling-library")]
    assert rows_of and all(row[0] is None for row in rows_of)  # no country, still there
    in_a_country = cases.ask("organizations", country="place:exampleland")
    assert not any(r[2].value.endswith("/example-travelling-library") for r in in_a_country.rows)
    assert set(in_a_country.rows) <= set(listed.rows)


def test_an_item_with_two_organisers_or_related_events_is_one_row(cases):
    answer = cases.ask("campaigns-and-events", **{"from": "2031-01-01", "to": "2033-12-31"})
    items = column(answer, "item")
    assert len(items) == len(set(items)) == 5
    by_item = dict(zip(items, column(answer, "organizers"), strict=True))
    fair = f"{MULTI}id/event/example-book-fair-2033"
    assert by_item[fair] == "Example City Museum; Example Travelling Library"
    related = dict(zip(items, column(answer, "relatedEvents"), strict=True))
    campaign = f"{MULTI}id/campaign/example-reading-campaign-2031"
    assert related[campaign] == "Example Library Week 2031; Example Museum Night 2031"


def test_an_organiser_without_a_name_in_the_language_is_shown_by_its_iri(cases):
    estonian = cases.ask("events", lang="et")
    by_event = dict(zip(column(estonian, "event"), column(estonian, "organizers"), strict=True))
    night = by_event[f"{MULTI}id/event/example-museum-night-2031"]
    assert night.split("; ") == [
        f"{MULTI}id/organization/example-city-museum",
        f"{MULTI}id/organization/example-regional-library",
    ]


def test_funding_without_a_grant_is_listed_with_no_grant(cases):
    answer = cases.ask("funders")
    pairs = set(zip(column(answer, "grant"), column(answer, "funded"), strict=True))
    assert pairs == {
        (None, f"{MULTI}id/event/example-book-fair-2033"),
        (f"{MULTI}id/grant/example-reading-fund", f"{MULTI}id/event/example-library-week-2031"),
    }
    assert set(column(answer, "funder")) == {f"{MULTI}id/organization/example-heritage-society"}


def test_the_events_of_an_organisation_without_an_address(cases):
    answer = cases.ask(
        "organization-events", organization="organization:example-travelling-library"
    )
    assert column(answer, "event") == [f"{MULTI}id/event/example-book-fair-2033"]
    assert column(answer, "role") == ["organizer"]


# --- outcomes name their event ---------------------------------------------------------------


@pytest.mark.parametrize("name", CATALOGUE)
def test_a_query_that_lists_outcomes_names_their_event(name):
    projected = projection(QUERIES[name].text) or set()
    if "outcome" in projected:
        assert {"event", "eventName"} <= projected


@pytest.mark.parametrize(
    ("name", "given"),
    [
        ("outcomes-by-sdg", {"sdg": "16"}),
        ("event-outcomes", {"event": NIGHT}),
        ("sdg-link-audit", {}),
        ("outcome-search", {"keyword": "example"}),
    ],
)
def test_every_outcome_row_names_its_own_event(multi, multi_store, name, given):
    answer = multi.ask(name, **given)
    assert len(answer) > 0
    generated = {
        (quad.subject.value, quad.object.value)
        for quad in multi_store.quads()
        if quad.predicate.value == "http://www.w3.org/ns/prov#wasGeneratedBy"
    }
    outcomes, events = column(answer, "outcome"), column(answer, "event")
    assert set(zip(outcomes, events, strict=True)) <= generated
    assert all(name and name.startswith("Example ") for name in column(answer, "eventName"))


def test_the_doubled_copy_really_holds_every_statement_twice(doubled, real):
    graphs: Counter = Counter(
        (quad.subject, quad.predicate, quad.object) for quad in doubled.backend.store.quads()
    )
    assert len(graphs) == len(list(real.backend.store.quads()))
    assert set(graphs.values()) == {2}


# --- the same answers from a remote store ----------------------------------------------------

REMOTE_CALLS = [
    ("sdg-coverage-by-event", {"event": "event:baltic-sdg-2021", "lang": "lv"}),
    ("sdg-link-audit", {"event": "event:baltic-sdg-2021"}),
    ("organization-events", {"organization": "LNB", "role": "organizer"}),
    ("funders", {"funder": "UNESCO"}),
    ("outcome-search", {"keyword": "BIBLIOTĒK", "lang": "lv"}),
    ("organizations", {"country": "lithuania"}),
]


@pytest.mark.parametrize(("name", "given"), REMOTE_CALLS, ids=[c[0] for c in REMOTE_CALLS])
def test_a_remote_store_gives_the_same_answer(real, remote_store, name, given):
    """Remote endpoints get parameters as a VALUES block, not substituted: a parameter a
    sub-query projects, or one found by name, must join the same way there."""
    remote = RemoteBackend(remote_store.query_url)
    far = run_canned(remote, QUERIES[name], given, real.project.base, real.prefixes)
    near = real.ask(name, **given)
    assert len(near) > 0
    assert far.rows == near.rows

"""A parameter value the data does not have is an error that names the valid values, not an
empty answer: checked before the query runs, through the one query path, on the embedded store
and a remote endpoint, in the CLI (exit 2) and over HTTP (400 bad-parameter). Countries and
organisations may be given by a name or code the data gives them."""

from __future__ import annotations

import re

import pytest
from conftest import BACKENDS, REPO, backend_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from injection import TRICKY
from pyoxigraph import Literal
from query_projects import Queried, of, with_cases
from starlette.testclient import TestClient
from support import rows

from sdglod.errors import ExitCode, QueryError
from sdglod.query.canned import list_values, run_canned
from sdglod.query.catalogue import load_queries, parse_query
from sdglod.query.embedded import EmbeddedBackend
from sdglod.query.execute import QueryOutcome, QueryRequest
from sdglod.query.remote import RemoteBackend
from sdglod.query.values import GIVEN, ValueCheck, nearest_values, resolve
from sdglod.rdf.store import Store
from sdglod.web.app import create_app
from sdglod.web.config import ServerConfig

QUERIES = load_queries(REPO / "queries")
BASE = "https://w3id.org/sdglod/"
MULTI = "https://example.org/multi/"
PLACE = f"{BASE}id/place/"
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
CHECKED = [
    (name, parameter.name)
    for name, query in sorted(QUERIES.items())
    for parameter in query.parameters
    if parameter.values_where
]


@pytest.fixture(scope="module")
def real(built) -> Queried:
    return of(built)


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> Queried:
    return with_cases(tmp_path_factory.mktemp("cases") / "project")


def refusal(queried: Queried, name: str, **values: str) -> QueryError:
    with pytest.raises(QueryError) as caught:
        queried.ask(name, **values)
    return caught.value


def column(result, name: str) -> list[str | None]:
    return [term.value if term is not None else None for term in result.column(name)]


# --- the header ------------------------------------------------------------------------------


def test_the_catalogue_checks_events_codes_countries_and_resources():
    checked = {f"{name}.{parameter}" for name, parameter in CHECKED}
    assert {
        "outcomes-by-sdg.sdg",
        "event-outcomes.event",
        "event-participants.event",
        "organizations.country",
        "organization-events.organization",
        "resource.resource",
    } <= checked


@pytest.mark.parametrize(("name", "parameter"), CHECKED)
def test_every_check_runs_on_an_empty_store(name, parameter):
    """Each probe of a check parses and runs (the query's PREFIXes cover the header's
    pattern); on an empty store every value is unknown and the error says so."""
    query = QUERIES[name]
    value = query.parameter(parameter).default or "x"
    prepared = query.prepare({parameter: value}, BASE)
    backend = EmbeddedBackend(Store.in_memory([]))
    with pytest.raises(QueryError, match="the data has no values for"):
        resolve(prepared.bindings, prepared.checks, lambda probe: backend.run(*_probe(probe)))


def _probe(probe):
    return probe.text, probe.bindings


TITLES = (
    "#+ title@lv: V\n#+ title@en: T\n#+ description@lv: A\n#+ description@en: D\n"
    "#+ param: x\n#+   type: iri\n#+   description@lv: A\n#+   description@en: D\n"
)


@pytest.mark.parametrize(
    ("attributes", "complaint"),
    [
        ("#+   values-where: ?x a ?c\n", "it never binds $x"),
        ("#+   values-where: $x a $y\n", "it uses $y; only $x is bound here"),
        ("#+   values-where: $x a ?c # the class\n", "'#' comment"),
        ("#+   values-where: $x a ?c }\n", "closes a group it did not open"),
        ("#+   values-where: { $x a ?c\n", "is not closed"),
        ("#+   values-where: $x ?p ?sdglod_name\n", "are sdglod's own"),
        ("#+   values: a\n#+   values-where: $x a ?c\n", "not both"),
        ("#+   names: schema:name\n", "needs values-where"),
        ("#+   values-where: $x a ?c\n#+   names: ?name\n", "is not a property path"),
        ("#+   values-where: $x a ?c\n#+   names: schema:name }\n", "is not a property path"),
    ],
)
def test_bad_value_attributes_are_errors_at_their_line(tmp_path, attributes, complaint):
    with pytest.raises(QueryError) as caught:
        parse_query(TITLES + attributes + "SELECT $x WHERE { $x ?p ?o }\n", tmp_path / "q.rq")
    assert complaint in caught.value.message
    assert caught.value.location.line is not None and caught.value.location.line >= 9


def test_a_parameter_named_like_sdglods_own_variables_is_refused(tmp_path):
    text = TITLES.replace("param: x", "param: sdglod_given") + "SELECT $sdglod_given WHERE {}\n"
    with pytest.raises(QueryError, match="are sdglod's own"):
        parse_query(text, tmp_path / "q.rq")


# --- unknown values --------------------------------------------------------------------------


def test_an_sdg_code_the_data_lacks_is_an_error_naming_the_nearest(real):
    error = refusal(real, "outcomes-by-sdg", sdg="4.77")
    assert error.message == (
        "parameter sdg of outcomes-by-sdg: '4.77' is not one of its values in the data"
    )
    shown = re.search(r"such as (.*); all of them", error.hint).group(1).split(", ")
    assert "4.7" in shown and "4" in shown and len(shown) == 10
    assert error.hint.endswith("all of them: sdglod query outcomes-by-sdg --values sdg")
    assert real.ask("outcomes-by-sdg", sdg="4.7").rows  # a code it has still answers


def test_a_goal_no_outcome_serves_is_an_empty_answer_not_an_error(cases):
    assert cases.ask("outcomes-by-sdg", sdg="5").rows == ()


def test_an_iri_that_is_not_an_event_is_an_error_naming_the_events(real):
    error = refusal(real, "event-outcomes", event="person:inga-surgunte")
    assert "'person:inga-surgunte' is not one of its values" in error.message
    assert "event:baltic-sdg-2021" in error.hint


def test_a_few_valid_values_are_all_shown(cases):
    error = refusal(cases, "event-participants", event="event:example-no-such-event")
    listed = error.hint.split(": ", 1)[1].split(", ")
    assert listed[:3] == [
        "campaign:example-reading-campaign-2031",
        "event:example-archive-forum-2032",
        "event:example-book-fair-2033",
    ]
    assert "all of them" not in error.hint  # all six are shown


def test_defaults_are_not_checked():
    """A query's defaults are its author's: with none given, nothing is looked up."""
    seen: list[str] = []

    class Recording(EmbeddedBackend):
        def evaluate(self, request: QueryRequest) -> QueryOutcome:
            seen.append(request.text)
            return super().evaluate(request)

    run_canned(Recording(Store.in_memory([])), QUERIES["event-outcomes"], {}, BASE)
    assert len(seen) == 1


def test_checks_take_the_one_query_path(built, store):
    """Each probe is a query of its own through run_query, before the query itself."""
    seen: list[str] = []

    class Recording(EmbeddedBackend):
        def evaluate(self, request: QueryRequest) -> QueryOutcome:
            seen.append(request.text)
            return super().evaluate(request)

    prefixes = built[1].manifest.prefixes
    query = QUERIES["organizations"]
    result = run_canned(Recording(store), query, {"country": "Latvija"}, BASE, prefixes)
    assert set(column(result, "country")) == {PLACE + "latvia"}
    assert len(seen) == 3  # is it a country? which country is called so? the query
    assert seen[-1] == query.text


@SETTINGS
@given(goal=st.integers(1, 17), target=st.integers(1, 20) | st.sampled_from("abcd") | st.none())
def test_an_sdg_code_is_an_error_exactly_when_the_data_lacks_it(real, store, goal, target):
    code = str(goal) if target is None else f"{goal}.{target}"
    known = {
        row[0].value
        for row in store.query(
            "SELECT ?c { ?x <http://www.w3.org/2004/02/skos/core#notation> ?c "
            "FILTER(DATATYPE(?c) = <http://metadata.un.org/sdg/ontology#SDGCodeCompact>) "
            "{ ?x a <http://metadata.un.org/sdg/ontology#Goal> } UNION "
            "{ ?x a <http://metadata.un.org/sdg/ontology#Target> } }"
        )
    }
    try:
        answer = real.ask("outcomes-by-sdg", sdg=code)
    except QueryError as error:
        assert code not in known
        assert "sdg takes one of" in error.hint
    else:
        assert code in known
        assert all(c == code or c.startswith(f"{code}.") for c in column(answer, "targetCode"))


def test_the_nearest_values_share_the_longest_beginning():
    values = ["1", "4", "4.1", "4.7", "4.a", "16.10", "16.7", "17.17"]
    assert nearest_values("4.77", values, 3) == ["4.7", "4.1", "4.a"]
    assert nearest_values("16.1", values, 2) == ["16.10", "16.7"]


# --- names and codes -------------------------------------------------------------------------


def test_a_country_by_iri_prefixed_name_or_any_of_its_names(real, store):
    names = [
        row[0]
        for row in rows(
            store,
            f"SELECT DISTINCT ?n WHERE {{ <{PLACE}latvia> schema:name|schema:alternateName ?n }}",
        )
    ]
    assert names  # the data names the country somehow
    expected = real.ask("organizations", country="place:latvia", role="organizer").rows
    # Every name in the data, in any letter case, and the IRI in full or as a prefixed name.
    for country in [PLACE + "latvia", *names, *(name.upper() for name in names)]:
        answer = real.ask("organizations", country=country, role="organizer")
        assert set(column(answer, "country")) == {PLACE + "latvia"}, country
        assert answer.rows == expected, country


def test_a_country_code_the_data_does_not_give_is_an_error_listing_the_countries(real):
    error = refusal(real, "organizations", country="EE")
    assert "'EE' is not one of its values in the data" in error.message
    assert "place:estonia, place:latvia, place:lithuania" in error.hint
    assert "or a text that names one (schema:identifier|" in error.hint


@SETTINGS
@given(code=st.sampled_from(["XE", "XS"]), flips=st.lists(st.booleans(), min_size=2, max_size=2))
def test_a_country_by_its_code_in_any_case(cases, code, flips):
    typed = "".join(c.lower() if flip else c for c, flip in zip(code, flips, strict=True))
    answer = cases.ask("organizations", country=typed)
    land = {"XE": "exampleland", "XS": "sampleland"}[code]
    assert set(column(answer, "country")) == {f"{MULTI}id/place/{land}"}


def test_a_name_of_two_organisations_is_an_error_naming_both(cases):
    error = refusal(cases, "organization-events", organization="prb")
    assert "'prb' names 2 values" in error.message
    assert "organization:example-regional-library" in error.message
    assert "organization:example-travelling-library" in error.message


def test_an_organisation_by_its_name(cases):
    by_name = cases.ask("organization-events", organization="example city museum")
    by_iri = cases.ask("organization-events", organization="organization:example-city-museum")
    assert by_name.rows == by_iri.rows and by_name.rows


@SETTINGS
@given(text=TRICKY)
def test_any_text_for_a_country_is_a_country_or_an_error(real, text):
    """Whatever the text holds (quotes, '>', '}'), it is looked up as one bound literal."""
    try:
        answer = real.ask("organizations", country=text)
    except QueryError as error:
        assert "country" in error.message
        return
    names = {"estonia", "latvia", "lithuania", "igaunija", "latvija", "lietuva", "eesti"}
    assert text.strip().lower() in names | {"läti", "leedu", "estija"} or text.startswith(
        ("place:", PLACE, "id/place/", "<")
    )
    assert len(set(column(answer, "country"))) == 1


def test_a_remote_endpoint_checks_and_finds_values_too(built, remote_store):
    remote = RemoteBackend(remote_store.query_url)
    prefixes = built[1].manifest.prefixes
    with pytest.raises(QueryError, match=r"'4\.77' is not one of its values"):
        run_canned(remote, QUERIES["outcomes-by-sdg"], {"sdg": "4.77"}, BASE, prefixes)
    found = run_canned(remote, QUERIES["organizations"], {"country": "Lietuva"}, BASE, prefixes)
    assert set(column(found, "country")) == {PLACE + "lithuania"}
    tricky = {"country": '" } UNION { ?s ?p ?o } #'}
    with pytest.raises(QueryError, match=r"is not an IRI .*, nor does it name one of its values"):
        run_canned(remote, QUERIES["organizations"], tricky, BASE, prefixes)


def test_a_value_check_binds_the_given_text_as_a_literal():
    check = ValueCheck("q", "x", "$x a ?c", "<http://schema.org/name>", "", '" }', None, "why")
    probe = next(check.steps())
    assert probe.bindings == {GIVEN: Literal('" }')}
    assert '" }' not in probe.text


# --- listing every value ---------------------------------------------------------------------


def test_list_values_in_natural_order(real):
    codes = list_values(real.backend, QUERIES["outcomes-by-sdg"], "sdg", BASE, real.prefixes)
    values = [row[0].value for row in codes.rows]
    assert values.index("16.7") < values.index("16.10") < values.index("17")
    roles = list_values(real.backend, QUERIES["organizations"], "role")
    assert [row[0].value for row in roles.rows] == ["organizer", "partner"]
    with pytest.raises(QueryError, match="has no list of values"):
        list_values(real.backend, QUERIES["organizations"], "lang")


def test_the_cli_reports_an_unknown_value_with_exit_code_2_and_lists_values(built):
    from click.testing import CliRunner

    from sdglod.cli import cli

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--project", str(built[0].root), *args])

    refused = invoke("query", "outcomes-by-sdg", "--param", "sdg=4.77")
    assert refused.exit_code == ExitCode.BAD_INPUT
    assert "'4.77' is not one of its values in the data" in refused.output
    assert "hint: sdg takes one of" in refused.output
    listed = invoke("query", "outcomes-by-sdg", "--values", "sdg", "--format", "csv")
    assert listed.exit_code == 0 and "4.7" in listed.output.split()
    countries = invoke("query", "organizations", "--values", "country", "--format", "csv")
    assert countries.output.split() == [
        "country",
        *(PLACE + c for c in ("estonia", "latvia", "lithuania")),
    ]
    assert invoke("query", "events", "--values", "lang").exit_code == ExitCode.BAD_INPUT


# --- over HTTP -------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, built):
    project, _ = built
    config = ServerConfig(project_root=project.root, timeout=5.0, backend=backend_for(request))
    with TestClient(create_app(config)) as client:
        yield client


def test_an_unknown_value_is_400_bad_parameter_with_the_valid_values(client):
    response = client.get("/queries/outcomes-by-sdg", params={"sdg": "4.77"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad-parameter"
    assert error["message"].endswith("'4.77' is not one of its values in the data")
    assert "4.7" in error["hint"].split(", ")
    assert error["hint"].endswith("all of them: GET /queries/outcomes-by-sdg/values/sdg")
    event = client.get("/queries/event-outcomes.csv", params={"event": "place:latvia"})
    assert event.status_code == 400 and "event:baltic-sdg-2021" in event.json()["error"]["hint"]


def test_a_country_by_name_over_http(client):
    by_name = client.get("/queries/organizations.json", params={"country": "Igaunija"})
    by_iri = client.get("/queries/organizations.json", params={"country": "place:estonia"})
    assert by_name.status_code == 200
    assert by_name.json()["results"] == by_iri.json()["results"]


def test_the_values_of_a_parameter_over_http(client):
    listed = client.get("/queries/outcomes-by-sdg/values/sdg.csv")
    assert listed.status_code == 200 and "4.7" in listed.text.split()
    as_json = client.get("/queries/organizations/values/country")
    values = [b["country"]["value"] for b in as_json.json()["results"]["bindings"]]
    assert values == [PLACE + c for c in ("estonia", "latvia", "lithuania")]
    assert client.get("/queries/organizations/values/lang").status_code == 404
    assert client.get("/queries/no-such/values/x").status_code == 404


def test_an_unknown_value_in_the_html_view_shows_the_form_and_the_values(client):
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    page = client.get("/queries/outcomes-by-sdg", params={"sdg": "4.77"}, headers=browser)
    assert page.status_code == 400
    assert 'role="alert"' in page.text and 'name="sdg"' in page.text
    assert "all of them: GET /queries/outcomes-by-sdg/values/sdg" in page.text


def test_the_openapi_document_lists_the_values_operations(client):
    paths = client.get("/openapi.json").json()["paths"]
    for name, parameter in CHECKED:
        assert f"/queries/{name}/values/{parameter}" in paths
    country = next(
        p for p in paths["/queries/organizations"]["get"]["parameters"] if p["name"] == "country"
    )
    assert "format" not in country["schema"]  # "Latvia" is welcome, not only an IRI


# --- the keyword search ----------------------------------------------------------------------


def _outcome_texts(store) -> set[tuple[str, str]]:
    found = store.query(
        "SELECT ?o ?t { ?o a <https://w3id.org/sdglod/ontology#Outcome> ; ?p ?t "
        "VALUES ?p { <http://schema.org/name> <http://schema.org/text> } }"
    )
    return {(row[0].value, row[1].value) for row in found}


@SETTINGS
@given(data=st.data())
def test_the_search_finds_exactly_the_texts_that_hold_the_keyword(real, store, data):
    texts = sorted(_outcome_texts(store))
    _, text = data.draw(st.sampled_from(texts))
    start = data.draw(st.integers(0, len(text) - 1))
    piece = text[start : start + data.draw(st.integers(1, 12))]
    keyword = "".join(c.upper() if data.draw(st.booleans()) else c.lower() for c in piece)
    answer = real.ask("outcome-search", keyword=keyword)
    found = set(zip(column(answer, "outcome"), column(answer, "text"), strict=True))
    assert found == {(o, t) for o, t in texts if keyword.lower() in t.lower()}
    assert found  # the text it came from, at least


@SETTINGS
@given(keyword=TRICKY)
def test_the_keyword_is_bound_never_pasted(real, keyword):
    answer = real.ask("outcome-search", keyword=keyword)
    assert set(column(answer, "keyword")) <= {keyword}  # echoed as given, one literal

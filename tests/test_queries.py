"""Canned queries: every file in queries/ is complete, runs on the real data and on the
fictional multi-event fixture and gives the expected result; headers are read strictly;
parameters are typed, checked and bound.

Expected results live in tests/queries/<name>.tsv (SELECT) or .nt (CONSTRUCT/DESCRIBE) for the
real data, and in tests/queries/multi-event/ for the fixture. After a deliberate change of data
or query (adding data to data/ is one), regenerate both and review the diff:

    SDGLOD_UPDATE_FIXTURES=1 .venv/bin/pytest tests/test_queries.py
"""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from injection import ECHO, TRICKY
from pyoxigraph import Literal, NamedNode, Quad
from support import rows

from sdglod.cli import cli
from sdglod.errors import ExitCode, QueryError
from sdglod.query.canned import SDG_CODE_DATATYPE, CannedQuery, parse_value, run_canned
from sdglod.query.catalogue import load_queries, parse_query
from sdglod.query.embedded import EmbeddedBackend
from sdglod.query.results import GraphResult, SelectResult, serialize_result
from sdglod.rdf.store import Store

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = load_queries(REPO / "queries")
FIXTURES = Path(__file__).parent / "queries"
MULTI_FIXTURES = FIXTURES / "multi-event"
UPDATE = os.environ.get("SDGLOD_UPDATE_FIXTURES") == "1"
# The real defaults name the conference and its autumn; on the fixture, every IRI parameter
# with a default names one of its events instead, and dates span its year.
MULTI_FOCUS = "id/event/example-museum-night-2031"
MULTI_GIVEN = {
    "campaigns-and-events": {"from": "2031-01-01", "to": "2031-12-31"},
    "organization-events": {"organization": "id/organization/example-regional-library"},
}
BASE = "https://w3id.org/sdglod/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def run_default(built, store: Store, query: CannedQuery):
    project, build = built
    prefixes = build.manifest.prefixes
    return run_canned(EmbeddedBackend(store), query, {}, project.base, prefixes)


def multi_parameters(query: CannedQuery) -> dict[str, str]:
    """The values a query runs with on the multi-event fixture (its defaults otherwise)."""
    given = {p.name: MULTI_FOCUS for p in query.parameters if p.type == "iri" and p.default}
    return given | MULTI_GIVEN.get(query.name, {})


def check_expected(result, folder: Path, name: str, hint: str = "") -> None:
    """Compare ``result`` with its expected-result file (or write it, when updating)."""
    assert len(result) > 0, f"{name} returns nothing{hint}"
    if isinstance(result, GraphResult):
        path, content = folder / f"{name}.nt", serialize_result(result, "nt")
    else:
        path, content = folder / f"{name}.tsv", serialize_result(result, "tsv")
    if UPDATE:
        folder.mkdir(exist_ok=True)
        path.write_bytes(content)
        pytest.skip(f"wrote {path.relative_to(REPO)}: review the diff")
    assert path.is_file(), f"no expected result {path}; run with SDGLOD_UPDATE_FIXTURES=1"
    assert content.decode("utf-8") == path.read_text(encoding="utf-8")


def invoke(built, *args: str, input: str | None = None):
    project, _ = built
    return CliRunner().invoke(cli, ["--project", str(project.root), *args], input=input)


# --- The catalogue -----------------------------------------------------------------------------


def test_there_are_at_least_twelve_queries():
    assert len(CATALOGUE) >= 12, sorted(CATALOGUE)


def test_the_catalogue_has_selects_and_a_graph_query():
    forms = {query.form for query in CATALOGUE.values()}
    assert {"SELECT", "CONSTRUCT", "DESCRIBE"} <= forms


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_header_is_complete_in_latvian_and_english(name):
    query = CATALOGUE[name]
    for text in (query.title, query.description):
        assert text["lv"].strip() and text["en"].strip()
        assert text["lv"] != text["en"]
    assert query.tags
    assert query.example and query.example.startswith(f"sdglod query {name}")
    for parameter in query.parameters:
        assert parameter.description["lv"].strip() and parameter.description["en"].strip()
        assert parameter.default is not None or not parameter.required


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_query_is_valid_sparql(name):
    # Runs on an empty store: the engine parses it, the parameters bind.
    query = CATALOGUE[name]
    run_canned(EmbeddedBackend(Store.in_memory([])), query, {}, BASE)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_query_gives_the_expected_result_on_the_real_data(built, store, name):
    check_expected(run_default(built, store, CATALOGUE[name]), FIXTURES, name)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_query_gives_the_expected_result_on_the_multi_event_fixture(multi_built, multi_store, name):
    project, build = multi_built
    query = load_queries(project)[name]  # the repository's queries, copied into the fixture
    given, prefixes = multi_parameters(query), build.manifest.prefixes
    result = run_canned(EmbeddedBackend(multi_store), query, given, project.base, prefixes)
    check_expected(result, MULTI_FIXTURES, name, "; give it values in MULTI_GIVEN")


@pytest.mark.parametrize("folder", [FIXTURES, MULTI_FIXTURES], ids=["real", "multi-event"])
def test_every_fixture_belongs_to_a_query(folder):
    stems = {path.stem for path in folder.iterdir() if path.is_file()}
    assert stems == set(CATALOGUE)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_example_call_runs(built, name):
    arguments = shlex.split(CATALOGUE[name].example)
    assert arguments[:2] == ["sdglod", "query"]
    result = invoke(built, *arguments[1:])
    assert result.exit_code == 0, result.output
    assert result.output.strip()


# --- Facts the expected results pin (so a reviewer need not read TSV) ----------------------


def column(result: SelectResult, name: str) -> list[str]:
    return [term.value if term is not None else None for term in result.column(name)]


# Exact answers are checked on the multi-event fixture (tests/test_multi_event.py); on the real
# data, which grows, the facts of the sources must be among the answers.


def test_outcomes_by_goal_and_by_target(built, store):
    query = CATALOGUE["outcomes-by-sdg"]
    prefixes = built[1].manifest.prefixes
    backend = EmbeddedBackend(store)
    goal = run_canned(backend, query, {"sdg": "17", "lang": "lv"}, BASE, prefixes)
    assert {f"{BASE}id/outcome/baltic-sdg-2021-{n}" for n in (2, 3, 4)} <= set(
        column(goal, "outcome")
    )
    assert all(code.startswith("17.") for code in column(goal, "targetCode"))
    assert {term.language for term in goal.column("rationale") if term} == {"lv"}
    target = run_canned(backend, query, {"sdg": "04.07"}, BASE, prefixes)
    ranks = dict(zip(column(target, "outcome"), column(target, "rank"), strict=True))
    assert ranks[f"{BASE}id/outcome/baltic-sdg-2021-1"] == "1"


def test_sdg_coverage_counts_outcomes_per_goal(built, store):
    result = run_default(built, store, CATALOGUE["sdg-coverage"])
    counts = dict(zip(column(result, "code"), column(result, "outcomes"), strict=True))
    assert list(counts) == [str(goal) for goal in range(1, 18)]
    served = rows(
        store,
        """SELECT ?code (COUNT(DISTINCT ?o) AS ?n) { ?o sdglod:servesTarget/sdgo:isTargetOf ?g .
        ?g skos:notation ?code FILTER(DATATYPE(?code) = sdgo:SDGCodeCompact) } GROUP BY ?code""",
    )
    assert {code: n for code, n in counts.items() if n != "0"} == dict(served)
    assert int(counts["17"]) >= 3  # the conference's messages 2, 3 and 4


def test_organizations_filter_by_country_and_role(built, store):
    query = CATALOGUE["organizations"]
    backend = EmbeddedBackend(store)
    prefixes = built[1].manifest.prefixes
    everyone = run_canned(backend, query, {}, BASE, prefixes)
    latvian = run_canned(
        backend, query, {"country": "place:latvia", "role": "organizer"}, BASE, prefixes
    )
    assert {f"{BASE}id/place/{c}" for c in ("estonia", "latvia", "lithuania")} <= set(
        column(everyone, "country")
    )
    assert set(column(latvian, "role")) == {"organizer"}
    assert set(column(latvian, "country")) == {f"{BASE}id/place/latvia"}
    assert set(latvian.rows) <= set(everyone.rows)  # the same rows, filtered
    # Among them the conference's three organisers.
    organisers = (
        "latvijas-muzeju-biedriba",
        "latvijas-nacionala-biblioteka",
        "latvijas-bibliotekaru-biedriba",
    )
    assert {f"{BASE}id/organization/{o}" for o in organisers} <= set(
        column(latvian, "organization")
    )


def test_date_range_selects_what_overlaps_it(built, store):
    query = CATALOGUE["campaigns-and-events"]
    backend = EmbeddedBackend(store)
    october = run_canned(backend, query, {"from": "2021-10-01", "to": "2021-10-31"}, BASE)
    assert {
        f"{BASE}id/campaign/merke-attistiba-2021",
        f"{BASE}id/campaign/unesco-week-2021",
    } <= set(column(october, "item"))
    for start, end in zip(column(october, "startDate"), column(october, "endDate"), strict=True):
        assert start <= "2021-10-31" and (end or start) >= "2021-10-01"
    nineties = run_canned(backend, query, {"from": "1991-01-01", "to": "1991-12-31"}, BASE)
    assert {
        f"{BASE}id/event/latvia-joins-un-1991",
        f"{BASE}id/event/latvia-joins-unesco-1991",
    } <= set(column(nineties, "item"))


def test_language_parameter_changes_the_texts(built, store):
    query = CATALOGUE["event-outcomes"]
    backend = EmbeddedBackend(store)
    latvian = run_canned(backend, query, {"lang": "lv"}, BASE)
    assert column(latvian, "name")[0] == "Konferences vēstījums Nr. 1"
    assert {term.language for term in latvian.column("text")} == {"lv"}


def test_describe_and_construct_of_a_resource(built, store):
    backend = EmbeddedBackend(store)
    person = {"resource": "person:inga-surgunte"}
    prefixes = built[1].manifest.prefixes
    described = run_canned(backend, CATALOGUE["describe"], person, BASE, prefixes)
    constructed = run_canned(backend, CATALOGUE["resource"], person, BASE, prefixes)
    inga = NamedNode(f"{BASE}id/person/inga-surgunte")
    assert {t.subject for t in described.triples} == {inga}
    assert set(described.triples) < set(constructed.triples)
    # The wider view also has the names of the affiliations and the links to her.
    assert any(t.object == inga and t.subject != inga for t in constructed.triples)


# --- Parameters ------------------------------------------------------------------------------


def test_unknown_parameter_lists_the_valid_ones():
    with pytest.raises(QueryError) as caught:
        CATALOGUE["outcomes-by-sdg"].bind({"goal": "4"}, BASE)
    assert "has no parameter goal" in caught.value.message
    assert "sdg (sdg-code) = 4" in caught.value.hint and "lang (lang) = en" in caught.value.hint


def test_missing_required_parameter_lists_the_valid_ones(tmp_path):
    query = parse_query(
        header("#+ param: who\n#+   type: iri\n#+   required: true\n" + DESCRIBED)
        + "SELECT $who WHERE { $who ?p ?o }\n",
        tmp_path / "needs-who.rq",
    )
    with pytest.raises(QueryError) as caught:
        query.bind({}, BASE)
    assert caught.value.message == "query needs-who needs who"
    assert "who (iri), required" in caught.value.hint


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("sdg", "18", "not an SDG goal or target code"),
        ("sdg", "4.7.1", "not an SDG goal or target code"),
        ("sdg", "four", "not an SDG goal or target code"),
        ("lang", "english language", "not a language tag"),
    ],
)
def test_bad_values_are_rejected_before_the_query_runs(name, value, complaint):
    with pytest.raises(QueryError) as caught:
        CATALOGUE["outcomes-by-sdg"].bind({name: value}, BASE)
    assert complaint in caught.value.message
    assert caught.value.hint.startswith(f"{name} takes")


@pytest.mark.parametrize("value", ["2021-13-01", "2021-02-30", "23.09.2021", "2021-9-1"])
def test_bad_dates_are_rejected(value):
    with pytest.raises(QueryError, match="is not a date"):
        CATALOGUE["campaigns-and-events"].bind({"from": value}, BASE)


def test_values_outside_the_allowed_list_are_rejected():
    with pytest.raises(QueryError) as caught:
        CATALOGUE["organizations"].bind({"role": "funder"}, BASE)
    assert caught.value.hint == "use one of: organizer, partner"


def test_cli_reports_bad_parameters_with_exit_code_2(built):
    result = invoke(built, "query", "outcomes-by-sdg", "--param", "sdg=4.x")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "parameter sdg of outcomes-by-sdg: '4.x' is not an SDG goal" in result.output
    unknown = invoke(built, "query", "outcomes-by-sdg", "--param", "goal=4")
    assert unknown.exit_code == ExitCode.BAD_INPUT
    assert "parameters of outcomes-by-sdg: sdg (sdg-code) = 4; lang (lang) = en" in unknown.output
    malformed = invoke(built, "query", "events", "--param", "lang")
    assert "is not NAME=VALUE" in malformed.output
    missing = invoke(built, "query", "no-such-query")
    assert missing.exit_code == ExitCode.BAD_INPUT and "known queries: " in missing.output


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("sdg-code", "4", Literal("4", datatype=NamedNode(SDG_CODE_DATATYPE))),
        ("sdg-code", "04.07", Literal("4.7", datatype=NamedNode(SDG_CODE_DATATYPE))),
        ("sdg-code", "16.10", Literal("16.10", datatype=NamedNode(SDG_CODE_DATATYPE))),
        ("sdg-code", "17.A", Literal("17.a", datatype=NamedNode(SDG_CODE_DATATYPE))),
        ("date", "2021-09-23", Literal("2021-09-23", datatype=NamedNode(XSD + "date"))),
        ("integer", "+007", Literal(7)),
        ("lang", "EN-gb", Literal("en-gb")),
        ("string", ' a "b" ', Literal(' a "b" ')),
        ("iri", "id/event/x", NamedNode(f"{BASE}id/event/x")),
        ("iri", "event:x", NamedNode(f"{BASE}id/event/x")),
        ("iri", "<http://metadata.un.org/sdg/4>", NamedNode("http://metadata.un.org/sdg/4")),
        ("iri", "urn:isbn:9984", NamedNode("urn:isbn:9984")),
    ],
)
def test_values_become_typed_terms(kind, text, expected):
    prefixes = {"event": f"{BASE}id/event/"}
    assert parse_value(kind, text, BASE, prefixes) == expected


@pytest.mark.parametrize("value", ["http://a/b>c", "http://a/{x}", 'id/"x"', "id/x y"])
def test_iris_that_would_break_out_are_refused(value):
    with pytest.raises(QueryError, match="is not an IRI"):
        CATALOGUE["resource"].bind({"resource": value}, BASE)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=TRICKY)
def test_parameter_values_cannot_change_the_query(value):
    # One stored triple whose object is the value: the query must match exactly it, echo the
    # value unchanged, and give one row, whatever quotes, '>' or '}' the value holds.
    query = parse_query(ECHO, Path("echo.rq"))
    store = Store.in_memory(
        [Quad(NamedNode("http://example.org/s"), NamedNode("http://example.org/p"), Literal(value))]
    )
    result = run_canned(EmbeddedBackend(store), query, {"text": value})
    assert result.variables == ("text", "echo", "n")
    assert result.rows == ((Literal(value), Literal(value), Literal(1)),)


# --- Header format -------------------------------------------------------------------------

TITLES = (
    "#+ title@lv: Virsraksts\n#+ title@en: Title\n"
    "#+ description@lv: Apraksts\n#+ description@en: Description\n"
)
DESCRIBED = "#+   description@lv: Apraksts\n#+   description@en: Description\n"


def header(extra: str = "") -> str:
    return TITLES + extra


def test_continuation_lines_join_and_the_header_reads_back(tmp_path):
    query = parse_query(
        TITLES.replace("Description\n", "Description that goes on\n#+     over two lines.\n")
        + "#+ tags: a, b\n#+ example: sdglod query q\n"
        + "#+ param: n\n#+   type: integer\n#+   default: 3\n#+   values: 1, 3\n"
        + DESCRIBED
        + "# an ordinary comment\nSELECT $n WHERE { }\n",
        tmp_path / "q.rq",
    )
    assert query.description["en"] == "Description that goes on over two lines."
    assert query.tags == ("a", "b")
    assert query.to_dict()["parameters"] == [
        {
            "name": "n",
            "type": "integer",
            "required": False,
            "default": "3",
            "values": ["1", "3"],
            "values_where": None,
            "names": None,
            "description": {"lv": "Apraksts", "en": "Description"},
        }
    ]


@pytest.mark.parametrize(
    ("text", "line", "complaint"),
    [
        (header("#+ summary: x\n") + "ASK {}", 5, "unknown header key 'summary'"),
        (header("#+ title@en: Again\n") + "ASK {}", 5, "title@en is given twice"),
        ("#+ title@en: T\n#+ description@lv: A\n#+ description@en: D\nASK {}", 1, "no title@lv"),
        (header("#+ param: x\n" + DESCRIBED) + "ASK { $x ?p ?o }", 5, "x has no type"),
        (header("#+ param: x\n#+   type: uri\n") + "ASK {}", 6, "unknown type 'uri'"),
        (
            header("#+ param: d\n#+   type: date\n#+   default: 2021-02-30\n" + DESCRIBED)
            + "SELECT $d {}",
            7,
            "is not a date",
        ),
        (header("#+   type: iri\n") + "ASK {}", 5, "belongs to no param"),
        (header("#+      stray\n") + "ASK {}", None, None),  # continues description@en
        (header("#+ tags:\n") + "ASK {}", 5, "tags is empty"),
        (header("#+ title: T\n") + "ASK {}", 5, "write title@lv and title@en"),
        (header() + "ASK {}\n#+ tags: late\n", 6, "after the query has started"),
        (header("#+tags: x\n") + "ASK {}", 5, "write '#+ '"),
    ],
)
def test_header_errors_name_file_and_line(tmp_path, text, line, complaint):
    path = tmp_path / "q.rq"
    if complaint is None:
        parse_query(text, path)
        return
    with pytest.raises(QueryError) as caught:
        parse_query(text, path)
    assert complaint in caught.value.message
    assert caught.value.location.path == path
    assert caught.value.location.line == line


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ("SELECT ?s WHERE { ?s ?p $y }", "$y is used but not declared"),
        ("SELECT ?s WHERE { ?s ?p ?o }", "declared but the query never uses $x"),
        ("SELECT $x WHERE { ?s ?p ?x . ?s ?p $x }", "written ?x somewhere"),
        ("SELECT ?s WHERE { ?s ?p $x }", "does not project $x"),
        ("CONSTRUCT WHERE { ?s ?p $x }", "parameters cannot be bound"),
        ("INSERT DATA { <http://a/> <http://b/> 'c' }", "holds no query"),
    ],
)
def test_query_body_is_checked_against_the_header(tmp_path, body, complaint):
    text = header("#+ param: x\n#+   type: string\n#+   default: a\n" + DESCRIBED) + body
    with pytest.raises(QueryError, match=None) as caught:
        parse_query(text, tmp_path / "q.rq")
    assert complaint in caught.value.message


def test_a_queries_folder_with_a_bad_file_fails_loudly(project_dir):
    (project_dir / "queries" / "Bad Name.rq").write_text(header() + "ASK {}", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--project", str(project_dir), "queries"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "is not a lowercase slug" in result.output


# --- `sdglod queries` and `sdglod query` ---------------------------------------------------


def test_queries_lists_name_title_and_parameters(built):
    result = invoke(built, "queries")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["name", "title", "parameters"]
    assert len(lines) == 2 + len(CATALOGUE)
    latvian = invoke(built, "queries", "--lang", "lv").output
    assert "IAM pārklājums pa mērķiem" in latvian


def test_queries_as_json_carry_the_whole_header(built):
    listing = json.loads(invoke(built, "queries", "--format", "json").output)
    assert [entry["name"] for entry in listing] == sorted(CATALOGUE)
    coverage = next(entry for entry in listing if entry["name"] == "outcomes-by-sdg")
    assert coverage["title"]["lv"] == "Rezultāti pēc IAM mērķa vai apakšmērķa"
    assert coverage["parameters"][0]["type"] == "sdg-code"


def test_query_lang_option_sets_the_lang_parameter_and_the_labels(built):
    result = invoke(built, "query", "event-participants", "--lang", "lv", "--format", "csv")
    assert "Latvijas Nacionālā bibliotēka" in result.output
    table = invoke(built, "query", "event-participants", "--lang", "lv")
    assert "Latvija" in table.output and "place:latvia" not in table.output
    explicit = invoke(built, "query", "event-participants", "--lang", "lv", "-p", "lang=en")
    assert "National Library of Latvia" in explicit.output  # --param wins for the query


def test_graph_queries_default_to_turtle(built):
    result = invoke(built, "query", "resource", "-p", "resource=place:latvia")
    assert result.exit_code == 0
    assert "@prefix schema: <http://schema.org/> ." in result.output
    assert "place:latvia a schema:Country" in result.output

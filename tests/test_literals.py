"""Literals: XSD 1.1 lexical forms, sdglod's own literal rules, and what both engines make of them.

Engine tests run on ``fixtures/literals-project`` (shapes written as the project's are). The
property-based tests generate lexical forms of the datatypes sdglod projects use, valid and
invalid by construction (an oracle independent of ``xsd.py``), and check through the command
line that a run never ends in an internal error, that every invalid literal is a violation at
its line and that no valid one is.
"""

from __future__ import annotations

import calendar
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdglod.cli import cli
from sdglod.errors import ExitCode
from sdglod.project import load_project
from sdglod.rdf.namespaces import XSD
from sdglod.rdf.sources import load_sources
from sdglod.validation.literals import LEXICAL_FORM, STORED_FORM
from sdglod.validation.report import Severity
from sdglod.validation.validate import load_shapes, validate
from sdglod.validation.xsd import well_formed

PROJECT = Path(__file__).parent / "fixtures" / "literals-project"
ENGINES = ("pyshacl", "sparql", "auto")
HEADER = (
    "@prefix schema: <http://schema.org/> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    "@prefix ex: <https://example.org/lit/vocab#> .\n"
    "@prefix event: <https://example.org/lit/id/event/> .\n\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return shutil.copytree(PROJECT, tmp_path / "project")


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(root), *args])


def results_of(root: Path, engine: str) -> tuple[int, list[dict]]:
    outcome = run(root, "validate", "--format", "json", "--engine", engine)
    assert outcome.exit_code in (ExitCode.OK, ExitCode.VIOLATIONS), outcome.output
    return outcome.exit_code, json.loads(outcome.output)["results"]


# --- XSD 1.1 lexical spaces -----------------------------------------------------------------

VALID = [
    ("date", "2021-09-23"),
    ("date", "-0044-03-15"),  # 45 BCE: XSD 1.1 has the year 0000 and negative years
    ("date", "0000-02-29"),  # 0000 is a leap year
    ("date", "2000-02-29"),
    ("date", "12021-01-01"),
    ("date", "2021-09-23+14:00"),
    ("dateTime", "2021-01-01T24:00:00"),
    ("dateTime", "2021-09-23T10:00:00.125Z"),
    ("time", "23:59:59"),
    ("gYear", "2021"),
    ("gYear", "-0001"),
    ("gYearMonth", "2021-12"),
    ("gMonthDay", "--02-29"),
    ("integer", "+007"),
    ("int", "-2147483648"),
    ("byte", "127"),
    ("decimal", ".5"),
    ("decimal", "4."),
    ("double", "1.0E6"),
    ("double", "-INF"),
    ("float", "NaN"),
    ("boolean", "1"),
    ("duration", "P1Y2M3DT4H5M6.5S"),
    ("dayTimeDuration", "-PT36H"),
    ("anyURI", "http://a b"),  # XSD 1.1: any string
    ("string", "tab\tand newline\n"),
    ("hexBinary", "0FB7"),
    ("base64Binary", "SGVsbG8="),
    ("language", "en-GB"),
]
INVALID = [
    ("date", "someday"),
    ("date", "2021-02-30"),
    ("date", "1900-02-29"),  # not a leap year
    ("date", "021-09-23"),
    ("date", "00000-01-01"),  # a year of five digits may not start with 0
    ("date", "2021-09-23+14:01"),
    ("date", " 2021-09-23"),
    ("dateTime", "2021-01-01T24:00:01"),
    ("dateTime", "2021-01-01"),
    ("gYear", "20x1"),
    ("gMonthDay", "--02-30"),
    ("integer", "abc"),
    ("integer", " 5"),
    ("integer", "1.0"),
    ("integer", "٣"),  # an Arabic-Indic digit: Python's \d would take it
    ("int", "2147483648"),
    ("byte", "300"),
    ("nonNegativeInteger", "-1"),
    ("decimal", "1e5"),
    ("decimal", "."),
    ("double", "1.0e"),
    ("double", "inf"),
    ("boolean", "maybe"),
    ("boolean", "TRUE"),
    ("duration", "P"),
    ("duration", "P1YT"),
    ("yearMonthDuration", "P1D"),
    ("string", "bell\u0007"),
    ("anyURI", "\u0000"),
    ("hexBinary", "ABC"),
    ("language", "latviešu"),
    ("language", "en_GB"),
]


@pytest.mark.parametrize(("name", "lexical"), VALID, ids=lambda v: repr(v))
def test_valid_xsd_11_forms(name, lexical):
    assert well_formed(lexical, XSD + name) is True


@pytest.mark.parametrize(("name", "lexical"), INVALID, ids=lambda v: repr(v))
def test_invalid_xsd_11_forms(name, lexical):
    assert well_formed(lexical, XSD + name) is False


def test_datatypes_it_does_not_know_are_not_judged():
    assert well_formed("x", "https://example.org/SDGCode") is None
    assert well_formed("x", XSD + "NCName") is None


# Dates built from their parts, with the calendar module's leap years (not xsd.py's).
_years = st.integers(-99999, 99999).map(lambda y: ("-" if y < 0 else "") + f"{abs(y):04d}")


@st.composite
def valid_dates(draw: st.DrawFn) -> str:
    year = draw(_years)
    month = draw(st.integers(1, 12))
    days = 29 if month == 2 and calendar.isleap(int(year)) else calendar.mdays[month]
    return f"{year}-{month:02d}-{draw(st.integers(1, days)):02d}"


@st.composite
def invalid_dates(draw: st.DrawFn) -> str:
    year = draw(_years)
    month = draw(st.integers(1, 12))
    days = 29 if month == 2 and calendar.isleap(int(year)) else calendar.mdays[month]
    return draw(
        st.sampled_from(
            [
                f"{year}-{month:02d}-{days + 1:02d}",  # a day the month does not have
                f"{year}-{draw(st.sampled_from([0, 13, 99])):02d}-01",
                f"{year}-{month:02d}-00",
                f"{year}-{month}-1" if month < 10 else f"{year}-{month}-1x",
                f"{year}/{month:02d}/01",
                f"{year}-{month:02d}-{days:02d} ",
            ]
        )
    )


@given(valid_dates())
def test_every_date_of_the_calendar_is_a_valid_xsd_date(lexical):
    assert well_formed(lexical, XSD + "date") is True
    assert well_formed(lexical + "T12:00:00Z", XSD + "dateTime") is True


@given(invalid_dates())
def test_no_date_outside_the_calendar_is(lexical):
    assert well_formed(lexical, XSD + "date") is False


# --- the literal rules through validation ---------------------------------------------------


def write_data(root: Path, body: str) -> Path:
    path = root / "data" / "zz-literals.ttl"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    (number,) = [
        n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line
    ]
    return number


@pytest.mark.parametrize("engine", ENGINES)
def test_ill_typed_literals_on_properties_no_shape_covers_are_violations(project, engine):
    path = write_data(
        project,
        'event:x ex:count "abc"^^xsd:integer ;\n'
        '    ex:flag "maybe"^^xsd:boolean ;\n'
        '    ex:year "20x1"^^xsd:gYear ;\n'
        '    ex:founded "-0044-03-15"^^xsd:date .\n',
    )
    code, results = results_of(project, engine)
    assert code == ExitCode.VIOLATIONS
    found = {(r["file"], r["line"], r["shape"], r["severity"]) for r in results}
    assert found == {
        ("data/zz-literals.ttl", line_of(path, text), LEXICAL_FORM, "Violation")
        for text in ('"abc"', '"maybe"', '"20x1"')
    }
    for result in results:
        assert set(result["messages"]) == {"lv", "en"}
        assert result["messages"]["lv"] != result["messages"]["en"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_bce_date_is_a_valid_xsd_date_for_the_shapes_too(project, engine):
    write_data(
        project,
        'event:ides a schema:Event ;\n    schema:startDate "-0044-03-15"^^xsd:date .\n',
    )
    assert results_of(project, engine) == (ExitCode.OK, [])


@pytest.mark.parametrize("engine", ENGINES)
def test_an_ill_typed_literal_that_a_shape_reports_is_reported_once(project, engine):
    path = write_data(
        project,
        'event:x a schema:Event ;\n    schema:startDate "2021-02-30"^^xsd:date .\n',
    )
    code, results = results_of(project, engine)
    assert code == ExitCode.VIOLATIONS
    ((line, shape),) = {(r["line"], r["shapeName"]) for r in results}
    assert (line, shape) == (line_of(path, "2021-02-30"), "lit:Event-startDate")
    assert len(results) == 1


def test_both_engines_give_the_same_results_for_literals(project):
    write_data(
        project,
        "event:x a schema:Event ;\n"
        '    schema:startDate "someday"^^xsd:date ;\n'
        '    schema:endDate "2021-09-23" ;\n'
        '    schema:maximumAttendeeCapacity "abc"^^xsd:integer, "007"^^xsd:integer ;\n'
        '    schema:isAccessibleForFree "TRUE"^^xsd:boolean, "1"^^xsd:boolean ;\n'
        '    ex:size "1.0E6"^^xsd:double, " 5"^^xsd:integer ;\n'
        '    ex:when "2021-09-23Z"^^xsd:date, "0000-01-01"^^xsd:date .\n',
    )
    loaded = load_project(project)
    sources, shapes = load_sources(loaded), load_shapes(loaded)
    reference = validate(loaded, sources, shapes, "pyshacl")
    fast = validate(loaded, sources, shapes, "sparql")
    assert fast.engine == "sparql"
    assert fast.results == reference.results
    rules = {r.rule for r in reference.results}
    assert {LEXICAL_FORM, STORED_FORM} <= rules
    assert Severity.WARNING in {r.severity for r in reference.results}


def test_a_stored_form_is_a_warning_that_says_what_is_published(project):
    path = write_data(
        project,
        'event:x ex:count "3"^^xsd:int ;\n    ex:rank "007"^^xsd:integer .\n',
    )
    code, results = results_of(project, "auto")
    assert code == ExitCode.OK  # a warning: the same value, published in another form
    by_line = {r["line"]: r for r in results}
    assert set(by_line) == {line_of(path, "xsd:int "), line_of(path, '"007"')}
    changed = by_line[line_of(path, "xsd:int ")]
    assert changed["severity"] == "Warning" and changed["shape"] == STORED_FORM
    assert '"3"^^xsd:integer' in changed["messages"]["en"]
    assert (
        "xsd:int" in changed["messages"]["en"] and "datatype changes" in changed["messages"]["en"]
    )
    assert '"7"^^xsd:integer' in by_line[line_of(path, '"007"')]["messages"]["lv"]


def test_a_run_that_passes_prints_nothing_but_its_summary(project, capfd):
    # rdflib logs a traceback for each literal it cannot read ("Failed to convert Literal
    # lexical form") and warns about odd booleans; a passing run says only that it passes.
    write_data(
        project,
        'event:ides a schema:Event ;\n    schema:startDate "-0044-03-15"^^xsd:date ;\n'
        '    ex:when "0000-01-01"^^xsd:date, "12021-01-01"^^xsd:date ;\n'
        '    ex:time "-0044-03-15T12:00:00"^^xsd:dateTime .\n',
    )
    for engine in ENGINES:
        outcome = run(project, "validate", "--engine", engine)
        assert outcome.exit_code == ExitCode.OK, outcome.output
        assert outcome.output.startswith("✓ passes")
    captured = capfd.readouterr()
    assert captured.err == "" and "Failed to convert" not in captured.out


# --- generated lexical forms, end to end ----------------------------------------------------

# (datatype, valid forms, invalid forms), each invalid by construction.
_digits = st.integers(0, 10**20).map(str)
_signed = st.tuples(st.sampled_from(["", "+", "-"]), _digits).map("".join)
_noise = st.sampled_from(["x", " ", ",", "e", "#", "--", "\u00a0", "٣"])
# XML 1.0's characters (every string of an XSD datatype is made of them), and some that are not.
_text = st.text(
    st.characters(min_codepoint=32, exclude_categories=["Cs"], exclude_characters="\ufffe\uffff")
)
_control = st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe"])
FORMS = {
    "date": (valid_dates(), invalid_dates()),
    "dateTime": (
        st.tuples(valid_dates(), st.integers(0, 23), st.integers(0, 59)).map(
            lambda t: f"{t[0]}T{t[1]:02d}:{t[2]:02d}:00"
        ),
        st.tuples(valid_dates(), st.integers(25, 99)).map(lambda t: f"{t[0]}T{t[1]}:00:00"),
    ),
    "gYear": (_years, st.tuples(_years, _noise).map("".join)),
    "integer": (_signed, st.tuples(_signed, _noise).map("".join)),
    "decimal": (
        st.tuples(_signed, _digits).map(lambda t: f"{t[0]}.{t[1]}"),
        st.tuples(_signed, _digits).map(lambda t: f"{t[0]}.{t[1]}e5"),
    ),
    "boolean": (
        st.sampled_from(["true", "false", "1", "0"]),
        st.sampled_from(["True", "yes", "maybe", "2", " true", "FALSE"]),
    ),
    "anyURI": (_text, st.tuples(_text, _control, _text).map("".join)),
    "string": (_text, st.tuples(_text, _control, _text).map("".join)),
}
# Properties with shapes that compare or bound these values: the forms must not upset them.
COVERED = {"date": "schema:startDate", "integer": "schema:maximumAttendeeCapacity"}


@st.composite
def literal_files(draw: st.DrawFn) -> list[tuple[str, str, bool]]:
    """Literals (datatype, lexical form, valid?), one per resource."""
    chosen = draw(st.lists(st.sampled_from(sorted(FORMS)), min_size=1, max_size=8))
    found = []
    for name in chosen:
        valid = draw(st.booleans())
        lexical = draw(FORMS[name][0 if valid else 1])
        if name == "integer" and valid and int(lexical) < 1:
            lexical = str(abs(int(lexical)) + 1)  # the capacity shape wants at least 1
        found.append((name, lexical, valid))
    return found


def _turtle_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return "".join(c if ord(c) >= 32 else f"\\u{ord(c):04X}" for c in escaped)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(literal_files())
def test_generated_literals_are_judged_by_xsd_11_at_their_line(project, literals):
    lines = []
    for number, (name, lexical, _) in enumerate(literals):
        prop = COVERED.get(name, f"ex:{name}") if number % 2 else f"ex:{name}"
        subject = f"event:e{number}" + (" a schema:Event ;" if prop.startswith("schema:") else "")
        end = ' ;\n    schema:endDate "9999-12-31"^^xsd:date' if prop == "schema:startDate" else ""
        lines.append(f'{subject}\n    {prop} "{_turtle_string(lexical)}"^^xsd:{name}{end} .\n')
    path = write_data(project, "\n".join(lines))
    text = path.read_text("utf-8").splitlines()
    where = {}
    for number, (_, _, valid) in enumerate(literals):
        (line,) = [n for n, t in enumerate(text, 1) if t.startswith(f"event:e{number}")]
        where[line + 1] = valid
    outcomes = {engine: results_of(project, engine) for engine in ENGINES}
    for engine, (_, results) in outcomes.items():
        violations = {r["line"] for r in results if r["severity"] == "Violation"}
        assert violations == {line for line, valid in where.items() if not valid}, engine
        assert {r["file"] for r in results} <= {"data/zz-literals.ttl"}
    assert outcomes["sparql"] == outcomes["pyshacl"]

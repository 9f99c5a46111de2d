"""Mistakes a user makes that must end in a report (exit 1) or a clear refusal (exit 2) naming
the file, never in an internal error (exit 3), whichever engine runs.

Small projects of the tests' own: the repository's shapes with a few resources of made-up data
(for the rules of ``shapes/``), or ``fixtures/mini-project`` with shapes added.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from sdglod.cli import cli
from sdglod.errors import ExitCode

MINI = Path(__file__).parent / "fixtures" / "mini-project"
ENGINES = ("pyshacl", "sparql", "auto")
SDGSH = "https://w3id.org/sdglod/shapes#"
SCHEMA = "http://schema.org/"
PREFIXES = (
    "@prefix schema: <http://schema.org/> .\n"
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(root), *args])


def json_results(root: Path, *args: str) -> tuple[int, list[dict]]:
    outcome = run(root, "validate", "--format", "json", *args)
    assert outcome.exit_code in (ExitCode.OK, ExitCode.VIOLATIONS), outcome.output
    return outcome.exit_code, json.loads(outcome.output)["results"]


@pytest.fixture
def with_project_shapes(tmp_path: Path) -> Path:
    """The repository's shapes over a data folder of the test's own."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "shapes", root / "shapes")
    (root / "data").mkdir()
    (root / "sdglod.toml").write_text(
        'base = "https://example.org/m/"\n\n[[graphs]]\nname = "data"\nfiles = ["data/*.ttl"]\n'
    )
    return root


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return shutil.copytree(MINI, tmp_path / "mini")


def event(root: Path, start: str, end: str) -> Path:
    path = root / "data" / "event.ttl"
    path.write_text(
        f"{PREFIXES}\n<https://example.org/m/id/event/a>\n    a schema:Event ;\n"
        f'    schema:name "Pasākums"@lv, "Event"@en ;\n'
        f"    schema:startDate {start} ;\n    schema:endDate {end} .\n",
        encoding="utf-8",
    )
    return path


def line_with(path: Path, text: str) -> int:
    lines = path.read_text("utf-8").splitlines()
    (number,) = [n for n, line in enumerate(lines, 1) if text in line]
    return number


# --- A1, A5: dates that are not dates ----------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("start", "end", "wrong"),
    [
        ('"someday"^^xsd:date', '"2021-09-23"^^xsd:date', "startDate"),
        ('"2021-09-23"^^xsd:date', '"2021-02-30"^^xsd:date', "endDate"),
        ('"2021-02-30"^^xsd:date', '"2021-02-01"^^xsd:date', "startDate"),
        # A plain string is the wrong type, not a date after the start (A5).
        ('"2021-09-24"^^xsd:date', '"2021-09-23"', "endDate"),
    ],
    ids=["start-someday", "end-30-february", "start-30-february", "end-as-text"],
)
def test_a_date_that_is_not_a_date_is_one_violation_where_it_is_written(
    with_project_shapes, engine, start, end, wrong
):
    path = event(with_project_shapes, start, end)
    code, results = json_results(with_project_shapes, "--engine", engine)
    assert code == ExitCode.VIOLATIONS
    dates = [
        r for r in results if r["path"].startswith("http://schema.org/") and "Date" in r["path"]
    ]
    assert [(r["shape"], r["file"], r["line"]) for r in dates] == [
        (f"{SDGSH}Event-{wrong}", "data/event.ttl", line_with(path, f"schema:{wrong}"))
    ]
    assert f"{SDGSH}Event-start-before-end" not in {r["constraint"] for r in results}


@pytest.mark.parametrize("engine", ENGINES)
def test_an_end_before_the_start_is_still_reported(with_project_shapes, engine):
    path = event(with_project_shapes, '"2021-09-24"^^xsd:date', '"2021-09-23"^^xsd:date')
    _, results = json_results(with_project_shapes, "--engine", engine)
    compared = [r for r in results if r["constraint"] == f"{SDGSH}Event-start-before-end"]
    assert [(r["line"], r["value"]) for r in compared] == [
        (
            line_with(path, "schema:startDate"),
            '"2021-09-24"^^<http://www.w3.org/2001/XMLSchema#date>',
        )
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_shapes_that_compare_ill_typed_dates_end_in_a_report(mini, engine):
    # The mini project compares with sh:lessThanOrEquals, which pyshacl cannot apply to an
    # ill-typed date: the report names the literal, at its line.
    path = mini / "data" / "bad.ttl"
    path.write_text(
        f"{PREFIXES}<https://example.org/mini/id/event/bad> a schema:Event ;\n"
        '    schema:name "A"@lv, "A"@en ;\n'
        '    schema:startDate "someday"^^xsd:date ;\n'
        '    schema:endDate "2021-09-23"^^xsd:date .\n',
        encoding="utf-8",
    )
    code, results = json_results(mini, "--engine", engine)
    assert code == ExitCode.VIOLATIONS
    assert ("data/bad.ttl", line_with(path, "someday"), "Violation") in {
        (r["file"], r["line"], r["severity"]) for r in results
    }


# --- A2: paths that are not Turtle ------------------------------------------------------------


def _not_turtle(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "notes.txt").write_text("<a> <b> <c> .\n")
    (tmp_path / "no-suffix").write_text("<a> <b> <c> .\n")
    (tmp_path / "empty").mkdir()
    (tmp_path / "binary.ttl").write_bytes(bytes(range(256)))
    return {
        "passwd": Path("/etc/passwd"),
        "txt": tmp_path / "notes.txt",
        "no-suffix": tmp_path / "no-suffix",
        "empty-folder": tmp_path / "empty",
        "binary": tmp_path / "binary.ttl",
    }


@pytest.mark.parametrize("kind", ["passwd", "txt", "no-suffix", "empty-folder", "binary"])
@pytest.mark.parametrize("as_shapes", [False, True], ids=["source", "shapes"])
def test_a_path_that_is_not_turtle_exits_2_naming_it(mini, tmp_path, kind, as_shapes):
    path = _not_turtle(tmp_path)[kind]
    args = ["--shapes", str(path)] if as_shapes else [str(path)]
    outcome = run(mini, "validate", *args)
    assert outcome.exit_code == ExitCode.BAD_INPUT, outcome.output
    assert path.name in outcome.output
    assert "Traceback" not in outcome.output


# --- A3: shapes whose expressions do not work ---------------------------------------------------

SPARQL_SHAPE = (
    "mini:Broken a sh:NodeShape ; sh:targetClass schema:Event ; sh:sparql mini:Broken-query .\n"
    'mini:Broken-query a sh:SPARQLConstraint ;\n    sh:message "x"@lv, "y"@en ;\n'
)
BROKEN_SHAPES = {
    "pattern": (
        "mini:Broken a sh:NodeShape ; sh:targetClass schema:Event ;\n    sh:property [\n"
        '        sh:path schema:name ;\n        sh:pattern "^(unclosed" ] .\n',
        "sh:pattern",
    ),
    "sparql-syntax": (
        SPARQL_SHAPE
        + '    sh:select """SELECT $this WHERE { $this schema:name ?n FILTER( }""" .\n',
        "sh:select",
    ),
    "sparql-prefix": (
        SPARQL_SHAPE + '    sh:select """SELECT $this WHERE { $this nowhere:name ?n }""" .\n',
        "sh:select",
    ),
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("broken", sorted(BROKEN_SHAPES))
def test_shapes_with_a_broken_expression_exit_2_naming_file_and_line(mini, engine, broken):
    text, predicate = BROKEN_SHAPES[broken]
    path = mini / "shapes" / "broken.ttl"
    path.write_text(
        f"{PREFIXES}@prefix mini: <https://example.org/mini/shapes#> .\n\n{text}", "utf-8"
    )
    outcome = run(mini, "validate", "--engine", engine, "--format", "github")
    assert outcome.exit_code == ExitCode.BAD_INPUT, outcome.output
    line = line_with(path, predicate)
    assert outcome.output.startswith(f"::error file=shapes/broken.ttl,line={line},")


# --- A4: one file in the context of the project -----------------------------------------------

PART_OF = (
    "mini:Event-part a sh:NodeShape ; sh:targetClass schema:Event ;\n"
    "    sh:property [ sh:path schema:superEvent ; sh:class schema:Event ;\n"
    '        sh:message "Daļa no neaprakstīta pasākuma."@lv,\n'
    '            "Part of an event that is not described."@en ] .\n'
)


def _talk(path: Path, whole: str) -> Path:
    path.write_text(
        f"{PREFIXES}@prefix event: <https://example.org/mini/id/event/> .\n\n"
        f'event:talk a schema:Event ;\n    schema:name "Lekcija"@lv, "Talk"@en ;\n'
        f"    schema:superEvent event:{whole} .\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("engine", ENGINES)
def test_one_file_is_validated_in_the_context_of_the_project(mini, tmp_path, engine):
    (mini / "shapes" / "part.ttl").write_text(
        f"{PREFIXES}@prefix mini: <https://example.org/mini/shapes#> .\n\n{PART_OF}", "utf-8"
    )
    # Another file of the project is broken: that is not the given file's report.
    (mini / "data" / "other.ttl").write_text(
        f"{PREFIXES}<https://example.org/mini/id/event/x> a schema:Event .\n", "utf-8"
    )
    inside = _talk(mini / "data" / "new-file.ttl", "reading-week")
    outside = _talk(tmp_path / "elsewhere.ttl", "reading-week")
    for path in (inside, outside):
        outcome = run(mini, "validate", "--engine", engine, str(path))
        assert outcome.exit_code == ExitCode.OK, outcome.output
        assert "(1 files," in outcome.output
    _talk(inside, "no-such-event")
    code, results = json_results(mini, "--engine", engine, str(inside))
    assert code == ExitCode.VIOLATIONS
    assert {(r["file"], r["line"]) for r in results} == {
        ("data/new-file.ttl", line_with(inside, "schema:superEvent"))
    }

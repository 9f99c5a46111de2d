"""The library as a Python user calls it: ``import sdglod`` and the five calls its docstring
names, on a small project of the tests' own (tests/fixtures/mini-project)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

import sdglod
from sdglod.errors import NoBuildError, QueryError
from sdglod.validation.report import ValidationFailed

MINI = Path(__file__).parent / "fixtures" / "mini-project"
EVENT = "https://example.org/mini/id/event/"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return Path(shutil.copytree(MINI, tmp_path / "mini"))


def test_a_user_validates_builds_and_queries_a_project(project):
    report = sdglod.validate(project)
    assert report.conforms and report.violations == 0
    assert report.files.keys() == {"data/events.ttl"}

    built = sdglod.build_project(project)
    assert built.manifest.base == "https://example.org/mini/"
    assert built.manifest.validated
    assert (built.dist_path / "dataset.ttl").is_file()

    store = sdglod.open_store(project)
    names = {row["n"].value for row in store.query("SELECT ?n { ?e <http://schema.org/name> ?n }")}
    assert "Poetry evening" in names and "Dzejas vakars" in names

    english = sdglod.canned_query("events", project=project)
    latvian = sdglod.canned_query("events", {"lang": "lv"}, project=project)
    assert english.variables == ("event", "name", "startDate", "lang")
    assert [row[0] for row in english.rows] == [
        NamedNode(EVENT + "reading-week"),
        NamedNode(EVENT + "poetry-evening"),
    ]
    assert english.column("name") == [Literal("Reading week", language="en"),
                                      Literal("Poetry evening", language="en")]  # fmt: skip
    assert latvian.column("name")[1] == Literal("Dzejas vakars", language="lv")

    asked = sdglod.sparql(f"ASK {{ <{EVENT}poetry-evening> <http://schema.org/superEvent> ?e }}",
                          project=project)  # fmt: skip
    assert asked.value is True


def test_a_folder_inside_the_project_finds_it(project, monkeypatch):
    sdglod.build_project(project)
    monkeypatch.chdir(project / "data")
    assert len(sdglod.canned_query("events").rows) == 2


def test_data_that_does_not_conform_raises_with_its_report_and_keeps_the_last_build(project):
    sdglod.build_project(project)
    events = project / "data" / "events.ttl"
    events.write_text(
        events.read_text(encoding="utf-8").replace('"2024-03-10"', '"2024-03-01"'),
        encoding="utf-8",
    )
    report = sdglod.validate(project)
    assert report.violations == 1
    (result,) = report.results
    assert (result.file, result.focus_node) == ("data/events.ttl", EVENT + "reading-week")
    assert result.line is not None
    with pytest.raises(ValidationFailed) as failed:
        sdglod.build_project(project)
    assert failed.value.report.violations == 1
    # The previous build still answers, with the dates it had.
    end = sdglod.sparql(f"SELECT ?d {{ <{EVENT}reading-week> <http://schema.org/endDate> ?d }}",
                        project=project)  # fmt: skip
    assert end.rows[0][0].value == "2024-03-10"


def test_mistakes_raise_errors_that_say_what_to_do(project):
    with pytest.raises(NoBuildError) as no_build:
        sdglod.canned_query("events", project=project)
    assert "sdglod build" in (no_build.value.hint or "")
    sdglod.build_project(project)
    with pytest.raises(QueryError, match="no canned query named 'nothing'"):
        sdglod.canned_query("nothing", project=project)
    with pytest.raises(QueryError, match="refused"):
        sdglod.sparql("DELETE WHERE { ?s ?p ?o }", project=project)
    with pytest.raises(QueryError) as bad:
        sdglod.sparql("SELECT * WHERE { ?s ?p }", project=project)
    assert bad.value.location is not None and bad.value.location.line == 1


def test_the_calls_stay_calls_when_every_stage_is_imported():
    import sdglod.build
    import sdglod.query.backends
    import sdglod.validation.validate

    for name in sdglod.__all__:
        assert name == "__version__" or callable(getattr(sdglod, name)), name


def test_importing_sdglod_loads_no_stage_until_a_call_needs_it():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, sdglod; print(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "sdglod.build" not in loaded and "pyshacl" not in loaded and "rdflib" not in loaded

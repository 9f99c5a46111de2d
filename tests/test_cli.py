"""The command line as a shell over the library: its commands, its one error edge (exit codes
0, 1, 2, 3), and what ``build`` and ``info`` print from the typed build manifest. Runs on the
tests' own small project (tests/fixtures/mini-project)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sdglod.cli import cli
from sdglod.errors import ExitCode
from sdglod.manifest import MANIFEST_FILE
from sdglod.version import __version__

MINI = Path(__file__).parent / "fixtures" / "mini-project"
README = Path(__file__).resolve().parents[1] / "README.md"
COMMANDS = sorted(cli.commands)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return Path(shutil.copytree(MINI, tmp_path / "mini"))


def run(project: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(project), *args])


def test_the_version_and_the_commands():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output
    listed = CliRunner().invoke(cli, ["--help"]).output
    for command in COMMANDS:
        assert re.search(rf"^\s+{command}\s", listed, re.MULTILINE), command


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself_and_is_in_the_readme(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: cli {command}")
    assert f"sdglod {command}" in README.read_text(encoding="utf-8")


def test_python_dash_m_runs_the_same_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "sdglod", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and __version__ in done.stdout


def test_build_and_info_report_what_the_build_holds(project):
    built = run(project, "build")
    assert built.exit_code == ExitCode.OK, built.output
    lines = built.output.splitlines()
    assert re.match(r"built \d+ triples from 1 files in [\d.]+ s \(base https://example.org/mini/\)",
                    lines[0])  # fmt: skip
    assert any(line.strip().endswith("https://example.org/mini/graph/data") for line in lines)
    assert any(line.strip().startswith("dist/dataset.ttl") for line in lines)
    assert "validated against 1 shapes files: 0 violations, 0 warnings" in built.output

    info = run(project, "info")
    assert info.exit_code == ExitCode.OK
    assert "base    https://example.org/mini/" in info.output
    assert re.search(r"\d+  data/events.ttl  -> https://example.org/mini/graph/data", info.output)


def test_a_project_that_does_not_conform_exits_1(project):
    events = project / "data" / "events.ttl"
    text = events.read_text(encoding="utf-8").replace(', "Reading week"@en', "")
    events.write_text(text, encoding="utf-8")
    result = run(project, "build")
    assert result.exit_code == ExitCode.VIOLATIONS
    assert "data/events.ttl" in result.output


def test_no_project_at_all_exits_2_and_says_what_to_do(tmp_path):
    result = run(tmp_path, "info")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "no sdglod.toml" in result.output and "--project" in result.output


def test_no_build_yet_exits_2_and_says_to_build(project):
    for command in (["info"], ["dump"], ["query", "events"], ["sparql", "ASK { ?s ?p ?o }"]):
        result = run(project, *command)
        assert result.exit_code == ExitCode.BAD_INPUT, command
        assert "sdglod build" in result.output, command


def test_a_damaged_build_manifest_exits_2_not_3(project):
    assert run(project, "build").exit_code == 0
    (project / ".sdglod" / "current" / MANIFEST_FILE).write_text("{not json", encoding="utf-8")
    result = run(project, "info")
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert MANIFEST_FILE in result.output and "sdglod build" in result.output


def test_a_bug_exits_3_with_its_traceback_never_0(project, monkeypatch):
    def crash(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("sdglod.cli.query.load_queries", crash)
    result = run(project, "queries")
    assert result.exit_code == ExitCode.INTERNAL
    assert "internal error" in result.output

"""Finding a project and reading ``sdglod.toml``: what an editor writes, and what they get
when they write it wrong (exit code 2 with the file and line, never a crash)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sdglod.cli import cli
from sdglod.errors import ExitCode, ProjectError
from sdglod.project import BASE_ENV, DEFAULT_VOCAB, find_root, load_project

MINI = Path(__file__).parent / "fixtures" / "mini-project"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return Path(shutil.copytree(MINI, tmp_path / "mini"))


def write_config(project: Path, text: str) -> None:
    (project / "sdglod.toml").write_text(text, encoding="utf-8")


def test_the_fixture_project_reads_as_written(project):
    loaded = load_project(project)
    assert loaded.root == project.resolve()
    assert loaded.base == "https://example.org/mini/"
    assert [a.name for a in loaded.areas] == ["data"]
    assert loaded.areas[0].iri == "https://example.org/mini/graph/data"
    assert loaded.vocab == DEFAULT_VOCAB
    assert [s.relpath for s in loaded.source_files()] == ["data/events.ttl"]


def test_a_folder_inside_the_project_finds_its_root(project):
    assert find_root(project / "data") == project.resolve()


def test_outside_any_project_the_error_says_what_to_do(tmp_path):
    with pytest.raises(ProjectError) as error:
        find_root(tmp_path)
    assert "--project" in (error.value.hint or "")


def test_the_base_iri_comes_from_the_option_then_the_environment_then_the_file(
    project, monkeypatch
):
    monkeypatch.setenv(BASE_ENV, "https://env.example/")
    assert load_project(project).base == "https://env.example/"
    assert load_project(project, "https://option.example/").base == "https://option.example/"
    monkeypatch.delenv(BASE_ENV)
    assert load_project(project).base == "https://example.org/mini/"


def test_the_first_graph_whose_pattern_matches_a_file_gets_it(project):
    (project / "data" / "extra.ttl").write_text("", encoding="utf-8")
    write_config(
        project,
        'base = "https://example.org/mini/"\n'
        '[[graphs]]\nname = "extra"\nfiles = ["data/extra.ttl"]\n'
        '[[graphs]]\nname = "data"\nfiles = ["data/*.ttl"]\n',
    )
    graphs = {s.relpath: s.graph.name for s in load_project(project).source_files()}
    assert graphs == {"data/extra.ttl": "extra", "data/events.ttl": "data"}


@pytest.mark.parametrize(
    ("config", "line", "complaint"),
    [
        ("base = 42\n", 1, "`base` is 42, not text in quotes"),
        ('base = "no-scheme/"\n', 1, "not an http(s) address"),
        ('base = "javascript:alert(1)/"\n', 1, "does not start with http:// or https://"),
        ('base = "file:///srv/data/"\n', 1, "does not start with http:// or https://"),
        ('base = "https:///"\n', 1, "names no host"),
        ('base = "https://e.org:99999/"\n', 1, "Port out of range"),
        ('base = "https://[::1/"\n', 1, "not an http(s) address"),
        ('base = "https://user:secret@e.org/"\n', 1, "user name or password"),
        ('base = "https://e.org/\\u0001/"\n', 1, "not an http(s) address"),
        ('base = "https://example.org/x"\n', 1, "ending in '/' or '#'"),
        ("graphs = 3\n", 1, "`graphs` is 3, not a list"),
        ('base = "https://e.org/"\n[[graphs]]\nname = 5\nfiles = ["data/*.ttl"]\n', 3, "`name`"),
        ('[[graphs]]\nname = "Data Graph"\nfiles = ["data/*.ttl"]\n', 2, "lowercase slug"),
        ('[[graphs]]\nname = "data"\nfiles = "data/*.ttl"\n', 3, "no `files` list"),
        ('[[graphs]]\nname = "data"\n', None, "no `files` list"),
        ('[[graphs]]\nname = "data"\nfiles = ["data/*.ttl"]\niri = "graph"\n', 4, "not an abs"),
        ('[[graphs]]\nname = "data"\nfiles = ["data/*.ttl"]\niri = 7\n', 4, "`iri` is 7"),
        ('[[graphs]]\nname = "data"\nfiles = ["data/*.ttl"]\niri = "http://[x/"\n', 4, "not an a"),
        ('[jsonld]\nvocab = 5\n[[graphs]]\nname = "data"\nfiles = ["data/*.ttl"]\n', 2, "vocab"),
        ('prefixes = 1\n[[graphs]]\nname = "d"\nfiles = ["data/*.ttl"]\n', 1, "`prefixes`"),
        ('[prefixes]\nex = 1\n[[graphs]]\nname = "d"\nfiles = ["data/*.ttl"]\n', 2, "prefix 'ex'"),
        ('[jsonld]\nvocab = "terms"\n[[graphs]]\nname = "d"\nfiles = ["d.ttl"]\n', 2, "vocab"),
        ('[prefixes]\nex = "ns/"\n[[graphs]]\nname = "d"\nfiles = ["d.ttl"]\n', 2, "not an absol"),
        ('[prefixes]\nex = "http://[::1/"\n[[graphs]]\nname = "d"\nfiles = ["d"]\n', 2, "'ex'"),
        (
            '[prefixes]\n"a b" = "http://e.org/"\n[[graphs]]\nname = "d"\nfiles = ["d"]\n',
            2,
            "'a b'",
        ),
        (
            '[prefixes]\n_ = "http://e.org/"\n[[graphs]]\nname = "d"\nfiles = ["d"]\n',
            2,
            "prefix name",
        ),
        ('base = "https://e.org/"\n', None, "no [[graphs]] entries"),
        ("[[graphs]\n", 1, "not valid TOML"),
    ],
)
def test_a_wrong_configuration_names_the_file_line_and_value(project, config, line, complaint):
    write_config(project, config)
    with pytest.raises(ProjectError) as error:
        load_project(project)
    assert complaint in error.value.message
    assert error.value.location is not None
    assert error.value.location.path.name == "sdglod.toml"
    if line is not None:
        assert error.value.location.line == line


def test_the_second_graph_entry_is_pointed_at_not_the_first(project):
    write_config(
        project,
        '[[graphs]]\nname = "data"\nfiles = ["data/*.ttl"]\n\n'
        '[[graphs]]\nname = "more"\nfiles = ["more/*.ttl"]\niri = "relative"\n',
    )
    with pytest.raises(ProjectError) as error:
        load_project(project)
    assert error.value.location is not None and error.value.location.line == 8


def test_a_configuration_that_is_not_utf8_is_exit_2_not_a_crash(project):
    (project / "sdglod.toml").write_bytes(b'base = "https://e.org/\xff/"\n')
    result = CliRunner().invoke(cli, ["--project", str(project), "validate"])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "UTF-8" in result.output and "sdglod.toml:1:" in result.output


def test_a_base_from_the_environment_or_the_caller_is_named_when_refused(project, monkeypatch):
    monkeypatch.setenv(BASE_ENV, "file:///srv/")
    with pytest.raises(ProjectError, match=r"^\$SDGLOD_BASE 'file:///srv/' is not an http"):
        load_project(project)
    with pytest.raises(ProjectError, match=r"^base IRI '' is not an http"):
        load_project(project, "")  # given, though empty: not silently the environment's


@pytest.mark.parametrize("command", ["validate", "build", "info", "queries"])
def test_every_command_turns_a_wrong_configuration_into_exit_2(project, command):
    write_config(project, 'base = "https://example.org/"\ngraphs = [1, 2]\n')
    result = CliRunner().invoke(cli, ["--project", str(project), command])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "sdglod.toml:2" in result.output

"""`sdglod build` and `sdglod dump`: atomic, reproducible, and loud about bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sdglod.build import build, current_build
from sdglod.cli import cli
from sdglod.errors import ExitCode, SourceSyntaxError
from sdglod.project import load_project


def run(project_dir: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(project_dir), *args])


def dist_files(project_dir: Path) -> dict[str, bytes]:
    dist = project_dir / "dist"
    return {p.name: p.read_bytes() for p in sorted(dist.iterdir())}


def test_build_writes_store_dumps_and_graphs(project_dir):
    result = run(project_dir, "build")
    assert result.exit_code == 0, result.output
    assert "dist/dataset.ttl" in result.output
    assert set(dist_files(project_dir)) == {
        "dataset.ttl",
        "dataset.nt",
        "dataset.nq",
        "dataset.trig",
        "dataset.jsonld",
        "dataset.rdf",
        "context.jsonld",
        "validation.ttl",
        "validation.json",
        "shapes.ttl",
        "events.framed.jsonld",
        "void.ttl",
        "catalog.ttl",
        "catalog.jsonld",
        "dataset.schema.jsonld",
    }
    manifest = current_build(load_project(project_dir)).manifest
    assert set(manifest.graphs) == {
        f"https://w3id.org/sdglod/graph/{name}" for name in ("ontology", "sdg", "metadata", "data")
    }
    assert manifest.sources["data/sdg.ttl"].graph == "https://w3id.org/sdglod/graph/sdg"


def test_two_builds_of_the_same_sources_are_byte_identical(tmp_path):
    from conftest import copy_project

    first, second = copy_project(tmp_path / "a"), copy_project(tmp_path / "b")
    assert run(first, "build").exit_code == 0
    assert run(second, "build").exit_code == 0
    assert dist_files(first) == dist_files(second)
    # And a rebuild in place gives the same bytes too.
    before = dist_files(first)
    assert run(first, "build").exit_code == 0
    assert dist_files(first) == before


def test_broken_turtle_names_file_line_and_column_and_keeps_the_last_good_build(project_dir):
    assert run(project_dir, "build").exit_code == 0
    good_target = os.readlink(project_dir / ".sdglod" / "current")
    good_dumps = dist_files(project_dir)

    people = project_dir / "data" / "people.ttl"
    lines = people.read_text(encoding="utf-8").splitlines()
    line_no = next(i for i, line in enumerate(lines, 1) if 'schema:givenName "Inga"' in line)
    lines[line_no - 1] = lines[line_no - 1].replace('"Inga" ;', '"Inga ;')
    people.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run(project_dir, "build")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"data/people.ttl:{line_no}:" in result.output
    assert "syntax error" in result.output
    assert os.readlink(project_dir / ".sdglod" / "current") == good_target
    assert dist_files(project_dir) == good_dumps
    # The store of the last good build still answers.
    store = current_build(load_project(project_dir)).open_store()
    assert len(store) > 1000


def test_syntax_error_position_is_exact(project_dir):
    (project_dir / "data" / "broken.ttl").write_text(
        "@prefix schema: <http://schema.org/> .\n\n"
        '<id/x> schema:name "ok" ;\n   schema:name nope: .\n',
        encoding="utf-8",
    )
    with pytest.raises(SourceSyntaxError) as caught:
        build(load_project(project_dir))
    location = caught.value.location
    assert (str(location.path), location.line, location.column) == ("data/broken.ttl", 4, 16)
    assert caught.value.hint


def test_a_failure_while_writing_dumps_leaves_the_previous_build(project_dir, monkeypatch):
    assert run(project_dir, "build").exit_code == 0
    good_target = os.readlink(project_dir / ".sdglod" / "current")
    good_dumps = dist_files(project_dir)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("sdglod.rdf.writer.Dumper.write_all", disk_full)
    with pytest.raises(OSError):
        build(load_project(project_dir))
    assert os.readlink(project_dir / ".sdglod" / "current") == good_target
    assert dist_files(project_dir) == good_dumps
    builds = list((project_dir / ".sdglod" / "builds").iterdir())
    assert [b.name for b in builds] == [Path(good_target).name]


def test_old_builds_are_pruned_but_the_previous_one_is_kept(project_dir):
    for _ in range(4):
        assert run(project_dir, "build").exit_code == 0
    assert len(list((project_dir / ".sdglod" / "builds").iterdir())) == 2


def test_a_real_dist_folder_is_not_overwritten(project_dir):
    (project_dir / "dist").mkdir()
    (project_dir / "dist" / "mine.txt").write_text("keep me")
    result = run(project_dir, "build")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "dist" in result.output and "hint:" in result.output
    assert (project_dir / "dist" / "mine.txt").read_text() == "keep me"


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld"])
def test_dump_writes_the_same_bytes_as_the_build(project_dir, tmp_path, fmt):
    assert run(project_dir, "build").exit_code == 0
    out = tmp_path / f"out.{fmt}"
    result = run(project_dir, "dump", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (project_dir / "dist" / f"dataset.{fmt}").read_bytes()


def test_dump_to_stdout(project_dir):
    assert run(project_dir, "build").exit_code == 0
    result = run(project_dir, "dump", "--format", "nt")
    assert result.exit_code == 0
    assert result.stdout_bytes == (project_dir / "dist" / "dataset.nt").read_bytes()


def test_dump_before_any_build_explains_what_to_do(project_dir):
    result = run(project_dir, "dump")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "sdglod build" in result.output


def test_unknown_dump_format_lists_the_known_ones(project_dir):
    result = run(project_dir, "dump", "--format", "rdfxml")
    assert result.exit_code == 2
    assert "ttl" in result.output and "jsonld" in result.output


def test_base_iri_is_configurable_without_touching_the_data(project_dir):
    result = run(project_dir, "--base", "http://example.org/lod/", "build")
    assert result.exit_code == 0, result.output
    turtle = (project_dir / "dist" / "dataset.ttl").read_text(encoding="utf-8")
    assert "<http://example.org/lod/id/event/>" in turtle
    assert "w3id.org/sdglod/id/" not in turtle
    # Vocabulary terms are not data: the ontology namespace stays put.
    assert "https://w3id.org/sdglod/ontology#" in turtle


def test_bad_base_iri_is_refused(project_dir):
    result = run(project_dir, "--base", "not an iri", "build")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "base IRI" in result.output


def test_info_shows_the_current_build(project_dir):
    assert run(project_dir, "build").exit_code == 0
    result = run(project_dir, "info")
    assert result.exit_code == 0
    assert "https://w3id.org/sdglod/graph/data" in result.output
    assert "data/outcomes.ttl" in result.output


def test_an_internal_error_exits_with_3_not_1(project_dir, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("sdglod.cli.build.run_build", crash)
    result = run(project_dir, "build")
    assert result.exit_code == ExitCode.INTERNAL


def test_a_reader_that_stops_early_is_not_an_error(project_dir):
    assert run(project_dir, "build").exit_code == 0
    command = [
        sys.executable,
        "-m",
        "sdglod",
        "--project",
        str(project_dir),
        "dump",
        "--format",
        "nt",
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout.readline().startswith(b"<")
        process.stdout.close()  # like `| head -1`
        assert process.wait(timeout=60) == 0
        assert b"Traceback" not in process.stderr.read()

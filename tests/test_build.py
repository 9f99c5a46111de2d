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
        # The event stream in one file, once the project has a release log.
        *(["ldes.ttl"] if (project_dir / "releases.jsonl").is_file() else []),
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


def build_folders(project_dir: Path) -> set[str]:
    return {p.name for p in (project_dir / ".sdglod" / "builds").iterdir()}


def test_old_builds_nobody_reads_are_removed(project_dir):
    for _ in range(4):
        assert run(project_dir, "build").exit_code == 0
    current = Path(os.readlink(project_dir / ".sdglod" / "current")).name
    assert build_folders(project_dir) == {current}


def test_a_build_in_use_is_kept_whatever_builds_come_after(project_dir):
    assert run(project_dir, "build").exit_code == 0
    project = load_project(project_dir)
    reader = current_build(project)  # as a server holds its build
    store = reader.open_store()
    for _ in range(3):
        assert run(project_dir, "build").exit_code == 0
    assert reader.folder.name in build_folders(project_dir)
    assert len(build_folders(project_dir)) == 2  # the reader's and the current one
    assert len(store) == reader.manifest.triples  # still readable
    del store
    reader.release()
    assert run(project_dir, "build").exit_code == 0
    assert build_folders(project_dir) == {current_build(project).folder.name}


def test_the_next_build_removes_folders_of_killed_builds(project_dir):
    assert run(project_dir, "build").exit_code == 0
    builds = project_dir / ".sdglod" / "builds"
    for name in ("20200101T000000-killed1", "29991231T235959-killed2"):  # old and "newest"
        (builds / name / "store").mkdir(parents=True)
        (builds / name / "dist").mkdir()
    broken = project_dir / "data" / "broken.ttl"
    broken.write_text("this is not turtle", encoding="utf-8")
    # Even a build that fails removes them: killed builds must not pile up.
    assert run(project_dir, "build").exit_code != 0
    current = Path(os.readlink(project_dir / ".sdglod" / "current")).name
    assert build_folders(project_dir) == {current}


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


# --- what is published is what was validated ---------------------------------------------------

LITERALS_PROJECT = Path(__file__).parent / "fixtures" / "literals-project"
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMBERS = (
    "@prefix schema: <http://schema.org/> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    "@prefix ex: <https://example.org/lit/vocab#> .\n"
    "\n"
    "<id/event/numbers> a schema:Event ;\n"
    '    ex:seats "3"^^xsd:int ;\n'
    '    ex:visitors "5"^^xsd:long ;\n'
    '    schema:position "007"^^xsd:integer ;\n'
    '    ex:budget "1.0E6"^^xsd:double .\n'
)
SEATS_AS_INT = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    "@prefix ex: <https://example.org/lit/vocab#> .\n"
    "@prefix lit: <https://example.org/lit/shapes#> .\n"
    "\n"
    "lit:Seats a sh:NodeShape ; sh:targetSubjectsOf ex:seats ; sh:property lit:Seats-int .\n"
    "lit:Seats-int a sh:PropertyShape ; sh:path ex:seats ; sh:datatype xsd:int ;\n"
    '    sh:message "Vietu skaitam jābūt xsd:int."@lv, "The seats must be an xsd:int."@en .\n'
)


def _pyshacl_conforms(dump: Path, shapes: list[str]) -> bool:
    """pyshacl itself (not sdglod's wrapper) on a published dump."""
    import pyshacl
    from rdflib import Graph

    shapes_graph = Graph()
    for text in shapes:
        shapes_graph.parse(data=text, format="turtle")
    conforms, _, _ = pyshacl.validate(
        Graph().parse(dump), shacl_graph=shapes_graph, inference="none", advanced=True
    )
    return conforms


def test_what_is_published_is_what_was_validated(tmp_path):
    import json
    import shutil

    from pyoxigraph import Literal, NamedNode, RdfFormat, parse
    from starlette.testclient import TestClient

    from sdglod.rdf.sources import load_sources
    from sdglod.rdf.store import canonical_literals
    from sdglod.validation.literals import STORED_FORM
    from sdglod.validation.report import ValidationFailed
    from sdglod.web.app import create_app
    from sdglod.web.config import ServerConfig

    root = shutil.copytree(LITERALS_PROJECT, tmp_path / "project")
    (root / "data" / "numbers.ttl").write_text(NUMBERS, "utf-8")
    (root / "shapes" / "seats.ttl").write_text(SEATS_AS_INT, "utf-8")
    line = {text.split()[0]: n for n, text in enumerate(NUMBERS.splitlines(), 1) if text}

    # The store keeps "3"^^xsd:int as "3"^^xsd:integer: the shape that wants xsd:int checks
    # that, and refuses the build where the literal is written; nothing is published.
    with pytest.raises(ValidationFailed) as refused:
        build(load_project(root))
    found = {(r.rule, r.severity.value, r.line) for r in refused.value.report.results}
    assert ("https://example.org/lit/shapes#Seats-int", "Violation", line["ex:seats"]) in found
    assert (STORED_FORM, "Warning", line["ex:seats"]) in found
    assert not (root / ".sdglod" / "current").exists()

    # Without that shape it builds, with a warning where each literal the store changes is.
    (root / "shapes" / "seats.ttl").unlink()
    built = build(load_project(root))
    report = json.loads((built.dist_path / "validation.json").read_text("utf-8"))
    assert {(r["file"], r["line"]) for r in report["results"] if r["shape"] == STORED_FORM} == {
        ("data/numbers.ttl", line[name])
        for name in ("ex:seats", "ex:visitors", "schema:position", "ex:budget")
    }

    # The dumps hold what the store holds, and pyshacl finds them conform to the shapes (and not
    # to the shape that wanted xsd:int: refusing the first build was right).
    dumped = set(parse(path=str(built.dist_path / "dataset.nq"), format=RdfFormat.N_QUADS))
    assert set(built.open_store().quads()) == dumped
    sources = load_sources(load_project(root))
    validated = sources.with_literals(canonical_literals(sources.typed_literals()))
    assert set(validated.quads()) == dumped
    numbers = {q.triple for q in dumped if q.subject.value.endswith("/numbers")}
    assert {t.object for t in numbers if isinstance(t.object, Literal)} == {
        Literal("3", datatype=NamedNode(XSD + "integer")),
        Literal("5", datatype=NamedNode(XSD + "integer")),
        Literal("7", datatype=NamedNode(XSD + "integer")),
        Literal("1000000", datatype=NamedNode(XSD + "double")),
    }
    shapes = [p.read_text("utf-8") for p in sorted((root / "shapes").glob("*.ttl"))]
    for name in ("dataset.ttl", "dataset.nt", "dataset.rdf"):
        assert _pyshacl_conforms(built.dist_path / name, shapes)
    assert not _pyshacl_conforms(built.dist_path / "dataset.ttl", [*shapes, SEATS_AS_INT])

    # Pages and queries say what the dumps say.
    config = ServerConfig(project_root=root, query_workers=1)
    with TestClient(create_app(config)) as client:
        document = client.get("/id/event/numbers.nt")
        served = set(parse(document.content, format=RdfFormat.N_TRIPLES))
        assert {t.triple for t in served if t.subject.value.endswith("/numbers")} == numbers
        page = client.get("/id/event/numbers.html").text
        assert "1000000" in page and "007" not in page and "1.0E6" not in page
        answer = client.get(
            "/sparql",
            params={"query": "SELECT ?v { ?e <http://schema.org/position> ?v }"},
            headers={"Accept": "application/sparql-results+json"},
        ).json()
        (binding,) = answer["results"]["bindings"]
        assert binding["v"] == {"type": "literal", "value": "7", "datatype": XSD + "integer"}

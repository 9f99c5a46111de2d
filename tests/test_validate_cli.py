"""`sdglod validate` and the validation gate of `sdglod build`: exit codes, formats, reports."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import RdfFormat, parse

from sdglod.build import current_build
from sdglod.cli import cli
from sdglod.errors import ExitCode
from sdglod.project import load_project

FIXTURES = Path(__file__).parent / "fixtures" / "invalid"
# Every letter of Latvian, Estonian and Lithuanian that ASCII lacks, which the sdglod tests use.
LETTERS = "ā ē ī ū š ž ķ ļ ņ õ ä ö ü ą ė į ų"


def run(project_dir: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(project_dir), *args])


def add_fixture(project_dir: Path, name: str) -> Path:
    target = project_dir / "data" / "zz-fixture.ttl"
    target.write_text((FIXTURES / f"{name}.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    return target


def marked_line(name: str) -> int:
    """The line of a fixture that ends with the #! marker."""
    lines = (FIXTURES / f"{name}.ttl").read_text(encoding="utf-8").splitlines()
    (line,) = [n for n, text in enumerate(lines, 1) if text.rstrip().endswith("#!")]
    return line


def add_unicode_violation(project_dir: Path) -> None:
    text = (FIXTURES / "name-other-language.ttl").read_text(encoding="utf-8")
    text = text.replace('"Fiktiver Verein"@de', f'"{LETTERS}"@de')
    (project_dir / "data" / "zz-fixture.ttl").write_text(text, encoding="utf-8")


# --- exit codes (a contract) -----------------------------------------------------------------


def test_conforming_data_exits_0_with_a_summary(project_dir):
    result = run(project_dir, "validate")
    assert result.exit_code == ExitCode.OK, result.output
    assert "✓ passes: 0 violations, 0 warnings, 0 infos" in result.output
    # The summary counts every source file of the project, however many the data has.
    files = len(load_project(project_dir).source_files())
    assert f"({files} files, " in result.output


def test_violations_exit_1_and_name_file_line_resource_and_fix(project_dir):
    add_fixture(project_dir, "event-ends-before-it-starts")
    result = run(project_dir, "validate")
    assert result.exit_code == ExitCode.VIOLATIONS
    assert "data/zz-fixture.ttl" in result.output
    assert "event:fixture" in result.output and "schema:startDate" in result.output
    assert "Check both dates" in result.output  # how to fix it
    assert "sdgsh:Event-start-before-end" in result.output
    assert "✗ does not conform: 1 violation" in result.output


def test_warnings_pass_unless_strict(project_dir):
    add_fixture(project_dir, "campaign-without-description")
    assert run(project_dir, "validate").exit_code == ExitCode.OK
    assert run(project_dir, "validate", "--strict").exit_code == ExitCode.VIOLATIONS


def test_a_syntax_error_exits_2_with_file_line_and_column(project_dir):
    (project_dir / "data" / "broken.ttl").write_text("<id/x> <id/y> .\n", encoding="utf-8")
    result = run(project_dir, "validate")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "data/broken.ttl:1:" in result.output and "syntax error" in result.output


def test_a_missing_file_exits_2(project_dir):
    result = run(project_dir, "validate", "data/nothing-here.ttl")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "nothing-here.ttl" in result.output


def test_shapes_that_break_shacl_shacl_exit_2_and_say_where(project_dir):
    (project_dir / "shapes" / "broken.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix ex: <http://example.org/> .\n"
        "ex:Shape a sh:NodeShape ; sh:targetClass ex:C ;\n"
        "    sh:property [ sh:path ex:p ; sh:minCount <urn:not-a-number> ] .\n",
        encoding="utf-8",
    )
    result = run(project_dir, "validate")
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "SHACL-SHACL" in result.output and "shapes/broken.ttl:" in result.output


def test_no_shapes_at_all_exits_2(project_dir):
    for path in (project_dir / "shapes").glob("*.ttl"):
        path.unlink()
    result = run(project_dir, "validate")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "no SHACL shapes" in result.output


@pytest.mark.parametrize(
    ("engine", "target"),
    [
        ("pyshacl", "pyshacl.validate"),
        ("auto", "sdglod.validation.sparql_engine.engine.Engine.run"),
    ],
)
def test_an_internal_error_exits_3_never_0(project_dir, monkeypatch, engine, target):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(target, crash)
    result = run(project_dir, "validate", "--format", "github", "--engine", engine)
    assert result.exit_code == ExitCode.INTERNAL


# --- formats ---------------------------------------------------------------------------------


def test_messages_in_latvian(project_dir):
    add_fixture(project_dir, "name-missing-english")
    result = run(project_dir, "validate", "--lang", "lv")
    assert "Resursam nav nosaukuma angļu valodā" in result.output


def test_json_format(project_dir):
    add_fixture(project_dir, "email-malformed")
    result = run(project_dir, "validate", "--format", "json")
    assert result.exit_code == ExitCode.VIOLATIONS
    document = json.loads(result.output)
    assert document["conforms"] is False and document["passes"] is False
    assert document["summary"]["violations"] == 1
    (found,) = document["results"]
    assert found["file"] == "data/zz-fixture.ttl"
    assert found["line"] == marked_line("email-malformed")
    assert found["focusNodeName"] == "organization:fixture"
    assert found["pathName"] == "schema:email"
    assert found["value"] == '"office(at)example.lv"'
    assert found["severity"] == "Violation"
    assert set(found["messages"]) == {"lv", "en"}
    assert found["shapeName"] == "sdgsh:EmailAddress-email"


def test_junit_format_is_valid_xml_ci_systems_read(project_dir):
    add_fixture(project_dir, "hashtag-with-space")
    result = run(project_dir, "validate", "--format", "junit")
    assert result.exit_code == ExitCode.VIOLATIONS
    root = ET.fromstring(result.output)
    assert root.tag == "testsuites" and root.get("failures") == "1"
    failures = root.findall(".//testcase/failure")
    assert len(failures) == 1
    case = root.find(".//failure/..")
    assert case.get("file") == "data/zz-fixture.ttl"
    assert case.get("line") == str(marked_line("hashtag-with-space"))
    passing = [c for c in root.iter("testcase") if c.find("failure") is None]
    assert {c.get("classname") for c in passing} >= {"data/events.ttl", "ontology/sdglod.ttl"}


def test_github_annotations(project_dir):
    add_fixture(project_dir, "outcome-without-english-text")
    result = run(project_dir, "validate", "--format", "github")
    lines = result.output.splitlines()
    (annotation,) = [line for line in lines if line.startswith("::")]
    line = marked_line("outcome-without-english-text")
    assert annotation.startswith(f"::error file=data/zz-fixture.ttl,line={line},col=5,")
    assert "title=SHACL Violation%3A sdgsh%3AOutcome-text-en::" in annotation
    assert "outcome:fixture-9 schema:text" in annotation
    assert lines[-1].startswith("✗ does not conform")


def test_github_annotation_for_a_syntax_error(project_dir):
    (project_dir / "data" / "broken.ttl").write_text("<id/x> <id/y> .\n", encoding="utf-8")
    result = run(project_dir, "validate", "--format", "github")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.output.startswith("::error file=data/broken.ttl,line=1,col=")


def test_sarif_format(project_dir):
    add_fixture(project_dir, "campaign-without-description")
    result = run(project_dir, "validate", "--format", "sarif")
    document = json.loads(result.output)
    assert document["version"] == "2.1.0"
    (run_,) = document["runs"]
    (found,) = run_["results"]
    assert found["level"] == "warning"
    assert found["ruleId"] == "sdgsh:Campaign-description"
    region = found["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == "data/zz-fixture.ttl"
    assert region["region"]["startLine"] == marked_line("campaign-without-description")
    assert [rule["id"] for rule in run_["tool"]["driver"]["rules"]] == [found["ruleId"]]


def test_turtle_format_is_the_shacl_report_graph(project_dir):
    add_fixture(project_dir, "person-without-family-name")
    result = run(project_dir, "validate", "--format", "turtle")
    triples = list(parse(result.output.encode(), format=RdfFormat.TURTLE))
    shacl = "http://www.w3.org/ns/shacl#"
    values = {(t.predicate.value, t.object.value) for t in triples}
    assert (shacl + "conforms", "false") in values
    assert (shacl + "focusNode", "https://w3id.org/sdglod/id/person/fixture") in values
    assert (shacl + "resultPath", "http://schema.org/familyName") in values
    assert (shacl + "sourceShape", "https://w3id.org/sdglod/shapes#Person-familyName") in values


def test_report_to_a_file(project_dir, tmp_path):
    output = tmp_path / "report.xml"
    result = run(project_dir, "validate", "--format", "junit", "-o", str(output))
    assert result.exit_code == ExitCode.OK and result.output == ""
    assert ET.parse(output).getroot().get("failures") == "0"


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github", "sarif", "turtle"])
def test_baltic_letters_survive_every_format(project_dir, fmt):
    add_unicode_violation(project_dir)
    result = run(project_dir, "validate", "--format", fmt)
    assert result.exit_code == ExitCode.VIOLATIONS
    if fmt == "json":
        (found,) = json.loads(result.output)["results"]
        assert found["value"] == f'"{LETTERS}"@de'
    elif fmt == "sarif":
        found = json.loads(result.output)["runs"][0]["results"][0]
        assert found["properties"]["value"] == f'"{LETTERS}"@de'
    elif fmt == "junit":
        assert LETTERS in ET.fromstring(result.output).find(".//failure").text
    elif fmt == "turtle":
        triples = parse(result.output.encode(), format=RdfFormat.TURTLE)
        assert LETTERS in {t.object.value for t in triples}
    else:
        assert LETTERS in result.output


# --- the gate in `sdglod build` ---------------------------------------------------------------


def test_build_refuses_on_violations_and_keeps_the_last_good_build(project_dir):
    assert run(project_dir, "build").exit_code == 0
    current = os.readlink(project_dir / ".sdglod" / "current")
    dumps = {p.name: p.read_bytes() for p in (project_dir / "dist").iterdir()}

    add_fixture(project_dir, "outcome-without-target")
    result = run(project_dir, "build")
    assert result.exit_code == ExitCode.VIOLATIONS
    assert "data/zz-fixture.ttl" in result.output and "outcome:fixture-9" in result.output
    assert "does not conform" in result.output
    assert os.readlink(project_dir / ".sdglod" / "current") == current
    assert {p.name: p.read_bytes() for p in (project_dir / "dist").iterdir()} == dumps
    assert len(list((project_dir / ".sdglod" / "builds").iterdir())) == 1


def test_build_passes_warnings_unless_strict(project_dir):
    add_fixture(project_dir, "campaign-without-description")
    assert run(project_dir, "build", "--strict").exit_code == ExitCode.VIOLATIONS
    assert not (project_dir / ".sdglod" / "current").exists()
    result = run(project_dir, "build")
    assert result.exit_code == ExitCode.OK
    report = json.loads((project_dir / "dist" / "validation.json").read_text())
    assert report["conforms"] is False and report["passes"] is True
    assert report["summary"]["warnings"] == 1


def test_build_publishes_the_validation_report_and_the_shapes(project_dir):
    assert run(project_dir, "build").exit_code == 0
    dist = project_dir / "dist"
    report = json.loads((dist / "validation.json").read_text())
    assert report["conforms"] is True and report["results"] == []
    assert set(report["shapes"]) == {
        f"shapes/{p.name}" for p in (project_dir / "shapes").glob("*.ttl")
    }
    assert set(report["sources"]) == {
        source.relpath for source in load_project(project_dir).source_files()
    }
    triples = list(parse((dist / "validation.ttl").read_bytes(), format=RdfFormat.TURTLE))
    conforms = [t.object.value for t in triples if t.predicate.value.endswith("#conforms")]
    assert conforms == ["true"]
    shapes = list(parse((dist / "shapes.ttl").read_bytes(), format=RdfFormat.TURTLE))
    assert len(shapes) > 500
    manifest = current_build(load_project(project_dir)).manifest
    assert manifest.validation.violations == 0


def test_build_can_skip_validation_and_then_publishes_no_report(project_dir):
    add_fixture(project_dir, "outcome-without-target")
    result = run(project_dir, "build", "--skip-validation")
    assert result.exit_code == 0
    assert not (project_dir / "dist" / "validation.json").exists()

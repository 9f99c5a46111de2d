"""Every output format of a validation report, rendered from a small hand-built report.

Each test reads the output as its consumer would (a terminal, a JSON or XML parser, GitHub's
workflow-command parser, a SARIF viewer, an RDF parser) and checks what that consumer shows:
the file and line, the severity, the counts, the message.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, parse

from sdglod.errors import Location, SourceSyntaxError
from sdglod.validation.report import Report, Severity, ValidationResult
from sdglod.validation.report_formats import (
    FORMATS,
    render,
    render_error,
    write_published_report,
)

SH = "http://www.w3.org/ns/shacl#"
EX = "http://example.org/"
PREFIXES = {"ex": EX, "schema": "http://schema.org/"}
HOSTILE = "line one\nline two\r\n::error file=evil.ttl::<script>alert(\"x\")</script> 100% & 'q'"


def _result(severity: Severity, focus: str, **fields: object) -> ValidationResult:
    values: dict = {
        "path": None,
        "value": None,
        "messages": {"en": f"{severity.value} message"},
        "shape": f"{EX}shapes/{severity.value}",
        "component": f"{SH}MinCountConstraintComponent",
    }
    values.update(fields)
    return ValidationResult(severity=severity, focus_node=focus, **values)  # type: ignore[arg-type]


VIOLATION = _result(
    Severity.VIOLATION,
    f"{EX}alice",
    path="http://schema.org/name",
    value='"Alise"@lv',
    messages={"en": "Needs an English name", "lv": "Vajag nosaukumu angliski"},
    file="data/people.ttl",
    line=3,
    column=5,
)
WARNING = _result(
    Severity.WARNING,
    f"{EX}bob",
    path="^<http://schema.org/knows>",
    component=f"{SH}ClassConstraintComponent",
    file="data/odd,name:1.ttl",
    line=7,
    severity_iri=f"{SH}Warning",
)
INFO = _result(
    Severity.INFO,
    "_:n1",
    messages={"": "Just so you know"},
    component=f"{SH}SPARQLConstraintComponent",
    constraint=f"{EX}shapes/info-sparql",
)
FILES = {"data/people.ttl": "1" * 64, "data/odd,name:1.ttl": "2" * 64, "data/clean.ttl": "3" * 64}


def _report(*results: ValidationResult) -> Report:
    return Report(
        results=results,
        files=FILES,
        shapes={"shapes/people.ttl": "4" * 64},
        triples=42,
        prefixes=PREFIXES,
    )


REPORT = _report(VIOLATION, WARNING, INFO)
CONFORMING = _report()


def _annotation(line: str) -> tuple[str, dict[str, str], str]:
    """A GitHub workflow command as the runner reads it: command, properties, message."""
    assert line.startswith("::"), line
    end = line.index("::", 2)
    command, _, properties = line[2:end].partition(" ")

    def unescape(text: str, property_value: bool) -> str:
        pairs = [("%0D", "\r"), ("%0A", "\n")]
        if property_value:
            pairs += [("%3A", ":"), ("%2C", ",")]
        for escaped, plain in [*pairs, ("%25", "%")]:
            text = text.replace(escaped, plain)
        return text

    found = {}
    for item in filter(None, properties.split(",")):
        key, _, value = item.partition("=")
        found[key] = unescape(value, True)
    return command, found, unescape(line[end + 2 :], False)


# --- text ------------------------------------------------------------------------------------


def test_text_lists_each_result_under_its_file_at_line_and_column():
    lines = render(REPORT, "text").splitlines()
    assert lines[0] == "data/people.ttl"
    assert lines[1].split()[:4] == ["3:5", "violation", "ex:alice", "schema:name"]
    assert lines[2].strip() == "Needs an English name"
    assert "data/odd,name:1.ttl" in lines
    assert any(line.split()[:2] == ["7:?", "warning"] for line in lines)
    assert "(not in any source file)" in lines
    assert lines[-1].startswith("✗ does not conform: 1 violation, 1 warning, 1 info")
    assert "(3 files, 42 triples, 1 shapes files)" in lines[-1]


def test_text_colours_only_when_asked_and_passes_a_conforming_report():
    assert "\x1b[" not in render(REPORT, "text")
    assert "\x1b[31m" in render(REPORT, "text", color=True)  # violations in red
    assert render(CONFORMING, "text").startswith("✓ passes: 0 violations, 0 warnings, 0 infos")


def test_text_in_latvian_and_strict():
    assert "Vajag nosaukumu angliski" in render(REPORT, "text", lang="lv")
    only_warning = _report(WARNING)
    assert render(only_warning, "text").splitlines()[-1].startswith("✓ passes")
    assert render(only_warning, "text", strict=True).splitlines()[-1].startswith("✗")


# --- JSON ------------------------------------------------------------------------------------


def test_json_has_counts_and_each_result_with_file_and_line():
    document = json.loads(render(REPORT, "json"))
    assert document["conforms"] is False and document["passes"] is False
    assert document["summary"] == {
        "violations": 1,
        "warnings": 1,
        "infos": 1,
        "files": 3,
        "triples": 42,
    }
    first, second, third = document["results"]
    assert (first["file"], first["line"], first["column"]) == ("data/people.ttl", 3, 5)
    assert first["focusNodeName"] == "ex:alice" and first["pathName"] == "schema:name"
    assert first["messages"] == VIOLATION.messages
    assert (second["file"], second["line"], second["column"]) == ("data/odd,name:1.ttl", 7, None)
    assert second["pathName"] == "^schema:knows"
    assert third["file"] is None and third["constraint"] == f"{EX}shapes/info-sparql"


def test_json_passes_with_only_warnings_unless_strict():
    only_warning = _report(WARNING)
    assert json.loads(render(only_warning, "json"))["passes"] is True
    strict = json.loads(render(only_warning, "json", strict=True))
    assert strict["passes"] is False and strict["strict"] is True
    assert json.loads(render(CONFORMING, "json"))["conforms"] is True


# --- JUnit XML -------------------------------------------------------------------------------


def test_junit_counts_failures_and_lists_clean_files_as_passing():
    root = ET.fromstring(render(REPORT, "junit"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "0")
    cases = root.findall(".//testcase")
    failing = [c for c in cases if c.find("failure") is not None]
    assert len(failing) == 1
    assert (failing[0].get("file"), failing[0].get("line")) == ("data/people.ttl", "3")
    assert failing[0].find("failure").get("message") == "Needs an English name"
    assert [c.get("file") for c in cases if c.get("name") == "conforms"] == ["data/clean.ttl"]
    # Warnings and infos are shown, not failed.
    assert len([c for c in cases if c.find("system-out") is not None]) == 2


def test_junit_strict_fails_warnings_too():
    root = ET.fromstring(render(REPORT, "junit", strict=True))
    assert root.get("failures") == "2"


# --- GitHub workflow annotations -------------------------------------------------------------


def test_github_annotations_point_at_file_line_and_column():
    lines = render(REPORT, "github").splitlines()
    annotations = [_annotation(line) for line in lines if line.startswith("::")]
    assert [command for command, _, _ in annotations] == ["error", "warning", "notice"]
    _, properties, message = annotations[0]
    assert properties["file"] == "data/people.ttl"
    assert (properties["line"], properties["col"]) == ("3", "5")
    assert properties["title"] == f"SHACL Violation: <{EX}shapes/Violation>"
    assert message == 'ex:alice schema:name = "Alise"@lv: Needs an English name'
    # ':' and ',' in a property are escaped, so the file name survives whole.
    assert annotations[1][1]["file"] == "data/odd,name:1.ttl"
    assert "file" not in annotations[2][1]
    assert lines[-1].startswith("✗ does not conform")


def test_github_strict_turns_warnings_into_errors():
    lines = render(REPORT, "github", strict=True).splitlines()
    assert [_annotation(line)[0] for line in lines if line.startswith("::")][1] == "error"


@given(st.text(max_size=60))
def test_github_annotation_is_one_line_that_gives_back_the_message(text):
    report = _report(_result(Severity.VIOLATION, f"{EX}x", messages={"en": text}, file="a.ttl"))
    (line, summary) = render(report, "github").split("\n")[:2]
    assert summary.startswith("✗")
    _, properties, message = _annotation(line)
    assert properties["file"] == "a.ttl"
    assert message == f"ex:x: {text}"


# --- SARIF -----------------------------------------------------------------------------------


def test_sarif_has_rules_levels_and_locations():
    document = json.loads(render(REPORT, "sarif"))
    assert document["version"] == "2.1.0"
    (run,) = document["runs"]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert sorted({r["ruleId"] for r in results}) == rules
    assert [r["level"] for r in results] == ["error", "warning", "note"]
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "data/people.ttl"
    assert location["region"] == {"startLine": 3, "startColumn": 5}
    assert results[1]["locations"][0]["physicalLocation"]["region"] == {"startLine": 7}
    assert results[2]["locations"] == []
    assert results[2]["ruleId"] == f"<{EX}shapes/info-sparql>"  # the SPARQL constraint
    strict = json.loads(render(REPORT, "sarif", strict=True))["runs"][0]["results"]
    assert [r["level"] for r in strict] == ["error", "error", "note"]


# --- Turtle ----------------------------------------------------------------------------------


def _graph(text: str) -> set[tuple]:
    return {
        (q.subject, q.predicate, q.object)
        for q in parse(text.encode(), format=RdfFormat.TURTLE, base_iri=EX)
    }


def test_turtle_is_a_shacl_report_graph():
    triples = _graph(render(REPORT, "turtle"))
    reports = [s for s, p, o in triples if o == NamedNode(f"{SH}ValidationReport")]
    assert len(reports) == 1
    false = Literal("false", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    assert (reports[0], NamedNode(f"{SH}conforms"), false) in triples
    results = {o for s, p, o in triples if p == NamedNode(f"{SH}result")}
    assert len(results) == 3
    severities = {o for s, p, o in triples if p == NamedNode(f"{SH}resultSeverity")}
    assert severities == {NamedNode(f"{SH}{s.value}") for s in Severity}
    messages = {o for s, p, o in triples if p == NamedNode(f"{SH}resultMessage")}
    assert Literal("Vajag nosaukumu angliski", language="lv") in messages
    assert BlankNode("n1") in {o for s, p, o in triples if p == NamedNode(f"{SH}focusNode")}
    values = {o for s, p, o in triples if p == NamedNode(f"{SH}value")}
    assert values == {Literal("Alise", language="lv")}


def test_turtle_of_a_conforming_report():
    triples = _graph(render(CONFORMING, "turtle"))
    true = Literal("true", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    assert any(p == NamedNode(f"{SH}conforms") and o == true for s, p, o in triples)
    assert not any(p == NamedNode(f"{SH}result") for s, p, o in triples)


def test_the_published_report_is_turtle_and_json(tmp_path):
    written = write_published_report(REPORT, tmp_path / "dist")
    assert set(written) == {"validation-ttl", "validation-json"}
    assert _graph(written["validation-ttl"].read_text(encoding="utf-8"))
    document = json.loads(written["validation-json"].read_text(encoding="utf-8"))
    assert document["summary"]["violations"] == 1


# --- errors that stopped validation ------------------------------------------------------------

ERROR = SourceSyntaxError("unexpected token", Location(Path("data/x.ttl"), 4, 2), "fix it")


def test_render_error_json_and_text():
    document = json.loads(render_error(ERROR, "json"))
    assert document["conforms"] is None
    assert document["error"] == {
        "kind": "SourceSyntaxError",
        "message": "unexpected token",
        "hint": "fix it",
        "file": "data/x.ttl",
        "line": 4,
        "column": 2,
    }
    for fmt in ("text", "turtle"):
        assert (
            render_error(ERROR, fmt) == "error: data/x.ttl:4:2: unexpected token\n  hint: fix it\n"
        )


def test_render_error_github_junit_sarif():
    command, properties, message = _annotation(render_error(ERROR, "github").rstrip("\n"))
    assert command == "error"
    assert properties == {
        "file": "data/x.ttl",
        "line": "4",
        "col": "2",
        "title": "sdglod: SourceSyntaxError",
    }
    assert message == "unexpected token — fix it"
    root = ET.fromstring(render_error(ERROR, "junit"))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("1", "0", "1")
    error = root.find(".//testcase/error")
    assert error.get("type") == "SourceSyntaxError" and error.get("message") == "unexpected token"
    (run,) = json.loads(render_error(ERROR, "sarif"))["runs"]
    (result,) = run["results"]
    assert (result["ruleId"], result["level"]) == ("SourceSyntaxError", "error")
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 4, "startColumn": 2}


def test_render_error_without_a_location():
    error = SourceSyntaxError("no sources at all")
    assert json.loads(render_error(error, "json"))["error"]["file"] is None
    assert "file" not in _annotation(render_error(error, "github").rstrip("\n"))[1]
    (run,) = json.loads(render_error(error, "sarif"))["runs"]
    assert run["results"][0]["locations"] == []
    assert ET.fromstring(render_error(error, "junit")).find(".//testcase").get("classname")


# --- hostile text ----------------------------------------------------------------------------

HOSTILE_RESULT = _result(
    Severity.VIOLATION,
    f"{EX}mallory",
    path="http://schema.org/name",
    value='"say \\"hi\\"\\n<script>"',
    messages={"en": HOSTILE},
    file="data/people.ttl",
    line=2,
    column=1,
)
HOSTILE_REPORT = _report(HOSTILE_RESULT, WARNING)


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_messages_do_not_break_any_format(fmt):
    output = render(HOSTILE_REPORT, fmt)
    if fmt in ("json", "sarif"):
        document = json.loads(output)
        texts = json.dumps(document, ensure_ascii=False)
        assert json.dumps(HOSTILE, ensure_ascii=False)[1:-1] in texts
    elif fmt == "junit":
        root = ET.fromstring(output)
        assert root.find(".//failure").get("message") == HOSTILE
        assert root.get("failures") == "1"
    elif fmt == "github":
        lines = output.split("\n")
        annotations = [_annotation(line) for line in lines if line.startswith("::")]
        assert len(annotations) == 2  # no line of the message became a command of its own
        assert annotations[0][1]["file"] == "data/people.ttl"
        assert annotations[0][2].endswith(HOSTILE)
        assert lines[-2].startswith("✗ does not conform")
    elif fmt == "turtle":
        messages = {o for s, p, o in _graph(output) if p == NamedNode(f"{SH}resultMessage")}
        assert Literal(HOSTILE, language="en") in messages
    else:
        assert HOSTILE in output
        assert output.splitlines()[-1].startswith("✗ does not conform: 1 violation, 1 warning")


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_error_messages_do_not_break_any_format(fmt):
    error = SourceSyntaxError(HOSTILE, Location(Path("data/a,b:c.ttl"), 1, 1), HOSTILE)
    output = render_error(error, fmt)
    if fmt == "json":
        assert json.loads(output)["error"]["message"] == HOSTILE
    elif fmt == "sarif":
        assert HOSTILE in json.loads(output)["runs"][0]["results"][0]["message"]["text"]
    elif fmt == "junit":
        assert ET.fromstring(output).find(".//error").get("message") == HOSTILE
    elif fmt == "github":
        assert output.count("\n") == 1
        _, properties, message = _annotation(output.rstrip("\n"))
        assert properties["file"] == "data/a,b:c.ttl"
        assert message == f"{HOSTILE} — {HOSTILE}"
    else:
        assert HOSTILE in output


@given(st.text(max_size=40))
def test_any_message_text_keeps_every_report_format_readable(text):
    report = _report(_result(Severity.VIOLATION, f"{EX}x", messages={"en": text}, file="a.ttl"))
    junit = ET.fromstring(render(report, "junit"))
    assert junit.get("failures") == "1"
    # XML cannot carry control characters (U+0001…) at all: JUnit shows them as \xNN.
    visible = re.sub(NOT_XML, lambda found: f"\\x{ord(found.group()):02x}", text)
    assert junit.find(".//failure").get("message") == visible
    assert json.loads(render(report, "json"))["results"][0]["message"] == text
    assert json.loads(render(report, "sarif"))["runs"][0]["results"][0]["message"]["text"]


NOT_XML = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"

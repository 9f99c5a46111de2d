"""A validation report in the formats people and CI systems read.

``text`` for a terminal (grouped by file, optionally coloured, a summary line), ``json``,
``junit`` (JUnit XML, which CI systems display as tests), ``github`` (workflow annotations),
``sarif`` (SARIF 2.1.0, for code-scanning views) and ``turtle`` (the SHACL validation report
graph). A problem that stopped validation (bad input) renders in the same formats, so a CI
job that asked for annotations gets an annotation for a syntax error too.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad

from ..errors import SdglodError
from ..rdf.formats import rdf_format
from ..rdf.names import display_term, prefixed_name
from ..rdf.namespaces import RDF_TYPE, SH, XSD, XSD_BOOLEAN
from ..rdf.terms import term_from_ntriples
from ..rdf.writer import Dumper
from ..version import __version__
from .path_nodes import path_node
from .report import Report, Severity, ValidationResult

FORMATS = ("text", "json", "junit", "github", "sarif", "turtle")
_REPORT_PREFIXES = {"sh": SH, "xsd": XSD}
_IRI_IN_PATH = re.compile(r"<([^>]*)>")
_COLOURS = {Severity.VIOLATION: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def render(
    report: Report, fmt: str, lang: str = "en", strict: bool = False, color: bool = False
) -> str:
    """The report in ``fmt`` (one of :data:`FORMATS`), messages in ``lang``."""
    renderers: dict[str, Callable[..., str]] = {
        "text": _text,
        "json": _json,
        "junit": _junit,
        "github": _github,
        "sarif": _sarif,
        "turtle": _turtle,
    }
    return renderers[fmt](report, lang=lang, strict=strict, color=color)


def render_error(error: SdglodError, fmt: str) -> str:
    """A problem that stopped validation (bad input), in ``fmt``."""
    location = error.location
    file = str(location.path) if location else None
    line = location.line if location else None
    column = location.column if location else None
    kind = type(error).__name__
    if fmt == "json":
        body = {
            "conforms": None,
            "error": {
                "kind": kind,
                "message": error.message,
                "hint": error.hint,
                "file": file,
                "line": line,
                "column": column,
            },
        }
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    if fmt == "github":
        properties = _github_properties(file, line, column, f"sdglod: {kind}")
        text = error.message + (f" — {error.hint}" if error.hint else "")
        return f"::error {properties}::{_github_data(text)}\n"
    if fmt == "junit":
        suites, suite = _junit_suites(tests=1, failures=0, errors=1)
        case = ET.SubElement(suite, "testcase", classname=file or "sdglod", name="parse")
        error_element = ET.SubElement(case, "error", type=kind, message=error.message)
        error_element.text = str(error)
        return _xml(suites)
    if fmt == "sarif":
        result = {
            "ruleId": kind,
            "level": "error",
            "message": {"text": str(error)},
            "locations": [_sarif_location(file, line, column)] if file else [],
        }
        return _sarif_document([{"id": kind}], [result])
    return f"error: {error}\n"


# --- text ----------------------------------------------------------------------------------


def _text(report: Report, lang: str, strict: bool, color: bool) -> str:
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    lines: list[str] = []
    current_file: object = ()
    for result in report.results:
        if result.file != current_file:
            current_file = result.file
            lines.append(paint(result.file or "(not in any source file)", "1"))
        where = f"{result.line or '?'}:{result.column or '?'}"
        severity = paint(result.severity.value.lower(), _COLOURS[result.severity])
        subject = _name(result.focus_node, report)
        path = f"  {_path_name(result.path, report)}" if result.path else ""
        lines.append(f"  {where:<8} {severity}  {subject}{path}")
        lines.append(f"           {result.message(lang)}")
        details = []
        if result.value is not None:
            details.append(f"value {_shorten(display_term(result.value, report.prefixes))}")
        details.append(f"shape {_name(result.rule, report)}")
        lines.append(paint(f"           {' · '.join(details)}", "2"))
    lines.append(_summary(report, strict, paint))
    return "\n".join(lines) + "\n"


def summary(report: Report, strict: bool = False) -> str:
    """One line: whether the data passes and what was checked."""
    return _summary(report, strict, lambda text, _code: text)


def _summary(report: Report, strict: bool, paint: Callable[[str, str], str]) -> str:
    counts = ", ".join(
        f"{report.count(s)} {s.value.lower()}{'' if report.count(s) == 1 else 's'}"
        for s in Severity
    )
    checked = (
        f"{len(report.files)} files, {report.triples} triples, {len(report.shapes)} shapes files"
    )
    if report.fails(strict):
        return paint(f"✗ does not conform: {counts} ({checked})", "31;1")
    return paint(f"✓ passes: {counts} ({checked})", "32;1")


def _shorten(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _name(node: str, report: Report) -> str:
    """A focus node or shape for people: a prefixed name where possible."""
    if not node or node.startswith("_:"):
        return node
    if node.startswith('"'):
        return display_term(node, report.prefixes)
    return prefixed_name(node, report.prefixes)


def _path_name(path: str | None, report: Report) -> str | None:
    if path is None:
        return None
    if is_complex_path(path):
        return _IRI_IN_PATH.sub(lambda m: prefixed_name(m.group(1), report.prefixes), path)
    return prefixed_name(path, report.prefixes)


def is_complex_path(path: str) -> bool:
    """Whether a result path is a SPARQL property path rather than one predicate IRI."""
    return path[:1] in ("<", "^", "(")


# --- JSON ----------------------------------------------------------------------------------


def _result_json(result: ValidationResult, report: Report, lang: str) -> dict:
    return {
        "severity": result.severity.value,
        "file": result.file,
        "line": result.line,
        "column": result.column,
        "focusNode": result.focus_node,
        "focusNodeName": _name(result.focus_node, report),
        "path": result.path,
        "pathName": _path_name(result.path, report),
        "value": result.value,
        "message": result.message(lang),
        "messages": dict(sorted(result.messages.items())),
        "shape": result.shape,
        "shapeName": _name(result.rule, report),
        "constraint": result.constraint or None,
        "constraintComponent": result.component,
    }


def report_json(report: Report, lang: str = "en", strict: bool = False) -> dict:
    """The report as a JSON-ready document (deterministic for the same inputs)."""
    return {
        "conforms": report.conforms,
        "passes": not report.fails(strict),
        "strict": strict,
        "summary": {
            "violations": report.violations,
            "warnings": report.warnings,
            "infos": report.count(Severity.INFO),
            "files": len(report.files),
            "triples": report.triples,
        },
        "sources": report.files,
        "shapes": report.shapes,
        "results": [_result_json(r, report, lang) for r in report.results],
    }


def _json(report: Report, lang: str, strict: bool, color: bool) -> str:
    return json.dumps(report_json(report, lang, strict), ensure_ascii=False, indent=2) + "\n"


# --- JUnit XML -----------------------------------------------------------------------------


def _junit_suites(tests: int, failures: int, errors: int) -> tuple[ET.Element, ET.Element]:
    counts = {"tests": str(tests), "failures": str(failures), "errors": str(errors)}
    suites = ET.Element("testsuites", name="sdglod validate", **counts)
    suite = ET.SubElement(suites, "testsuite", name="SHACL validation", **counts)
    return suites, suite


# Characters XML 1.0 cannot carry at all, not even escaped: a label or value holding one (data
# is hostile) would make the whole report unreadable, so they are written as \xNN instead.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def _xml(root: ET.Element) -> str:
    for element in root.iter():
        if element.text:
            element.text = _xml_text(element.text)
        for name, value in element.attrib.items():
            element.attrib[name] = _xml_text(value)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _junit(report: Report, lang: str, strict: bool, color: bool) -> str:
    failing = [r for r in report.results if _fails(r, strict)]
    passing_files = sorted(set(report.files) - {r.file for r in report.results})
    informing = [r for r in report.results if not _fails(r, strict)]
    suites, suite = _junit_suites(
        tests=len(report.results) + len(passing_files), failures=len(failing), errors=0
    )
    for file in passing_files:
        ET.SubElement(suite, "testcase", classname=file, name="conforms", file=file)
    for result in report.results:
        name = f"{_name(result.focus_node, report)} {_path_name(result.path, report) or ''}"
        attributes = {"classname": result.file or "sdglod", "name": name.strip()}
        if result.file:
            attributes["file"] = result.file
        if result.line:
            attributes["line"] = str(result.line)
        case = ET.SubElement(suite, "testcase", **attributes)
        text = _plain_result(result, report, lang)
        if result in informing:
            ET.SubElement(case, "system-out").text = text
        else:
            failure = ET.SubElement(
                case, "failure", type=f"sh:{result.severity.value}", message=result.message(lang)
            )
            failure.text = text
    return _xml(suites)


def _fails(result: ValidationResult, strict: bool) -> bool:
    if result.severity is Severity.VIOLATION:
        return True
    return strict and result.severity is Severity.WARNING


def _plain_result(result: ValidationResult, report: Report, lang: str) -> str:
    where = str(result.location) if result.location else "(not in any source file)"
    parts = [
        f"{where}: {result.severity.value}: {_name(result.focus_node, report)}",
        f"path: {_path_name(result.path, report)}" if result.path else "",
        f"value: {display_term(result.value, report.prefixes)}" if result.value else "",
        f"shape: {_name(result.rule, report)}",
        result.message(lang),
    ]
    return "\n".join(p for p in parts if p)


# --- GitHub workflow annotations -----------------------------------------------------------

_GITHUB_LEVEL = {Severity.VIOLATION: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def _github_properties(file: str | None, line: int | None, column: int | None, title: str) -> str:
    properties = []
    if file:
        properties.append(f"file={_github_property(file)}")
        if line:
            properties.append(f"line={line}")
            if column:
                properties.append(f"col={column}")
    properties.append(f"title={_github_property(title)}")
    return ",".join(properties)


def _github(report: Report, lang: str, strict: bool, color: bool) -> str:
    lines = []
    for result in report.results:
        level = _GITHUB_LEVEL[result.severity]
        if strict and result.severity is Severity.WARNING:
            level = "error"
        title = f"SHACL {result.severity.value}: {_name(result.rule, report)}"
        subject = _name(result.focus_node, report)
        if result.path:
            subject += f" {_path_name(result.path, report)}"
        if result.value is not None:
            subject += f" = {_shorten(display_term(result.value, report.prefixes), 60)}"
        properties = _github_properties(result.file, result.line, result.column, title)
        lines.append(
            f"::{level} {properties}::{_github_data(f'{subject}: {result.message(lang)}')}"
        )
    lines.append(summary(report, strict))
    return "\n".join(lines) + "\n"


# --- SARIF 2.1.0 ---------------------------------------------------------------------------

_SARIF_LEVEL = {Severity.VIOLATION: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _sarif_location(file: str | None, line: int | None, column: int | None) -> dict:
    region = {}
    if line:
        region["startLine"] = line
        if column:
            region["startColumn"] = column
    location: dict = {"physicalLocation": {"artifactLocation": {"uri": file}}}
    if region:
        location["physicalLocation"]["region"] = region
    return location


def _sarif_document(rules: list[dict], results: list[dict]) -> str:
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sdglod validate",
                        "version": __version__,
                        "informationUri": "https://w3id.org/sdglod/",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _sarif(report: Report, lang: str, strict: bool, color: bool) -> str:
    rules: dict[str, dict] = {}
    results = []
    for result in report.results:
        rule_id = _name(result.rule, report)
        rules.setdefault(
            rule_id,
            {
                "id": rule_id,
                "shortDescription": {"text": result.message(lang)},
                "properties": {"shape": result.shape, "constraintComponent": result.component},
            },
        )
        level = _SARIF_LEVEL[result.severity]
        if strict and result.severity is Severity.WARNING:
            level = "error"
        entry = {
            "ruleId": rule_id,
            "level": level,
            "message": {"text": f"{_name(result.focus_node, report)}: {result.message(lang)}"},
            "locations": [_sarif_location(result.file, result.line, result.column)]
            if result.file
            else [],
            "properties": {
                "focusNode": result.focus_node,
                "path": result.path,
                "value": result.value,
            },
        }
        results.append(entry)
    return _sarif_document([rules[k] for k in sorted(rules)], results)


# --- Turtle (the SHACL validation report graph) --------------------------------------------


def report_quads(report: Report) -> list[Quad]:
    """The report as a SHACL ``sh:ValidationReport`` graph with stable blank-node labels."""
    graph = DefaultGraph()
    root = BlankNode("report")

    def add(subject: NamedNode | BlankNode, predicate: str, obj: object) -> None:
        quads.append(Quad(subject, NamedNode(predicate), obj, graph))  # type: ignore[arg-type]

    quads: list[Quad] = []
    add(root, RDF_TYPE, NamedNode(SH + "ValidationReport"))
    add(
        root,
        SH + "conforms",
        Literal("true" if report.conforms else "false", datatype=NamedNode(XSD_BOOLEAN)),
    )
    for number, result in enumerate(report.results, 1):
        node = BlankNode(f"result{number}")
        add(root, SH + "result", node)
        add(node, RDF_TYPE, NamedNode(SH + "ValidationResult"))
        severity = result.severity_iri or SH + result.severity.value
        add(node, SH + "resultSeverity", NamedNode(severity))
        add(node, SH + "focusNode", _term(result.focus_node))
        if result.path:
            add(node, SH + "resultPath", path_node(result.path, f"result{number}-path", add))
        if result.value is not None:
            add(node, SH + "value", term_from_ntriples(result.value))
        for language, message in sorted(result.messages.items()):
            add(node, SH + "resultMessage", Literal(message, language=language or None))
        if result.shape and not result.shape.startswith("_:"):
            add(node, SH + "sourceShape", NamedNode(result.shape))
        if result.component:
            add(node, SH + "sourceConstraintComponent", NamedNode(result.component))
        if result.constraint and not result.constraint.startswith("_:"):
            add(node, SH + "sourceConstraint", NamedNode(result.constraint))
    return quads


def _term(node_id: str) -> NamedNode | BlankNode | Literal:
    if node_id.startswith('"'):
        return term_from_ntriples(node_id)
    return BlankNode(node_id[2:]) if node_id.startswith("_:") else NamedNode(node_id)


def _turtle(report: Report, lang: str, strict: bool, color: bool) -> str:
    out = io.BytesIO()
    prefixes = {**report.prefixes, **_REPORT_PREFIXES}
    Dumper(report_quads(report), prefixes, {}).write(rdf_format("ttl"), out)
    return out.getvalue().decode("utf-8")


def write_published_report(report: Report, folder: Path) -> dict[str, Path]:
    """Write the report that goes out with a build: ``validation.ttl`` and ``validation.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    turtle = folder / "validation.ttl"
    turtle.write_text(_turtle(report, "en", False, False), encoding="utf-8")
    document = folder / "validation.json"
    document.write_text(_json(report, "en", False, False), encoding="utf-8")
    return {"validation-ttl": turtle, "validation-json": document}

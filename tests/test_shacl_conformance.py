"""The validation module against the W3C SHACL test suite (core and SPARQL).

pyshacl is the engine; these tests prove that our wrapper neither loses nor invents results:
for every test that pyshacl itself passes, ``validate_graphs`` gives the expected
``sh:conforms`` and the same results (focus node, path, value, severity, constraint component,
shape), and an expected failure (unusable shapes) is an error, never a silent pass.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from sdglod.validation.pyshacl_engine import validate_graphs
from sdglod.validation.report import Report, ShapesError, ValidationResult, path_text
from sdglod.validation.report_formats import render

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
# pyshacl's own known gaps (see shared/reference/shacl-tests/README.md).
PYSHACL_FAILS = {"core/property/uniqueLang-002", "sparql/pre-binding/shapesGraph-001"}


def _load(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=path.resolve().as_uri())


def _entries(manifest_path: Path) -> list[tuple[str, Path, URIRef]]:
    manifest = _load(manifest_path)
    found = []
    for include in manifest.objects(None, URIRef(MF + "include")):
        found += _entries(Path(include.removeprefix("file://")))
    for entries in manifest.objects(None, URIRef(MF + "entries")):
        for entry in manifest.items(entries):
            if (entry, RDF.type, URIRef(SHT + "Validate")) in manifest:
                found.append((manifest_path, entry))
    return found


def _cases(reference: Path) -> list:
    root = reference / "shacl-tests" / "tests"
    cases = []
    for manifest_path, entry in _entries(root / "manifest.ttl"):
        name = str(Path(entry.removeprefix("file://")).relative_to(root.resolve()))
        gap = pytest.mark.xfail(reason="pyshacl gap", strict=True)
        marks = [gap] if name in PYSHACL_FAILS else []
        cases.append(pytest.param((manifest_path, entry), id=name, marks=marks))
    return cases


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "shacl_case" in metafunc.fixturenames:
        import os

        from conftest import REPO

        reference = Path(os.environ.get("SDGLOD_REFERENCE", REPO.parent / "shared" / "reference"))
        metafunc.parametrize("shacl_case", _cases(reference))


def _key(term: object, as_term: bool = False) -> str:
    """A comparable form: "-" if absent, "_" for a blank node, else the IRI (or N-Triples)."""
    if term is None:
        return "-"
    if isinstance(term, BNode):
        return "_"
    return term.n3() if as_term or isinstance(term, Literal) else str(term)


def _expected(manifest: Graph, report: object) -> list[tuple]:
    results = []
    for node in manifest.objects(report, SH.result):
        results.append(
            (
                _key(manifest.value(node, SH.focusNode)),
                _key(manifest.value(node, SH.resultPath)),
                _key(manifest.value(node, SH.value), as_term=True),
                str(manifest.value(node, SH.resultSeverity)),
                str(manifest.value(node, SH.sourceConstraintComponent)),
                _key(manifest.value(node, SH.sourceShape)),
            )
        )
    return sorted(results)


def _actual(results: list[ValidationResult]) -> list[tuple]:
    def key(text: str | None) -> str:
        if text is None:
            return "-"
        return "_" if text.startswith(("_:", "<", "^", "(")) else text

    return sorted(
        (
            key(r.focus_node),
            key(r.path),
            "_" if (r.value or "").startswith("_:") else (r.value or "-"),
            r.severity_iri,
            r.component,
            key(r.shape),
        )
        for r in results
    )


def test_w3c_shacl_suite(shacl_case):
    manifest_path, entry = shacl_case
    manifest = _load(manifest_path)
    action = manifest.value(entry, URIRef(MF + "action"))
    data = _load(Path(manifest.value(action, URIRef(SHT + "dataGraph")).removeprefix("file://")))
    shapes = _load(
        Path(manifest.value(action, URIRef(SHT + "shapesGraph")).removeprefix("file://"))
    )
    expected = manifest.value(entry, URIRef(MF + "result"))
    if expected == URIRef(SHT + "Failure"):
        with pytest.raises(ShapesError):
            validate_graphs(data, shapes)
        return
    results = validate_graphs(data, shapes)
    conforms = manifest.value(expected, SH.conforms).toPython()
    assert (not results) == conforms
    assert _actual(results) == _expected(manifest, expected)


# --- sh:resultPath in our Turtle report, complex paths included ------------------------------


def _path_cases(reference: Path) -> list:
    """Every suite case whose expected report has a result with a path that is not an IRI."""
    cases = []
    for param in _cases(reference):
        manifest_path, entry = param.values[0]
        manifest = _load(manifest_path)
        expected = manifest.value(entry, URIRef(MF + "result"))
        paths = [manifest.value(r, SH.resultPath) for r in manifest.objects(expected, SH.result)]
        if any(isinstance(path, BNode) for path in paths) and not param.marks:
            cases.append(param)
    return cases


def _result_paths(graph: Graph, report: object) -> list[tuple[str, str, str]]:
    """(focus node, path in SPARQL syntax, value) of each result, sorted."""
    found = []
    for node in graph.objects(report, SH.result):
        path = graph.value(node, SH.resultPath)
        found.append(
            (
                _key(graph.value(node, SH.focusNode)),
                "-" if path is None else path_text(graph, path),
                _key(graph.value(node, SH.value), as_term=True),
            )
        )
    return sorted(found)


def test_the_turtle_report_keeps_every_result_path(reference):
    """Our Turtle report (``sdglod validate --format turtle``) gives each result the path of
    the suite's expected report and of pyshacl's own report graph, complex paths included."""
    cases = _path_cases(reference)
    assert len(cases) >= 5  # the suite's path cases (alternative, inverse, sequence, …)
    for case in cases:
        manifest_path, entry = case.values[0]
        manifest = _load(manifest_path)
        action = manifest.value(entry, URIRef(MF + "action"))
        data = _load(
            Path(manifest.value(action, URIRef(SHT + "dataGraph")).removeprefix("file://"))
        )
        shapes = _load(
            Path(manifest.value(action, URIRef(SHT + "shapesGraph")).removeprefix("file://"))
        )
        report = Report(tuple(validate_graphs(data, shapes)), {}, {}, len(data))
        ours = Graph().parse(data=render(report, "turtle"), format="turtle")
        (our_report,) = ours.subjects(RDF.type, SH.ValidationReport)
        expected = manifest.value(entry, URIRef(MF + "result"))
        assert _result_paths(ours, our_report) == _result_paths(manifest, expected), case.id
        _, pyshacl_graph, _ = pyshacl.validate(data, shacl_graph=shapes)
        (their_report,) = pyshacl_graph.subjects(RDF.type, SH.ValidationReport)
        assert _result_paths(ours, our_report) == _result_paths(pyshacl_graph, their_report)

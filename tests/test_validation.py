"""SHACL validation of the real data and of one broken fixture per rule.

Each file in ``fixtures/invalid/`` breaks exactly one rule. Its header names the results it must
produce (``# expect: SEVERITY SHAPE FOCUS PATH``) and every line that a result must point at ends
with ``#!``. The fixture is added to a copy of the real project, so everything else conforms.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import copy_project
from rdflib.namespace import SH

from sdglod.project import load_project
from sdglod.rdf.sources import load_sources
from sdglod.validation.positions import resolve_iri
from sdglod.validation.pyshacl_engine import check_shapes
from sdglod.validation.report import Severity
from sdglod.validation.validate import load_shapes, validate, validate_project

FIXTURES = Path(__file__).parent / "fixtures" / "invalid"
FIXTURE_NAME = "zz-fixture.ttl"
_PREFIX = re.compile(r"^@prefix\s+(\w*):\s+<([^>]*)>\s*\.", re.MULTILINE)


@pytest.fixture(scope="module")
def fixture_project(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("validation") / "project")
    project = load_project(root)
    return project, load_shapes(project)


@pytest.fixture(scope="module")
def real_report(built):
    project, _ = built
    return validate(project, load_sources(project), load_shapes(project))


def _expand(token: str, prefixes: dict[str, str], base: str) -> str | None:
    if token == "-":
        return None
    if re.fullmatch(r"<[^<>]*>", token):
        return resolve_iri(base, token[1:-1])
    if ":" in token and not token.startswith("<"):
        name, local = token.split(":", 1)
        if name in prefixes:
            return prefixes[name] + local
    return token  # a SPARQL property path, written with full IRIs


def _expectations(path: Path, base: str) -> tuple[set[tuple], set[int]]:
    text = path.read_text(encoding="utf-8")
    prefixes = {name: resolve_iri(base, iri) for name, iri in _PREFIX.findall(text)}
    prefixes["sdgsh"] = "https://w3id.org/sdglod/shapes#"
    expected = set()
    for line in text.splitlines():
        if line.startswith("# expect: "):
            severity, shape, focus, result_path = line.removeprefix("# expect: ").split()
            expected.add(
                (
                    severity,
                    _expand(shape, prefixes, base),
                    _expand(focus, prefixes, base),
                    _expand(result_path, prefixes, base),
                )
            )
    marked = {n for n, line in enumerate(text.splitlines(), 1) if line.rstrip().endswith("#!")}
    return expected, marked


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.ttl")), ids=lambda p: p.stem)
def test_each_invalid_fixture_breaks_exactly_its_rule(fixture, fixture_project):
    project, shapes = fixture_project
    target = project.root / "data" / FIXTURE_NAME
    target.write_text(fixture.read_text(encoding="utf-8"), encoding="utf-8")
    try:
        report = validate(project, load_sources(project), shapes)
    finally:
        target.unlink()
    expected, marked = _expectations(fixture, project.base)
    assert expected, "the fixture has no '# expect:' lines"
    actual = {(r.severity.value, r.rule, r.focus_node, r.path) for r in report.results}
    assert actual == expected
    assert {r.file for r in report.results} == {f"data/{FIXTURE_NAME}"}
    assert {r.line for r in report.results} == marked
    for result in report.results:
        assert result.message("lv") != result.message("en"), "messages in both languages"
    severities = {r.severity for r in report.results}
    assert report.fails() == (Severity.VIOLATION in severities)
    assert report.fails(strict=True)


def test_the_real_data_conforms(real_report, built):
    assert real_report.results == ()
    assert real_report.conforms
    assert set(real_report.files) == {s.relpath for s in built[0].source_files()}


def test_every_fixture_rule_is_a_different_fixture():
    names = [p.stem for p in FIXTURES.glob("*.ttl")]
    assert len(names) >= 30


# --- the shapes themselves ------------------------------------------------------------------


def test_the_shapes_conform_to_shacl_shacl(fixture_project):
    _, shapes = fixture_project
    assert check_shapes(shapes.graph) == []


def test_a_broken_shape_is_caught_by_shacl_shacl(fixture_project):
    from rdflib import Literal, URIRef

    _, shapes = fixture_project
    graph = shapes.graph + shapes.graph.__class__()
    graph.add(
        (URIRef("https://w3id.org/sdglod/shapes#Event-startDate"), SH.minCount, Literal("one"))
    )
    assert check_shapes(graph) != []


def _constraint_nodes(graph):
    """Every property shape, node shape with its own constraints, and SPARQL constraint."""
    from rdflib import URIRef

    nodes = set(graph.subjects(SH.path, None))
    nodes |= set(graph.objects(None, SH.sparql))
    for shape in graph.subjects(URIRef(str(SH) + "message"), None):
        nodes.add(shape)
    return {n for n in nodes if isinstance(n, URIRef)}


def test_every_constraint_has_a_message_in_latvian_and_english(fixture_project):
    _, shapes = fixture_project
    graph = shapes.graph
    for node in _constraint_nodes(graph):
        languages = {m.language for m in graph.objects(node, SH.message)}
        assert {"lv", "en"} <= languages, f"{node} needs sh:message in lv and en"


def test_every_named_property_shape_belongs_to_a_node_shape(fixture_project):
    _, shapes = fixture_project
    graph = shapes.graph
    for node in graph.subjects(SH.path, None):
        if isinstance(node, type(next(iter(graph.subjects(SH.targetClass, None))))):
            assert (None, SH.property, node) in graph, f"{node} is used by no node shape"


def test_severities_are_deliberate(fixture_project):
    _, shapes = fixture_project
    severities = set(shapes.graph.objects(None, SH.severity))
    assert severities <= {SH.Warning, SH.Info}, "sh:Violation is the default; say only others"
    assert SH.Warning in severities


def test_one_shapes_file_per_class():
    shapes_dir = Path(__file__).resolve().parents[1] / "shapes"
    names = {p.stem for p in shapes_dir.glob("*.ttl")}
    assert {
        "event",
        "campaign",
        "organization",
        "person",
        "outcome",
        "target-link",
        "creative-work",
        "sdg",
        "dataset",
        "ontology",
        "place",
        "grant",
    } <= names


def test_validating_given_paths_checks_only_those(project_dir):
    project = load_project(project_dir)
    report = validate_project(project, [project_dir / "data" / "places.ttl"])
    assert set(report.files) == {"data/places.ttl"}
    assert report.conforms  # countries need nothing from other files

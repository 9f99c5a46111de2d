"""The SPARQL validation engine gives pyshacl's results, and says when it cannot.

Three proofs of equivalence: the W3C SHACL test suite (every test whose features the engine
claims, against the suite's expected report *and* pyshacl's), every broken fixture of the
project at once, and generated data with injected violations. Equality is of the whole
:class:`ValidationResult`: focus, path, value, severity, shape, constraint, component, messages
in both languages, file and line.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, copy_project
from pyoxigraph import RdfFormat, parse
from rdflib import Graph, URIRef
from test_shacl_conformance import MF, SHT, _actual, _entries, _expected, _load

from sdglod.project import load_project
from sdglod.rdf.sources import load_sources
from sdglod.validation import sparql_engine
from sdglod.validation.literals import STORED_FORM
from sdglod.validation.pyshacl_engine import validate_graphs
from sdglod.validation.report import triple_of
from sdglod.validation.validate import load_shapes, validate

FIXTURES = Path(__file__).parent / "fixtures" / "invalid"
LITERALS_PROJECT = Path(__file__).parent / "fixtures" / "literals-project"
# The W3C tests the engine leaves to pyshacl, and why. The list is exact: a test that starts
# or stops being supported must be looked at.
UNSUPPORTED = {
    # A literal written in a form the store keeps differently, that rdflib reads otherwise.
    "core/property/datatype-ill-formed",  # "300"^^xsd:byte is kept as xsd:integer
    "core/property/or-datatypes-001",  # "none"^^xsd:boolean and "false" are one for rdflib
    # Custom constraint components (sh:validator, sh:parameter).
    "sparql/component/optional-001",
    "sparql/component/propertyValidator-select-001",
    "sparql/component/validator-001",
    "sparql/pre-binding/unsupported-sparql-006",
    # SPARQL constraints whose $this is not bound by their first pattern: pre-binding node by
    # node needs rdflib's semantics.
    "sparql/pre-binding/pre-binding-001",
    "sparql/pre-binding/pre-binding-002",
    "sparql/pre-binding/pre-binding-003",
    "sparql/pre-binding/pre-binding-004",
    "sparql/pre-binding/pre-binding-005",
    "sparql/pre-binding/pre-binding-006",
    "sparql/pre-binding/pre-binding-007",
    "sparql/pre-binding/unsupported-sparql-005",
    # What pyshacl refuses or cannot do ($shapesGraph, MINUS, VALUES, nested SELECT *).
    "sparql/pre-binding/shapesGraph-001",
    "sparql/pre-binding/unsupported-sparql-001",
    "sparql/pre-binding/unsupported-sparql-002",
    "sparql/pre-binding/unsupported-sparql-003",
    "sparql/pre-binding/unsupported-sparql-004",
}
# pyshacl's known gap (see test_shacl_conformance.py); the engine follows pyshacl.
FOLLOWS_PYSHACL = {"core/property/uniqueLang-002"}


def _w3c_cases(reference: Path) -> list:
    root = reference / "shacl-tests" / "tests"
    cases = []
    for manifest_path, entry in _entries(root / "manifest.ttl"):
        name = str(Path(entry.removeprefix("file://")).relative_to(root.resolve()))
        cases.append(pytest.param((manifest_path, entry), id=name))
    return cases


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "w3c_case" in metafunc.fixturenames:
        import os

        reference = Path(os.environ.get("SDGLOD_REFERENCE", REPO.parent / "shared" / "reference"))
        metafunc.parametrize("w3c_case", _w3c_cases(reference))


# As in production: rdflib warns about (and reads) such literals rather than failing on them.
@pytest.mark.filterwarnings("ignore:Parsing weird boolean")
def test_w3c_suite_through_the_sparql_engine(w3c_case, request):
    name = request.node.callspec.id
    manifest_path, entry = w3c_case
    manifest = _load(manifest_path)
    action = manifest.value(entry, URIRef(MF + "action"))
    data_path = Path(manifest.value(action, URIRef(SHT + "dataGraph")).removeprefix("file://"))
    shapes = _load(
        Path(manifest.value(action, URIRef(SHT + "shapesGraph")).removeprefix("file://"))
    )
    # The data as sdglod reads it (pyoxigraph), and as pyshacl then gets it (rdflib terms of
    # the same quads, with the prefixes rdflib bound while parsing the file).
    quads = list(
        parse(path=str(data_path), format=RdfFormat.TURTLE, base_iri=data_path.resolve().as_uri())
    )
    namespaces = {n: str(iri) for n, iri in _load(data_path).namespaces()}
    expected = manifest.value(entry, URIRef(MF + "result"))
    if name in UNSUPPORTED:
        with pytest.raises(sparql_engine.Unsupported):
            sparql_engine.validate_quads(quads, shapes, namespaces)
        return
    assert expected != URIRef(SHT + "Failure"), "a failure case must be left to pyshacl"
    results = sparql_engine.validate_quads(quads, shapes, namespaces)
    data = Graph()
    for quad in quads:
        data.add(triple_of(quad))
    for prefix, iri in namespaces.items():
        data.bind(prefix, iri, override=True, replace=True)
    assert _actual(results) == _actual(validate_graphs(data, shapes))
    if name not in FOLLOWS_PYSHACL:
        assert _actual(results) == _expected(manifest, expected)


@pytest.fixture(scope="module")
def all_fixtures_project(tmp_path_factory):
    """The real project with every broken fixture added at once, each in its own file."""
    root = copy_project(tmp_path_factory.mktemp("all-fixtures") / "project")
    for fixture in sorted(FIXTURES.glob("*.ttl")):
        (root / "data" / f"zz-{fixture.name}").write_text(fixture.read_text("utf-8"), "utf-8")
    project = load_project(root)
    return project, load_sources(project), load_shapes(project)


# Fixtures describe the same event in different ways; together, rdflib compares an ill-typed
# date with another (its Literal.__le__ then uses NotImplemented as a boolean, deprecated). In
# production that is a warning, and both engines read it the same way.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_every_broken_fixture_gives_the_same_report_from_both_engines(all_fixtures_project):
    project, sources, shapes = all_fixtures_project
    fast = validate(project, sources, shapes, "sparql")
    reference = validate(project, sources, shapes, "pyshacl")
    assert (fast.engine, reference.engine) == ("sparql", "pyshacl")
    assert len(reference.results) >= 25  # fixtures overlap (one event, several faults)
    assert fast.results == reference.results  # sorted, located, messages in lv and en
    assert fast.triples == reference.triples


def test_generated_data_with_violations_gives_the_same_report(tmp_path):
    out = tmp_path / "generated"
    command = [sys.executable, str(REPO / "benchmarks" / "generate.py"), "3k", "-o", str(out)]
    subprocess.run([*command, "--violations", "20"], check=True, capture_output=True)
    project = load_project(out)
    sources, shapes = load_sources(project), load_shapes(project)
    fast = validate(project, sources, shapes, "sparql")
    assert len(fast.results) == 20
    assert fast.results == validate(project, sources, shapes, "pyshacl").results


def test_auto_uses_the_sparql_engine_for_the_project(built):
    project, _ = built
    report = validate(project, load_sources(project), load_shapes(project))
    assert report.engine == "sparql"
    assert report.conforms


def test_literals_the_store_rewrites_are_checked_as_stored_by_both_engines(tmp_path):
    # Oxigraph keeps "05"^^xsd:integer as "5": both engines check that form, the one the store
    # and the dumps publish (a SPARQL constraint reading lexical forms sees it too), and
    # sdglod's own rule warns where "05" is written.
    root = shutil.copytree(LITERALS_PROJECT, tmp_path / "project")
    (root / "data" / "count.ttl").write_text(
        "@prefix schema: <http://schema.org/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<id/event/x> a schema:Event ;\n"
        '    schema:maximumAttendeeCapacity "05"^^xsd:integer ;\n'
        '    schema:startDate "2024-03-05"^^xsd:date ;\n'
        '    schema:endDate "2024-03-04"^^xsd:date .\n',
        "utf-8",
    )
    project = load_project(root)
    sources, shapes = load_sources(project), load_shapes(project)
    auto = validate(project, sources, shapes)
    assert auto.engine == "sparql"
    assert auto.results == validate(project, sources, shapes, "pyshacl").results
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert {(r.rule, r.line, r.value) for r in auto.results} == {
        (STORED_FORM, 4, f'"05"^^<{xsd}integer>'),
        ("https://example.org/lit/shapes#Event-start-before-end", 5, f'"2024-03-05"^^<{xsd}date>'),
    }


def test_shapes_without_messages_are_left_to_pyshacl_by_auto(project_dir):
    shapes_file = project_dir / "shapes" / "person.ttl"
    text = shapes_file.read_text("utf-8")
    start = text.index("\nsdgsh:Person-jobTitle\n")
    shapes_file.write_text(
        text[:start] + text[start:].split("sh:message", 1)[0].rstrip(" ;\n") + " .\n", "utf-8"
    )
    project = load_project(project_dir)
    sources, shapes = load_sources(project), load_shapes(project)
    assert validate(project, sources, shapes).engine == "pyshacl"
    assert validate(project, sources, shapes, "sparql").engine == "sparql"


@pytest.mark.parametrize(
    "extra",
    [
        # SHACL-AF rules change the data before validation.
        "sdgsh:Rule a sh:NodeShape ; sh:targetClass schema:Event ; sh:rule [ a sh:TripleRule ;"
        " sh:subject sh:this ; sh:predicate schema:about ; sh:object sh:this ] .",
        # A shape that refers to itself.
        "sdgsh:Loop a sh:NodeShape ; sh:targetClass schema:Event ; sh:node sdgsh:Loop .",
    ],
    ids=["rules", "recursion"],
)
def test_what_the_engine_does_not_implement_is_refused(project_dir, extra):
    shapes_file = project_dir / "shapes" / "event.ttl"
    shapes_file.write_text(shapes_file.read_text("utf-8") + "\n" + extra + "\n", "utf-8")
    project = load_project(project_dir)
    sources = load_sources(project)
    with pytest.raises(sparql_engine.Unsupported):
        sparql_engine.validate_sources(sources, load_shapes(project).graph)

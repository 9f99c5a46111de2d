"""Reading the source files: every file parses, errors say where, blank nodes stay per file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import BlankNode

from sdglod.errors import ProjectError, SourceSyntaxError
from sdglod.project import GraphArea, SourceFile, load_project
from sdglod.rdf.sources import load_sources, parse_source

REPO = Path(__file__).resolve().parents[1]
AREA = GraphArea("data", "https://w3id.org/sdglod/graph/data", ("data/*.ttl",))


def source(path: Path) -> SourceFile:
    return SourceFile(path, path.name, AREA)


@pytest.mark.parametrize(
    "path",
    sorted((REPO / "data").glob("*.ttl")) + sorted((REPO / "ontology").glob("*.ttl")),
    ids=lambda p: p.name,
)
def test_every_turtle_file_of_the_project_parses(path):
    parsed = parse_source(source(path), "https://w3id.org/sdglod/")
    assert parsed.quads


def test_relative_iris_resolve_against_the_base(tmp_path):
    path = tmp_path / "x.ttl"
    path.write_text('@prefix event: <id/event/> .\nevent:a <http://schema.org/name> "A" .\n')
    parsed = parse_source(source(path), "http://example.org/base/")
    assert parsed.quads[0].subject.value == "http://example.org/base/id/event/a"
    assert parsed.prefixes["event"] == "http://example.org/base/id/event/"


def test_blank_nodes_are_scoped_per_file_and_labelled_stably(tmp_path):
    text = '_:x <http://schema.org/name> "a" . [] <http://schema.org/name> "b" .\n'
    (tmp_path / "a.ttl").write_text(text)
    (tmp_path / "b.ttl").write_text(text)
    first = parse_source(source(tmp_path / "a.ttl"), "http://e/")
    again = parse_source(source(tmp_path / "a.ttl"), "http://e/")
    other = parse_source(source(tmp_path / "b.ttl"), "http://e/")
    labels = [q.subject for q in first.quads]
    assert all(isinstance(node, BlankNode) for node in labels)
    assert labels == [q.subject for q in again.quads]
    assert not set(labels) & {q.subject for q in other.quads}


def test_a_prefix_with_two_meanings_is_an_error(project_dir):
    (project_dir / "data" / "extra.ttl").write_text(
        '@prefix schema: <https://schema.org/> .\n<id/x> schema:name "x" .\n'
    )
    with pytest.raises(SourceSyntaxError, match="prefix schema:"):
        load_sources(load_project(project_dir))


def test_a_file_in_no_graph_is_an_error(project_dir):
    config = project_dir / "sdglod.toml"
    config.write_text(
        config.read_text().replace('files = ["data/*.ttl"]', 'files = ["data/events.ttl"]')
    )
    with pytest.raises(ProjectError, match="is in no graph") as caught:
        load_project(project_dir).source_files()
    assert "[[graphs]]" in caught.value.hint


def test_a_listed_file_that_is_missing_is_an_error(project_dir):
    config = project_dir / "sdglod.toml"
    config.write_text(
        config.read_text().replace('files = ["data/sdg.ttl"]', 'files = ["data/sdgs.ttl"]')
    )
    with pytest.raises(ProjectError, match=r"data/sdgs\.ttl"):
        load_project(project_dir).source_files()


def test_the_full_un_kos_can_be_imported_as_its_own_graph(project_dir, reference):
    kos = reference / "un-sdg-kos" / "sdg-kos-goals-targets-indicators.ttl"
    config = project_dir / "sdglod.toml"
    config.write_text(config.read_text() + f'\n[[graphs]]\nname = "sdg-kos"\nfiles = ["{kos}"]\n')
    project = load_project(project_dir)
    sources = load_sources(project)
    graphs = {parsed.source.graph.name: len(parsed.quads) for parsed in sources.files}
    assert graphs["sdg-kos"] > 7000


turtle_ish = st.lists(
    st.sampled_from([*"<>@:;.,\"'[]()_ab\n\\#^ ā", "@prefix", "schema:", "<http://e/x>", '"""']),
    max_size=40,
).map("".join)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(garbage=turtle_ish)
def test_garbled_turtle_is_either_data_or_a_located_syntax_error(tmp_path, garbage):
    path = tmp_path / "g.ttl"
    path.write_text(garbage, encoding="utf-8")
    try:
        parse_source(source(path), "http://e/")
    except SourceSyntaxError as err:
        assert err.location is not None and err.location.path == Path("g.ttl")
        assert err.location.line is not None and 1 <= err.location.line <= garbage.count("\n") + 1

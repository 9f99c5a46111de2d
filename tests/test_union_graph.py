"""``--union-graph``: a remote store's graph that holds the union of the project's graphs (a
Virtuoso graph group), asked as the default graph instead of their list. It is checked when a
front end starts: a group that does not hold exactly the project's graphs is refused, with
the commands that make the right one. (That pages and canned queries answer the same through
a group is in test_web_linked_data, test_web_canned and test_query_engines.)"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sdglod.cli import cli
from sdglod.errors import ExitCode, RemoteError
from sdglod.query.backends import project_graphs
from sdglod.query.remote import check_union_graph


def test_a_group_of_the_project_graphs_passes_the_check(built, virtuoso_store):
    project, _ = built
    graphs = project_graphs(project)
    group = virtuoso_store.graph_group(f"{project.base}graph/", graphs)
    check_union_graph(virtuoso_store.query_url, graphs, group)  # no error
    # And `sdglod query` through it answers as through the list of the graphs.
    ask = ["--project", str(project.root), "query", "resource-types", "--format", "tsv"]
    ask += ["--endpoint", virtuoso_store.query_url]
    listed = CliRunner().invoke(cli, ask)
    grouped = CliRunner().invoke(cli, [*ask, "--union-graph", group])
    assert listed.exit_code == grouped.exit_code == 0, grouped.output
    assert grouped.output == listed.output


def test_a_group_without_one_of_the_graphs_is_refused_at_start(built, virtuoso_store):
    project, _ = built
    graphs = project_graphs(project)
    partial = virtuoso_store.graph_group(f"{project.base}graph-partial/", graphs[1:])
    with pytest.raises(RemoteError) as refused:
        check_union_graph(virtuoso_store.query_url, graphs, partial)
    assert partial in refused.value.message and "must hold exactly them" in refused.value.message
    assert f"RDF_GRAPH_GROUP_INS('{partial}', '{graphs[0]}')" in str(refused.value.hint)
    result = CliRunner().invoke(
        cli,
        [
            *("--project", str(project.root), "serve", "--port", "0"),
            *("--backend", virtuoso_store.query_url, "--union-graph", partial),
        ],
    )
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "must hold exactly them" in result.output


@pytest.mark.parametrize("command", [["serve"], ["query", "events"]])
def test_a_union_graph_without_a_remote_store_is_a_usage_error(built, command):
    project, _ = built
    arguments = ["--project", str(project.root), *command, "--union-graph", "https://e.org/g"]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "--union-graph" in result.output and "give --" in result.output


def test_a_union_graph_must_be_an_iri(built):
    project, _ = built
    result = CliRunner().invoke(
        cli, ["--project", str(project.root), "query", "events", "--union-graph", "not an iri"]
    )
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "not an absolute IRI" in result.output

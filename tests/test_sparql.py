"""The lexical look at SPARQL text, and `sdglod sparql` (ad-hoc read-only queries)."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from sdglod.cli import cli
from sdglod.errors import ExitCode, QueryError
from sdglod.query.embedded import EmbeddedBackend
from sdglod.query.sparql_text import (
    SparqlTextError,
    inline_bindings,
    insert_values,
    is_update,
    operation,
    projection,
    split_position,
    variables,
    where_group_start,
)
from sdglod.rdf.store import Store

PROLOGUE = "BASE <http://example.org/>\nPREFIX ex: <http://example.org/ns#>\n# a comment\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        (PROLOGUE + "ask { ?s ?p ?o }", "ASK"),
        (PROLOGUE + "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("#+ title@en: INSERT is only a word here\nDESCRIBE <http://x/>", "DESCRIBE"),
        (PROLOGUE + "INSERT DATA { <http://a/> <http://b/> 'c' }", "INSERT"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
        ("WITH <http://g/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
        ("", None),
    ],
)
def test_operation_is_the_first_keyword_after_the_prologue(text, expected):
    assert operation(text) == expected


def test_updates_are_recognised_and_keywords_in_strings_or_iris_are_not():
    assert is_update("LOAD <http://example.org/data.ttl>")
    assert is_update(PROLOGUE + "clear all")
    assert not is_update('SELECT ("INSERT DATA" AS ?x) WHERE { }')
    assert not is_update("SELECT * WHERE { ?s <http://x/DELETE> ?o }")
    assert not is_update("SELECT * WHERE { ?s ex:drop ?o }")


def test_variables_are_found_outside_strings_comments_and_iris():
    text = "SELECT ?a $b WHERE { ?a <http://x/?q> '?c' . # ?d\n ?a ex:p $b }"
    assert [t.text for t in variables(text)] == ["?a", "$b", "?a", "?a", "$b"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT ?a $b WHERE { ?a ?p $b }", {"a", "b"}),
        ("SELECT DISTINCT ?a (COUNT(?c) AS ?n) $lang { ?a ?p ?c }", {"a", "n", "lang"}),
        ("SELECT * WHERE { ?s ?p ?o }", None),
        ("ASK { ?s ?p ?o }", None),
        ("SELECT ?a FROM <http://g/> WHERE { { SELECT ?b WHERE { ?b ?p ?a } } }", {"a"}),
    ],
)
def test_projection_of_the_outermost_select(text, expected):
    assert projection(text) == expected


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("SELECT * WHERE {X ?s ?p ?o }", "{X"),
        ("SELECT * {X ?s ?p ?o }", "{X"),
        ("PREFIX a: <http://a/{}>\nASK {X ?s ?p ?o }", "{X"),
        ("CONSTRUCT { ?s ?p ?o } WHERE {X ?s ?p ?o }", "{X"),
        ("CONSTRUCT {} {X ?s ?p ?o }", "{X"),
        ("DESCRIBE ?s WHERE {X ?s ?p '}' }", "{X"),
        ("SELECT ?x WHERE {X { SELECT ?x WHERE { ?x ?p ?o } } }", "{X"),
        ("SELECT * WHERE {X ?s ?p '''a\n{ }''' }", "{X"),
    ],
)
def test_where_group_start_is_just_after_the_outermost_brace(text, marker):
    clean = text.replace("{X", "{")
    assert where_group_start(clean) == text.index(marker) + 1


@pytest.mark.parametrize(
    "text",
    [
        "CONSTRUCT WHERE { ?s ?p ?o }",  # short form: no separate WHERE group
        "DESCRIBE <http://x/>",
        "INSERT DATA { <http://a/> <http://b/> <http://c/> }",
    ],
)
def test_where_group_start_refuses_what_it_cannot_bind_into(text):
    with pytest.raises(SparqlTextError):
        where_group_start(text)


def test_an_unclosed_string_is_an_error():
    with pytest.raises(SparqlTextError, match="not closed"):
        variables("SELECT * WHERE { ?s ?p 'not closed }")


def test_values_go_first_in_the_where_group_on_the_same_line():
    text = "SELECT ?n $x WHERE {\n  ?s ?p ?n\n}\nGROUP BY ?n $x"
    bound = insert_values(text, {"x": '"a\\"b"', "y": "<http://e/>"})
    assert bound.splitlines()[0] == 'SELECT ?n $x WHERE { VALUES (?x ?y) { ("a\\"b" <http://e/>) } '
    assert bound.count("\n") == text.count("\n")  # line numbers stay those of the file
    assert insert_values(text, {}) == text


def test_values_block_binds_like_substitution_even_with_group_by():
    store = Store.in_memory([])
    backend = EmbeddedBackend(store)
    text = "SELECT $x (COUNT(*) AS ?n) WHERE { VALUES ?k { 1 2 3 } } GROUP BY $x"
    from pyoxigraph import Literal

    substituted = backend.run(text, {"x": Literal("a")})
    valued = backend.run(insert_values(text, {"x": str(Literal("a"))}))
    assert substituted == valued
    assert [int(row[1].value) for row in valued.rows] == [3]


INLINE_CASES = [
    # (query, the same query with ?x = "a" written in, or None: bound another way)
    (
        "SELECT ?n $x WHERE { ?s ?p ?n FILTER(?n != $x) } GROUP BY ?n $x ORDER BY $x",
        'SELECT ?n ("a" AS ?x) WHERE { ?s ?p ?n FILTER(?n != "a") } GROUP BY ?n ("a") '
        'ORDER BY ("a")',
    ),
    (
        "SELECT ?n WHERE { ?s ?p ?n OPTIONAL { ?s ?q ?m FILTER(lang(?m) = ?x) } }",
        'SELECT ?n WHERE { ?s ?p ?n OPTIONAL { ?s ?q ?m FILTER(lang(?m) = "a") } }',
    ),
    ("SELECT * WHERE { ?s ?p $x }", None),  # the column would be lost
    ("SELECT ?s WHERE { ?s ?p ?o BIND(?o AS ?x) }", None),  # the query binds it itself
    ("SELECT ?s WHERE { VALUES ?x { 1 } ?s ?p ?x }", None),
    ("SELECT ?s WHERE { ?s ?p ?o FILTER(!BOUND(?x)) }", None),  # BOUND takes a variable
    ("SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?x } } }", None),  # a scope of its own
    (
        "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } } ?s ?q ?x }",
        'SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } } ?s ?q "a" }',
    ),
]


@pytest.mark.parametrize(("text", "expected"), INLINE_CASES)
def test_bound_variables_are_written_in_as_terms_where_that_means_the_same(text, expected):
    assert inline_bindings(text, {"x": '"a"'}) == expected


@pytest.mark.parametrize("text", [t for t, inlined in INLINE_CASES if inlined is not None])
def test_written_in_terms_answer_as_a_values_block_does(text):
    from pyoxigraph import Literal, RdfFormat, parse

    data = b'<http://e/s> <http://e/p> "a", "b" ; <http://e/q> "c"@en .'
    backend = EmbeddedBackend(Store.in_memory(parse(data, RdfFormat.TURTLE)))

    valued = backend.run(insert_values(text, {"x": str(Literal("a"))}))  # the definition
    assert backend.run(inline_bindings(text, {"x": '"a"'})) == valued


def test_split_position():
    assert split_position("error at 3:18: expected one of ABS") == (3, 18, "expected one of ABS")
    assert split_position("something else") == (None, None, "something else")


# --- `sdglod sparql` ---------------------------------------------------------------------------


def sparql(built, *args: str):
    project, _ = built
    return CliRunner().invoke(cli, ["--project", str(project.root), "sparql", *args])


PEOPLE = "PREFIX schema: <http://schema.org/> SELECT ?p WHERE { ?p a schema:Person } ORDER BY ?p"


def people(store) -> list[str]:
    """The people of the data, in IRI order, as the built store itself lists them."""
    return [row["p"].value for row in store.query(PEOPLE)]


def test_sparql_runs_text_in_every_tabular_format(built, store):
    result = sparql(built, PEOPLE, "--format", "json")
    assert result.exit_code == 0, result.output
    bindings = json.loads(result.output)["results"]["bindings"]
    assert [b["p"]["value"] for b in bindings] == people(store)
    assert any(b["p"]["value"].endswith("/person/inga-surgunte") for b in bindings)
    table = sparql(built, PEOPLE, "--lang", "lv")
    assert table.exit_code == 0
    assert "Māra Jēkabsone" in table.output and f"({len(people(store))} rows)" in table.output


def test_sparql_reads_a_file_and_standard_input(built, tmp_path):
    path = tmp_path / "ask.rq"
    path.write_text("ASK { ?s a <http://schema.org/Event> }", encoding="utf-8")
    assert sparql(built, str(path)).output == "true\n"
    project, _ = built
    piped = CliRunner().invoke(
        cli,
        ["--project", str(project.root), "sparql", "-", "--format", "json"],
        input="ASK { ?s a <http://example.org/Nothing> }",
    )
    assert json.loads(piped.output) == {"head": {}, "boolean": False}


def test_sparql_syntax_error_shows_message_and_position(built, tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("SELECT * WHERE {\n  ?s ?p\n}\n", encoding="utf-8")
    result = sparql(built, str(path))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert re.search(rf"{re.escape(str(path))}:\d+:\d+: syntax error: expected", result.output)


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://a/> <http://b/> <http://c/> }",
        "PREFIX s: <http://schema.org/> DELETE WHERE { ?x s:name ?n }",
        "DROP ALL",
        "LOAD <http://example.org/x.ttl>",
    ],
)
def test_sparql_refuses_updates(built, store, update):
    result = sparql(built, update)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "SPARQL Update" in result.output and "refused" in result.output
    # Nothing changed: the people are still there.
    assert f"({len(people(store))} rows)" in sparql(built, PEOPLE).output


def test_sparql_names_a_missing_file(built):
    result = sparql(built, "no-such-file.rq")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "no file named 'no-such-file.rq'" in result.output


def test_sparql_format_must_fit_the_result(built):
    result = sparql(built, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", "--format", "csv")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "cannot carry a graph" in result.output and "ttl" in result.output


def test_embedded_backend_reports_syntax_errors_as_query_errors():
    backend = EmbeddedBackend(Store.in_memory([]))
    with pytest.raises(QueryError) as caught:
        backend.run("SELECT * WHERE { ?s ?p }")
    assert caught.value.location.line == 1
    assert caught.value.location.column is not None

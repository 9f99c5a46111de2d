"""Where a resource and its statements are written in a Turtle file: what a validation result's
file:line:column points an editor at."""

from __future__ import annotations

import textwrap

from hypothesis import given
from hypothesis import strategies as st
from pyoxigraph import NamedNode, RdfFormat, parse

from sdglod.validation.positions import Position, PositionIndex, resolve_iri

EX = "http://example.org/"
SCHEMA = "http://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREFIXES = {"ex": EX, "schema": SCHEMA}
BASE = "http://base.example/"

PEOPLE = textwrap.dedent(
    """\
    @prefix ex: <http://example.org/> .
    @prefix schema: <http://schema.org/> .

    # A comment that names <http://example.org/zed>, ex:zed and ex:bob.
    ex:alice a schema:Person ;
        schema:name "Alice" ;   # schema:email, in a comment only
        schema:knows ex:bob ,
            ex:carol .

    <http://example.org/bob> <http://schema.org/name> "Bob" ; schema:email "b@example.org" .

    ex:erin schema:address [ schema:streetAddress "Main 1" ;
            schema:addressLocality "Riga" ] ;
        schema:name "Erin" .
    """
)


def _index(text: str, base: str = BASE) -> PositionIndex:
    return PositionIndex(text, PREFIXES, base)


def test_a_subject_written_as_a_prefixed_name():
    index = _index(PEOPLE)
    assert index.find(f"{EX}alice") == Position(5, 1)
    assert index.find(f"{EX}alice", f"{SCHEMA}name") == Position(6, 5)


def test_a_is_rdf_type():
    assert _index(PEOPLE).find(f"{EX}alice", RDF_TYPE) == Position(5, 10)


def test_a_subject_and_predicates_written_as_full_iris_on_one_line():
    index = _index(PEOPLE)
    assert index.find(f"{EX}bob") == Position(10, 1)
    assert index.find(f"{EX}bob", f"{SCHEMA}name") == Position(10, 26)
    assert index.find(f"{EX}bob", f"{SCHEMA}email") == Position(10, 59)  # after the ';'


def test_a_value_in_an_object_list_on_a_continuation_line():
    index = _index(PEOPLE)
    assert index.find(f"{EX}alice", f"{SCHEMA}knows", f"<{EX}carol>") == Position(8, 9)
    assert index.find(f"{EX}alice", f"{SCHEMA}knows", f"<{EX}bob>") == Position(7, 18)


def test_a_predicate_not_written_falls_back_to_the_subject():
    # schema:email appears in alice's block only inside a comment.
    assert _index(PEOPLE).find(f"{EX}alice", f"{SCHEMA}email") == Position(5, 1)


def test_a_trailing_comment_does_not_hide_the_next_predicate():
    assert _index(PEOPLE).find(f"{EX}alice", f"{SCHEMA}knows") == Position(7, 5)


def test_comments_are_not_mentions():
    index = _index(PEOPLE)
    assert index.find(f"{EX}zed") is None
    assert index.find(f"{EX}carol") == Position(8, 9)  # only an object: its first mention


def test_blank_node_property_lists_do_not_end_the_block():
    index = _index(PEOPLE)
    assert index.find(f"{EX}erin", f"{SCHEMA}address") == Position(12, 9)
    assert index.find(f"{EX}erin", f"{SCHEMA}name") == Position(14, 5)


def test_base_directives_and_relative_iris():
    text = textwrap.dedent(
        """\
        <alice> <http://schema.org/name> "A" .
        @base <http://example.org/> .
        <carol> <http://schema.org/knows> <dave> .
        BASE <people/>
        <frank> a <Thing> .
        """
    )
    index = _index(text)
    assert index.find(f"{BASE}alice") == Position(1, 1)  # the given base before any @base
    assert index.find(f"{BASE}alice", None, '"A"') == Position(1, 34)
    assert index.find(f"{EX}carol", f"{SCHEMA}knows") == Position(3, 9)
    assert index.find(f"{EX}people/frank", RDF_TYPE) == Position(5, 9)  # BASE is relative
    assert index.find(f"{EX}frank") is None


def test_a_resource_only_mentioned_relative_to_the_given_base():
    text = "<http://example.org/x> <http://schema.org/about> <topic> .\n"
    assert _index(text).find(f"{BASE}topic") == Position(1, 50)


def test_strings_with_hashes_and_brackets_are_not_comments():
    text = 'ex:a schema:name "not # a comment <ex:b>" ;\n    schema:url <http://x.org/#frag> .\n'
    index = _index(text)
    assert index.find(f"{EX}a", f"{SCHEMA}url") == Position(2, 5)
    assert index.find(f"{EX}a", f"{SCHEMA}url", "<http://x.org/#frag>") == Position(2, 16)


def test_resolve_iri():
    assert resolve_iri("http://example.org/a/b", "../c") == "http://example.org/c"
    assert resolve_iri("http://example.org/a/", "urn:isbn:1") == "urn:isbn:1"
    assert resolve_iri("http://example.org/a/", "#x") == "http://example.org/a/#x"


# --- any file written one resource per block ---------------------------------------------------

NAMES = st.text("abcdefgh", min_size=1, max_size=6)
PREDICATES = st.sampled_from(["name", "email", "knows", "url", "sameAs"])


@st.composite
def _documents(draw):
    """A Turtle file of resource blocks, as the data is written, and where each part went."""
    lines = ["@prefix ex: <http://example.org/> .", "@prefix schema: <http://schema.org/> ."]
    expected: dict[tuple[str, str | None], Position] = {}
    for name in draw(st.lists(NAMES, min_size=1, max_size=5, unique=True)):
        if draw(st.booleans()):
            lines.append(f"# about <{EX}{name}> and ex:{name}")
        subject = draw(st.sampled_from([f"ex:{name}", f"<{EX}{name}>"]))
        predicates = draw(st.lists(PREDICATES, min_size=1, max_size=4, unique=True))
        one_line = draw(st.booleans())
        line = subject
        expected[(f"{EX}{name}", None)] = Position(len(lines) + 1, 1)
        for number, predicate in enumerate(predicates):
            written = draw(st.sampled_from([f"schema:{predicate}", f"<{SCHEMA}{predicate}>"]))
            end = " ." if number == len(predicates) - 1 else " ;"
            if number == 0 or one_line:
                line += " "
                column = len(line) + 1
                line += f'{written} "{predicate}"{end}'
            else:
                lines.append(line)
                line = "    "
                column = 5
                line += f'{written} "{predicate}"{end}'
            expected[(f"{EX}{name}", f"{SCHEMA}{predicate}")] = Position(len(lines) + 1, column)
        lines.append(line)
        lines.append("")
    return "\n".join(lines) + "\n", expected


@given(_documents())
def test_every_subject_and_predicate_is_found_where_it_is_written(document):
    text, expected = document
    triples = list(parse(text.encode(), format=RdfFormat.TURTLE))  # it is Turtle
    assert {(t.subject, t.predicate) for t in triples} == {
        (NamedNode(s), NamedNode(p)) for s, p in expected if p is not None
    }
    index = _index(text)
    for (subject, predicate), position in expected.items():
        assert index.find(subject, predicate) == position, (subject, predicate)

"""The one table of formats, and content negotiation over it (``Accept`` headers)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sdglod.errors import SdglodError
from sdglod.rdf.formats import (
    BOOLEAN,
    GRAPH,
    RDF_FORMATS,
    RESULT_FORMATS,
    SOLUTIONS,
    negotiate,
    parse_accept,
    rdf_format,
    result_format,
    result_format_for_media_type,
    result_formats_for,
)

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"


def test_one_media_type_and_suffix_per_format():
    for table in (RDF_FORMATS, RESULT_FORMATS):
        media_types = [f.media_type for f in table.values()]
        suffixes = [f.suffix for f in table.values()]
        assert len(media_types) == len(set(media_types))
        assert len(suffixes) == len(set(suffixes))
        assert all(s.startswith(".") for s in suffixes)


def test_graph_results_are_written_in_the_rdf_formats_of_the_same_table():
    for fmt in result_formats_for(GRAPH):
        if fmt.name == "table":
            continue  # the aligned table for people
        assert fmt.media_type == RDF_FORMATS[fmt.name].media_type
        assert fmt.suffix == RDF_FORMATS[fmt.name].suffix


def test_every_kind_of_result_has_formats_and_the_w3c_ones_carry_select_and_ask():
    for kind in (SOLUTIONS, BOOLEAN, GRAPH):
        assert result_formats_for(kind)
    for name in ("json", "xml", "csv", "tsv"):
        assert {SOLUTIONS, BOOLEAN} <= set(RESULT_FORMATS[name].kinds)


def test_a_media_type_finds_its_format_whatever_its_parameters_and_case():
    assert result_format_for_media_type("text/csv; charset=utf-8").name == "csv"
    assert result_format_for_media_type(" Application/SPARQL-Results+JSON ").name == "json"
    assert result_format_for_media_type("text/turtle").name == "ttl"
    assert result_format_for_media_type("image/png") is None


@pytest.mark.parametrize(("lookup", "name"), [(rdf_format, "yaml"), (result_format, "xlsx")])
def test_an_unknown_format_name_lists_the_known_ones(lookup, name):
    with pytest.raises(SdglodError) as error:
        lookup(name)
    assert name in error.value.message
    assert "ttl" in (error.value.hint or "")


@pytest.mark.parametrize(
    ("accept", "offered", "chosen"),
    [
        (None, [SPARQL_JSON, SPARQL_XML], SPARQL_JSON),  # no header: the server's first
        ("", [SPARQL_JSON, SPARQL_XML], SPARQL_JSON),
        ("*/*", ["text/turtle", "text/html"], "text/turtle"),
        (SPARQL_XML, [SPARQL_JSON, SPARQL_XML], SPARQL_XML),
        ("application/json", [SPARQL_XML, SPARQL_JSON], SPARQL_JSON),  # an alias
        ("text/xml", [SPARQL_JSON, SPARQL_XML], SPARQL_XML),
        ("text/html;q=0.5, text/turtle", ["text/html", "text/turtle"], "text/turtle"),
        ("text/*;q=0.9, text/turtle;q=0.1", ["text/turtle", "text/csv"], "text/csv"),
        ("text/turtle;q=0", ["text/turtle"], None),  # q=0 means "not this"
        ("*/*;q=0.1, text/turtle;q=0", ["text/turtle", "text/html"], "text/html"),
        ("image/png", [SPARQL_JSON], None),
        ("text/turtle;q=abc", ["text/turtle", "text/csv"], None),  # a bad quality counts 0
    ],
)
def test_negotiation_follows_quality_then_specificity_then_the_servers_order(
    accept, offered, chosen
):
    assert negotiate(accept, offered) == chosen


def test_a_browsers_accept_header_gets_html_over_rdf():
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert negotiate(browser, ["text/turtle", "text/html"]) == "text/html"


@given(st.text(max_size=200))
def test_any_accept_header_is_read_without_error(header):
    ranges = parse_accept(header)
    assert all(0.0 <= r.quality <= 1.0 for r in ranges)
    offered = [f.media_type for f in RESULT_FORMATS.values()]
    assert negotiate(header, offered) in [*offered, None]

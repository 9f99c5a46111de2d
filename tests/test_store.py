"""Writing the store: the fast path (pyoxigraph's loader on the file bytes) gives the same store
as handing it the parsed quads, and typed literals come back in the store's canonical form."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import Literal, NamedNode

from sdglod.project import load_project
from sdglod.rdf.formats import RDF_FORMATS
from sdglod.rdf.jsonld import build_context
from sdglod.rdf.sources import load_sources
from sdglod.rdf.store import Store, canonical_literals, write_store
from sdglod.rdf.writer import Dumper

XSD = "http://www.w3.org/2001/XMLSchema#"
ODD = """
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<id/place/estonia> schema:numberOfEmployees "01"^^xsd:integer, "+7"^^xsd:integer ;
    schema:isAccessibleForFree "1"^^xsd:boolean ;
    schema:ratio "1.50"^^xsd:decimal ;
    schema:foundingDate "2021-02-30"^^xsd:date ;
    schema:alternateName [ schema:name "blank"@en ] .
"""


def _odd_project(project_dir: Path) -> Path:
    (project_dir / "data" / "zz-odd.ttl").write_text(ODD, encoding="utf-8")
    return project_dir


def _content(path: Path) -> set[str]:
    return {str(quad) for quad in Store.open(path).quads()}


def test_loading_file_bytes_gives_the_store_that_the_parsed_quads_give(project_dir, tmp_path):
    sources = load_sources(load_project(_odd_project(project_dir)))
    assert any(p.blank_nodes for p in sources.files)  # the odd file: quads path
    assert any(not p.blank_nodes for p in sources.files)  # the others: bytes path
    write_store(tmp_path / "fast", sources)
    write_store(tmp_path / "quads", sources.quads())
    assert _content(tmp_path / "fast") == _content(tmp_path / "quads")
    assert len(_content(tmp_path / "fast")) == len({str(q) for q in sources.quads()})


def test_canonical_literals_are_what_the_store_keeps():
    integer, boolean = NamedNode(XSD + "integer"), NamedNode(XSD + "boolean")
    changed = canonical_literals(
        [
            Literal("01", datatype=integer),
            Literal("1", datatype=integer),
            Literal("1", datatype=boolean),
            Literal("2021-02-30", datatype=NamedNode(XSD + "date")),  # invalid: kept as is
            Literal("text"),
        ]
    )
    assert changed == {
        Literal("01", datatype=integer): Literal("1", datatype=integer),
        Literal("1", datatype=boolean): Literal("true", datatype=boolean),
    }


def test_dumps_of_parsed_quads_equal_dumps_of_the_store(project_dir, tmp_path):
    project = load_project(_odd_project(project_dir))
    sources = load_sources(project)
    write_store(tmp_path / "store", sources)
    context = build_context(sources.prefixes, project.vocab)
    from_store = Dumper(Store.open(tmp_path / "store").quads(), sources.prefixes, context)
    from_sources = Dumper(sources.quads(), sources.prefixes, context, canonical_literals=True)
    plain = Dumper(sources.quads(), sources.prefixes, context)
    for fmt in RDF_FORMATS.values():
        expected = from_store.write_file(fmt, tmp_path / "store-dumps").read_bytes()
        assert from_sources.write_file(fmt, tmp_path / "source-dumps").read_bytes() == expected
    # Without canonical forms the parsed quads say "01" where the store says "1".
    nt = RDF_FORMATS["nt"]
    expected_nt = (tmp_path / "store-dumps" / "dataset.nt").read_bytes()
    assert plain.write_file(nt, tmp_path / "plain").read_bytes() != expected_nt

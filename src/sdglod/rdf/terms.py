"""RDF terms in N-Triples form: how terms cross process boundaries and reports."""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from ..memo import remembered

Term = NamedNode | BlankNode | Literal | Triple


# Every job's parameters come this way, the same few again and again; terms are values.
@remembered(max_length=2048, entries=1024)
def term_from_ntriples(text: str) -> Term:
    """The term written ``text`` in N-Triples (``<iri>``, ``"literal"@lv``, ``_:b``); a
    ``ValueError`` if it is not one term."""
    try:
        triples = list(parse(f"<urn:s> <urn:p> {text} .", format=RdfFormat.N_TRIPLES))
    except SyntaxError as err:
        raise ValueError(f"not an RDF term in N-Triples syntax: {text!r}") from err
    if len(triples) != 1:
        raise ValueError(f"not one RDF term: {text!r}")
    return triples[0].object

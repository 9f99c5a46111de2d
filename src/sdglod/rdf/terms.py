"""RDF terms in N-Triples form: how terms cross process boundaries and reports."""

from __future__ import annotations

from functools import lru_cache

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

Term = NamedNode | BlankNode | Literal | Triple


REMEMBERED_LENGTH = 2048  # the longest text whose term is remembered (1,024 of them)


def term_from_ntriples(text: str) -> Term:
    """The term written ``text`` in N-Triples (``<iri>``, ``"literal"@lv``, ``_:b``); a
    ``ValueError`` if it is not one term."""
    # Every job's parameters come this way, the same few again and again; terms are values.
    return _remembered(text) if len(text) <= REMEMBERED_LENGTH else _read_term(text)


def _read_term(text: str) -> Term:
    try:
        triples = list(parse(f"<urn:s> <urn:p> {text} .", format=RdfFormat.N_TRIPLES))
    except SyntaxError as err:
        raise ValueError(f"not an RDF term in N-Triples syntax: {text!r}") from err
    if len(triples) != 1:
        raise ValueError(f"not one RDF term: {text!r}")
    return triples[0].object


_remembered = lru_cache(maxsize=1024)(_read_term)

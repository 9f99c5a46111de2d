"""The small triple lists the descriptions are built as (:class:`Graph`), their terms and
the prefixes their files are written with.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from ..rdf.namespaces import (
    DCAT,
    DCT,
    FOAF,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    SPDX,
    VCARD,
    VOID,
    XSD,
)

Term = NamedNode | BlankNode | Literal  # what a description states (no quoted triples)


def sort_key(term: Term) -> tuple[str, str]:
    """The stable order of terms in the descriptions: by value, then by N-Triples form."""
    return (term.value, str(term))


# Prefixes of the description files (the project's own prefixes are added to these).
PREFIXES = {
    "dcat": DCAT,
    "dcterms": DCT,
    "foaf": FOAF,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "schema": SCHEMA,
    "skos": SKOS,
    "spdx": SPDX,
    "vcard": VCARD,
    "void": VOID,
    "xsd": XSD,
}


class Graph:
    """A small list of triples with helpers; duplicates are dropped when it is written."""

    def __init__(self) -> None:
        self.triples: list[Triple] = []

    def add(self, subject: str, predicate: str, obj: Term | str) -> None:
        o = NamedNode(obj) if isinstance(obj, str) else obj
        self.triples.append(Triple(NamedNode(subject), NamedNode(predicate), o))

    def add_all(self, subject: str, predicate: str, objects: Iterable[Term | str]) -> None:
        for obj in objects:
            self.add(subject, predicate, obj)

    def quads(self) -> list[Quad]:
        return [Quad(t.subject, t.predicate, t.object) for t in dict.fromkeys(self.triples)]


def typed(value: str | int, datatype: str) -> Literal:
    """A literal of the XSD datatype named ``datatype`` (``"integer"``…)."""
    return Literal(str(value), datatype=NamedNode(XSD + datatype))

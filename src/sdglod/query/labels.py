"""Labels for the IRIs of a result, in the reader's language, asked of any backend.

Tables for people show a label instead of an IRI where the data has one: ``schema:name``
first, then ``skos:prefLabel``, then ``rdfs:label``, then ``dcterms:title`` (the one list of
label properties: the web pages name things by it too).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pyoxigraph import Literal, NamedNode, Triple

from ..rdf.namespaces import DCT, RDFS_LABEL, SCHEMA, SKOS
from .execute import Backend
from .results import GraphResult, Result, SelectResult, Term

LABEL_PROPERTIES = (SCHEMA + "name", SKOS + "prefLabel", RDFS_LABEL, DCT + "title")
_LABEL_BATCH = 200


def iris_in(result: Result) -> list[str]:
    """Every IRI a result mentions, once, in order of appearance."""
    seen: dict[str, None] = {}

    def visit(term: Term | None) -> None:
        if isinstance(term, NamedNode):
            seen.setdefault(term.value)
        elif isinstance(term, Triple):
            for part in (term.subject, term.predicate, term.object):
                visit(part)

    if isinstance(result, SelectResult):
        for row in result.rows:
            for term in row:
                visit(term)
    elif isinstance(result, GraphResult):
        for triple in result.triples:
            visit(triple)
    return list(seen)


def label_queries(iris: Sequence[str], lang: str) -> list[str]:
    """SELECT queries (one per batch of IRIs) for the labels of ``iris`` in ``lang``."""
    wanted = Literal(lang)
    ranks = " ".join(f"({NamedNode(p)} {rank})" for rank, p in enumerate(LABEL_PROPERTIES))
    queries = []
    for start in range(0, len(iris), _LABEL_BATCH):
        # The IRIs come from a result and are written by pyoxigraph (NamedNode checks them),
        # so this text cannot be steered by data.
        values = " ".join(str(NamedNode(iri)) for iri in iris[start : start + _LABEL_BATCH])
        queries.append(
            f"SELECT ?s ?rank ?label WHERE {{ VALUES ?s {{ {values} }} "
            f"VALUES (?p ?rank) {{ {ranks} }} ?s ?p ?label "
            f"FILTER(langMatches(lang(?label), {wanted})) }}"
        )
    return queries


def labels_from(results: Iterable[Result]) -> dict[str, str]:
    """The best label per IRI from the answers to :func:`label_queries`: by the order of
    :data:`LABEL_PROPERTIES`; the first in code-point order."""
    best: dict[str, tuple[int, str]] = {}
    for found in results:
        assert isinstance(found, SelectResult)
        for subject, rank, label in found.rows:
            key = (int(rank.value), label.value)
            if subject.value not in best or key < best[subject.value]:
                best[subject.value] = key
    return {iri: label for iri, (_, label) in best.items()}


def fetch_labels(backend: Backend, iris: Sequence[str], lang: str) -> dict[str, str]:
    """Labels in ``lang`` for ``iris``, asked of ``backend`` (see :func:`labels_from`)."""
    return labels_from(backend.run(query) for query in label_queries(iris, lang))

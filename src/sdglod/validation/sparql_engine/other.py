"""Other constraint components (SHACL 4.8): ``sh:closed`` (with ``sh:ignoredProperties``),
``sh:hasValue``, ``sh:in``."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import URIRef
from rdflib.namespace import RDFS, SH

from ...rdf.namespaces import RDF_TYPE
from .base import Check, EngineBase, Row, sparql_term
from .model import Shape


def in_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    for values in shape.params.get(SH["in"], []):
        condition = in_list(engine.model.members(values), "?v")
        yield Check(SH.InConstraintComponent, engine.violating(shape, focus, condition))


def has_value_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    for value in shape.params.get(SH.hasValue, []):
        if shape.is_property:
            query = (
                f"SELECT ?this WHERE {{ {engine.in_set(focus)} FILTER NOT EXISTS "
                f"{{ ?this {shape.path_sparql} ?v FILTER({has_value(value, '?v')}) }} }}"
            )
        else:
            is_value = has_value(value, "?this")
            query = f"SELECT ?this WHERE {{ {engine.in_set(focus)} FILTER(!{is_value}) }}"
        yield Check(SH.HasValueConstraintComponent, query, has_value=False)


def closed_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    closed = shape.one(SH.closed)
    if closed is None or not bool(closed.value):
        return
    graph = engine.model.graph
    allowed = set()
    for prop in shape.params.get(SH.property, []):
        allowed |= set(graph.objects(prop, SH.path))
    for ignored in shape.params.get(SH.ignoredProperties, []):
        allowed |= set(graph.items(ignored))
    condition = " && ".join(
        f"?p != {sparql_term(a)}" for a in sorted(allowed, key=str) if isinstance(a, URIRef)
    )
    query = (
        f"SELECT DISTINCT ?this ?v ?p ?o WHERE {{ {engine.values(shape, focus)} ?v ?p ?o . "
        f"FILTER({condition or 'true'}) "
        f"FILTER(!(?p = <{RDF_TYPE}> && sameTerm(?o, <{RDFS.Resource}>))) }}"
    )
    rows = [Row(row["this"], row["o"], row["p"]) for row in engine.select(query)]
    yield Check(SH.ClosedConstraintComponent, rows=rows)


def in_list(values: list, variable: str) -> str:
    """The node in ``variable`` is one of ``values``."""
    if not values:
        return "false"
    return "(" + " || ".join(f"sameTerm({variable}, {sparql_term(v)})" for v in values) + ")"


def has_value(value: object, variable: str) -> str:
    """The node in ``variable`` is ``value``."""
    return f"sameTerm({variable}, {sparql_term(value)})"

"""Shape-based constraint components (SHACL 4.7): ``sh:node`` and ``sh:qualifiedValueShape``
(with ``sh:qualifiedMinCount``, ``sh:qualifiedMaxCount``, ``sh:qualifiedValueShapesDisjoint``).

``sh:property`` is the engine's own: the results of a property shape are reported with that
shape as their source, so ``Engine.results`` and ``Engine.failing`` evaluate it.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Literal as RdfLiteral
from rdflib.namespace import SH

from .base import Check, EngineBase
from .model import Shape, ShapesModel


def node_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    for other in shape.params.get(SH.node, []):
        nested = engine.model.get(other)
        condition = engine.conforms(nested, shape, focus)
        yield Check(SH.NodeConstraintComponent, engine.violating(shape, focus, condition))


def qualified_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    if SH.qualifiedValueShape not in shape.params:
        return
    low, high = shape.one(SH.qualifiedMinCount), shape.one(SH.qualifiedMaxCount)
    disjoint = any(
        isinstance(d, RdfLiteral) and d.value is True
        for d in shape.params.get(SH.qualifiedValueShapesDisjoint, [])
    )
    for node in shape.params[SH.qualifiedValueShape]:
        nested = engine.model.get(node)
        condition = engine.conforms(nested, shape, focus)
        if disjoint:
            for sibling in _siblings(engine.model, shape, node):
                condition += f" && !({engine.conforms(sibling, shape, focus)})"
        counted = (
            f"SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {engine.in_set(focus)} "
            f"OPTIONAL {{ ?this {shape.path_sparql} ?v FILTER({condition}) }} }} GROUP BY ?this"
        )
        if high is not None:
            yield Check(
                SH.QualifiedMaxCountConstraintComponent,
                f"SELECT ?this WHERE {{ {{ {counted} }} FILTER(?n > {high.value}) }}",
                has_value=False,
            )
        if low is not None and low.value > 0:
            if not disjoint and low.value == 1:
                # The common case, without counting: no value conforms.
                query = (
                    f"SELECT ?this WHERE {{ {engine.in_set(focus)} FILTER NOT EXISTS "
                    f"{{ ?this {shape.path_sparql} ?v FILTER({condition}) }} }}"
                )
            else:
                query = f"SELECT ?this WHERE {{ {{ {counted} }} FILTER(?n < {low.value}) }}"
            yield Check(SH.QualifiedMinCountConstraintComponent, query, has_value=False)


def _siblings(model: ShapesModel, shape: Shape, node: object) -> list[Shape]:
    """The other qualified value shapes of the property shapes of ``shape``'s parents."""
    graph = model.graph
    found = []
    for parent in graph.subjects(SH.property, shape.node):
        for prop in graph.objects(parent, SH.property):
            for sibling in graph.objects(prop, SH.qualifiedValueShape):
                if sibling != node and sibling not in [s.node for s in found]:
                    found.append(model.get(sibling))
    return found

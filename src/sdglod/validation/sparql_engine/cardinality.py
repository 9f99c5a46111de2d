"""Cardinality constraint components (SHACL 4.2): ``sh:minCount``, ``sh:maxCount``."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib.namespace import SH

from .base import Check, EngineBase
from .model import Shape


def count_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    low, high = shape.one(SH.minCount), shape.one(SH.maxCount)
    if low is not None and low.value > 0:
        if low.value == 1:
            query = (
                f"SELECT ?this WHERE {{ {engine.in_set(focus)} "
                f"FILTER NOT EXISTS {{ ?this {shape.path_sparql} ?v }} }}"
            )
        else:
            query = (
                f"SELECT ?this WHERE {{ {engine.in_set(focus)} "
                f"OPTIONAL {{ ?this {shape.path_sparql} ?v }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {low.value})"
            )
        yield Check(SH.MinCountConstraintComponent, query, has_value=False)
    if high is not None:
        yield Check(
            SH.MaxCountConstraintComponent,
            f"SELECT ?this WHERE {{ {engine.values(shape, focus)} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {high.value})",
            has_value=False,
        )

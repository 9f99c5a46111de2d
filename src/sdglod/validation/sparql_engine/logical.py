"""Logical constraint components (SHACL 4.6): ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``.

Each member shape becomes a SPARQL expression on the value (see ``Engine.conforms``), and the
expressions are combined here.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import URIRef
from rdflib.namespace import SH

from .base import Check, EngineBase
from .model import Shape

# The list-valued logical parameters, with their components.
LISTS = (
    (SH["and"], SH.AndConstraintComponent),
    (SH["or"], SH.OrConstraintComponent),
    (SH.xone, SH.XoneConstraintComponent),
)


def not_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    for member in shape.params.get(SH["not"], []):
        nested = engine.model.get(member)
        condition = f"!({engine.conforms(nested, shape, focus)})"
        yield Check(SH.NotConstraintComponent, engine.violating(shape, focus, condition))


def list_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    """``sh:and``, ``sh:or`` and ``sh:xone``."""
    for parameter, component in LISTS:
        for members in shape.params.get(parameter, []):
            shapes = [engine.model.get(m) for m in engine.model.members(members)]
            conditions = [engine.conforms(s, shape, focus) for s in shapes]
            condition = combine(parameter, conditions)
            yield Check(component, engine.violating(shape, focus, condition))


def combine(parameter: URIRef, conditions: list[str]) -> str:
    """The SPARQL expressions ``conditions`` (one per member shape) combined as ``sh:and``,
    ``sh:or`` or ``sh:xone`` combines its shapes."""
    if parameter == SH["and"]:
        return " && ".join(f"({c})" for c in conditions)
    if parameter == SH["or"]:
        return "(" + " || ".join(f"({c})" for c in conditions) + ")"
    return "((" + " + ".join(f"IF({c}, 1, 0)" for c in conditions) + ") = 1)"

"""Value range constraint components (SHACL 4.3): ``sh:minExclusive``, ``sh:minInclusive``,
``sh:maxExclusive``, ``sh:maxInclusive``, tested in Python with pyshacl's comparison."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from rdflib import Literal as RdfLiteral
from rdflib import URIRef
from rdflib.namespace import SH

from .base import Check, EngineBase
from .model import Shape, Unsupported

_RANGES = (
    (SH.minExclusive, SH.MinExclusiveConstraintComponent),
    (SH.minInclusive, SH.MinInclusiveConstraintComponent),
    (SH.maxExclusive, SH.MaxExclusiveConstraintComponent),
    (SH.maxInclusive, SH.MaxInclusiveConstraintComponent),
)


def range_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    for parameter, component in _RANGES:
        bound = shape.one(parameter)
        if bound is not None:
            yield engine.python_check(shape, focus, component, range_test(parameter, bound))


def range_test(parameter: URIRef, bound: object) -> Callable[[object], bool]:
    """pyshacl's test of a value against the bound of ``parameter``."""
    from pyshacl.rdfutil.compare import compare_literal

    if not isinstance(bound, RdfLiteral):
        raise Unsupported(f"{parameter} is not a literal")
    bound_is_string = isinstance(bound.value, str)

    def test(value: object) -> bool:
        if not isinstance(value, RdfLiteral):
            return False
        if isinstance(value.value, str) != bound_is_string:
            return False
        try:
            order = compare_literal(value, bound)
        except (TypeError, NotImplementedError):
            # Incomparable literals (e.g. a date against a number): pyshacl counts them as a
            # violation of the range, and so must this engine to give the same results.
            return False
        if parameter == SH.minExclusive:
            return order > 0
        if parameter == SH.minInclusive:
            return order >= 0
        if parameter == SH.maxExclusive:
            return order < 0
        return order <= 0

    return test

"""Property pair constraint components (SHACL 4.5): ``sh:equals``, ``sh:disjoint``,
``sh:lessThan``, ``sh:lessThanOrEquals``."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import BNode, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import SH

from ..report import IncomparableValues
from .base import Check, EngineBase, Row, sparql_term
from .model import Shape, Unsupported

_COMPARISONS = (
    (SH.lessThan, SH.LessThanConstraintComponent),
    (SH.lessThanOrEquals, SH.LessThanOrEqualsConstraintComponent),
)


def equals_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    for other in shape.params.get(SH.equals, []):
        # MINUS, not FILTER NOT EXISTS: the same here (both sides bind ?this and ?v), and
        # Oxigraph evaluates it as one join instead of a path search per row.
        predicate = sparql_term(other)
        if shape.is_property:
            not_values = f"MINUS {{ ?this {shape.path_sparql} ?v }}"
        else:
            not_values = "FILTER(!sameTerm(?v, ?this))"
        query = (
            f"SELECT DISTINCT ?this ?v WHERE {{ {{ {engine.values(shape, focus)} "
            f"MINUS {{ ?this {predicate} ?v }} }} UNION "
            f"{{ {engine.in_set(focus)} ?this {predicate} ?v . {not_values} }} }}"
        )
        yield Check(SH.EqualsConstraintComponent, query)


def disjoint_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    for other in shape.params.get(SH.disjoint, []):
        yield Check(
            SH.DisjointConstraintComponent,
            f"SELECT DISTINCT ?this ?v WHERE {{ {engine.values(shape, focus)} "
            f"?this {sparql_term(other)} ?v . }}",
        )


def less_than_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    """``sh:lessThan`` and ``sh:lessThanOrEquals``, compared in Python as pyshacl compares."""
    for parameter, component in _COMPARISONS:
        for other in shape.params.get(parameter, []):
            query = (
                f"SELECT DISTINCT ?this ?v ?o WHERE {{ {engine.values(shape, focus)} "
                f"?this {sparql_term(other)} ?o . }}"
            )
            strict = component == SH.LessThanConstraintComponent
            rows = []
            for row in engine.select(query):
                value, compared = engine.rdflib(row["v"]), engine.rdflib(row["o"])
                if not less_than(value, compared, strict):
                    rows.append(Row(row["this"], row["v"]))
            yield Check(component, rows=rows)


def less_than(value: object, other: object, strict: bool) -> bool:
    """pyshacl's comparison for sh:lessThan (``strict``) and sh:lessThanOrEquals."""
    if isinstance(value, BNode) or isinstance(other, BNode):
        raise Unsupported("sh:lessThan on a blank node (pyshacl reports an error)")

    def plain(term: object) -> tuple[object, bool]:
        if isinstance(term, URIRef):
            return str(term), True
        if isinstance(term, RdfLiteral) and isinstance(term.value, str):
            return term.value, True
        return term, False

    left, left_string = plain(value)
    right, right_string = plain(other)
    if left_string != right_string:
        return False
    try:
        return bool(left < right) if strict else bool(left <= right)  # type: ignore[operator]
    except TypeError as err:
        # pyshacl fails the same way on these values (see pyshacl_engine.validate_graphs).
        raise IncomparableValues(f"pyshacl cannot compare two values of the data: {err}") from err

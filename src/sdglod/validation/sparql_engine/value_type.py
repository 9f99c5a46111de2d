"""Value type constraint components (SHACL 4.1): ``sh:class``, ``sh:datatype``,
``sh:nodeKind``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal

from rdflib import Literal as RdfLiteral
from rdflib.namespace import RDF, RDFS, SH, XSD

from ..xsd import well_formed
from .base import INSTANCE_OF, Check, EngineBase, sparql_term
from .model import NODE_KINDS, Shape

# sh:datatype values whose check is exact in SPARQL (no lexical form can be ill-typed).
EXACT_DATATYPES = {XSD.string, RDF.langString}


def class_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    for cls in shape.params.get(SH["class"], []):
        condition = class_condition(cls, "?v")
        yield Check(SH.ClassConstraintComponent, engine.violating(shape, focus, condition))


def datatype_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    datatype = shape.one(SH.datatype)
    if datatype is None:
        return
    component = SH.DatatypeConstraintComponent
    if datatype == RDFS.Datatype:
        condition = f'(isLiteral(?v) && LANG(?v) = "" && DATATYPE(?v) != <{XSD.string}>)'
        yield Check(component, engine.violating(shape, focus, condition))
        return
    decided = datatype_condition(datatype, "?v")
    if decided is not None:
        yield Check(component, engine.violating(shape, focus, decided))
        return
    # Literals of the datatype may still be ill-typed ("2021-02-30"^^xsd:date): pyshacl
    # asks rdflib, and so does this, once per distinct value.
    exact = _has_datatype(datatype, "?v")
    yield Check(
        component,
        f"SELECT DISTINCT ?this ?v WHERE {{ {engine.values(shape, focus)} FILTER(!{exact}) }}",
    )
    yield engine.python_check(
        shape, focus, component, lambda v: datatype_matches(v, datatype), exact
    )


def node_kind_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    kind = shape.one(SH.nodeKind)
    if kind is not None:
        condition = NODE_KINDS[kind].format(v="?v")
        yield Check(SH.NodeKindConstraintComponent, engine.violating(shape, focus, condition))


def class_condition(cls: object, variable: str) -> str:
    """The node in ``variable`` is an instance of ``cls`` (or of a subclass)."""
    return f"EXISTS {{ {variable} {INSTANCE_OF} {sparql_term(cls)} }}"


def datatype_condition(datatype: object, variable: str) -> str | None:
    """The node in ``variable`` has ``datatype``, where SPARQL decides that exactly; else None."""
    if datatype == RDFS.Literal:
        return f"isLiteral({variable})"
    if datatype in EXACT_DATATYPES:
        return _has_datatype(datatype, variable)
    return None


def _has_datatype(datatype: object, variable: str) -> str:
    return f"(isLiteral({variable}) && DATATYPE({variable}) = {sparql_term(datatype)})"


def datatype_matches(value: object, datatype: object) -> bool:
    """pyshacl's test for a literal whose datatype IRI is ``datatype``, where a form that XSD
    1.1 allows always matches (``pyshacl_engine.py`` drops pyshacl's results for those)."""
    if not isinstance(value, RdfLiteral):
        return False
    if well_formed(str(value), str(datatype)) is True:
        return True
    if getattr(value, "ill_typed", None) is True:
        return False
    python = value.value
    expected = {
        XSD.string: (str, bytes),
        RDF.langString: (str, bytes),
        XSD.integer: int,
        XSD.float: float,
        XSD.decimal: Decimal,
        XSD.boolean: bool,
        XSD.date: date,
        XSD.time: time,
        XSD.dateTime: datetime,
    }.get(datatype)  # type: ignore[call-overload]
    return True if expected is None else isinstance(python, expected)

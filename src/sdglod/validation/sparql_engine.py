"""A fast SHACL engine: the shapes compiled to SPARQL over an in-memory Oxigraph store.

pyshacl walks the data graph node by node in Python; for a graph of 100k triples that takes a
minute. Here every constraint of a shape is one SPARQL query over *all* its focus nodes at once,
run by Oxigraph (Rust), and only the checks whose exact semantics are pyshacl's own Python
(regular expressions, ill-typed literals, comparisons of literals) run in Python, once per
distinct value. The results are the same :class:`ValidationResult` objects as
:func:`sdglod.validation.validate_graphs` gives: same focus node, path, value, severity, source
shape, source constraint, component and messages.

pyshacl stays the reference engine. This one raises :class:`Unsupported` for anything it does
not implement, and the caller falls back to pyshacl for the whole validation (results must not
depend on which engine ran which shape). Supported: targets (``sh:targetClass`` with
subclasses, ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, implicit class
targets, SHACL-AF ``sh:SPARQLTarget``), every SHACL property path, the components ``class
datatype nodeKind minCount maxCount minExclusive minInclusive maxExclusive maxInclusive
minLength maxLength pattern languageIn uniqueLang equals disjoint lessThan lessThanOrEquals not
and or xone node property qualifiedValueShape closed hasValue in``, and SPARQL-based
constraints whose query binds ``$this`` with its first triple pattern (then one query checks
every focus node). Left to pyshacl: custom constraint components, SHACL-AF rules, functions,
node expressions and target types, JavaScript, other SPARQL constraints (pre-binding ``$this``
node by node has rdflib's semantics), recursive shapes, and typed literals that Oxigraph stores
in a form rdflib would read differently (see :func:`_originals`).

Nested shapes (``sh:node``, ``sh:or``…, ``sh:qualifiedValueShape``) are inlined as a SPARQL
expression when they only test the value node itself (class, node kind, language, ``sh:in``…);
otherwise the candidate values go into a working set (a named graph that queries of the data
never see), the nested shape is evaluated on that set, and the nodes that fail it form another
working set that the outer query joins against.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from itertools import count

from pyoxigraph import Literal, NamedNode, Quad, Store
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import RDF, RDFS, SH, XSD

from ..rdf.sources import Sources
from ..rdf.store import canonical_literals
from .shapes_model import (
    _NODE_KINDS,
    Shape,
    ShapesModel,
    SparqlConstraint,
    Unsupported,
    _ox,
    _sparql,
)
from .validate import Severity, ValidationResult, _node_id, _nt, _path_text, _rdflib

__all__ = ["Engine", "ShapesModel", "Unsupported", "validate_quads", "validate_sources"]

_WORK = NamedNode("urn:x-sdglod:shacl-work")  # the named graph of working sets
_MEMBER = "<urn:x-sdglod:member>"
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
# sh:datatype values whose check is exact in SPARQL (no lexical form can be ill-typed).
_EXACT_DATATYPES = {XSD.string, RDF.langString}


# --- evaluation -----------------------------------------------------------------------------


@dataclass
class _Row:
    """One violation found by a check."""

    focus: object
    value: object | None = None
    path: object | None = None  # a path other than the shape's (sh:closed, SPARQL ?path)
    bindings: dict | None = None  # SPARQL-based constraints: for message templates


@dataclass
class _Check:
    """One constraint of a shape, ready to run: a SPARQL SELECT that projects ``?this`` (and
    ``?v`` for the value) of each violation, or rows found in Python."""

    component: URIRef
    query: str | None = None
    rows: list[_Row] | None = None
    has_value: bool = True
    constraint: object | None = None
    extra_messages: list[RdfLiteral] = field(default_factory=list)


class Engine:
    """Validates the data of a store against a :class:`ShapesModel`."""

    def __init__(
        self,
        store: Store,
        model: ShapesModel,
        namespaces: dict[str, str],
        originals: dict[Literal, Literal] | None = None,
    ):
        self.store = store
        self.model = model
        # Literals the store keeps in canonical form, mapped back to how they were written
        # (which is what pyshacl sees and reports).
        self.originals = originals or {}
        # Prefixes a SPARQL query may use undeclared: pyshacl runs it on an rdflib graph,
        # whose bindings rdflib adds as initial namespaces.
        self.namespaces = namespaces
        self._ids = count()
        self._candidates: dict[tuple[object, str], str] = {}
        self._failing: dict[tuple[object, str], str] = {}

    def rdflib(self, term: object) -> object:
        """The rdflib term pyshacl would see for a term of the store."""
        return _rdflib(self.originals.get(term, term))  # type: ignore[call-overload, arg-type]

    # --- working sets ------------------------------------------------------------------------

    def _new_set(self) -> str:
        return f"<urn:x-sdglod:set:{next(self._ids)}>"

    def _fill(self, target: str, where: str, variable: str = "?this") -> None:
        self.store.update(
            f"INSERT {{ GRAPH <{_WORK.value}> {{ {target} {_MEMBER} {variable} }} }} "
            f"WHERE {{ {where} }}"
        )

    def _fill_terms(self, target: str, terms: Iterable[object]) -> None:
        subject, member = NamedNode(target[1:-1]), NamedNode(_MEMBER[1:-1])
        self.store.extend(Quad(subject, member, term, _WORK) for term in terms)  # type: ignore[arg-type]

    @staticmethod
    def _in(target: str, variable: str = "?this") -> str:
        return f"GRAPH <{_WORK.value}> {{ {target} {_MEMBER} {variable} }}"

    def _select(self, query: str, **options: object) -> Iterator:
        return iter(self.store.query(query, **options))  # type: ignore[arg-type]

    # --- targets -----------------------------------------------------------------------------

    def focus_set(self, shape: Shape) -> str:
        target_set = self._new_set()
        for kind, value in shape.targets:
            if kind == "node":
                self._fill_terms(target_set, [_ox(value)])
            elif kind == "class":
                self._fill(target_set, f"?this {_RDF_TYPE}/{_SUBCLASS}* {_sparql(value)}")
            elif kind == "subjectsOf":
                self._fill(target_set, f"?this {_sparql(value)} ?any")
            elif kind == "objectsOf":
                self._fill(target_set, f"?any {_sparql(value)} ?this")
            else:
                select, prefixes = value  # type: ignore[misc]
                try:
                    rows = self.store.query(select, prefixes={**self.namespaces, **prefixes})
                except (SyntaxError, RuntimeError, OSError) as err:
                    raise Unsupported(f"a SPARQL target Oxigraph cannot run: {err}") from err
                if "this" not in [v.value for v in rows.variables]:  # type: ignore[union-attr]
                    raise Unsupported("a SPARQL target that does not select ?this")
                self._fill_terms(target_set, {row["this"] for row in rows if row["this"]})
        return target_set

    # --- checks of one shape ------------------------------------------------------------------

    def _values(self, shape: Shape, focus: str, value: str = "?v") -> str:
        """A group pattern binding ``?this`` to each focus node and ``value`` to its values."""
        if shape.is_property:
            return f"{self._in(focus)} ?this {shape.path_sparql} {value} ."
        return f"{self._in(focus)} BIND(?this AS {value})"

    def _violating(self, shape: Shape, focus: str, condition: str) -> str:
        """A SELECT of the (focus, value) pairs whose value does not meet ``condition``."""
        values = self._values(shape, focus)
        return f"SELECT DISTINCT ?this ?v WHERE {{ {values} FILTER(!({condition})) }}"

    def checks(self, shape: Shape, focus: str) -> Iterator[_Check]:
        """Every constraint of ``shape`` over the focus nodes in the set ``focus``."""
        params = shape.params
        for cls in params.get(SH["class"], []):
            yield _Check(
                SH.ClassConstraintComponent, self._violating(shape, focus, _class(cls, "?v"))
            )
        datatype = shape.one(SH.datatype)
        if datatype is not None:
            yield from self._datatype(shape, focus, datatype)
        kind = shape.one(SH.nodeKind)
        if kind is not None:
            yield _Check(
                SH.NodeKindConstraintComponent,
                self._violating(shape, focus, _NODE_KINDS[kind].format(v="?v")),
            )
        yield from self._counts(shape, focus)
        for parameter, component, operator in (
            (SH.minLength, SH.MinLengthConstraintComponent, ">="),
            (SH.maxLength, SH.MaxLengthConstraintComponent, "<="),
        ):
            length = shape.one(parameter)
            if length is not None:
                if parameter == SH.minLength and length.value == 0:
                    continue
                condition = f"(!isBlank(?v) && STRLEN(STR(?v)) {operator} {length.value})"
                yield _Check(component, self._violating(shape, focus, condition))
        for languages in params.get(SH.languageIn, []):
            condition = _language_in(self.model.members(languages), "?v")
            yield _Check(SH.LanguageInConstraintComponent, self._violating(shape, focus, condition))
        for values in params.get(SH["in"], []):
            condition = _in_list(self.model.members(values), "?v")
            yield _Check(SH.InConstraintComponent, self._violating(shape, focus, condition))
        for value in params.get(SH.hasValue, []):
            yield self._has_value(shape, focus, value)
        unique = shape.one(SH.uniqueLang)
        if unique is not None and unique.value is True:
            yield _Check(
                SH.UniqueLangConstraintComponent,
                f"SELECT ?this WHERE {{ {self._values(shape, focus)} "
                'FILTER(isLiteral(?v) && LANG(?v) != "") } '
                "GROUP BY ?this (LCASE(LANG(?v)) AS ?lang) HAVING (COUNT(DISTINCT ?v) > 1)",
                has_value=False,
            )
        for other in params.get(SH.equals, []):
            yield self._equals(shape, focus, other)
        for other in params.get(SH.disjoint, []):
            yield _Check(
                SH.DisjointConstraintComponent,
                f"SELECT DISTINCT ?this ?v WHERE {{ {self._values(shape, focus)} "
                f"?this {_sparql(other)} ?v . }}",
            )
        for parameter, component in (
            (SH.lessThan, SH.LessThanConstraintComponent),
            (SH.lessThanOrEquals, SH.LessThanOrEqualsConstraintComponent),
        ):
            for other in params.get(parameter, []):
                yield self._less_than(shape, focus, other, component)
        for parameter, component in (
            (SH.minExclusive, SH.MinExclusiveConstraintComponent),
            (SH.minInclusive, SH.MinInclusiveConstraintComponent),
            (SH.maxExclusive, SH.MaxExclusiveConstraintComponent),
            (SH.maxInclusive, SH.MaxInclusiveConstraintComponent),
        ):
            bound = shape.one(parameter)
            if bound is not None:
                yield self._python_check(shape, focus, component, _range_test(parameter, bound))
        for pattern in params.get(SH.pattern, []):
            test = _pattern_test(shape, pattern)
            yield self._python_check(shape, focus, SH.PatternConstraintComponent, test)
        for other in params.get(SH.node, []):
            nested = self.model.get(other)
            yield _Check(
                SH.NodeConstraintComponent,
                self._violating(shape, focus, self._conforms(nested, shape, focus)),
            )
        for members in params.get(SH["not"], []):
            nested = self.model.get(members)
            yield _Check(
                SH.NotConstraintComponent,
                self._violating(shape, focus, f"!({self._conforms(nested, shape, focus)})"),
            )
        for parameter, component in (
            (SH["and"], SH.AndConstraintComponent),
            (SH["or"], SH.OrConstraintComponent),
            (SH.xone, SH.XoneConstraintComponent),
        ):
            for members in params.get(parameter, []):
                shapes = [self.model.get(m) for m in self.model.members(members)]
                conditions = [self._conforms(s, shape, focus) for s in shapes]
                if parameter == SH["and"]:
                    condition = " && ".join(f"({c})" for c in conditions)
                elif parameter == SH["or"]:
                    condition = " || ".join(f"({c})" for c in conditions)
                else:
                    condition = "(" + " + ".join(f"IF({c}, 1, 0)" for c in conditions) + ") = 1"
                yield _Check(component, self._violating(shape, focus, condition))
        if SH.qualifiedValueShape in params:
            yield from self._qualified(shape, focus)
        closed = shape.one(SH.closed)
        if closed is not None and bool(closed.value):
            yield self._closed(shape, focus)
        for constraint in params.get(SH.sparql, []):
            yield from self._sparql_constraint(shape, focus, self.model.sparql[constraint])

    def _datatype(self, shape: Shape, focus: str, datatype: object) -> Iterator[_Check]:
        component = SH.DatatypeConstraintComponent
        if datatype == RDFS.Literal:
            yield _Check(component, self._violating(shape, focus, "isLiteral(?v)"))
            return
        if datatype == RDFS.Datatype:
            condition = f'(isLiteral(?v) && LANG(?v) = "" && DATATYPE(?v) != <{XSD.string}>)'
            yield _Check(component, self._violating(shape, focus, condition))
            return
        exact = f"(isLiteral(?v) && DATATYPE(?v) = {_sparql(datatype)})"
        if datatype in _EXACT_DATATYPES:
            yield _Check(component, self._violating(shape, focus, exact))
            return
        # Literals of the datatype may still be ill-typed ("2021-02-30"^^xsd:date): pyshacl
        # asks rdflib, and so does this, once per distinct value.
        yield _Check(
            component,
            f"SELECT DISTINCT ?this ?v WHERE {{ {self._values(shape, focus)} FILTER(!{exact}) }}",
        )
        yield self._python_check(
            shape, focus, component, lambda v: _datatype_matches(v, datatype), exact
        )

    def _counts(self, shape: Shape, focus: str) -> Iterator[_Check]:
        low, high = shape.one(SH.minCount), shape.one(SH.maxCount)
        if low is not None and low.value > 0:
            if low.value == 1:
                query = (
                    f"SELECT ?this WHERE {{ {self._in(focus)} "
                    f"FILTER NOT EXISTS {{ ?this {shape.path_sparql} ?v }} }}"
                )
            else:
                query = (
                    f"SELECT ?this WHERE {{ {self._in(focus)} "
                    f"OPTIONAL {{ ?this {shape.path_sparql} ?v }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {low.value})"
                )
            yield _Check(SH.MinCountConstraintComponent, query, has_value=False)
        if high is not None:
            yield _Check(
                SH.MaxCountConstraintComponent,
                f"SELECT ?this WHERE {{ {self._values(shape, focus)} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {high.value})",
                has_value=False,
            )

    def _has_value(self, shape: Shape, focus: str, value: object) -> _Check:
        term = _sparql(value)
        if shape.is_property:
            query = (
                f"SELECT ?this WHERE {{ {self._in(focus)} FILTER NOT EXISTS "
                f"{{ ?this {shape.path_sparql} ?v FILTER(sameTerm(?v, {term})) }} }}"
            )
        else:
            query = f"SELECT ?this WHERE {{ {self._in(focus)} FILTER(!sameTerm(?this, {term})) }}"
        return _Check(SH.HasValueConstraintComponent, query, has_value=False)

    def _equals(self, shape: Shape, focus: str, other: object) -> _Check:
        # MINUS, not FILTER NOT EXISTS: the same here (both sides bind ?this and ?v), and
        # Oxigraph evaluates it as one join instead of a path search per row.
        predicate = _sparql(other)
        if shape.is_property:
            not_values = f"MINUS {{ ?this {shape.path_sparql} ?v }}"
        else:
            not_values = "FILTER(!sameTerm(?v, ?this))"
        query = (
            f"SELECT DISTINCT ?this ?v WHERE {{ {{ {self._values(shape, focus)} "
            f"MINUS {{ ?this {predicate} ?v }} }} UNION "
            f"{{ {self._in(focus)} ?this {predicate} ?v . {not_values} }} }}"
        )
        return _Check(SH.EqualsConstraintComponent, query)

    def _less_than(self, shape: Shape, focus: str, other: object, component: URIRef) -> _Check:
        query = (
            f"SELECT DISTINCT ?this ?v ?o WHERE {{ {self._values(shape, focus)} "
            f"?this {_sparql(other)} ?o . }}"
        )
        strict = component == SH.LessThanConstraintComponent
        rows = []
        for row in self._select(query):
            value, compared = self.rdflib(row["v"]), self.rdflib(row["o"])
            if not _less_than(value, compared, strict):
                rows.append(_Row(row["this"], row["v"]))
        return _Check(component, rows=rows)

    def _python_check(
        self, shape: Shape, focus: str, component: URIRef, test: object, condition: str = "true"
    ) -> _Check:
        """A check whose test is Python (pyshacl's semantics), run once per distinct value."""
        values = [
            row["v"]
            for row in self._select(
                f"SELECT DISTINCT ?v WHERE {{ {self._values(shape, focus)} FILTER({condition}) }}"
            )
        ]
        failing = [v for v in values if not test(self.rdflib(v))]  # type: ignore[operator]
        if not failing:
            return _Check(component, rows=[])
        bad = self._new_set()
        self._fill_terms(bad, failing)
        query = (
            f"SELECT DISTINCT ?this ?v WHERE {{ {self._values(shape, focus)} "
            f"{self._in(bad, '?v')} }}"
        )
        return _Check(component, query)

    def _qualified(self, shape: Shape, focus: str) -> Iterator[_Check]:
        low, high = shape.one(SH.qualifiedMinCount), shape.one(SH.qualifiedMaxCount)
        disjoint = any(
            isinstance(d, RdfLiteral) and d.value is True
            for d in shape.params.get(SH.qualifiedValueShapesDisjoint, [])
        )
        for node in shape.params[SH.qualifiedValueShape]:
            nested = self.model.get(node)
            condition = self._conforms(nested, shape, focus)
            if disjoint:
                for sibling in self._siblings(shape, node):
                    condition += f" && !({self._conforms(sibling, shape, focus)})"
            counted = (
                f"SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {self._in(focus)} "
                f"OPTIONAL {{ ?this {shape.path_sparql} ?v FILTER({condition}) }} }} GROUP BY ?this"
            )
            if high is not None:
                yield _Check(
                    SH.QualifiedMaxCountConstraintComponent,
                    f"SELECT ?this WHERE {{ {{ {counted} }} FILTER(?n > {high.value}) }}",
                    has_value=False,
                )
            if low is not None and low.value > 0:
                if not disjoint and low.value == 1:
                    # The common case, without counting: no value conforms.
                    query = (
                        f"SELECT ?this WHERE {{ {self._in(focus)} FILTER NOT EXISTS "
                        f"{{ ?this {shape.path_sparql} ?v FILTER({condition}) }} }}"
                    )
                else:
                    query = f"SELECT ?this WHERE {{ {{ {counted} }} FILTER(?n < {low.value}) }}"
                yield _Check(SH.QualifiedMinCountConstraintComponent, query, has_value=False)

    def _siblings(self, shape: Shape, node: object) -> list[Shape]:
        graph = self.model.graph
        found = []
        for parent in graph.subjects(SH.property, shape.node):
            for prop in graph.objects(parent, SH.property):
                for sibling in graph.objects(prop, SH.qualifiedValueShape):
                    if sibling != node and sibling not in [s.node for s in found]:
                        found.append(self.model.get(sibling))
        return found

    def _closed(self, shape: Shape, focus: str) -> _Check:
        graph = self.model.graph
        allowed = set()
        for prop in shape.params.get(SH.property, []):
            allowed |= set(graph.objects(prop, SH.path))
        for ignored in shape.params.get(SH.ignoredProperties, []):
            allowed |= set(graph.items(ignored))
        condition = " && ".join(
            f"?p != {_sparql(a)}" for a in sorted(allowed, key=str) if isinstance(a, URIRef)
        )
        query = (
            f"SELECT DISTINCT ?this ?v ?p ?o WHERE {{ {self._values(shape, focus)} ?v ?p ?o . "
            f"FILTER({condition or 'true'}) "
            f"FILTER(!(?p = {_RDF_TYPE} && sameTerm(?o, <{RDFS.Resource}>))) }}"
        )
        rows = [_Row(row["this"], row["o"], row["p"]) for row in self._select(query)]
        return _Check(SH.ClosedConstraintComponent, rows=rows)

    def _sparql_constraint(
        self, shape: Shape, focus: str, constraint: SparqlConstraint
    ) -> Iterator[_Check]:
        if constraint.deactivated:
            return
        text = constraint.select
        if shape.is_property:
            text = re.sub(r"([\s{}()])[\$\?]PATH", lambda m: m.group(1) + shape.path_sparql, text)  # type: ignore[operator]
        elif re.search(r"([\s{}()])[\$\?]PATH", text):
            raise Unsupported("$PATH in a SPARQL constraint of a node shape")
        bulk = _bulk_form(text, self._in(focus))
        if bulk is None:
            # Pre-binding $this node by node has rdflib's semantics, which Oxigraph's
            # substitutions do not reproduce (a FILTER or BIND before $this is bound).
            raise Unsupported("a SPARQL constraint that does not bind $this first")
        try:
            result = self.store.query(bulk, prefixes={**self.namespaces, **constraint.prefixes})
        except (SyntaxError, RuntimeError, OSError) as err:
            raise Unsupported(f"a SPARQL constraint Oxigraph cannot run: {err}") from err
        names = [v.value for v in result.variables]  # type: ignore[union-attr]
        if "this" not in names:
            raise Unsupported("a SPARQL constraint that does not select $this")
        rows_by_focus: dict[object, list] = {}
        for row in result:
            rows_by_focus.setdefault(row["this"], []).append(_bindings(row, names))
        rows = []
        for node, found in rows_by_focus.items():
            seen: list = []
            for bindings in found:
                this = bindings.pop("this", None)
                path = bindings.pop("path", None)
                value = bindings.pop("value", None)
                key = (this, path, value, tuple(sorted(bindings.items())))
                if key in seen:
                    continue
                seen.append(key)
                if value is None and not shape.is_property:
                    value = node
                rows.append(
                    _Row(
                        this or node,
                        value,
                        path,
                        {"this": this, "path": path, "value": value, **bindings},
                    )
                )
        yield _Check(
            SH.SPARQLConstraintComponent,
            rows=rows,
            constraint=constraint.node,
            extra_messages=constraint.messages,
        )

    # --- nested shapes ------------------------------------------------------------------------

    def _conforms(self, nested: Shape, outer: Shape, focus: str, variable: str = "?v") -> str:
        """A SPARQL expression: the value in ``variable`` (a value of ``outer`` for a focus node
        in ``focus``) conforms to ``nested``."""
        inline = self._inline(nested, variable)
        if inline is not None:
            return inline
        candidates = self._candidates.get((outer.node, focus))
        if candidates is None:
            candidates = self._candidates[(outer.node, focus)] = self._new_set()
            self._fill(candidates, self._values(outer, focus), "?v")
        failing = self._failing.get((nested.node, candidates))
        if failing is None:
            failing = self._failing[(nested.node, candidates)] = self.failing(nested, candidates)
        return f"NOT EXISTS {{ {self._in(failing, variable)} }}"

    def _inline(self, shape: Shape, variable: str) -> str | None:
        """``shape`` as a SPARQL expression on ``variable``, if it only tests the node itself."""
        if shape.deactivated:
            return "true"
        if shape.is_property:
            return None
        parts = []
        for parameter, values in shape.params.items():
            for value in values:
                if parameter == SH["class"]:
                    parts.append(_class(value, variable))
                elif parameter == SH.nodeKind:
                    parts.append(_NODE_KINDS[value].format(v=variable))
                elif parameter == SH.languageIn:
                    parts.append(_language_in(self.model.members(value), variable))
                elif parameter == SH["in"]:
                    parts.append(_in_list(self.model.members(value), variable))
                elif parameter == SH.hasValue:
                    parts.append(f"sameTerm({variable}, {_sparql(value)})")
                elif parameter == SH.datatype and value in _EXACT_DATATYPES | {RDFS.Literal}:
                    if value == RDFS.Literal:
                        parts.append(f"isLiteral({variable})")
                    else:
                        parts.append(
                            f"(isLiteral({variable}) && DATATYPE({variable}) = {_sparql(value)})"
                        )
                elif parameter in (SH.minLength, SH.maxLength):
                    if parameter == SH.minLength and value.value == 0:
                        continue
                    operator = ">=" if parameter == SH.minLength else "<="
                    length = f"STRLEN(STR({variable})) {operator} {value.value}"
                    parts.append(f"(!isBlank({variable}) && {length})")
                elif parameter == SH.node:
                    inner = self._inline(self.model.get(value), variable)
                    if inner is None:
                        return None
                    parts.append(inner)
                elif parameter == SH["not"]:
                    inner = self._inline(self.model.get(value), variable)
                    if inner is None:
                        return None
                    parts.append(f"!({inner})")
                elif parameter in (SH["and"], SH["or"], SH.xone):
                    inner_parts = [
                        self._inline(self.model.get(m), variable) for m in self.model.members(value)
                    ]
                    if any(p is None for p in inner_parts):
                        return None
                    if parameter == SH["and"]:
                        parts.append(" && ".join(f"({p})" for p in inner_parts))
                    elif parameter == SH["or"]:
                        parts.append("(" + " || ".join(f"({p})" for p in inner_parts) + ")")
                    else:
                        parts.append(
                            "((" + " + ".join(f"IF({p}, 1, 0)" for p in inner_parts) + ") = 1)"
                        )
                else:
                    return None
        return " && ".join(f"({p})" for p in parts) or "true"

    def failing(self, shape: Shape, candidates: str) -> str:
        """A working set of the nodes in ``candidates`` that do not conform to ``shape``."""
        failing = self._new_set()
        if shape.deactivated:
            return failing
        for check in self.checks(shape, candidates):
            self._fail(check, failing)
        for prop in shape.params.get(SH.property, []):
            nested = self.model.get(prop)
            if shape.is_property:
                # The values are the property shape's focus nodes: a node fails when one of
                # its values does.
                values = self._new_set()
                self._fill(values, self._values(shape, candidates), "?v")
                failed = self.failing(nested, values)
                self._fill(failing, f"{self._values(shape, candidates)} {self._in(failed, '?v')}")
            else:
                self._fill(failing, self._in(self.failing(nested, candidates)))
        return failing

    def _fail(self, check: _Check, failing: str) -> None:
        if check.query is not None:
            self._fill(failing, f"{{ {check.query} }}")
        else:
            self._fill_terms(failing, {row.focus for row in check.rows or []})

    # --- results ------------------------------------------------------------------------------

    def results(
        self, shape: Shape, focus: str, weights: dict | None = None
    ) -> Iterator[tuple[Shape, _Check, _Row]]:
        """Every violation of ``shape`` (and the property shapes it names) for ``focus``.

        ``weights``: how many times pyshacl validates each focus node, where not once. It
        validates the property shapes of a property shape once per (focus node, value) pair,
        so a value shared by two focus nodes gives its results twice.
        """
        if shape.deactivated:
            return
        for check in self.checks(shape, focus):
            for row in self._rows(check):
                for _ in range((weights or {}).get(row.focus, 1)):
                    yield shape, check, row
        for prop in shape.params.get(SH.property, []):
            nested = self.model.get(prop)
            values, inner_weights = focus, weights
            if shape.is_property:
                values = self._new_set()
                self._fill(values, self._values(shape, focus), "?v")
                inner_weights = {}
                for row in self._select(
                    f"SELECT DISTINCT ?this ?v WHERE {{ {self._values(shape, focus)} }}"
                ):
                    weight = (weights or {}).get(row["this"], 1)
                    inner_weights[row["v"]] = inner_weights.get(row["v"], 0) + weight
            yield from self.results(nested, values, inner_weights)

    def _rows(self, check: _Check) -> Iterator[_Row]:
        if check.rows is not None:
            yield from check.rows
            return
        for row in self._select(check.query):  # type: ignore[arg-type]
            yield _Row(row["this"], row["v"] if check.has_value else None)

    def run(self) -> list[ValidationResult]:
        found = []
        for shape in self.model.top_level():
            focus = self.focus_set(shape)
            for owner, check, row in self.results(shape, focus):
                found.append(self._result(owner, check, row))
        return found

    def _result(self, shape: Shape, check: _Check, row: _Row) -> ValidationResult:
        if row.path is not None:
            path_text: str | None = _node_id(self.rdflib(row.path))
        elif shape.path is not None:
            path_text = _path_text(self.model.graph, shape.path)
        else:
            path_text = None
        messages = _messages(shape, check, row, self.rdflib)
        severity = str(shape.severity)
        focus = self.rdflib(row.focus)
        return ValidationResult(
            severity=Severity.of(severity),
            severity_iri=severity,
            focus_node=_node_id(focus),
            path=path_text,
            value=None if row.value is None else _nt(self.rdflib(row.value)),
            messages=messages,
            shape=_node_id(shape.node),
            component=str(check.component),
            constraint=_node_id(check.constraint) if check.constraint is not None else "",
        )


def _messages(shape: Shape, check: _Check, row: _Row, rdflib: Callable) -> dict[str, str]:
    """The messages pyshacl writes for a result, keyed by language as validation.py keys them."""
    literals: list[RdfLiteral] = []
    own = list(shape.messages)
    for message in check.extra_messages:
        if message not in own:
            literals.append(message)
    literals += own
    if not literals:
        literals = [RdfLiteral(_generic_message(check))]
    texts = []
    for message in literals:
        text = str(message)
        if row.bindings is not None:
            for name, value in row.bindings.items():
                if value is not None:
                    # As pyshacl does it (the value is a replacement template there too).
                    text = re.sub(f"{{[?$]{name}}}", str(rdflib(value)), text)
        texts.append((text, message.language or ""))
    found: dict[str, str] = {}
    for text, language in sorted(set(texts), key=lambda pair: pair[0]):
        found.setdefault(language, text)
    return found


def _generic_message(check: _Check) -> str:
    # Shapes without sh:message: pyshacl writes its own wording; this engine says which
    # component failed (the project's shapes always have messages, see validation.py).
    return f"Constraint {check.component.rsplit('#', 1)[-1]} not met"


def _bindings(row: object, names: list[str]) -> dict:
    return {name: row[name] for name in names if row[name] is not None}  # type: ignore[index]


def _bulk_form(text: str, focus_pattern: str) -> str | None:
    """The query run once for all focus nodes, if that gives what pre-binding ``$this`` for
    each of them gives; else None.

    Safe when every SELECT (the query and any sub-select) starts its WHERE group with a triple
    pattern whose subject is ``$this``, and every sub-select that aggregates groups by
    ``$this``: then ``$this`` is bound before anything uses it, and joining the set of focus
    nodes in front of the group is the same as substituting each of them.
    """
    stripped = _strip(text)
    if re.search(r"\bGRAPH\b", stripped, re.I):
        return None  # the working sets live in a named graph
    outer_start = None
    for number, select in enumerate(re.finditer(r"\bSELECT\b", stripped, re.I)):
        opening = stripped.find("{", select.end())
        if opening < 0:
            return None
        body = opening + 1
        if not re.match(r"\s*[?$]this\s", stripped[body:]):
            return None
        if number == 0:
            outer_start = body
            continue
        projection = stripped[select.end() : opening]
        if re.search(r"\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", projection, re.I):
            closing = _closing(stripped, opening)
            after = stripped[closing + 1 : closing + 200] if closing > 0 else ""
            group = re.match(
                r"\s*GROUP\s+BY\s+([^{}]*?)(?:HAVING|ORDER|LIMIT|OFFSET|\}|$)", after, re.I
            )
            if not (group and re.search(r"[?$]this\b", group.group(1))):
                return None
    if outer_start is None:
        return None
    return text[:outer_start] + " " + focus_pattern + " " + text[outer_start:]


def _closing(text: str, opening: int) -> int:
    depth = 0
    for position in range(opening, len(text)):
        if text[position] == "{":
            depth += 1
        elif text[position] == "}":
            depth -= 1
            if depth == 0:
                return position
    return -1


def _strip(text: str) -> str:
    """``text`` with comments, strings and IRIs blanked out (same length, same positions)."""

    def blank(match: re.Match) -> str:
        return " " * len(match.group(0))

    pattern = re.compile(
        r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
        r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*',
        re.S,
    )
    return pattern.sub(blank, text)


# --- value tests with pyshacl's semantics -------------------------------------------------------


def _class(cls: object, variable: str) -> str:
    return f"EXISTS {{ {variable} {_RDF_TYPE}/{_SUBCLASS}* {_sparql(cls)} }}"


def _language_in(languages: list, variable: str) -> str:
    wanted = sorted({str(language).lower() for language in languages})
    if "*" in wanted:
        return f'(isLiteral({variable}) && LANG({variable}) != "")'
    if not wanted:
        return "false"
    listed = ", ".join(f'"{w}"' for w in wanted)
    return (
        f'(isLiteral({variable}) && LANG({variable}) != "" && '
        f"(LCASE(LANG({variable})) IN ({listed}) || "
        f'LCASE(STRBEFORE(CONCAT(LANG({variable}), "-"), "-")) IN ({listed})))'
    )


def _in_list(values: list, variable: str) -> str:
    if not values:
        return "false"
    return "(" + " || ".join(f"sameTerm({variable}, {_sparql(v)})" for v in values) + ")"


def _datatype_matches(value: object, datatype: object) -> bool:
    """pyshacl's test for a literal whose datatype IRI is ``datatype``."""
    if not isinstance(value, RdfLiteral):
        return False
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


def _range_test(parameter: URIRef, bound: object):
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


def _pattern_test(shape: Shape, pattern: RdfLiteral):
    """pyshacl's test of one sh:pattern (with the shape's sh:flags)."""
    flags_value = shape.one(SH.flags)
    flags = 0
    if flags_value is not None:
        text = str(flags_value.value).lower()  # type: ignore[union-attr]
        flags |= re.I if "i" in text else 0
        flags |= re.M if "m" in text else 0
    if pattern.value is not None and len(pattern.value) > 1:
        source = str(pattern.value)
    else:
        source = str(pattern)
    compiled = re.compile(source, flags)

    def test(value: object) -> bool:
        if isinstance(value, BNode):
            return False
        if (
            isinstance(value, RdfLiteral)
            and value.value is not None
            and value.datatype in (None, RDF.langString, XSD.string)
        ):
            text = str(value.value)
        else:
            text = str(value)
        return bool(compiled.match(text) or compiled.search(text))

    return test


def _less_than(value: object, other: object, strict: bool) -> bool:
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
        raise Unsupported(f"values that pyshacl cannot compare: {err}") from err


# --- entry points -------------------------------------------------------------------------------


def store_of_sources(sources: Sources) -> Store:
    """An in-memory store with the union of the sources in its default graph."""
    store = Store()
    for parsed in sources.files:
        # (load, not bulk_load: faster for an in-memory store)
        if parsed.data and not parsed.blank_nodes:
            store.load(parsed.data, parsed.format, base_iri=parsed.base)
        else:
            store.extend(Quad(q.subject, q.predicate, q.object) for q in parsed.quads)
    return store


def _originals(literals: Iterable[Literal]) -> dict[Literal, Literal]:
    """The literals that the store keeps in another (canonical) form, by that form.

    pyshacl sees each literal as rdflib reads it; the store may keep another form
    (``"4.0"^^xsd:decimal`` as ``"4"``). Results are reported in the original form. Raises
    :class:`Unsupported` where the two would not agree on which literals are the same term:
    two literals rdflib keeps apart that the store makes one, or the other way round.
    """
    given = list(literals)
    stored = canonical_literals(given)
    seen_as: dict[Literal, str] = {}
    for literal in given:
        form = stored.get(literal, literal)
        rdflib_form = _nt(_rdflib(literal))
        if seen_as.setdefault(form, rdflib_form) != rdflib_form:
            raise Unsupported(f"the store keeps two literals as one: {literal} and another")
    if len(set(seen_as.values())) != len(seen_as):
        raise Unsupported("rdflib reads two literals as one that the store keeps apart")
    for literal, form in stored.items():
        if form.datatype != literal.datatype:
            raise Unsupported(f"the store keeps {literal} with another datatype: {form}")
    return {form: literal for literal, form in stored.items()}


def _check_lexical(model: ShapesModel, originals: dict) -> None:
    """Queries that read lexical forms (string lengths, SPARQL) would read the stored form."""
    if not originals:
        return
    lexical = {SH.minLength, SH.maxLength, SH.sparql}
    for shape in model.shapes.values():
        if lexical & set(shape.params) or any(kind == "sparql" for kind, _ in shape.targets):
            example = next(iter(originals.values()))
            raise Unsupported(f"the store keeps {example} in another form, and a query reads it")


def _rdflib_namespaces() -> dict[str, str]:
    return {name: str(iri) for name, iri in Graph().namespaces()}


def validate_sources(
    sources: Sources, shapes: Graph, require_messages: bool = False
) -> tuple[list[ValidationResult], int]:
    """Validate parsed sources against a shapes graph; the results and the number of triples.

    Raises :class:`Unsupported` when pyshacl must do it (``require_messages``: also when a
    shape that reports results has no ``sh:message``: only pyshacl writes its own wording).
    """
    model = ShapesModel(shapes)
    if require_messages and not model.has_messages():
        raise Unsupported("a shape without sh:message (only pyshacl writes its generic messages)")
    originals = _originals(sources.typed_literals() | _shape_literals(shapes))
    _check_lexical(model, originals)
    store = store_of_sources(sources)
    triples = len(store)
    results = Engine(store, model, _rdflib_namespaces(), originals).run()
    del store
    _give_back_memory()
    return results, triples


def _give_back_memory() -> None:
    """Return the memory the store freed to the operating system.

    glibc keeps freed heap memory for later, and the Python objects a build makes next (the
    sorted dumps) do not reuse it: without this a 1M-triple build peaks 0.2 GB higher.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to do


def validate_quads(
    quads: Iterable[Quad], shapes: Graph, namespaces: dict[str, str] | None = None
) -> list[ValidationResult]:
    """Validate quads (their union) against a shapes graph, as ``validation.validate_graphs``
    validates the rdflib graph of the same quads; ``namespaces``: the prefixes that graph binds
    (default: those of a new rdflib graph)."""
    model = ShapesModel(shapes)
    quads = list(quads)
    typed = {
        q.object
        for q in quads
        if type(q.object) is Literal
        and q.object.language is None
        and q.object.datatype.value != str(XSD.string)
    }
    originals = _originals(typed | _shape_literals(shapes))
    _check_lexical(model, originals)
    store = Store()
    store.extend(Quad(q.subject, q.predicate, q.object) for q in quads)
    namespaces = _rdflib_namespaces() if namespaces is None else namespaces
    return Engine(store, model, namespaces, originals).run()


def _shape_literals(shapes: Graph) -> set[Literal]:
    """The typed literals of the shapes that become data terms (focus nodes, sh:in and
    sh:hasValue values that queries compare with data)."""
    found = set()
    for predicate in (SH.hasValue, SH["in"], SH.targetNode):
        for value in shapes.objects(None, predicate):
            items = list(shapes.items(value)) if predicate == SH["in"] else [value]
            for item in items:
                if isinstance(item, RdfLiteral) and item.datatype not in (None, XSD.string):
                    found.add(_ox(item))
    return found  # type: ignore[return-value]

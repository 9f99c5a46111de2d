"""The engine: focus nodes from targets, the checks of each shape from the table of component
checkers, nested shapes inlined or evaluated on working sets, and the results as pyshacl
reports them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from rdflib import Literal as RdfLiteral
from rdflib.namespace import SH

from ..report import Severity, ValidationResult, node_id, nt, path_text
from . import (
    cardinality,
    logical,
    other,
    property_pair,
    shape_based,
    sparql_based,
    string_based,
    value_range,
    value_type,
)
from .base import INSTANCE_OF, Check, Checker, EngineBase, Row, ox_term, sparql_term
from .model import NODE_KINDS, Shape, Unsupported

# Every component checker, in the order the checks of a shape run. The order decides which
# Unsupported is raised first and the order of the results (before validate.py sorts them).
CHECKERS: tuple[Checker, ...] = (
    value_type.class_checks,
    value_type.datatype_checks,
    value_type.node_kind_checks,
    cardinality.count_checks,
    string_based.length_checks,
    string_based.language_in_checks,
    other.in_checks,
    other.has_value_checks,
    string_based.unique_lang_checks,
    property_pair.equals_checks,
    property_pair.disjoint_checks,
    property_pair.less_than_checks,
    value_range.range_checks,
    string_based.pattern_checks,
    shape_based.node_checks,
    logical.not_checks,
    logical.list_checks,
    shape_based.qualified_checks,
    other.closed_checks,
    sparql_based.sparql_checks,
)


class Engine(EngineBase):
    """Validates the data of a store against a :class:`ShapesModel`."""

    # --- targets -----------------------------------------------------------------------------

    def focus_set(self, shape: Shape) -> str:
        """A working set of the focus nodes of ``shape``'s targets."""
        target_set = self.new_set()
        for kind, value in shape.targets:
            if kind == "node":
                self.fill_terms(target_set, [ox_term(value)])
            elif kind == "class":
                self.fill(target_set, f"?this {INSTANCE_OF} {sparql_term(value)}")
            elif kind == "subjectsOf":
                self.fill(target_set, f"?this {sparql_term(value)} ?any")
            elif kind == "objectsOf":
                self.fill(target_set, f"?any {sparql_term(value)} ?this")
            else:
                select, prefixes = value  # type: ignore[misc]
                try:
                    rows = self.store.query(select, prefixes={**self.namespaces, **prefixes})
                except (SyntaxError, RuntimeError, OSError) as err:
                    raise Unsupported(f"a SPARQL target Oxigraph cannot run: {err}") from err
                if "this" not in [v.value for v in rows.variables]:  # type: ignore[union-attr]
                    raise Unsupported("a SPARQL target that does not select ?this")
                self.fill_terms(target_set, {row["this"] for row in rows if row["this"]})
        return target_set

    # --- checks of one shape ------------------------------------------------------------------

    def checks(self, shape: Shape, focus: str) -> Iterator[Check]:
        """Every constraint of ``shape`` over the focus nodes in the set ``focus``."""
        for checker in CHECKERS:
            yield from checker(self, shape, focus)

    # --- nested shapes ------------------------------------------------------------------------

    def conforms(self, nested: Shape, outer: Shape, focus: str, variable: str = "?v") -> str:
        """A SPARQL expression: the value in ``variable`` (a value of ``outer`` for a focus node
        in ``focus``) conforms to ``nested``."""
        inline = self.inline(nested, variable)
        if inline is not None:
            return inline
        candidates = self._candidates.get((outer.node, focus))
        if candidates is None:
            candidates = self._candidates[(outer.node, focus)] = self.new_set()
            self.fill(candidates, self.values(outer, focus), "?v")
        failing = self._failing.get((nested.node, candidates))
        if failing is None:
            failing = self._failing[(nested.node, candidates)] = self.failing(nested, candidates)
        return f"NOT EXISTS {{ {self.in_set(failing, variable)} }}"

    def inline(self, shape: Shape, variable: str) -> str | None:
        """``shape`` as a SPARQL expression on ``variable``, if it only tests the node itself."""
        if shape.deactivated:
            return "true"
        if shape.is_property:
            return None
        parts = []
        for parameter, values in shape.params.items():
            for value in values:
                part = self._inline_part(parameter, value, variable)
                if part is None:
                    return None
                if part:
                    parts.append(part)
        return " && ".join(f"({p})" for p in parts) or "true"

    def _inline_part(self, parameter: object, value: object, variable: str) -> str | None:
        """One parameter of an inlined shape as a SPARQL expression: None if it cannot be
        inlined, empty if it tests nothing."""
        if parameter == SH["class"]:
            return value_type.class_condition(value, variable)
        if parameter == SH.nodeKind:
            return NODE_KINDS[value].format(v=variable)
        if parameter == SH.languageIn:
            return string_based.language_in(self.model.members(value), variable)
        if parameter == SH["in"]:
            return other.in_list(self.model.members(value), variable)
        if parameter == SH.hasValue:
            return other.has_value(value, variable)
        if parameter == SH.datatype:
            return value_type.datatype_condition(value, variable)
        if parameter in (SH.minLength, SH.maxLength):
            return string_based.length_condition(parameter, value, variable) or ""
        if parameter == SH.node:
            return self.inline(self.model.get(value), variable)
        if parameter == SH["not"]:
            inner = self.inline(self.model.get(value), variable)
            return None if inner is None else f"!({inner})"
        if parameter in (SH["and"], SH["or"], SH.xone):
            members = [self.inline(self.model.get(m), variable) for m in self.model.members(value)]
            if any(p is None for p in members):
                return None
            return logical.combine(parameter, members)  # type: ignore[arg-type]
        return None

    def failing(self, shape: Shape, candidates: str) -> str:
        """A working set of the nodes in ``candidates`` that do not conform to ``shape``."""
        failing = self.new_set()
        if shape.deactivated:
            return failing
        for check in self.checks(shape, candidates):
            self._fail(check, failing)
        for prop in shape.params.get(SH.property, []):
            nested = self.model.get(prop)
            if shape.is_property:
                # The values are the property shape's focus nodes: a node fails when one of
                # its values does.
                values = self.new_set()
                self.fill(values, self.values(shape, candidates), "?v")
                failed = self.failing(nested, values)
                self.fill(failing, f"{self.values(shape, candidates)} {self.in_set(failed, '?v')}")
            else:
                self.fill(failing, self.in_set(self.failing(nested, candidates)))
        return failing

    def _fail(self, check: Check, failing: str) -> None:
        if check.query is not None:
            self.fill(failing, f"{{ {check.query} }}")
        else:
            self.fill_terms(failing, {row.focus for row in check.rows or []})

    # --- results ------------------------------------------------------------------------------

    def results(
        self, shape: Shape, focus: str, weights: dict | None = None
    ) -> Iterator[tuple[Shape, Check, Row]]:
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
                values = self.new_set()
                self.fill(values, self.values(shape, focus), "?v")
                inner_weights = {}
                for row in self.select(
                    f"SELECT DISTINCT ?this ?v WHERE {{ {self.values(shape, focus)} }}"
                ):
                    weight = (weights or {}).get(row["this"], 1)
                    inner_weights[row["v"]] = inner_weights.get(row["v"], 0) + weight
            yield from self.results(nested, values, inner_weights)

    def _rows(self, check: Check) -> Iterator[Row]:
        if check.rows is not None:
            yield from check.rows
            return
        for row in self.select(check.query):  # type: ignore[arg-type]
            yield Row(row["this"], row["v"] if check.has_value else None)

    def run(self) -> list[ValidationResult]:
        """Validate: the results, in the order the shapes and checks ran."""
        found = []
        for shape in self.model.top_level():
            focus = self.focus_set(shape)
            for owner, check, row in self.results(shape, focus):
                found.append(self._result(owner, check, row))
        return found

    def _result(self, shape: Shape, check: Check, row: Row) -> ValidationResult:
        if row.path is not None:
            path: str | None = node_id(self.rdflib(row.path))
        elif shape.path is not None:
            path = path_text(self.model.graph, shape.path)
        else:
            path = None
        severity = str(shape.severity)
        return ValidationResult(
            severity=Severity.of(severity),
            severity_iri=severity,
            focus_node=node_id(self.rdflib(row.focus)),
            path=path,
            value=None if row.value is None else nt(self.rdflib(row.value)),
            messages=_messages(shape, check, row, self.rdflib),
            shape=node_id(shape.node),
            component=str(check.component),
            constraint=node_id(check.constraint) if check.constraint is not None else "",
        )


def _messages(shape: Shape, check: Check, row: Row, rdflib: Callable) -> dict[str, str]:
    """The messages pyshacl writes for a result, keyed by language as pyshacl_engine.py keys
    them."""
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


def _generic_message(check: Check) -> str:
    # Shapes without sh:message: pyshacl writes its own wording; this engine says which
    # component failed (the project's shapes always have messages, see test_validation.py).
    return f"Constraint {check.component.rsplit('#', 1)[-1]} not met"

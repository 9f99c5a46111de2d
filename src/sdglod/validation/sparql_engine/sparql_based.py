"""SPARQL-based constraints (SHACL 5): ``sh:sparql`` with an ``sh:select`` query.

pyshacl pre-binds ``$this`` to each focus node in turn. Here one query checks every focus node
at once, which gives the same rows only for queries that bind ``$this`` with their first triple
pattern (:func:`bulk_form`); the others are left to pyshacl.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rdflib.namespace import SH

from .base import Check, EngineBase, Row
from .model import Shape, SparqlConstraint, Unsupported

_PATH_VARIABLE = r"([\s{}()])[\$\?]PATH"


def sparql_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    for node in shape.params.get(SH.sparql, []):
        constraint = engine.model.sparql[node]
        if constraint.deactivated:
            continue
        yield _sparql_check(engine, shape, focus, constraint)


def _sparql_check(
    engine: EngineBase, shape: Shape, focus: str, constraint: SparqlConstraint
) -> Check:
    text = constraint.select
    if shape.is_property:
        text = re.sub(_PATH_VARIABLE, lambda m: m.group(1) + shape.path_sparql, text)  # type: ignore[operator]
    elif re.search(_PATH_VARIABLE, text):
        raise Unsupported("$PATH in a SPARQL constraint of a node shape")
    bulk = bulk_form(text, engine.in_set(focus))
    if bulk is None:
        # Pre-binding $this node by node has rdflib's semantics, which Oxigraph's
        # substitutions do not reproduce (a FILTER or BIND before $this is bound).
        raise Unsupported("a SPARQL constraint that does not bind $this first")
    try:
        result = engine.store.query(bulk, prefixes={**engine.namespaces, **constraint.prefixes})
    except (SyntaxError, RuntimeError, OSError) as err:
        raise Unsupported(f"a SPARQL constraint Oxigraph cannot run: {err}") from err
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    if "this" not in names:
        raise Unsupported("a SPARQL constraint that does not select $this")
    rows_by_focus: dict[object, list] = {}
    for row in result:
        rows_by_focus.setdefault(row["this"], []).append(_bindings(row, names))
    return Check(
        SH.SPARQLConstraintComponent,
        rows=_rows(shape, rows_by_focus),
        constraint=constraint.node,
        extra_messages=constraint.messages,
    )


def _rows(shape: Shape, rows_by_focus: dict[object, list]) -> list[Row]:
    """One row for each distinct solution of each focus node, as pyshacl reports them."""
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
                Row(
                    this or node,
                    value,
                    path,
                    {"this": this, "path": path, "value": value, **bindings},
                )
            )
    return rows


def _bindings(row: object, names: list[str]) -> dict:
    return {name: row[name] for name in names if row[name] is not None}  # type: ignore[index]


def bulk_form(text: str, focus_pattern: str) -> str | None:
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

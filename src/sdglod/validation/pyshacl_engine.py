"""pyshacl, the reference engine: data validation and the SHACL-SHACL check of the shapes.

This is the only module that runs pyshacl's validation. It reads pyshacl's report graph into
:class:`ValidationResult` objects (not yet located in any file) with the messages keyed by
language, recovering the language tags that pyshacl drops.
"""

from __future__ import annotations

import re

from rdflib import Graph
from rdflib import Literal as RdfLiteral
from rdflib.namespace import SH

from .report import (
    IncomparableValues,
    Severity,
    ShapesError,
    ValidationResult,
    node_id,
    nt,
    path_text,
)
from .xsd import well_formed

_SHAPES_HINT = "check the shapes against SHACL (run the tests: they check shapes with SHACL-SHACL)"


def validate_graphs(data: Graph, shapes: Graph) -> list[ValidationResult]:
    """Run pyshacl on rdflib graphs; the results, not yet located in any file.

    No inference, no imports, no network: what is validated is exactly what is published.
    """
    import pyshacl  # here, not at the top: it costs every other command ~0.15 s of start-up

    try:
        conforms, report, _ = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=False,
            do_owl_imports=False,
        )
    except Exception as err:
        known = _known_error(err)
        if known is None:
            raise
        raise known from err
    if not isinstance(report, Graph):
        # pyshacl returns a ValidationFailure object (not an exception) for unusable shapes.
        raise ShapesError(f"the shapes cannot be applied: {report}", hint=_SHAPES_HINT)
    nodes = list(report.objects(None, SH.result))
    if conforms != (not nodes):
        raise RuntimeError("pyshacl's sh:conforms disagrees with its own results")
    languages = _MessageLanguages(shapes)
    return [
        _result(report, node, languages)
        for node in nodes
        if not _valid_in_xsd(report, node, shapes)
    ]


def _known_error(err: Exception) -> ShapesError | None:
    """What a pyshacl failure means for the user, if it is one of those it can have."""
    from pyparsing import ParseBaseException
    from pyshacl import errors

    if isinstance(err, errors.ShapeLoadError):
        return ShapesError(f"the shapes cannot be used: {err}", hint=_SHAPES_HINT)
    if isinstance(err, errors.ConstraintLoadError):
        return ShapesError(f"a constraint cannot be used: {err}", hint=_SHAPES_HINT)
    if isinstance(err, errors.ReportableRuntimeError):
        return ShapesError(f"the shapes cannot be applied: {err}", hint=_SHAPES_HINT)
    # A SPARQL query that does not parse or names an unknown prefix (check_expressions says
    # where, unless the query gets its prefixes from other sh:declare than it names).
    if isinstance(err, ParseBaseException):
        return ShapesError(f"a SPARQL query of the shapes does not parse: {err}")
    if _unknown_prefix(err):
        return ShapesError(f"a SPARQL query of the shapes: {err}", hint=_SHAPES_HINT)
    if isinstance(err, TypeError) and "not supported between instances of 'Literal'" in str(err):
        return IncomparableValues(
            f"pyshacl cannot compare two values of the data: {err}",
            hint="write the literals that sh:lessThan or sh:lessThanOrEquals compare as valid "
            "forms of their datatypes",
        )
    return None


def _valid_in_xsd(report: Graph, node: object, shapes: Graph) -> bool:
    """Whether result ``node`` is pyshacl's sh:datatype result for a literal of that very
    datatype whose form XSD 1.1 allows but rdflib cannot read ("-0044-03-15"^^xsd:date)."""
    if report.value(node, SH.sourceConstraintComponent) != SH.DatatypeConstraintComponent:
        return False
    value = report.value(node, SH.value)
    datatype = shapes.value(report.value(node, SH.sourceShape), SH.datatype)
    return (
        isinstance(value, RdfLiteral)
        and value.datatype == datatype
        and well_formed(str(value), str(datatype)) is True
    )


def check_shapes(shapes: Graph) -> list[ValidationResult]:
    """Validate a shapes graph against the SHACL-SHACL meta-shapes; the results."""
    from pyshacl.entrypoints import meta_validate

    conforms, report, _ = meta_validate(shapes)
    if conforms:
        return []
    languages = _MessageLanguages(Graph())
    return [_result(report, node, languages) for node in report.objects(None, SH.result)]


def check_expressions(shapes: Graph) -> list[ValidationResult]:
    """The regular expressions (``sh:pattern``) that do not compile and the SPARQL queries
    (``sh:select``, ``sh:ask``) that do not parse: SHACL-SHACL does not look inside them, and
    pyshacl would fail on them halfway through a validation."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    # The prefixes a query may use: rdflib's own, and every sh:declare of the shapes (pyshacl
    # gives a query only those its sh:prefixes names; the rest fails in validate_graphs).
    known = {name: str(iri) for name, iri in Graph().namespaces()}
    for declaration in shapes.objects(None, SH.declare):
        for name in shapes.objects(declaration, SH.prefix):
            for iri in shapes.objects(declaration, SH.namespace):
                known[str(name)] = str(iri)
    problems = []
    for node, pattern in shapes.subject_objects(SH.pattern):
        try:
            re.compile(str(pattern))
        except re.error as err:
            problem = f"sh:pattern {nt(pattern)} is not a regular expression: {err}"
            problems.append(_problem(node, SH.pattern, pattern, problem))
    for predicate in (SH.select, SH.ask):
        for node, query in shapes.subject_objects(predicate):
            where = f"the SPARQL query of sh:{str(predicate).removeprefix(str(SH))}"
            try:
                translateQuery(parseQuery(str(query)), initNs=known)
            except ParseBaseException as err:
                problem = f"{where} does not parse at its line {err.lineno}, column {err.col}"
                problems.append(_problem(node, predicate, query, f"{problem}: {err.msg}"))
            except Exception as err:  # rdflib raises a bare Exception for an unknown prefix
                if not _unknown_prefix(err):
                    raise
                problems.append(_problem(node, predicate, query, f"{where}: {err}"))
    return problems


def _unknown_prefix(error: Exception) -> bool:
    return str(error).startswith("Unknown namespace prefix")


def _problem(node: object, predicate: object, value: object, text: str) -> ValidationResult:
    return ValidationResult(
        severity=Severity.VIOLATION,
        focus_node=node_id(node),
        path=str(predicate),
        value=nt(value),
        messages={"en": text},
        shape="",
        component="",
    )


class _MessageLanguages:
    """Recovers the language of messages that pyshacl untagged.

    pyshacl drops the language tag of sh:message when it fills in a SPARQL constraint's
    message template; the tag is found again by matching the text against the shape's own
    messages (with ``{?var}``/``{$var}`` placeholders matching anything).
    """

    def __init__(self, shapes: Graph):
        self._shapes = shapes
        self._patterns: dict[object, list[tuple[re.Pattern[str], str]]] = {}

    def language(self, sources: list[object], text: str) -> str:
        for source in sources:
            if source not in self._patterns:
                self._patterns[source] = [
                    (_template_pattern(str(m)), m.language or "")
                    for m in self._shapes.objects(source, SH.message)
                ]
            for pattern, language in self._patterns[source]:
                if pattern.fullmatch(text):
                    return language
        return ""


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[?$][A-Za-z_][A-Za-z0-9_]*\}", template)
    return re.compile(".*?".join(re.escape(part) for part in parts), re.DOTALL)


def _result(report: Graph, node: object, languages: _MessageLanguages) -> ValidationResult:
    """The ``sh:ValidationResult`` ``node`` of pyshacl's report graph."""
    sources = [report.value(node, SH.sourceConstraint), report.value(node, SH.sourceShape)]
    messages: dict[str, str] = {}
    for message in sorted(report.objects(node, SH.resultMessage), key=str):
        language = getattr(message, "language", None) or ""
        if not language:
            language = languages.language([s for s in sources if s is not None], str(message))
        messages.setdefault(language, str(message))
    path = report.value(node, SH.resultPath)
    value = report.value(node, SH.value)
    severity = str(report.value(node, SH.resultSeverity) or SH.Violation)
    return ValidationResult(
        severity=Severity.of(severity),
        severity_iri=severity,
        focus_node=node_id(report.value(node, SH.focusNode)),
        path=None if path is None else path_text(report, path),
        value=None if value is None else nt(value),
        messages=messages,
        shape=node_id(report.value(node, SH.sourceShape)),
        component=str(report.value(node, SH.sourceConstraintComponent) or ""),
        constraint=node_id(report.value(node, SH.sourceConstraint)),
    )

"""pyshacl, the reference engine: data validation and the SHACL-SHACL check of the shapes.

This is the only module that runs pyshacl's validation. It reads pyshacl's report graph into
:class:`ValidationResult` objects (not yet located in any file) with the messages keyed by
language, recovering the language tags that pyshacl drops.
"""

from __future__ import annotations

import re

from rdflib import Graph
from rdflib.namespace import SH

from .report import Severity, ShapesError, ValidationResult, node_id, nt, path_text

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
    except pyshacl.errors.ShapeLoadError as err:
        raise ShapesError(f"the shapes cannot be used: {err}", hint=_SHAPES_HINT) from err
    except pyshacl.errors.ConstraintLoadError as err:
        raise ShapesError(f"a constraint cannot be used: {err}", hint=_SHAPES_HINT) from err
    except pyshacl.errors.ReportableRuntimeError as err:
        raise ShapesError(f"the shapes cannot be applied: {err}", hint=_SHAPES_HINT) from err
    if not isinstance(report, Graph):
        # pyshacl returns a ValidationFailure object (not an exception) for unusable shapes.
        raise ShapesError(f"the shapes cannot be applied: {report}", hint=_SHAPES_HINT)
    languages = _MessageLanguages(shapes)
    results = [_result(report, node, languages) for node in report.objects(None, SH.result)]
    if conforms != (not results):
        raise RuntimeError("pyshacl's sh:conforms disagrees with its own results")
    return results


def check_shapes(shapes: Graph) -> list[ValidationResult]:
    """Validate a shapes graph against the SHACL-SHACL meta-shapes; the results."""
    from pyshacl.entrypoints import meta_validate

    conforms, report, _ = meta_validate(shapes)
    if conforms:
        return []
    languages = _MessageLanguages(Graph())
    return [_result(report, node, languages) for node in report.objects(None, SH.result)]


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

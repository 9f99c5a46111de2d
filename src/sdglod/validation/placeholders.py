"""Placeholders: values marked ``TODO`` that ``sdglod new`` writes for an editor to replace.

``sdgsh:Placeholder`` (a violation) is sdglod's own rule, like those of ``literals.py``: a
literal whose text begins with the word ``TODO`` (``"TODO: name (lv)"@lv``,
``"TODO: startDate, YYYY-MM-DD"^^xsd:date``) or an IRI with the word ``TODO`` in it
(``<TODO:source>``, ``<id/outcome/x-1#TODO>``) is reported once, where it is written, whatever
else the shapes say about it. Results of the shapes about such a value are dropped: they would
only repeat, in other words, that the placeholder is not the value, so a skeleton that has just
been written lists each of its placeholders exactly once and nothing else.

A placeholder stands in for a value of the kind the shapes expect (a language-tagged text, a
date, a link), so the counts and languages the shapes require are met and only the marker
fails; :func:`placeholder_literal` and :func:`placeholder_iri` write them that way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pyoxigraph import BlankNode, Literal, NamedNode, Quad
from rdflib.namespace import SH

from ..rdf.sources import Sources
from ..rdf.terms import term_from_ntriples
from .report import Severity, ValidationResult

MARK = "TODO"
PLACEHOLDER = "https://w3id.org/sdglod/shapes#Placeholder"
COMPONENT = "https://w3id.org/sdglod/shapes#PlaceholderConstraintComponent"
_IN_LITERAL = re.compile(rf"^{MARK}\b")
_IN_IRI = re.compile(rf"\b{MARK}\b")
MESSAGES = {
    "lv": "Palicis vietturis (atzīme TODO): ierakstiet īsto vērtību, kā saka komentārs virs tā, "
    "vai izdzēsiet rindu, ja īpašība nav obligāta.",
    "en": "A placeholder (marked TODO) is left here: write the real value, as the comment above "
    "it says, or delete the line if the property is optional.",
}


def is_placeholder(term: object) -> bool:
    """Whether ``term`` (a pyoxigraph term) is a placeholder: a literal beginning with the word
    TODO, or an IRI with the word TODO in it."""
    if isinstance(term, Literal):
        return term.value.startswith(MARK) and _IN_LITERAL.match(term.value) is not None
    if isinstance(term, NamedNode):
        return MARK in term.value and _IN_IRI.search(term.value) is not None
    return False


def placeholder_literal(
    what: str, language: str | None = None, datatype: str | None = None
) -> Literal:
    """A placeholder literal saying what it stands for (``"TODO: name (lv)"@lv``)."""
    if language:
        return Literal(f"{MARK}: {what} ({language})", language=language)
    if datatype:
        return Literal(f"{MARK}: {what}", datatype=NamedNode(datatype))
    return Literal(f"{MARK}: {what}")


def placeholder_iri(what: str) -> NamedNode:
    """A placeholder link (``<TODO:source>``): an IRI no resource has."""
    return NamedNode(f"{MARK}:{what}")


def with_placeholders(
    results: Iterable[ValidationResult], sources: Sources
) -> list[ValidationResult]:
    """``results`` without those about a placeholder value, and one result per statement of
    ``sources`` whose value is a placeholder."""
    kept = [r for r in results if not _about_placeholder(r)]
    return kept + [_result(quad) for quad in _placeholder_quads(sources)]


def _about_placeholder(result: ValidationResult) -> bool:
    value = result.value
    if not value or MARK not in value:
        return False
    try:
        return is_placeholder(term_from_ntriples(value))
    except ValueError:
        return False


def _placeholder_quads(sources: Sources) -> Iterable[Quad]:
    seen = set()
    for parsed in sources.files:
        if parsed.data and MARK.encode() not in parsed.data:
            continue  # most files: no need to look at each of their statements
        for quad in parsed.quads:
            if is_placeholder(quad.object) and quad.triple not in seen:
                seen.add(quad.triple)
                yield quad


def _result(quad: Quad) -> ValidationResult:
    subject = quad.subject
    focus = f"_:{subject.value}" if isinstance(subject, BlankNode) else subject.value
    return ValidationResult(
        severity=Severity.VIOLATION,
        severity_iri=str(SH) + Severity.VIOLATION.value,
        focus_node=focus,
        path=quad.predicate.value,
        value=str(quad.object),
        messages=dict(MESSAGES),
        shape=PLACEHOLDER,
        component=COMPONENT,
    )

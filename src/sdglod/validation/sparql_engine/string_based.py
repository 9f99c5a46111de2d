"""String-based constraint components (SHACL 4.4): ``sh:minLength``, ``sh:maxLength``,
``sh:pattern`` (with ``sh:flags``), ``sh:languageIn``, ``sh:uniqueLang``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from rdflib import BNode
from rdflib import Literal as RdfLiteral
from rdflib.namespace import RDF, SH, XSD

from .base import Check, EngineBase
from .model import Shape

_LENGTHS = (
    (SH.minLength, SH.MinLengthConstraintComponent),
    (SH.maxLength, SH.MaxLengthConstraintComponent),
)


def length_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    for parameter, component in _LENGTHS:
        length = shape.one(parameter)
        if length is not None:
            condition = length_condition(parameter, length, "?v")
            if condition is not None:
                yield Check(component, engine.violating(shape, focus, condition))


def language_in_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    for languages in shape.params.get(SH.languageIn, []):
        condition = language_in(engine.model.members(languages), "?v")
        yield Check(SH.LanguageInConstraintComponent, engine.violating(shape, focus, condition))


def unique_lang_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    unique = shape.one(SH.uniqueLang)
    if unique is not None and unique.value is True:
        yield Check(
            SH.UniqueLangConstraintComponent,
            f"SELECT ?this WHERE {{ {engine.values(shape, focus)} "
            'FILTER(isLiteral(?v) && LANG(?v) != "") } '
            "GROUP BY ?this (LCASE(LANG(?v)) AS ?lang) HAVING (COUNT(DISTINCT ?v) > 1)",
            has_value=False,
        )


def pattern_checks(engine: EngineBase, shape: Shape, focus: str) -> Iterator[Check]:
    for pattern in shape.params.get(SH.pattern, []):
        test = pattern_test(shape, pattern)
        yield engine.python_check(shape, focus, SH.PatternConstraintComponent, test)


def length_condition(parameter: object, length: object, variable: str) -> str | None:
    """The string length test of ``sh:minLength``/``sh:maxLength`` on ``variable`` (None for a
    minimum of 0, which every node meets)."""
    if parameter == SH.minLength and length.value == 0:
        return None
    operator = ">=" if parameter == SH.minLength else "<="
    return f"(!isBlank({variable}) && STRLEN(STR({variable})) {operator} {length.value})"


def language_in(languages: list, variable: str) -> str:
    """The language tag of ``variable`` is one of ``languages`` (or a subtag of one)."""
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


def pattern_test(shape: Shape, pattern: RdfLiteral) -> Callable[[object], bool]:
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

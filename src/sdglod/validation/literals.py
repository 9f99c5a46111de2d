"""sdglod's own rules for literals, which every project gets whatever its shapes say.

- ``sdgsh:Literal-lexical-form`` (a violation): a literal of an XSD datatype whose lexical form
  is not one of that datatype (``"maybe"^^xsd:boolean``), judged by XSD 1.1 (``xsd.py``).
- ``sdgsh:Literal-stored-form`` (a warning): a literal that the store keeps in another form
  (``"007"^^xsd:integer`` as ``"7"``, ``"3"^^xsd:int`` as ``"3"^^xsd:integer``). The shapes
  check that stored form, which is what the store and the dumps publish; this says so where the
  literal is written, so that a datatype never changes silently.

They are checks of the engine, not shapes, because SHACL can only say "ill-typed" through
``sh:datatype`` on a named property, and pyshacl judges lexical forms by what rdflib can hold in
a Python object. Done once here, they give the same results with either engine. Their results
read like a shape's: focus node, property, value, and a message in Latvian and English.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pyoxigraph import BlankNode, Literal, Quad
from rdflib.namespace import SH

from ..rdf.names import display_term
from ..rdf.namespaces import XSD
from ..rdf.sources import Sources
from ..rdf.terms import term_from_ntriples
from .report import Severity, ValidationResult, nt, to_rdflib
from .xsd import NON_XML_CHAR, well_formed

SHAPES = "https://w3id.org/sdglod/shapes#"
LEXICAL_FORM = SHAPES + "Literal-lexical-form"
STORED_FORM = SHAPES + "Literal-stored-form"
_DATATYPE = str(SH.DatatypeConstraintComponent)
_PREFIXES = {"xsd": XSD}
_STRINGS = ("string", "anyURI", "normalizedString", "token")  # ill-typed by their characters
# A valid form of each datatype, for the messages.
_EXAMPLES = {
    "date": "2021-09-23",
    "dateTime": "2021-09-23T10:00:00",
    "time": "10:00:00",
    "gYear": "2021",
    "gYearMonth": "2021-09",
    "boolean": "true",
    "decimal": "4.5",
    "double": "1.0E6",
    "float": "1.5",
    "duration": "P1Y2M",
}


def literal_results(
    sources: Sources, stored: dict[Literal, Literal], prefixes: dict[str, str]
) -> list[ValidationResult]:
    """The results of both rules for the literals of ``sources`` (as written); ``stored``: the
    literals the store keeps in another form, mapped to that form."""
    strings = _strings_with_non_xml_characters(sources)
    ill_typed = strings | {
        literal
        for literal in sources.typed_literals()
        if well_formed(literal.value, literal.datatype.value) is False
    }
    if not ill_typed and not stored:
        return []
    names = {**prefixes, **_PREFIXES}
    results = []
    for quad in _quads_with(sources, ill_typed | stored.keys(), bool(strings)):
        literal: Literal = quad.object  # type: ignore[assignment]
        if literal in ill_typed:
            messages = _lexical(literal, names)
            results.append(_result(quad, Severity.VIOLATION, LEXICAL_FORM, messages))
        if literal in stored:
            messages = _stored(literal, stored[literal], names)
            results.append(_result(quad, Severity.WARNING, STORED_FORM, messages))
    return results


def shape_names(
    results: Iterable[ValidationResult], stored: dict[Literal, Literal]
) -> dict[str, str]:
    """For each value of ``results`` (as written), how a shape's result names it: the form the
    store keeps, as rdflib writes it. Made before pyshacl runs, which changes how rdflib
    writes literals when it is done (it sets ``rdflib.NORMALIZE_LITERALS`` back on)."""
    names = {}
    for value in {r.value for r in results if r.value}:
        literal = term_from_ntriples(value)
        names[value] = nt(to_rdflib(stored.get(literal, literal)))  # type: ignore[arg-type]
    return names


def without_repeats(
    results: Iterable[ValidationResult], names: dict[str, str]
) -> list[ValidationResult]:
    """``results`` without an ill-typed literal that a shape's ``sh:datatype`` reported too, at
    the same focus node and property (the shape's message says more); ``names``: see
    :func:`shape_names`."""
    results = list(results)
    by_shapes = {
        (r.focus_node, r.path, r.value)
        for r in results
        if r.component == _DATATYPE and r.shape != LEXICAL_FORM
    }
    return [
        r
        for r in results
        if r.shape != LEXICAL_FORM
        or (r.focus_node, r.path, names.get(r.value or "", r.value)) not in by_shapes
    ]


def _strings_with_non_xml_characters(sources: Sources) -> set[Literal]:
    """The plain (``xsd:string``) literals with a character XML 1.0 does not allow (a control
    character pasted from a word processor): ill-typed, and no RDF/XML dump can hold them."""
    found = set()
    search = NON_XML_CHAR.search
    for parsed in sources.files:
        for quad in parsed.quads:
            value = quad.object
            if type(value) is Literal and search(value.value) and value.language is None:
                found.add(value)
    return found


def _quads_with(sources: Sources, literals: set[Literal], plain: bool) -> Iterator[Quad]:
    """Each statement whose object is one of ``literals``, once (a file may repeat one);
    ``plain``: whether some of them are plain strings (which files do not list)."""
    seen = set()
    for parsed in sources.files:
        if not plain and parsed.typed_literals.isdisjoint(literals):
            continue
        for quad in parsed.quads:
            if quad.object in literals and quad.triple not in seen:
                seen.add(quad.triple)
                yield quad


def _result(
    quad: Quad, severity: Severity, shape: str, messages: dict[str, str]
) -> ValidationResult:
    subject = quad.subject
    focus = f"_:{subject.value}" if isinstance(subject, BlankNode) else subject.value
    return ValidationResult(
        severity=severity,
        severity_iri=str(SH) + severity.value,
        focus_node=focus,
        path=quad.predicate.value,
        value=str(quad.object),  # N-Triples, as written (rdflib would write "007" as "7")
        messages=messages,
        shape=shape,
        component=_DATATYPE,
    )


def _lexical(literal: Literal, names: dict[str, str]) -> dict[str, str]:
    value = display_term(str(literal), names)
    datatype = display_term(f"<{literal.datatype.value}>", names)
    example = _EXAMPLES.get(literal.datatype.value.removeprefix(XSD), "42")
    example_term = display_term(f'"{example}"^^<{literal.datatype.value}>', names)
    if literal.datatype.value.removeprefix(XSD) in (
        "string",
        "anyURI",
        "normalizedString",
        "token",
    ):
        fix_en, fix_lv = "remove the control characters", "izņemiet vadības rakstzīmes"
    else:
        fix_en, fix_lv = (
            f"write a valid form such as {example_term}",
            (f"ierakstiet derīgu formu, piemēram, {example_term}"),
        )
    return {
        "lv": f"{value} nav derīga {datatype} vērtība (XSD 1.1): {fix_lv}, "
        "vai norādiet citu datu tipu.",
        "en": f"{value} is not a valid {datatype} (XSD 1.1): {fix_en}, or give another datatype.",
    }


def _stored(written: Literal, stored: Literal, names: dict[str, str]) -> dict[str, str]:
    was = display_term(str(written), names)
    kept = display_term(str(stored), names)
    if written.datatype != stored.datatype:
        datatype = display_term(f"<{written.datatype.value}>", names)
        return {
            "lv": f"Krātuve un publicētās datnes glabā {was} kā {kept}: Oxigraph nepazīst "
            f"{datatype}, tāpēc datu tips mainās, un formas pārbauda {kept}. Ierakstiet {kept}, "
            "lai publicētu to, ko rakstāt.",
            "en": f"The store and the published dumps keep {was} as {kept}: Oxigraph has no "
            f"{datatype}, so the datatype changes, and the shapes check {kept}. Write {kept} to "
            "publish what you write.",
        }
    return {
        "lv": f"Krātuve un publicētās datnes glabā {was} kā {kept} (to pašu vērtību Oxigraph "
        f"kanoniskajā formā), un formas pārbauda šo formu. Ierakstiet {kept}, lai publicētu to, "
        "ko rakstāt.",
        "en": f"The store and the published dumps keep {was} as {kept} (the same value in "
        f"Oxigraph's canonical form), and the shapes check that form. Write {kept} to publish "
        "what you write.",
    }

"""What validation gives: a :class:`Report` of :class:`ValidationResult` objects, the errors that
stop a build or a validation, and how a result writes RDF terms.

A result names terms as text, the same whichever engine found it: a focus node or shape with
:func:`node_id`, a value with :func:`nt` (N-Triples), a path with :func:`path_text`. Both engines
read terms through rdflib (pyshacl's view of the data): :func:`to_rdflib` and :func:`triple_of`
give that view of pyoxigraph terms and quads.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from ..errors import ExitCode, Location, SdglodError
from ..rdf.namespaces import XSD_STRING


class Severity(str, Enum):
    """SHACL severities, worst first."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @classmethod
    def of(cls, iri: str) -> Severity:
        local = iri.rsplit("#", 1)[-1]
        return cls(local) if local in cls._value2member_map_ else cls.VIOLATION

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL validation result, located in the sources."""

    severity: Severity
    focus_node: str
    path: str | None
    value: str | None
    messages: dict[str, str]
    shape: str
    component: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    # SHACL allows severities of one's own; they count as violations here but keep their IRI.
    severity_iri: str = ""
    constraint: str = ""  # sh:sourceConstraint: the SPARQL-based constraint, if that was it

    @property
    def rule(self) -> str:
        """The most specific named shape or constraint that produced this result."""
        if self.constraint and not self.constraint.startswith("_:"):
            return self.constraint
        return self.shape

    def message(self, lang: str = "en") -> str:
        """The message in ``lang``, else an untagged one, else English, else any."""
        for key in (lang, "", "en"):
            if key in self.messages:
                return self.messages[key]
        return next(iter(self.messages.values()), "")

    @property
    def location(self) -> Location | None:
        return None if self.file is None else Location(Path(self.file), self.line, self.column)

    def sort_key(self) -> tuple:
        return (
            self.file is None,
            self.file or "",
            self.line or 0,
            self.column or 0,
            self.focus_node,
            self.path or "",
            self.shape,
            self.component,
            self.value or "",
        )


@dataclass(frozen=True)
class Report:
    """The outcome of validating a set of sources against a set of shapes."""

    results: tuple[ValidationResult, ...]
    files: dict[str, str]  # checked source file -> SHA-256
    shapes: dict[str, str]  # shapes file -> SHA-256
    triples: int
    prefixes: dict[str, str] = field(default_factory=dict)
    engine: str = "pyshacl"  # which engine found the results: pyshacl or sparql

    @property
    def conforms(self) -> bool:
        """SHACL's sh:conforms: true only without results of any severity."""
        return not self.results

    def count(self, severity: Severity) -> int:
        return sum(1 for r in self.results if r.severity is severity)

    @property
    def violations(self) -> int:
        return self.count(Severity.VIOLATION)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    def fails(self, strict: bool = False) -> bool:
        """Whether this report should stop a build or fail CI."""
        if strict:
            return any(r.severity is not Severity.INFO for r in self.results)
        return self.violations > 0

    def exit_code(self, strict: bool = False) -> ExitCode:
        return ExitCode.VIOLATIONS if self.fails(strict) else ExitCode.OK


class ValidationFailed(SdglodError):
    """The data does not conform to the shapes (exit code 1)."""

    exit_code = ExitCode.VIOLATIONS

    def __init__(self, report: Report, summary: str):
        super().__init__(
            summary,
            hint="fix the data at the places listed (run `sdglod validate` for the full report)",
        )
        self.report = report


class ShapesError(SdglodError):
    """The shapes themselves are unusable (exit code 2)."""


class IncomparableValues(ShapesError):
    """pyshacl cannot compare two values (``sh:lessThan``, ``sh:lessThanOrEquals``): rdflib
    raises a TypeError for an ill-typed literal. The literal rules report the cause."""


@contextmanager
def rdflib_as_validation_needs() -> Iterator[None]:
    """rdflib as validation uses it: literals keep their lexical forms, and no complaints.

    By default rdflib rewrites the lexical forms it can read (``"1000000"^^xsd:double`` as
    ``"1000000.0"``, ``"2021-09-24Z"^^xsd:date`` as ``"2021-09-24"``): pyshacl would then check
    and report other literals than the store keeps and the dumps publish. rdflib also logs a
    traceback for each literal it cannot read as a Python value ("Failed to convert Literal
    lexical form") and warns about others; validation reports ill-typed literals itself, at
    file and line (``literals.py``), so a run that passes prints nothing else.
    """
    import rdflib

    logger = logging.getLogger("rdflib")
    level, normalize = logger.level, rdflib.NORMALIZE_LITERALS
    logger.setLevel(logging.ERROR)
    rdflib.NORMALIZE_LITERALS = False
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"rdflib\.")
            yield
    finally:
        logger.setLevel(level)
        rdflib.NORMALIZE_LITERALS = normalize


# --- terms as results write them -------------------------------------------------------------


def node_id(term: object) -> str:
    """An IRI as itself, a blank node as ``_:label``, a literal in N-Triples form."""
    if term is None:
        return ""
    if isinstance(term, RdfLiteral):
        return nt(term)
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def nt(term: object) -> str:
    """The N-Triples form of an rdflib term."""
    if isinstance(term, RdfLiteral) and term.datatype is None and not term.language:
        return RdfLiteral(str(term)).n3()
    return term.n3()  # type: ignore[union-attr]


# The SHACL paths of one inner path, and how SPARQL writes each (``{}`` is the inner path).
UNARY_PATHS = (
    (SH.inversePath, "^{}"),
    (SH.zeroOrMorePath, "{}*"),
    (SH.oneOrMorePath, "{}+"),
    (SH.zeroOrOnePath, "{}?"),
)


def path_text(graph: Graph, path: object) -> str:
    """A SHACL property path as an IRI (predicate path) or in SPARQL property-path syntax."""
    if isinstance(path, URIRef):
        return str(path)
    if (graph.value(path, RDF.first)) is not None:
        return "/".join(_path_part(graph, p) for p in Collection(graph, path))
    for predicate, template in UNARY_PATHS:
        inner = graph.value(path, predicate)
        if inner is not None:
            return template.format(_path_part(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_path_part(graph, p) for p in Collection(graph, alternatives))
    return node_id(path)


def _path_part(graph: Graph, path: object) -> str:
    text = path_text(graph, path)
    return f"<{text}>" if isinstance(path, URIRef) else f"({text})"


# --- pyoxigraph terms as rdflib (and so pyshacl) reads them ----------------------------------


def triple_of(quad: Quad) -> tuple:
    """The rdflib triple of a quad (its graph dropped)."""
    return (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))


def to_rdflib(term: NamedNode | BlankNode | Literal) -> object:
    """The rdflib term for a pyoxigraph term (see :func:`rdflib_as_validation_needs`)."""
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    if term.language:
        return RdfLiteral(term.value, lang=term.language)
    datatype = term.datatype.value
    # rdflib keeps plain and xsd:string literals apart; RDF 1.1 says they are the same, and the
    # shapes (parsed the same way) must compare equal to the data (see NOTES.md, pitfall 1).
    if datatype == XSD_STRING:
        return RdfLiteral(term.value)
    return RdfLiteral(term.value, datatype=URIRef(datatype))

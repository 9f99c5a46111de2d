"""Validate the sources against the project's SHACL shapes, with pyshacl as the engine.

This is the only module that uses pyshacl. It turns pyshacl's report graph into a
:class:`Report` of typed :class:`ValidationResult` objects, each located in the source file and
line where its focus node is described, so every output format (text, JSON, JUnit, GitHub
annotations, SARIF, Turtle — see ``report_formats.py``) tells an editor where to look.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import cached_property
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

from ..errors import ExitCode, Location, ProjectError, SdglodError
from ..project import RDF_SUFFIXES, GraphArea, Project, SourceFile
from ..rdf.names import prefixed_name
from ..rdf.sources import ParsedSource, Sources, load_paths, load_sources, parse_source
from ..rdf.writer import file_digest
from ..version import __version__
from .positions import PositionIndex

_XSD_STRING = str(XSD.string)


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


@dataclass(frozen=True)
class Shapes:
    """A parsed shapes graph and the files it came from."""

    graph: Graph
    quads: list[Quad]
    files: dict[str, str]
    prefixes: dict[str, str]
    parsed: tuple[ParsedSource, ...] = ()


def load_shapes(project: Project, paths: Iterable[Path] | None = None) -> Shapes:
    """Parse the shapes files (``shapes/`` of the project unless ``paths`` are given)."""
    given = list(paths) if paths is not None else [project.root / "shapes"]
    files: list[Path] = []
    for path in given:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in RDF_SUFFIXES)
        elif path.is_file():
            files.append(path)
        else:
            raise ShapesError("no such shapes file or folder", Location(path), "check the path")
    if not files:
        raise ProjectError(
            "no SHACL shapes to validate against",
            Location(given[0]),
            "add Turtle files with shapes to shapes/ (see shapes/README.md)",
        )
    area = GraphArea("shapes", f"{project.base}graph/shapes", ())
    graph = Graph()
    quads: list[Quad] = []
    prefixes: dict[str, str] = {}
    digests: dict[str, str] = {}
    parsed_files = []
    for path in files:
        rel = _relpath(path, project.root)
        parsed = parse_source(SourceFile(path.resolve(), rel, area), project.base)
        parsed_files.append(parsed)
        quads += parsed.quads
        for quad in parsed.quads:
            graph.add(_triple(quad))
        prefixes.update(parsed.prefixes)
        digests[rel] = file_digest(path)
    for name, iri in prefixes.items():
        graph.bind(name, iri, override=True)
    shapes = Shapes(graph, quads, digests, dict(sorted(prefixes.items())), tuple(parsed_files))
    _check_shapes_once(project, shapes)
    return shapes


def cache_dir() -> Path:
    """Where sdglod keeps caches shared by projects: $SDGLOD_CACHE or ~/.cache/sdglod."""
    if "SDGLOD_CACHE" in os.environ:
        return Path(os.environ["SDGLOD_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "sdglod"


def _check_shapes_once(project: Project, shapes: Shapes) -> None:
    """Refuse shapes that break SHACL-SHACL; remember shapes that passed (the check takes ~1 s)."""
    # Keyed by content, so the cache is shared safely by every project (and every test).
    content = json.dumps([*sorted(shapes.files.values()), __version__]).encode()
    marker = cache_dir() / "checked-shapes" / hashlib.sha256(content).hexdigest()
    if marker.exists():
        return
    results = check_shapes(shapes.graph)
    if results:
        locator = _Locator(project, Sources(list(shapes.parsed), shapes.prefixes))
        located = sorted((locator.locate(r) for r in results), key=ValidationResult.sort_key)
        lines = [
            f"{r.location or '(shapes)'}: {prefixed_name(r.focus_node, shapes.prefixes)}: "
            f"{r.message()}"
            for r in located[:10]
        ]
        raise ShapesError(
            f"the shapes break SHACL's own rules (SHACL-SHACL), {len(results)} problems:\n  "
            + "\n  ".join(lines),
            hint="fix the shapes at the places listed",
        )
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass  # a read-only checkout only loses the cache


def validate_project(
    project: Project,
    paths: list[Path] | None = None,
    shapes_paths: list[Path] | None = None,
    engine: str = "auto",
) -> Report:
    """Parse the project's sources (or only ``paths``) and shapes, and validate."""
    sources = load_paths(project, paths) if paths else load_sources(project)
    return validate(project, sources, load_shapes(project, shapes_paths or None), engine)


ENGINES = ("auto", "pyshacl", "sparql")


def validate(project: Project, sources: Sources, shapes: Shapes, engine: str = "auto") -> Report:
    """Validate ``sources`` (parsed files of ``project``) against ``shapes``.

    ``engine``: ``pyshacl`` (the reference), ``sparql`` (the shapes compiled to SPARQL over
    Oxigraph, see ``sparql_engine.py``; an error if the shapes or data need pyshacl) or ``auto``
    (``sparql`` where it gives pyshacl's results, messages included; pyshacl otherwise).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}")
    found = None
    if engine != "pyshacl":
        from . import sparql_engine  # only when validating, like pyshacl

        try:
            found = sparql_engine.validate_sources(sources, shapes.graph, engine == "auto")
        except sparql_engine.Unsupported as err:
            if engine == "sparql":
                raise ShapesError(
                    f"the SPARQL engine cannot validate this: {err}",
                    hint="use --engine pyshacl (or auto, which falls back to pyshacl)",
                ) from err
    if found is None:
        data = Graph()
        for parsed in sources.files:
            for quad in parsed.quads:
                data.add(_triple(quad))
        found = (validate_graphs(data, shapes.graph), len(data))
        engine = "pyshacl"
    raw, triples = found
    locator = _Locator(project, sources)
    results = tuple(sorted((locator.locate(r) for r in raw), key=ValidationResult.sort_key))
    return Report(
        results=results,
        files={p.source.relpath: file_digest(p.source.path) for p in sources.files},
        shapes=shapes.files,
        triples=triples,
        prefixes={**shapes.prefixes, **sources.prefixes},
        engine="sparql" if engine != "pyshacl" else "pyshacl",
    )


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


_SHAPES_HINT = "check the shapes against SHACL (run the tests: they check shapes with SHACL-SHACL)"


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
        focus_node=_node_id(report.value(node, SH.focusNode)),
        path=None if path is None else _path_text(report, path),
        value=None if value is None else _nt(value),
        messages=messages,
        shape=_node_id(report.value(node, SH.sourceShape)),
        component=str(report.value(node, SH.sourceConstraintComponent) or ""),
        constraint=_node_id(report.value(node, SH.sourceConstraint)),
    )


def _node_id(term: object) -> str:
    """An IRI as itself, a blank node as ``_:label``, a literal in N-Triples form."""
    if term is None:
        return ""
    if isinstance(term, RdfLiteral):
        return _nt(term)
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _nt(term: object) -> str:
    """The N-Triples form of an rdflib term."""
    if isinstance(term, RdfLiteral) and term.datatype is None and not term.language:
        return RdfLiteral(str(term)).n3()
    return term.n3()  # type: ignore[union-attr]


def _path_text(graph: Graph, path: object) -> str:
    """A SHACL property path as an IRI (predicate path) or in SPARQL property-path syntax."""
    if isinstance(path, URIRef):
        return str(path)
    if (graph.value(path, RDF.first)) is not None:
        return "/".join(_path_part(graph, p) for p in Collection(graph, path))
    for predicate, template in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(path, predicate)
        if inner is not None:
            return template.format(_path_part(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_path_part(graph, p) for p in Collection(graph, alternatives))
    return _node_id(path)


def _path_part(graph: Graph, path: object) -> str:
    text = _path_text(graph, path)
    return f"<{text}>" if isinstance(path, URIRef) else f"({text})"


def _triple(quad: Quad) -> tuple:
    return (_rdflib(quad.subject), _rdflib(quad.predicate), _rdflib(quad.object))


def _rdflib(term: NamedNode | BlankNode | Literal) -> object:
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    if term.language:
        return RdfLiteral(term.value, lang=term.language)
    datatype = term.datatype.value
    # rdflib keeps plain and xsd:string literals apart; RDF 1.1 says they are the same, and the
    # shapes (parsed the same way) must compare equal to the data (see NOTES.md, pitfall 1).
    if datatype == _XSD_STRING:
        return RdfLiteral(term.value)
    return RdfLiteral(term.value, datatype=URIRef(datatype))


def _relpath(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


class _Locator:
    """Finds the file, line and column where a result's focus node (and path) is written."""

    def __init__(self, project: Project, sources: Sources):
        self._project = project
        self._sources = sources
        self._indexes: dict[str, PositionIndex] = {}

    @cached_property
    def _statements(self) -> dict[str, list[tuple[int, str]]]:
        """For each subject IRI: the (file number, predicate IRI) pairs that describe it."""
        found: dict[str, list[tuple[int, str]]] = {}
        for number, parsed in enumerate(self._sources.files):
            for quad in parsed.quads:
                found.setdefault(_term_id(quad.subject), []).append((number, quad.predicate.value))
        return found

    @cached_property
    def _mentions(self) -> dict[str, int]:
        """For each object IRI: the first file that mentions it."""
        found: dict[str, int] = {}
        for number, parsed in enumerate(self._sources.files):
            for quad in parsed.quads:
                found.setdefault(_term_id(quad.object), number)
        return found

    def _index(self, number: int) -> tuple[str, PositionIndex]:
        parsed = self._sources.files[number]
        rel = parsed.source.relpath
        if rel not in self._indexes:
            self._indexes[rel] = PositionIndex.of_file(
                parsed.source.path, self._sources.prefixes, self._project.base
            )
        return rel, self._indexes[rel]

    def locate(self, result: ValidationResult) -> ValidationResult:
        statements = self._statements.get(result.focus_node, [])
        with_path = [n for n, p in statements if p == result.path]
        if with_path:
            number = with_path[0]
        elif statements:
            number = statements[0][0]
        elif result.focus_node in self._mentions:
            number = self._mentions[result.focus_node]
        else:
            return result
        rel, index = self._index(number)
        position = index.find(result.focus_node, result.path, result.value)
        return replace(
            result,
            file=rel,
            line=position.line if position else None,
            column=position.column if position else None,
        )


def _term_id(term: object) -> str:
    return f"_:{term.value}" if isinstance(term, BlankNode) else term.value  # type: ignore[attr-defined]

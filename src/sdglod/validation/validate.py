"""The validation stage's entry points: load the shapes, validate parsed sources against them.

:func:`load_shapes` parses the shapes files and refuses shapes that break SHACL-SHACL or whose
regular expressions and SPARQL queries do not compile (a check whose success is cached by
content). :func:`validate` checks the literals in the form the store keeps them (which is what
is published), chooses the engine (the SPARQL engine where it gives pyshacl's results, pyshacl
otherwise), adds sdglod's own literal rules, and locates every result at the file and line where
its focus node is described.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Quad
from rdflib import Graph

from ..errors import Location, ProjectError
from ..project import RDF_SUFFIXES, GraphArea, Project, SourceFile
from ..rdf.names import prefixed_name
from ..rdf.sources import (
    ParsedSource,
    Sources,
    load_paths,
    load_sources,
    parse_source,
    rdf_files,
)
from ..rdf.store import canonical_literals
from ..rdf.writer import file_digest
from ..version import __version__
from .literals import literal_results, shape_names, without_repeats
from .placeholders import with_placeholders
from .positions import Locator
from .pyshacl_engine import check_expressions, check_shapes, validate_graphs
from .report import (
    IncomparableValues,
    Report,
    Severity,
    ShapesError,
    ValidationFailed,
    ValidationResult,
    nt,
    rdflib_as_validation_needs,
    to_rdflib,
    triple_of,
)

# ValidationFailed is imported from here by build.py (it belongs to report.py).
__all__ = [
    "ENGINES",
    "Shapes",
    "ValidationFailed",
    "cache_dir",
    "load_shapes",
    "validate",
    "validate_project",
]

ENGINES = ("auto", "pyshacl", "sparql")
_CHECKS = "shacl-shacl, expressions"  # what a cached check of the shapes covered


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
    if paths is not None:
        files = [file for path in paths for file in rdf_files(path)]
    else:
        folder = project.root / "shapes"
        files = sorted(p for p in folder.rglob("*") if p.suffix in RDF_SUFFIXES)
    if not files:
        raise ProjectError(
            "no SHACL shapes to validate against",
            Location(project.root / "shapes"),
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
        with rdflib_as_validation_needs():
            for quad in parsed.quads:
                graph.add(triple_of(quad))
        prefixes.update(parsed.prefixes)
        digests[rel] = file_digest(path)
    for name, iri in prefixes.items():
        graph.bind(name, iri, override=True)
    shapes = Shapes(graph, quads, digests, dict(sorted(prefixes.items())), tuple(parsed_files))
    _check_shapes_once(project, shapes)
    return shapes


def _relpath(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def cache_dir() -> Path:
    """Where sdglod keeps caches shared by projects: $SDGLOD_CACHE or ~/.cache/sdglod."""
    if "SDGLOD_CACHE" in os.environ:
        return Path(os.environ["SDGLOD_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "sdglod"


def _check_shapes_once(project: Project, shapes: Shapes) -> None:
    """Refuse shapes that break SHACL-SHACL, or whose regular expressions or SPARQL queries do
    not compile; remember shapes that passed (the check takes ~1 s)."""
    # Keyed by content, so the cache is shared safely by every project (and every test).
    content = json.dumps([*sorted(shapes.files.values()), __version__, _CHECKS]).encode()
    marker = cache_dir() / "checked-shapes" / hashlib.sha256(content).hexdigest()
    if marker.exists():
        return
    with rdflib_as_validation_needs():
        results = check_shapes(shapes.graph)
        broken = "break SHACL's own rules (SHACL-SHACL)"
        if not results:
            results = check_expressions(shapes.graph)
            broken = "have expressions that cannot be used"
    if results:
        locator = Locator(project, Sources(list(shapes.parsed), shapes.prefixes))
        located = sorted((locator.locate(r) for r in results), key=ValidationResult.sort_key)
        lines = [
            f"{r.location or '(shapes)'}: {_shape_name(r.focus_node, shapes.prefixes)}: "
            f"{r.message()}"
            for r in located[:10]
        ]
        raise ShapesError(
            f"the shapes {broken}, {len(results)} problems:\n  " + "\n  ".join(lines),
            located[0].location,
            hint="fix the shapes at the places listed",
        )
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass  # a read-only checkout only loses the cache


def _shape_name(node: str, prefixes: dict[str, str]) -> str:
    return "a blank node" if node.startswith("_:") else prefixed_name(node, prefixes)


def validate_project(
    project: Project,
    paths: list[Path] | None = None,
    shapes_paths: list[Path] | None = None,
    engine: str = "auto",
) -> Report:
    """Parse the project's sources and shapes, and validate; with ``paths``, report only on
    those files, validated in the context of the whole project (a file may refer to resources
    that others describe)."""
    if paths:
        sources, given = load_paths(project, paths)
    else:
        sources, given = load_sources(project), None
    shapes = load_shapes(project, shapes_paths or None)
    return validate(project, sources, shapes, engine, only=given)


def validate(
    project: Project,
    sources: Sources,
    shapes: Shapes,
    engine: str = "auto",
    *,
    only: Iterable[str] | None = None,
) -> Report:
    """Validate ``sources`` (parsed files of ``project``) against ``shapes``.

    What is validated is what a store keeps and the dumps publish: each literal in the form the
    store keeps it (``"007"^^xsd:integer`` as ``"7"``); sdglod's own literal rules
    (``literals.py``) report, where the literals are written, those that are ill-typed and
    those the store keeps in another form.

    ``engine``: ``pyshacl`` (the reference), ``sparql`` (the shapes compiled to SPARQL over
    Oxigraph, see ``sparql_engine/``; an error if the shapes or data need pyshacl) or ``auto``
    (``sparql`` where it gives pyshacl's results, messages included; pyshacl otherwise).
    ``only``: the relative paths of the files to report on (default: all).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}")
    with rdflib_as_validation_needs():
        stored = canonical_literals(sources.typed_literals())
        prefixes = {**shapes.prefixes, **sources.prefixes}
        own = literal_results(sources, stored, prefixes)
        names = shape_names(own, stored)
        written = {nt(to_rdflib(s)): str(w) for w, s in stored.items()}
        try:
            raw, triples, engine = _run_engine(sources.with_literals(stored), shapes, engine)
        except IncomparableValues:
            # pyshacl stopped at an ill-typed literal; those are violations of their own, and
            # the shapes can be applied once they are fixed.
            if not any(r.severity is Severity.VIOLATION for r in own):
                raise
            raw, triples = [], len(sources)
            engine = "sparql" if engine == "sparql" else "pyshacl"
        # A placeholder of `sdglod new` is reported once, whatever the shapes say about it.
        found = with_placeholders(without_repeats([*raw, *own], names), sources)
    locator = Locator(project, sources, only or (), written)
    located = (locator.locate(r) for r in found)
    chosen = None if only is None else set(only)
    results = [r for r in located if chosen is None or r.file in chosen]
    return Report(
        results=tuple(sorted(results, key=ValidationResult.sort_key)),
        files={
            p.source.relpath: file_digest(p.source.path)
            for p in sources.files
            if chosen is None or p.source.relpath in chosen
        },
        shapes=shapes.files,
        triples=triples,
        prefixes=prefixes,
        engine=engine,
    )


def _run_engine(
    sources: Sources, shapes: Shapes, engine: str
) -> tuple[list[ValidationResult], int, str]:
    """The results of one engine (see :func:`validate`), the triples it saw and its name."""
    if engine != "pyshacl":
        from . import sparql_engine  # only when validating, like pyshacl

        try:
            raw, triples = sparql_engine.validate_sources(sources, shapes.graph, engine == "auto")
            return raw, triples, "sparql"
        except sparql_engine.Unsupported as err:
            if engine == "sparql":
                raise ShapesError(
                    f"the SPARQL engine cannot validate this: {err}",
                    hint="use --engine pyshacl (or auto, which falls back to pyshacl)",
                ) from err
    data = Graph()
    for parsed in sources.files:
        for quad in parsed.quads:
            data.add(triple_of(quad))
    return validate_graphs(data, shapes.graph), len(data), "pyshacl"

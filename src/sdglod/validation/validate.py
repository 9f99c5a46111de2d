"""The validation stage's entry points: load the shapes, validate parsed sources against them.

:func:`load_shapes` parses the shapes files and refuses shapes that break SHACL-SHACL (a check
whose success is cached by content). :func:`validate` chooses the engine (the SPARQL engine
where it gives pyshacl's results, pyshacl otherwise) and locates every result at the file and
line where its focus node is described.
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
from ..rdf.sources import ParsedSource, Sources, load_paths, load_sources, parse_source
from ..rdf.writer import file_digest
from ..version import __version__
from .positions import Locator
from .pyshacl_engine import check_shapes, validate_graphs
from .report import Report, ShapesError, ValidationFailed, ValidationResult, triple_of

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
    """Refuse shapes that break SHACL-SHACL; remember shapes that passed (the check takes ~1 s)."""
    # Keyed by content, so the cache is shared safely by every project (and every test).
    content = json.dumps([*sorted(shapes.files.values()), __version__]).encode()
    marker = cache_dir() / "checked-shapes" / hashlib.sha256(content).hexdigest()
    if marker.exists():
        return
    results = check_shapes(shapes.graph)
    if results:
        locator = Locator(project, Sources(list(shapes.parsed), shapes.prefixes))
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


def validate(project: Project, sources: Sources, shapes: Shapes, engine: str = "auto") -> Report:
    """Validate ``sources`` (parsed files of ``project``) against ``shapes``.

    ``engine``: ``pyshacl`` (the reference), ``sparql`` (the shapes compiled to SPARQL over
    Oxigraph, see ``sparql_engine/``; an error if the shapes or data need pyshacl) or ``auto``
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
                data.add(triple_of(quad))
        found = (validate_graphs(data, shapes.graph), len(data))
        engine = "pyshacl"
    raw, triples = found
    locator = Locator(project, sources)
    results = tuple(sorted((locator.locate(r) for r in raw), key=ValidationResult.sort_key))
    return Report(
        results=results,
        files={p.source.relpath: file_digest(p.source.path) for p in sources.files},
        shapes=shapes.files,
        triples=triples,
        prefixes={**shapes.prefixes, **sources.prefixes},
        engine="sparql" if engine != "pyshacl" else "pyshacl",
    )

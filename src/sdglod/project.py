"""Find a project and read its configuration (``sdglod.toml``).

A project is a folder with ``sdglod.toml`` and, by convention, ``ontology/``, ``data/``,
``shapes/`` and ``queries/``. The configuration names the base IRI and says which source file
goes into which named graph.
"""

from __future__ import annotations

import glob
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Location, ProjectError
from .rdf.namespaces import SCHEMA

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_NAME = "sdglod.toml"
DEFAULT_BASE = "https://w3id.org/sdglod/"
DEFAULT_VOCAB = SCHEMA
BASE_ENV = "SDGLOD_BASE"
# Folders whose RDF files must each belong to a graph: a file nobody assigned is a mistake.
SOURCE_FOLDERS = ("ontology", "data")
RDF_SUFFIXES = (".ttl", ".nt")

_GRAPH_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


@dataclass(frozen=True)
class GraphArea:
    """A named graph and the file patterns whose triples go into it."""

    name: str
    iri: str
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class SourceFile:
    """One RDF source file and the named graph it is loaded into."""

    path: Path
    relpath: str
    graph: GraphArea


@dataclass(frozen=True)
class Project:
    """A project on disk and its configuration."""

    root: Path
    base: str
    areas: tuple[GraphArea, ...]
    vocab: str = DEFAULT_VOCAB
    prefixes: dict[str, str] = field(default_factory=dict)

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def state_dir(self) -> Path:
        """Builds and the pointer to the current one live here (not under version control)."""
        return self.root / ".sdglod"

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist"

    def source_files(self) -> list[SourceFile]:
        """Every source file with its graph, in a stable order; each file in exactly one graph."""
        chosen: dict[Path, SourceFile] = {}
        for area in self.areas:
            for pattern in area.patterns:
                matches = sorted(glob.glob(str(self.root / pattern), recursive=True))
                if not matches and not _is_glob(pattern):
                    raise ProjectError(
                        f"graph {area.name!r} lists {pattern!r}, which does not exist",
                        Location(self.config_path),
                        "create the file or remove it from the graph's `files`",
                    )
                for match in matches:
                    path = Path(match).resolve()
                    if path.is_file() and path not in chosen:
                        rel = os.path.relpath(path, self.root)
                        chosen[path] = SourceFile(path, rel, area)
        for folder in SOURCE_FOLDERS:
            for path in sorted((self.root / folder).rglob("*")):
                if path.suffix in RDF_SUFFIXES and path.resolve() not in chosen:
                    raise ProjectError(
                        f"{path.relative_to(self.root)} is in no graph",
                        Location(self.config_path),
                        "add a pattern that matches it to a [[graphs]] entry's `files`",
                    )
        return sorted(chosen.values(), key=lambda s: (self.areas.index(s.graph), s.relpath))


def _is_glob(pattern: str) -> bool:
    return any(char in pattern for char in "*?[")


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` that holds ``sdglod.toml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ProjectError(
        f"no {CONFIG_NAME} in {here} or any folder above it",
        hint="run sdglod inside a project, or pass --project DIR",
    )


def check_base(base: str, where: Location | None = None) -> str:
    """Return ``base`` if it is an absolute IRI ending in ``/`` or ``#``; raise otherwise."""
    if not _ABSOLUTE_IRI.match(base) or not base.endswith(("/", "#")):
        raise ProjectError(
            f"base IRI {base!r} is not an absolute IRI ending in '/' or '#'",
            where,
            "use something like https://w3id.org/sdglod/",
        )
    return base


def load_project(root: Path | None = None, base: str | None = None) -> Project:
    """Read ``sdglod.toml`` of the project at (or above) ``root``.

    The base IRI comes from ``base`` if given, else ``$SDGLOD_BASE``, else the config file.
    """
    root = find_root(root)
    config_path = root / CONFIG_NAME
    where = Location(config_path)
    try:
        config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ProjectError(f"{CONFIG_NAME} is not valid TOML: {err}", where) from err

    chosen_base = base or os.environ.get(BASE_ENV) or config.get("base", DEFAULT_BASE)
    chosen_base = check_base(chosen_base, None if base or os.environ.get(BASE_ENV) else where)

    areas = []
    for entry in config.get("graphs", []):
        name = entry.get("name", "")
        files = entry.get("files")
        if not _GRAPH_NAME.match(name):
            raise ProjectError(
                f"graph name {name!r} is not a lowercase slug",
                where,
                "name each [[graphs]] entry with letters, digits and '-'",
            )
        if not files or not all(isinstance(f, str) for f in files):
            raise ProjectError(f"graph {name!r} has no `files` list", where)
        iri = entry.get("iri", f"{chosen_base}graph/{name}")
        if not isinstance(iri, str) or not _ABSOLUTE_IRI.match(iri):
            raise ProjectError(
                f"graph {name!r} has iri {iri!r}, which is not an absolute IRI",
                where,
                "leave `iri` out (the graph is then named {base}graph/{name}) or give an IRI",
            )
        areas.append(GraphArea(name, iri, tuple(files)))
    if not areas:
        raise ProjectError("no [[graphs]] entries", where, "see README.md for an example")
    if len({a.name for a in areas}) != len(areas):
        raise ProjectError("two [[graphs]] entries share a name", where)

    jsonld = config.get("jsonld", {})
    return Project(
        root=root,
        base=chosen_base,
        areas=tuple(areas),
        vocab=jsonld.get("vocab", DEFAULT_VOCAB),
        prefixes=dict(config.get("prefixes", {})),
    )

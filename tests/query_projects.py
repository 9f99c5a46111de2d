"""Copies of the projects that the canned-query tests run on, besides the real data and the
multi-event fixture: with the whole UN SDG KOS imported, with every statement in two named
graphs, and the fixture with the query cases of ``tests/fixtures/query-cases/`` added."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES, PROJECT_PARTS, assemble_project

from sdglod.build import Build, build
from sdglod.project import Project, load_project
from sdglod.query.canned import run_canned
from sdglod.query.catalogue import load_queries
from sdglod.query.embedded import EmbeddedBackend
from sdglod.query.results import Result

KOS_FILE = "un-sdg-kos/sdg-kos-goals-targets-indicators.ttl"


def _add_graph(root: Path, name: str, pattern: str) -> None:
    with (root / "sdglod.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[[graphs]]\nname = "{name}"\nfiles = ["{pattern}"]\n')


class Queried:
    """A built project, ready to answer its canned queries."""

    def __init__(self, project: Project, build: Build):
        self.project = project
        self.backend = EmbeddedBackend(build.open_store())
        self.prefixes = build.manifest.prefixes
        self.queries = load_queries(project)

    def ask(self, name: str, **given: str) -> Result:
        """Canned query ``name`` with these parameter values (the defaults otherwise)."""
        query = self.queries[name]
        return run_canned(self.backend, query, given, self.project.base, self.prefixes)


def copy_of(source: Path, destination: Path) -> Path:
    """A copy of the project at ``source`` (not its builds): the same files as the project it
    is compared with, even while data/ is being edited."""
    destination.mkdir(parents=True)
    for part in PROJECT_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, destination / part)
        else:
            shutil.copy2(source / part, destination / part)
    return destination


def with_kos(source: Path, destination: Path, reference: Path) -> Queried:
    """The project at ``source`` with the whole UN SDG KOS as a graph of its own, as the
    comment in sdglod.toml suggests: every goal and target it shares with data/sdg.ttl is then
    said in two graphs of the union default graph."""
    root = copy_of(source, destination)
    _add_graph(root, "sdg-kos", str(reference / KOS_FILE))
    return _built(root)


def twice(source: Path, destination: Path) -> Queried:
    """The project at ``source`` with a second copy of every data and ontology file in a graph
    of its own: every statement sits in two named graphs."""
    root = copy_of(source, destination)
    (root / "copy").mkdir()
    for folder in ("data", "ontology"):
        for path in (root / folder).glob("*.ttl"):
            shutil.copy2(path, root / "copy" / path.name)
    _add_graph(root, "copy", "copy/*.ttl")
    return _built(root)


def with_cases(destination: Path) -> Queried:
    """The multi-event fixture with the query cases added to its data."""
    root = assemble_project("multi-event", destination)
    shutil.copy2(FIXTURES / "query-cases" / "cases.ttl", root / "data" / "query-cases.ttl")
    return _built(root)


def of(built: tuple[Project, Build]) -> Queried:
    """A project the shared fixtures built (``built``, ``multi_built``)."""
    return Queried(*built)


def _built(root: Path) -> Queried:
    project = load_project(root)
    return Queried(project, build(project))

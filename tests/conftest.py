"""Shared fixtures: a copy of the real project and the fictional multi-event project, each built
once per session, and the reference data."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from oxigraph_server import OxigraphServer
from virtuoso_server import VirtuosoServer, virtuoso_missing

from sdglod.build import Build, build
from sdglod.project import Project, load_project
from sdglod.rdf.store import Store

REPO = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("sdglod.toml", "releases.jsonl", "ontology", "data", "shapes", "queries")
FIXTURES = REPO / "tests" / "fixtures"


def copy_project(destination: Path) -> Path:
    """Copy the repository's project files (not its builds) into ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, destination / part)
        elif source.is_file():
            shutil.copy2(source, destination / part)
    return destination


def assemble_project(name: str, destination: Path) -> Path:
    """The fixture project ``tests/fixtures/<name>`` (its ``sdglod.toml`` and ``data/``) with the
    repository's ``ontology/``, ``shapes/`` and ``queries/`` copied in, so that the fixture is
    always checked against the real shapes and queries as they evolve."""
    shutil.copytree(FIXTURES / name, destination)
    for part in ("ontology", "shapes", "queries"):
        shutil.copytree(REPO / part, destination / part)
    return destination


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """A fresh, unbuilt copy of the real project."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Build]:
    """The real project, built once for the whole session."""
    project = load_project(copy_project(tmp_path_factory.mktemp("built") / "project"))
    return project, build(project)


@pytest.fixture(scope="session")
def store(built: tuple[Project, Build]) -> Store:
    return built[1].open_store()


@pytest.fixture(scope="session")
def multi_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Build]:
    """The fictional multi-event fixture project (three events), built once per session."""
    root = assemble_project("multi-event", tmp_path_factory.mktemp("multi") / "project")
    project = load_project(root)
    return project, build(project)


@pytest.fixture(scope="session")
def multi_store(multi_built: tuple[Project, Build]) -> Store:
    return multi_built[1].open_store()


@pytest.fixture(scope="session")
def reference() -> Path:
    """The shared reference material (UN SDG KOS, W3C test suites), next to the repository."""
    folder = Path(os.environ.get("SDGLOD_REFERENCE", REPO.parent / "shared" / "reference"))
    if not folder.is_dir():
        pytest.fail(f"reference material not found at {folder}; set SDGLOD_REFERENCE")
    return folder


@pytest.fixture(scope="session")
def start_oxigraph(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., OxigraphServer]]:
    """Start real ``oxigraph serve`` processes on 127.0.0.1 (each empty, on a free port);
    every one is stopped at the end of the session, whatever happened."""
    servers: list[OxigraphServer] = []

    def start(*options: str) -> OxigraphServer:
        folder = tmp_path_factory.mktemp("oxigraph")
        server = OxigraphServer(folder / "store", folder / "server.log", *options)
        servers.append(server)
        return server.start()

    with pytest.MonkeyPatch.context() as patch:
        # Clients (urllib, SPARQLWrapper) must reach the loopback server directly.
        for name in ("no_proxy", "NO_PROXY"):
            patch.setenv(name, _with_loopback(os.environ.get(name)))
        try:
            yield start
        finally:
            for server in servers:
                server.stop()


@pytest.fixture(scope="session")
def remote_store(built: tuple[Project, Build], start_oxigraph) -> OxigraphServer:
    """A real ``oxigraph serve`` holding the real build (all its named graphs), for the web
    tests that run over both backends; it stops runaway queries itself after 5 s."""
    server = start_oxigraph("--timeout-s", "5")
    server.load(built[1].dist_path / "dataset.nq")
    return server


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A real Virtuoso on 127.0.0.1 for the publish tests (``virtuoso`` empties it first)."""
    yield from _virtuoso(tmp_path_factory)


@pytest.fixture
def virtuoso(virtuoso_server: VirtuosoServer) -> VirtuosoServer:
    """The session's Virtuoso with no graph but its own system graphs."""
    virtuoso_server.reset()
    return virtuoso_server


@pytest.fixture(scope="session")
def virtuoso_store(
    built: tuple[Project, Build], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[VirtuosoServer]:
    """Another real Virtuoso, holding the real build (each named graph put through the Graph
    Store Protocol), for the web tests that run over every backend."""
    for server in _virtuoso(tmp_path_factory):
        server.load(built[1].dist_path / "dataset.nq")
        yield server


def _virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    missing = virtuoso_missing()
    if missing is not None:
        pytest.skip(missing)
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    with pytest.MonkeyPatch.context() as patch:
        for name in ("no_proxy", "NO_PROXY"):
            patch.setenv(name, _with_loopback(os.environ.get(name)))
        try:
            yield server.start()
        finally:
            server.stop()


# The backends the web tests run over: the embedded store, Oxigraph's server, Virtuoso; and
# for the pages and canned queries also Virtuoso asked through a graph group (--union-graph).
BACKENDS = ["embedded", "remote", "virtuoso"]
BACKENDS_AND_GROUP = [*BACKENDS, "virtuoso-group"]


def backend_holding(request: pytest.FixtureRequest, dataset: Path) -> str | None:
    """The ``--backend`` URL for a fixture parametrised with ``BACKENDS``, of a store that
    holds ``dataset`` (a build's ``dataset.nq``): None for "embedded", a new Oxigraph server
    for "remote", the session's Virtuoso, emptied first, for "virtuoso"."""
    if request.param == "remote":
        server = request.getfixturevalue("start_oxigraph")("--timeout-s", "5")
        server.load(dataset)
        return server.query_url
    if request.param == "virtuoso":
        virtuoso = request.getfixturevalue("virtuoso_server")
        virtuoso.reset()
        virtuoso.load(dataset)
        return virtuoso.query_url
    return None


def union_graph_for(request: pytest.FixtureRequest, project: Project) -> str | None:
    """For "virtuoso-group": a Virtuoso graph group of ``project``'s graphs on the session's
    ``virtuoso_store`` (``--union-graph``); None for the other backends."""
    if request.param != "virtuoso-group":
        return None
    graphs = [area.iri for area in project.areas]
    return request.getfixturevalue("virtuoso_store").graph_group(f"{project.base}graph/", graphs)


def backend_for(request: pytest.FixtureRequest) -> str | None:
    """The ``--backend`` URL for a fixture parametrised with "embedded", "remote" (Oxigraph's
    server) or "virtuoso"."""
    if request.param == "remote":
        return request.getfixturevalue("remote_store").query_url
    if request.param in ("virtuoso", "virtuoso-group"):
        return request.getfixturevalue("virtuoso_store").query_url
    return None


def _with_loopback(value: str | None) -> str:
    return ",".join(filter(None, [value, "127.0.0.1"]))


@pytest.fixture
def loopback_without_proxy(monkeypatch):
    """Clients (urllib, httpx, SPARQLWrapper) reach servers on 127.0.0.1 directly, whatever
    proxy the environment names (use with ``pytestmark = pytest.mark.usefixtures(…)``)."""
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(name, _with_loopback(os.environ.get(name)))

"""sdglod: publish a validated knowledge graph about museums, libraries and the UN SDGs.

The library calls a Python user makes, each the same function the command line runs::

    import sdglod

    report = sdglod.validate("path/to/project")        # sdglod validate
    built = sdglod.build_project("path/to/project")    # sdglod build
    store = sdglod.open_store("path/to/project")       # the current build's store
    rows = sdglod.canned_query("events", {"lang": "en"}, project="path/to/project")
    rows = sdglod.sparql("SELECT * { ?s ?p ?o } LIMIT 3", project="path/to/project")

``project`` is the project folder (the one with ``sdglod.toml``) or any folder inside it; the
default is the current directory. Errors a user can fix raise :class:`sdglod.errors.SdglodError`
(with ``location`` and ``hint``); data that does not conform raises
:class:`sdglod.validation.report.ValidationFailed` from :func:`build_project`. (The names
differ from the subpackages' — ``build``, ``query`` — because importing a submodule sets an
attribute of the same name on this package.)

The stages live in subpackages, in the order the data flows (see docs/architecture.md):
``rdf`` (sources, store, serialisations) → ``validation`` → ``describe`` → ``build`` →
``query`` → ``publish`` / ``web``; ``cli`` is the shell over them. Nothing heavy is imported
here until a function is called.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .version import __version__

if TYPE_CHECKING:
    from .build import Build
    from .project import Project
    from .query.results import Result
    from .rdf.store import Store
    from .validation.report import Report

__all__ = ["__version__", "build_project", "canned_query", "open_store", "sparql", "validate"]


def _project(project: str | Path | None, base: str | None = None) -> Project:
    from .project import load_project

    return load_project(None if project is None else Path(project), base)


def validate(
    project: str | Path | None = None,
    paths: list[str | Path] | None = None,
    *,
    engine: str = "auto",
) -> Report:
    """Validate the project's sources (or only ``paths``) against its SHACL shapes.

    Returns the :class:`~sdglod.validation.report.Report`: ``report.conforms``,
    ``report.violations``, and ``report.results``, each located at its file and line. Bad
    input (a syntax error, no shapes) raises :class:`~sdglod.errors.SdglodError`.
    """
    from .validation.validate import validate_project

    files = [Path(p) for p in paths] if paths else None
    return validate_project(_project(project), files, engine=engine)


def build_project(
    project: str | Path | None = None,
    *,
    base: str | None = None,
    strict: bool = False,
) -> Build:
    """Validate and build the project: a new store and dumps, swapped in atomically.

    ``base`` overrides the base IRI of ``sdglod.toml``; ``strict`` refuses warnings too. Raises
    :class:`~sdglod.validation.report.ValidationFailed` (its ``report`` says what) if the data
    does not conform; the previous build then stays as it was. The returned
    :class:`~sdglod.build.Build` has the ``manifest`` and the ``dist_path`` of the dumps.
    """
    from .build import build as run_build

    return run_build(_project(project, base), strict=strict)


def open_store(project: str | Path | None = None) -> Store:
    """The store of the project's current build, read-only (``store.query(sparql)``)."""
    from .build import current_build

    return current_build(_project(project)).open_store()


def canned_query(
    name: str,
    params: Mapping[str, str] | None = None,
    *,
    project: str | Path | None = None,
    endpoint: str | None = None,
) -> Result:
    """Run the canned query ``name`` (``queries/<name>.rq``) with ``params`` as typed text
    values (``{"sdg": "4.7"}``), on the current build or on the SPARQL ``endpoint``.

    Returns a typed result (:mod:`sdglod.query.results`): ``.variables`` and ``.rows`` of a
    SELECT, ``.value`` of an ASK, ``.triples`` of a CONSTRUCT or DESCRIBE.
    """
    from .query.backends import open_backend, project_vocabulary
    from .query.canned import run_canned
    from .query.catalogue import find_query, load_queries

    chosen = _project(project)
    canned = find_query(load_queries(chosen), name)
    backend = open_backend(chosen, endpoint)
    prefixes = project_vocabulary(chosen).prefixes
    return run_canned(backend, canned, params or {}, chosen.base, prefixes)


def sparql(
    text: str,
    *,
    project: str | Path | None = None,
    endpoint: str | None = None,
) -> Result:
    """Run a read-only SPARQL query on the current build (or the ``endpoint``); SPARQL
    Update is refused with a :class:`~sdglod.errors.QueryError`."""
    from .query.backends import open_backend

    chosen = None if endpoint and project is None else _project(project)
    return open_backend(chosen, endpoint).run(text)

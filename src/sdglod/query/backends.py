"""Where queries run: the embedded store of the current build, or a remote SPARQL endpoint.

Both kinds take SPARQL text plus typed parameter bindings and return the same typed results
(:mod:`sdglod.results`), so every output format, the CLI and the HTTP app work with either.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from pyoxigraph import Variable

from ..build import current_build
from ..errors import Location, NoBuildError, QueryError
from ..project import Project
from ..rdf.jsonld import build_context
from ..rdf.sources import load_sources
from ..rdf.store import Store
from .results import Result, Term, Vocabulary, from_oxigraph
from .sparql_text import SparqlTextError, is_update, operation, split_position

INLINE = Path("<query>")  # the "file" of a query given as text, in error locations


class Backend(Protocol):
    """Runs read-only SPARQL queries."""

    def run(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        source: Path | None = None,
    ) -> Result:
        """Run ``sparql`` with the variables of ``bindings`` bound to their terms.

        ``source`` names the file the text came from, for error messages.
        """
        ...


def check_query(sparql: str, source: Path | None = None) -> None:
    """Refuse SPARQL Update (and text that is no query at all) before it reaches an engine."""
    try:
        update = is_update(sparql)
    except SparqlTextError:
        return  # unreadable before its first keyword: the engine's parser says where and why
    if update:
        raise QueryError(
            f"SPARQL Update ({operation(sparql)}) is refused: sdglod only runs read-only queries",
            Location(source or INLINE),
            "use SELECT, ASK, CONSTRUCT or DESCRIBE; change data in the Turtle sources",
        )


def syntax_error(message: str, source: Path | None) -> QueryError:
    """A :class:`QueryError` for a parser message, with the position as a location."""
    line, column, text = split_position(message)
    return QueryError(
        f"syntax error: {text}",
        Location(source or INLINE, line, column),
        "fix the SPARQL at this position",
    )


class EmbeddedBackend:
    """Queries the embedded Oxigraph store; parameters are bound with its ``substitutions``."""

    def __init__(self, store: Store):
        self.store = store

    def run(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        source: Path | None = None,
    ) -> Result:
        check_query(sparql, source)
        substitutions = {Variable(name): term for name, term in (bindings or {}).items()}
        try:
            raw = self.store.query(sparql, substitutions=substitutions or None)
            return from_oxigraph(raw)
        except SyntaxError as err:
            raise syntax_error(str(err.msg or err), source) from None
        except RuntimeError as err:
            # The engine's word for a query that parses but cannot run, e.g. a parameter
            # that a SELECT does not project.
            raise QueryError(f"the query cannot run: {err}", Location(source or INLINE)) from None


def project_vocabulary(project: Project) -> Vocabulary:
    """The prefixes and JSON-LD context of ``project``: from its current build if there is one,
    else read from the sources (a project queried only remotely need not be built)."""
    try:
        manifest = current_build(project).manifest
        return Vocabulary(manifest["prefixes"], manifest["context"])
    except NoBuildError:
        prefixes = load_sources(project).prefixes
        return Vocabulary(prefixes, build_context(prefixes, project.vocab))


def open_backend(project: Project | None, endpoint: str | None = None) -> Backend:
    """The remote endpoint at ``endpoint`` if given, else the store of ``project``'s current
    build."""
    if endpoint:
        from .remote import RemoteBackend

        return RemoteBackend(endpoint)
    if project is None:
        raise ValueError("a project or an endpoint is needed")
    return EmbeddedBackend(current_build(project).open_store())

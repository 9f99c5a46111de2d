"""One way to run a query, whatever runs it.

The CLI, the server's query workers and the remote store behind ``serve --backend`` all go
through :func:`run_query`: it refuses SPARQL Update, and ``SERVICE`` to endpoints nobody
allowed, before any engine sees the text; lets the backend evaluate the query (bound
parameters, dataset, base IRI, row limit); and turns what the engine says about a query it
cannot parse or run into one kind of error, with the line and column where the parser stopped.
A backend only evaluates; it never decides what an error is.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from ..errors import Location, QueryError
from .results import Result, Term
from .sparql_text import (
    SparqlTextError,
    is_update,
    line_and_column,
    operation,
    service_clauses,
    split_position,
)

INLINE = Path("<query>")  # the "file" of a query given as text, in error locations


class UpdateRefused(QueryError):
    """SPARQL Update was sent to sdglod, which only reads."""

    code: ClassVar[str] = "update-refused"


class ServiceRefused(QueryError):
    """A federated query (``SERVICE``) to an endpoint nobody allowed."""

    code: ClassVar[str] = "service-refused"


class QuerySyntaxError(QueryError):
    """The engine cannot parse the query; the location says where it stopped."""

    code: ClassVar[str] = "malformed-query"

    def __init__(self, detail: str, location: Location):
        super().__init__(f"syntax error: {detail}", location, "fix the SPARQL at this position")
        self.detail = detail  # the parser's own words, without the position


class QueryFailed(QueryError):
    """The query parses but the engine cannot evaluate it."""

    code: ClassVar[str] = "query-failed"

    def __init__(self, detail: str, location: Location):
        super().__init__(f"the query cannot run: {detail}", location)
        self.detail = detail


@dataclass(frozen=True)
class QueryRequest:
    """A query to run: text, parameter bindings (typed terms), the protocol's dataset, the
    base IRI for relative IRIs in the text, and the most solutions or triples to return."""

    text: str
    bindings: Mapping[str, Term] = field(default_factory=dict)
    source: Path | None = None  # the file the text came from, for error locations
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base: str | None = None
    limit: int | None = None
    allowed_services: tuple[str, ...] = ()  # endpoints that SERVICE may call


@dataclass(frozen=True)
class QueryOutcome:
    """A result, and whether the row limit cut it."""

    result: Result
    truncated: bool = False


class Backend(ABC):
    """Where queries are evaluated: the embedded store or a remote SPARQL endpoint."""

    @abstractmethod
    def evaluate(self, request: QueryRequest) -> QueryOutcome:
        """Evaluate ``request`` (already checked to be a query, not an update).

        Raise ``SyntaxError`` with the parser's message (``error at L:C: …`` where it knows
        the position) for text that does not parse, and ``RuntimeError`` for a query that
        cannot be evaluated; :func:`run_query` turns both into :class:`QueryError`.
        """

    def run(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        source: Path | None = None,
        allowed_services: Collection[str] = (),
    ) -> Result:
        """Run ``sparql`` with the variables of ``bindings`` bound; the whole result.
        ``SERVICE`` may call only the endpoints in ``allowed_services``."""
        request = QueryRequest(
            sparql, bindings or {}, source, allowed_services=tuple(allowed_services)
        )
        return run_query(self, request).result


def run_query(backend: Backend, request: QueryRequest) -> QueryOutcome:
    """Run ``request`` on ``backend``: the one path every query takes."""
    check_query(request.text, request.source)
    check_services(request.text, request.allowed_services, request.source)
    try:
        return backend.evaluate(request)
    except SyntaxError as err:
        error: QueryError = syntax_error(str(err.msg or err), request.source)
    except (RuntimeError, ValueError, OSError) as err:
        # The engine's word for a query that parses but cannot run, e.g. a parameter that a
        # SELECT does not project, or a base IRI it rejects.
        error = QueryFailed(str(err), Location(request.source or INLINE))
    # Raised here, not in the except clause, so that the engine's exception is not chained to
    # it: its frames may hold a pyoxigraph result iterator, which must be freed in the thread
    # that made it (the remote pool runs this in a thread; the error travels to the loop's).
    raise error


def check_query(sparql: str, source: Path | None = None) -> None:
    """Refuse SPARQL Update (and text that is no query at all) before it reaches an engine."""
    try:
        update = is_update(sparql)  # remembered: the same canned texts come again and again
    except SparqlTextError:
        update = False  # unreadable before its first keyword: the engine's parser says where
    if update:
        raise UpdateRefused(
            f"SPARQL Update ({operation(sparql)}) is refused: sdglod only runs read-only queries",
            Location(source or INLINE),
            "use SELECT, ASK, CONSTRUCT or DESCRIBE; change data in the Turtle sources",
        )


def check_services(sparql: str, allowed: Collection[str], source: Path | None = None) -> None:
    """Refuse ``SERVICE`` to an endpoint not in ``allowed``: a federated query makes the engine
    send requests of its own, to wherever the text says."""
    try:
        clauses = service_clauses(sparql)
    except SparqlTextError:
        return  # unreadable: the engine's parser will say where
    for endpoint, offset in clauses:
        if endpoint is None or endpoint not in allowed:
            line, column = line_and_column(sparql, offset)
            shown = f"<{endpoint}>" if endpoint else "to an endpoint named by a variable"
            raise ServiceRefused(
                f"SERVICE {shown} is refused: sdglod sends queries only where it is allowed to",
                Location(source or INLINE, line, column),
                f"allow it with --allow-service {endpoint}"
                if endpoint
                else "name the endpoint with an IRI and allow it with --allow-service URL",
            )


def syntax_error(message: str, source: Path | None) -> QuerySyntaxError:
    """The error for a parser's ``message``, with its position as the location."""
    line, column, text = split_position(message)
    return QuerySyntaxError(text, Location(source or INLINE, line, column))

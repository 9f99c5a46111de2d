"""Parameter values checked against the data before a canned query runs.

A parameter whose header gives ``values-where`` (a SPARQL group pattern that binds ``$name`` to
each valid value) is checked with small queries of its own, on the backend that runs the canned
query and through the same :func:`~sdglod.query.execute.run_query`: a value the data does not
have is an error that shows the valid values nearest to it and how to list them all, never an
empty answer. With ``names`` (a property path), a text that is not itself a valid value may name
one, compared case-insensitively: ``EE`` or ``Estonia`` for a country whose code or name it is.

A check is a generator (:meth:`ValueCheck.steps`) that yields the queries it needs
(:class:`Probe`) and is sent their results, so that the same logic serves callers that run
queries in place (:func:`resolve`: the CLI, the library) and callers that await them (the
server's query pool).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from ..errors import QueryError
from ..rdf.names import compact_iri
from .results import Result, SelectResult, Term

SHOWN = 10  # valid values a hint shows
READ_AT_MOST = 10_000  # valid values read to choose the nearest ones from
GIVEN = "sdglod_given"  # the variable the text of a value is bound to when looked up by name
RESERVED = "sdglod_"  # variables that checks use: no parameter may start with it

Run = Callable[["Probe"], Result]


@dataclass(frozen=True)
class Probe:
    """A query a check needs answered: SPARQL text and typed bindings."""

    text: str
    bindings: Mapping[str, Term] = field(default_factory=dict)


def cli_listing(query: str, parameter: str) -> str:
    """How to list every valid value of a parameter on the command line."""
    return f"sdglod query {query} --values {parameter}"


def http_listing(query: str, parameter: str) -> str:
    """How to list every valid value of a parameter over HTTP."""
    return f"GET /queries/{query}/values/{parameter}"


def listing_text(prologue: str, name: str, pattern: str, limit: int | None = None) -> str:
    """A SELECT of every valid value of parameter ``name`` (``$name`` in ``pattern``), in
    order, each once."""
    cut = f" LIMIT {limit}" if limit is not None else ""
    select = f"SELECT DISTINCT ${name} WHERE {{ {{ {pattern} }} }} ORDER BY ${name}{cut}"
    return f"{prologue}{select}\n"


@dataclass(frozen=True)
class ValueCheck:
    """One given parameter value to check (and, by name, to find) in the data."""

    query: str  # the canned query's name, for messages
    name: str
    pattern: str  # ``values-where``
    names: str | None  # ``names``: a property path from a valid value to texts that name it
    prologue: str  # the canned query's PREFIX declarations
    text: str  # the value as given
    term: Term | None  # the value as a term of the parameter's type; None if it is not one
    problem: str | None = None  # why the text is not of the parameter's type
    prefixes: Mapping[str, str] = field(default_factory=dict)
    listing: Callable[[str, str], str] = cli_listing

    def steps(self) -> Generator[Probe, Result, Term]:
        """The probes this check needs; returns the value's term (found by name, if need be),
        or raises :class:`~sdglod.errors.QueryError`."""
        if self.term is not None:
            found = yield self._probe(f"${self.name}", "", "LIMIT 1", {self.name: self.term})
            if _rows(found):
                return self.term
        if self.names is not None:
            match = (
                f"${self.name} {self.names} ?sdglod_name . "
                f"FILTER(LCASE(STR(?sdglod_name)) = LCASE(STR(?{GIVEN})))"
            )
            head, tail = f"DISTINCT ${self.name} ?{GIVEN}", f"ORDER BY ${self.name} LIMIT {SHOWN}"
            found = yield self._probe(head, match, tail, {GIVEN: Literal(self.text)})
            named = _column(found)
            if len(named) == 1:
                return named[0]
            if named:
                raise QueryError(
                    f"parameter {self.name} of {self.query}: {self.text!r} names "
                    f"{len(named)} values: {', '.join(self.shown(t) for t in named)}",
                    hint="give one of them",
                )
        listed = yield Probe(listing_text(self.prologue, self.name, self.pattern, READ_AT_MOST))
        raise self.unknown(_column(listed))

    def _probe(self, head: str, extra: str, tail: str, bindings: Mapping[str, Term]) -> Probe:
        text = f"{self.prologue}SELECT {head} WHERE {{ {{ {self.pattern} }} {extra} }} {tail}\n"
        return Probe(text, bindings)

    def unknown(self, valid: list[Term]) -> QueryError:
        """The error for a value that is none of ``valid`` (all of them, or the first
        :data:`READ_AT_MOST`)."""
        what = f"{self.problem}, nor does it name" if self.problem else f"{self.text!r} is not"
        message = f"parameter {self.name} of {self.query}: {what} one of its values in the data"
        if not valid:
            return QueryError(message, hint=f"the data has no values for {self.name} at all")
        shown = [self.shown(term) for term in valid]
        # Compared as written in the list: an IRI given in full or relative to the base is
        # near the prefixed names that share its namespace.
        given = self.shown(self.term) if self.term is not None else self.text
        nearest = sorted(nearest_values(given, shown, SHOWN), key=natural_key)
        count = f"{len(valid)}" if len(valid) < READ_AT_MOST else f"{READ_AT_MOST} or more"
        hint = f"{self.name} takes one of {count} values"
        if len(valid) > len(nearest):
            everything = self.listing(self.query, self.name)
            hint += f", such as {', '.join(nearest)}; all of them: {everything}"
        else:
            hint += f": {', '.join(nearest)}"
        if self.names is not None:
            hint += f"; or a text that names one ({self.names})"
        return QueryError(message, hint=hint)

    def shown(self, term: Term) -> str:
        """``term`` as a user would type it: a prefixed name for an IRI, else its text."""
        if isinstance(term, NamedNode):
            return compact_iri(term.value, self.prefixes)
        return term.value if isinstance(term, Literal) else str(term)


def resolve(
    bindings: Mapping[str, Term], checks: Iterable[ValueCheck], run: Run
) -> dict[str, Term]:
    """``bindings`` with every checked value in place (found by name, if need be), each probe
    answered by ``run``; a :class:`~sdglod.errors.QueryError` for a value the data lacks."""
    resolved = dict(bindings)
    for check in checks:
        steps, answer = check.steps(), None
        try:
            while True:
                answer = run(steps.send(answer))  # type: ignore[arg-type]
        except StopIteration as done:
            resolved[check.name] = done.value
    return resolved


async def resolve_async(
    bindings: Mapping[str, Term],
    checks: Iterable[ValueCheck],
    run: Callable[[Probe], Awaitable[Result]],
) -> dict[str, Term]:
    """:func:`resolve` for a caller whose queries are awaited (the server's query pool)."""
    resolved = dict(bindings)
    for check in checks:
        steps, answer = check.steps(), None
        try:
            while True:
                answer = await run(steps.send(answer))  # type: ignore[arg-type]
        except StopIteration as done:
            resolved[check.name] = done.value
    return resolved


def nearest_values(text: str, values: list[str], count: int) -> list[str]:
    """The ``count`` values that share the longest beginning with ``text`` (ignoring case),
    ties in natural order."""
    given = text.strip().lower()

    def shared(value: str) -> int:
        length = 0
        for a, b in zip(given, value.lower(), strict=False):
            if a != b:
                break
            length += 1
        return length

    return sorted(values, key=lambda value: (-shared(value), natural_key(value)))[:count]


def natural_key(text: str) -> tuple:
    """A sort key that puts 4.7 before 4.10 and item-2 before item-10."""
    parts = _PARTS.findall(text)
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts)


_PARTS = re.compile(r"\d+|\D+")


def _rows(result: Result) -> tuple:
    assert isinstance(result, SelectResult)
    return result.rows


def _column(result: Result) -> list[Term]:
    return [row[0] for row in _rows(result) if row[0] is not None]

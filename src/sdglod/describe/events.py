"""Which events the data holds, for the descriptions and the pages alike: the SPARQL patterns
of an event that is not part of another and of an event's parts, the latest events, and the
time all the events span.

Every rule here reads the data, never the dataset's own description: an event added in
``data/`` counts at once, whatever ``data/dataset.ttl`` says it is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pyoxigraph import Literal

from ..rdf.namespaces import SCHEMA
from ..rdf.store import Store

# ``?event`` is an event that is not part of another: no schema:superEvent, and no event
# names it as a schema:subEvent (either link alone makes a part).
TOP_LEVEL_EVENT = (
    f"?event a <{SCHEMA}Event> . FILTER(isIRI(?event)) "
    f"FILTER NOT EXISTS {{ ?event <{SCHEMA}superEvent> ?whole }} "
    f"FILTER NOT EXISTS {{ ?container <{SCHEMA}subEvent> ?event }}"
)
# The path from an event to its parts, whichever side states the link; ``*`` of it reaches
# the event itself and the parts of its parts.
PART_PATH = f"(<{SCHEMA}subEvent>|^<{SCHEMA}superEvent>)"


def latest_events_query(limit: int, offset: int = 0) -> str:
    """SELECT ``?event ?start ?end`` of the events not part of another, newest start first
    (undated ones last), then by IRI: a stable order for a list or a page of one."""
    return (
        "SELECT ?event (MIN(?s) AS ?start) (MAX(?e) AS ?end) WHERE { "
        f"{TOP_LEVEL_EVENT} OPTIONAL {{ ?event <{SCHEMA}startDate> ?s }} "
        f"OPTIONAL {{ ?event <{SCHEMA}endDate> ?e }} }} GROUP BY ?event "
        f"ORDER BY DESC(?start) ?event LIMIT {int(limit)}"
        + (f" OFFSET {int(offset)}" if offset else "")
    )


TOP_LEVEL_EVENT_COUNT = f"SELECT (COUNT(DISTINCT ?event) AS ?n) WHERE {{ {TOP_LEVEL_EVENT} }}"


def latest_events(store: Store, limit: int) -> list[str]:
    """The IRIs of the ``limit`` latest events not part of another (see
    :func:`latest_events_query`)."""
    return [row["event"].value for row in store.query(latest_events_query(limit))]


_DATE = re.compile(r"^(-?\d{4,})(?:-(\d{2})(?:-(\d{2}))?)?")


def date_key(literal: Literal) -> tuple[int, int, int] | None:
    """A date's (year, month, day), to compare dates of any XSD date type (``xsd:date``,
    ``xsd:dateTime``, ``xsd:gYear``…); ``None`` for a text that is no date."""
    found = _DATE.match(literal.value)
    if found is None:
        return None
    year, month, day = found.groups()
    return int(year), int(month or 0), int(day or 0)


def span(dates: Iterable[tuple[Literal, Literal | None]]) -> tuple[Literal, Literal] | None:
    """The earliest start and the latest end of (start, end) pairs; a pair without an end
    counts with its start. ``None`` if no start is a date."""
    first: tuple[tuple[int, int, int], Literal] | None = None
    last: tuple[tuple[int, int, int], Literal] | None = None
    for start, end in dates:
        start_key = date_key(start)
        if start_key is None:
            continue
        end_key = date_key(end) if end is not None else None
        if end is None or end_key is None:
            end, end_key = start, start_key
        # Ties go to the lexically smaller form, so the result does not depend on row order.
        if first is None or (start_key, start.value) < (first[0], first[1].value):
            first = (start_key, start)
        if last is None or (end_key, end.value) > (last[0], last[1].value):
            last = (end_key, end)
    if first is None or last is None:
        return None
    return first[1], last[1]


def event_period(store: Store) -> tuple[Literal, Literal] | None:
    """The time all the events of the data span, parts and campaigns included: the earliest
    start to the latest end, an event without an end date counting with its start."""
    rows = store.query(
        f"SELECT ?start ?end WHERE {{ ?event a <{SCHEMA}Event> ; <{SCHEMA}startDate> ?start . "
        f"OPTIONAL {{ ?event <{SCHEMA}endDate> ?end }} }}"
    )
    pairs = []
    for row in rows:
        start, end = row["start"], row["end"]
        if isinstance(start, Literal):
            pairs.append((start, end if isinstance(end, Literal) else None))
    return span(pairs)

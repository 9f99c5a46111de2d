"""The landing page's list of events and its SDG chart, from the data alone: every event that
is not part of another, newest first, with its dates, organisers, parts and the SDG goals its
outcomes serve; the chart over all outcomes or over one event's.

However many events the data holds, the list costs the same few queries (never one per event)
and shows at most :data:`LISTED_EVENTS`, with the total and a link to the paged browse list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from pyoxigraph import Literal, NamedNode

from ..describe.events import PART_PATH, TOP_LEVEL_EVENT_COUNT, latest_events_query
from ..rdf.namespaces import PROV, SCHEMA, SDGLOD, SDGO, SKOS, XSD_INTEGER
from .describing import naming_context
from .page_queries import Sdg
from .resources import PageBuilder, Value
from .runtime import Runtime

LISTED_EVENTS = 50  # events on the landing page; the rest are on /browse
PARTS_SHOWN = 10  # parts under each event; the rest are on the event's page
_PART_ROWS = 1000  # parts read for one landing page, whatever the events hold

Coverage = list[tuple[str, str, int, str]]  # (goal code, colour, outcomes, goal IRI) a goal


def coverage_query(event: str | None = None) -> str:
    """Outcomes per SDG goal (every goal, in numeric order, with its colour): all outcomes, or
    those of ``event`` and its parts."""
    scope = ""
    if event is not None:
        # str() of a NamedNode is its N-Triples form, checked by pyoxigraph: safe in a query.
        scope = f"{NamedNode(event)} {PART_PATH}* ?part . ?outcome <{PROV}wasGeneratedBy> ?part . "
    return (
        "SELECT ?goal ?code ?colour (COUNT(DISTINCT ?outcome) AS ?n) WHERE { "
        f"?goal a <{SDGO}Goal> ; <{SKOS}notation> ?code . "
        f"FILTER(DATATYPE(?code) = <{SDGO}SDGCodeCompact>) "
        f"OPTIONAL {{ ?goal <{SCHEMA}color> ?colour }} "
        f"OPTIONAL {{ {scope}?outcome <{SDGLOD}servesTarget> ?target . "
        f"?target <{SDGO}isTargetOf> ?goal }} }} GROUP BY ?goal ?code ?colour "
        f"ORDER BY <{XSD_INTEGER}>(STR(?code))"
    )


async def coverage(runtime: Runtime, event: str | None = None) -> Coverage:
    """The rows of :func:`coverage_query`."""
    result = await runtime.select(coverage_query(event))
    return [
        (row[1].value, row[2].value if row[2] else "#777777", int(row[3].value), row[0].value)
        for row in result.rows
    ]


@dataclass(frozen=True)
class GoalCount:
    """An SDG goal that outcomes of an event serve, and how many of them."""

    goal: str
    sdg: Sdg
    outcomes: int


@dataclass(frozen=True)
class EventItem:
    """One event of the list: its name (a link to its page), dates, organisers, parts, and
    the goals its outcomes (and those of its parts) serve."""

    iri: str
    name: Value
    start: str | None
    end: str | None
    organisers: tuple[Value, ...] = ()
    parts: tuple[EventItem, ...] = ()
    more_parts: int = 0  # parts beyond those shown
    goals: tuple[GoalCount, ...] = ()
    outcomes: int = 0


@dataclass(frozen=True)
class EventList:
    """The events shown, newest first, and how many there are in all."""

    items: tuple[EventItem, ...]
    total: int

    @property
    def capped(self) -> bool:
        return self.total > len(self.items)


def _values(iris: Iterable[str]) -> str:
    return " ".join(str(NamedNode(iri)) for iri in iris)


def _text(term: object) -> str | None:
    return term.value if isinstance(term, Literal) else None


async def event_list(
    runtime: Runtime, make: PageBuilder, coverage_rows: Coverage, limit: int = LISTED_EVENTS
) -> EventList:
    """The events not part of another, newest first, at most ``limit`` of them; the goals'
    badges come from ``coverage_rows`` (the chart's rows, already read)."""
    top = await runtime.select(latest_events_query(limit))
    rows = [row for row in top.rows if isinstance(row[0], NamedNode)]
    if not rows:
        return EventList((), 0)
    total = len(rows)
    if total >= limit:
        counted = await runtime.select(TOP_LEVEL_EVENT_COUNT)
        total = int(counted.rows[0][0].value)
    events = [row[0].value for row in rows]
    parts, more = await _parts(runtime, events)
    shown_parts = [part for found in parts.values() for part, _, _ in found]
    organisers = await _organisers(runtime, [*events, *shown_parts])
    goals, outcomes = await _goals(runtime, events, coverage_rows)
    iris = {*events, *shown_parts, *(o for found in organisers.values() for o in found)}
    context = await naming_context(runtime, iris)

    def item(iri: str, start: object, end: object) -> EventItem:
        names = tuple(make.value(NamedNode(o), context) for o in organisers.get(iri, ()))
        return EventItem(iri, make.value(NamedNode(iri), context), _text(start), _text(end), names)

    items = tuple(
        replace(
            item(event, start, end),
            parts=tuple(item(*found) for found in parts.get(event, ())),
            more_parts=more.get(event, 0),
            goals=goals.get(event, ()),
            outcomes=outcomes.get(event, 0),
        )
        for event, (_, start, end) in zip(events, rows, strict=True)
    )
    return EventList(items, total)


async def _parts(
    runtime: Runtime, events: list[str]
) -> tuple[dict[str, list[tuple[str, object, object]]], dict[str, int]]:
    """The parts shown under each event (by date, then IRI), and how many more each has."""
    linked = (
        f"VALUES ?parent {{ {_values(events)} }} "
        f"{{ ?part <{SCHEMA}superEvent> ?parent }} UNION {{ ?parent <{SCHEMA}subEvent> ?part }} "
        "FILTER(isIRI(?part)) "
    )
    counted = await runtime.select(
        f"SELECT ?parent (COUNT(DISTINCT ?part) AS ?n) WHERE {{ {linked} }} GROUP BY ?parent"
    )
    counts = {row[0].value: int(row[1].value) for row in counted.rows}
    if not counts:
        return {}, {}
    found = await runtime.select(
        "SELECT ?parent ?part (MIN(?s) AS ?start) (MAX(?e) AS ?end) WHERE { "
        f"{linked} OPTIONAL {{ ?part <{SCHEMA}startDate> ?s }} "
        f"OPTIONAL {{ ?part <{SCHEMA}endDate> ?e }} }} GROUP BY ?parent ?part "
        f"ORDER BY ?parent ?start ?part LIMIT {_PART_ROWS}"
    )
    parts: dict[str, list[tuple[str, object, object]]] = defaultdict(list)
    for parent, part, start, end in found.rows:
        shown = parts[parent.value]
        if len(shown) < PARTS_SHOWN:
            shown.append((part.value, start, end))
    more = {parent: n - len(parts.get(parent, ())) for parent, n in counts.items()}
    return dict(parts), {parent: n for parent, n in more.items() if n > 0}


async def _organisers(runtime: Runtime, events: list[str]) -> dict[str, list[str]]:
    """The organisers of each event, by IRI."""
    found = await runtime.select(
        f"SELECT DISTINCT ?event ?organiser WHERE {{ VALUES ?event {{ {_values(events)} }} "
        f"?event <{SCHEMA}organizer> ?organiser FILTER(isIRI(?organiser)) }} "
        "ORDER BY ?event ?organiser"
    )
    organisers: dict[str, list[str]] = defaultdict(list)
    for event, organiser in found.rows:
        organisers[event.value].append(organiser.value)
    return organisers


async def _goals(
    runtime: Runtime, events: list[str], coverage_rows: Coverage
) -> tuple[dict[str, tuple[GoalCount, ...]], dict[str, int]]:
    """Per event, the goals its outcomes and those of its parts serve (in the goals' order)
    and how many outcomes it has in all."""
    # The second, empty branch gives each event a row without a goal: all its outcomes.
    found = await runtime.select(
        "SELECT ?event ?goal (COUNT(DISTINCT ?outcome) AS ?n) WHERE { "
        f"VALUES ?event {{ {_values(events)} }} ?event {PART_PATH}* ?part . "
        f"?outcome <{PROV}wasGeneratedBy> ?part . "
        f"{{ ?outcome <{SDGLOD}servesTarget> ?target . ?target <{SDGO}isTargetOf> ?goal }} "
        "UNION {} } GROUP BY ?event ?goal"
    )
    order = {goal: (i, code, colour) for i, (code, colour, _, goal) in enumerate(coverage_rows)}
    served: dict[str, list[tuple[int, GoalCount]]] = defaultdict(list)
    outcomes: dict[str, int] = {}
    for event, goal, count in found.rows:
        if goal is None:
            outcomes[event.value] = int(count.value)
        elif goal.value in order:
            index, code, colour = order[goal.value]
            badge = Sdg(code, colour, "goal")
            served[event.value].append((index, GoalCount(goal.value, badge, int(count.value))))
    goals = {
        event: tuple(g for _, g in sorted(pairs, key=lambda x: x[0]))
        for event, pairs in served.items()
    }
    return goals, outcomes

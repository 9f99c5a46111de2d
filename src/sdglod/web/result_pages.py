"""A query's result on a page (the SPARQL query page and the canned-query pages): the table
with readable headings and the things it mentions named in the reader's language (SDG goals and
targets with their badge and UN title), a bar chart where the result is a label and a number,
the error the reader's query met, the download links."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request

from ..query.labels import iris_in
from ..query.results import Result, from_sparql_json, graph_from_bytes
from ..rdf.formats import GRAPH, RESULT_FORMATS, SOLUTIONS
from .describing import link_language, naming_context
from .errors import HttpError
from .execution.jobs import QueryJob
from .pages import Naming, Table, page_link, table
from .runtime import Runtime
from .security import safe_colour

VIEWS = ("table", "chart")
NAMED_AT_MOST = 2000  # IRIs of a result named by their labels; the rest show as IRIs
CHART_ROWS = 60  # bars a chart draws: more would not be read as a chart
NEUTRAL_COLOUR = "#3d6a99"  # bars of rows that are not SDG goals or targets
Headings = Callable[[str], "str | None"]


async def result_table(
    runtime: Runtime,
    job: QueryJob,
    kind: str | None,
    lang: str,
    timeout: float,
    link_lang: str | None = None,
    headings: Headings | None = None,
) -> tuple[Table, bool]:
    """Run ``job`` for a page: the table in ``lang`` (column titles from ``headings`` where it
    has one), and whether it was cut."""
    graph = kind == GRAPH
    job = dataclasses.replace(job, format="nt" if graph else "json")
    answer = await runtime.answer(job, timeout)
    result: Result
    if graph:
        result = graph_from_bytes(answer.body, "application/n-triples")
    else:
        result = from_sparql_json(answer.body)
    context = await naming_context(runtime, iris_in(result)[:NAMED_AT_MOST], timeout)
    naming = Naming(
        context, lang, dict(runtime.vocabulary.prefixes), lambda iri: runtime.link(iri, link_lang)
    )
    return table(result, naming, headings), answer.truncated


# --- the chart -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One row as a bar: its label, its value (as the result writes it), colour and place."""

    label: str
    value: str
    colour: str
    y: float
    width: float  # in the units of the chart's viewBox


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart of a result's one number column against its label column,
    drawn as SVG on the server (no script, no plotting service)."""

    label_title: str
    value_title: str
    bars: tuple[Bar, ...]
    cut: int  # rows left out (after the first CHART_ROWS)
    width: int = 800
    label_width: int = 300  # the labels' column; the bars start after it
    bar_space: int = 400  # the longest bar; the values are written after each bar
    row_height: int = 24

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * self.row_height + 8

    @property
    def bar_x(self) -> int:
        return self.label_width + 8


def number_column(result_table: Table) -> int | None:
    """The one column whose every non-empty cell is a number (and that has one), if exactly
    one column is so and another is not."""
    if result_table.boolean is not None or not result_table.rows:
        return None
    found = []
    for index in range(len(result_table.header)):
        cells = [row[index] for row in result_table.rows if row[index].text != ""]
        if cells and all(c.number is not None for c in cells):
            found.append(index)
    if len(found) != 1 or len(result_table.header) < 2:
        return None
    return found[0]


def chart_of(result_table: Table) -> Chart | None:
    """The bar chart of ``result_table`` if it has one number column and another one (the
    first other column labels the bars); bars in the goal's colour for SDG goals and targets.
    Values below zero are drawn as no bar, their value still written beside it."""
    value_at = number_column(result_table)
    if value_at is None:
        return None
    label_at = next(i for i in range(len(result_table.header)) if i != value_at)
    rows = result_table.rows[:CHART_ROWS]
    values = [row[value_at].number or 0.0 for row in rows]
    top = max([v for v in values if v > 0], default=0.0)
    sizes = Chart("", "", (), 0)  # the default geometry
    bars = []
    for place, (row, value) in enumerate(zip(rows, values, strict=True)):
        label = row[label_at]
        colour = safe_colour(label.sdg.colour) if label.sdg else NEUTRAL_COLOUR
        text = f"{label.sdg.code} {label.text}" if label.sdg else label.text
        width = sizes.bar_space * max(value, 0.0) / top if top else 0.0
        bars.append(
            Bar(text, row[value_at].text, colour, place * sizes.row_height + 4, round(width, 2))
        )
    titles = result_table.titles or result_table.header
    return Chart(
        titles[label_at], titles[value_at], tuple(bars), len(result_table.rows) - len(rows)
    )


def requested_view(request: Request) -> str:
    """The view of a result the reader asked for (``?view=``); anything else is the table."""
    view = request.query_params.get("view")
    return view if view in VIEWS else "table"


def view_links(request: Request) -> dict[str, str]:
    """This page in each view: ``view=`` set, the rest of its query kept."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "view"]
    return {view: page_link(request.url.path, [*kept, ("view", view)]) for view in VIEWS}


# --- downloads and the page's context ----------------------------------------------------------


def download_formats(kind: str | None) -> list[str]:
    """The formats a page offers its result in, by kind of result."""
    return ["ttl", "jsonld", "nt", "rdf"] if kind == GRAPH else ["csv", "json", "tsv", "xml"]


def sparql_downloads(query: str, kind: str | None) -> list[tuple[str, str]]:
    """(label, URL) of the same query's result in each format."""
    return [
        (RESULT_FORMATS[name].label, "/sparql?" + urlencode({"query": query, "format": name}))
        for name in download_formats(kind)
    ]


async def show_results(
    context: dict,
    request: Request,
    runtime: Runtime,
    job: QueryJob,
    kind: str | None,
    timeout: float,
    headings: Headings | None = None,
) -> int:
    """Put ``job``'s result table into a page's ``context`` (with its chart, the view asked
    for and the links to each view, if the result can be a chart), or the error the reader
    caused (or a time-out / busy pool, which the page explains); the page's status."""
    lang = str(context["lang"])
    context.setdefault("chart", None)
    context.setdefault("view", "table")
    try:
        found, context["truncated"] = await result_table(
            runtime, job, kind, lang, timeout, link_language(request, runtime, lang), headings
        )
    except HttpError as err:
        # What the reader's query met (a limit, a busy server) is explained on the page.
        if err.status >= 500 and err.code not in ("timeout", "busy", "memory-limit"):
            raise
        context["error"] = err
        return err.status
    context["table"] = found
    if kind == SOLUTIONS:
        context["chart"] = chart_of(found)
    if context["chart"] is not None:
        context["view"] = requested_view(request)
        context["view_links"] = view_links(request)
    return 200

"""Pages of a canned query's solutions: ``limit`` and ``offset`` in the URL, ``Link`` headers
(``rel="next"``, ``"prev"``, ``"first"``) as Datasette and TriplyDB give them.

A page is the query with ``OFFSET`` after its own ``ORDER BY`` and the job's row cap as the
page's size: the worker stops reading after ``limit`` solutions and says whether there were
more, which is what ``rel="next"`` needs. Every canned SELECT orders its solutions, so pages
are stable for a build.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from ..query.sparql_text import SparqlTextError, with_offset
from .errors import HttpError
from .execution.jobs import QueryJob

PAGE_PARAMETERS = ("limit", "offset")


@dataclass(frozen=True)
class Page:
    """Which solutions to answer: ``limit`` of them, after the first ``offset``."""

    limit: int
    offset: int = 0


def requested_page(given: Mapping[str, str], row_limit: int) -> Page | None:
    """The page ``limit=``/``offset=`` ask for (none: the whole result, up to the row limit);
    400 for values that are not whole numbers in range."""
    if not any(name in given for name in PAGE_PARAMETERS):
        return None
    numbers = {}
    for name, least in (("limit", 1), ("offset", 0)):
        text = given.get(name)
        if text is None:
            continue
        if not text.isascii() or not text.isdigit() or int(text) < least:
            raise HttpError(
                "bad-parameter",
                f"{name}={text!r} is not a whole number of {least} or more",
                hint=f"e.g. limit=100&offset=200 (limit at most {row_limit})",
            )
        numbers[name] = int(text)
    limit = min(numbers.get("limit", row_limit), row_limit)
    return Page(limit, numbers.get("offset", 0))


def paged_job(job: QueryJob, page: Page) -> QueryJob:
    """``job`` for one page of its solutions; 400 if the query cannot be paged."""
    try:
        text = with_offset(job.query, page.offset)
    except SparqlTextError as err:
        raise HttpError(
            "bad-parameter", f"no pages: {err}", hint="leave out limit and offset"
        ) from None
    return replace(job, query=text, limit=page.limit)


def page_links(path: str, given: Mapping[str, str], page: Page, more: bool) -> dict[str, str]:
    """The URLs of the next, previous and first page (relative, with the other parameters as
    given), by relation; ``more``: whether solutions follow this page."""
    others = {k: v for k, v in given.items() if k not in PAGE_PARAMETERS}

    def url(offset: int) -> str:
        return f"{path}?{urlencode({**others, 'limit': page.limit, 'offset': offset})}"

    links = {}
    if more:
        links["next"] = url(page.offset + page.limit)
    if page.offset > 0:
        links["prev"] = url(max(page.offset - page.limit, 0))
        links["first"] = url(0)
    return links


def link_header(links: Mapping[str, str]) -> str:
    """``links`` as an HTTP ``Link`` header (RFC 8288)."""
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())

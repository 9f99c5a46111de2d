"""A query's result on a page (the SPARQL query page and the canned-query pages): the table
with labels in the reader's language, the error the reader's query met, the download links."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

from starlette.requests import Request

from ..query.labels import iris_in, label_queries, labels_from
from ..query.results import Result, from_sparql_json, graph_from_bytes
from ..rdf.formats import GRAPH, RESULT_FORMATS
from .describing import link_language
from .errors import HttpError
from .execution.jobs import QueryJob
from .pages import Table, table
from .runtime import Runtime


async def result_table(
    runtime: Runtime,
    job: QueryJob,
    kind: str | None,
    lang: str,
    timeout: float,
    link_lang: str | None = None,
) -> tuple[Table, bool]:
    """Run ``job`` for a page: the table with labels in ``lang``, and whether it was cut."""
    graph = kind == GRAPH
    job = dataclasses.replace(job, format="nt" if graph else "json")
    answer = await runtime.answer(job, timeout)
    result: Result
    if graph:
        result = graph_from_bytes(answer.body, "application/n-triples")
    else:
        result = from_sparql_json(answer.body)
    labels = await _labels(runtime, result, lang, timeout)
    prefixes = dict(runtime.vocabulary.prefixes)
    return table(result, labels, prefixes, lambda iri: runtime.link(iri, link_lang)), (
        answer.truncated
    )


async def _labels(runtime: Runtime, result: Result, lang: str, timeout: float) -> dict[str, str]:
    iris = iris_in(result)[:2000]
    answers = []
    for text in label_queries(iris, lang):
        # Labels of given IRIs: a lookup (in the pages lane, see in_process.py).
        job = QueryJob(text, "json", runtime.config.row_limit, bounded=True)
        answer = await runtime.answer(job, timeout)
        answers.append(from_sparql_json(answer.body))
    return labels_from(answers)


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
) -> int:
    """Put ``job``'s result table into a page's ``context``, or the error the reader caused
    (or a time-out / busy pool, which the page explains); the page's status."""
    lang = str(context["lang"])
    try:
        context["table"], context["truncated"] = await result_table(
            runtime, job, kind, lang, timeout, link_language(request, runtime, lang)
        )
    except HttpError as err:
        # What the reader's query met (a limit, a busy server) is explained on the page.
        if err.status >= 500 and err.code not in ("timeout", "busy", "memory-limit"):
            raise
        context["error"] = err
        return err.status
    return 200

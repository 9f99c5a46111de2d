"""What the server's query runners take and give, and the one way a job becomes an answer.

A :class:`QueryJob` is plain data (it crosses into a worker process as JSON); a
:class:`QueryAnswer` is the serialised result or the error the client caused. Both runners —
the pool of worker processes over the embedded store and the pool of requests to a remote
store — answer a job with :func:`answer_job`, which runs it through
:func:`~sdglod.query.execute.run_query` like every other query of sdglod. They share the
small :class:`QueryRunner` interface that the server's runtime uses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Protocol

from ...errors import QueryError
from ...query.execute import Backend, QueryOutcome, QueryRequest, run_query
from ...query.results import AskResult, Result, serialize_result
from ...rdf.formats import result_format
from ...rdf.names import Vocabulary
from ...rdf.terms import term_from_ntriples

PAGES = "pages"  # the lane of the server's own queries (see lanes.py)
USER = "user"  # the lane of the arbitrary queries of /sparql
LANES = (PAGES, USER)


@dataclass(frozen=True)
class QueryJob:
    """One query to run: text, bound parameters (N-Triples), dataset, format and row limit."""

    query: str
    format: str
    limit: int
    bindings: dict[str, str] = field(default_factory=dict)
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base: str | None = None  # what relative IRIs in the query resolve against
    allowed_services: tuple[str, ...] = ()  # endpoints that SERVICE may call
    # A lookup whose cost the data of one resource bounds (the server's own text): it may run
    # in the server process (see in_process.py). Not part of the job's result, nor sent.
    bounded: bool = field(default=False, compare=False)
    # The caller reads the result here (a page's lookups): a runner in this process may hand
    # it over as it is, unserialised (QueryAnswer.result). Not sent to workers either.
    keep_result: bool = field(default=False, compare=False)

    def key(self) -> str:
        """A stable text that identifies the job's result (for caches and ETags)."""
        return self._key

    @cached_property
    def _key(self) -> str:  # asked twice a request (the cache, the ETag): written once
        return json.dumps(self.payload(), sort_keys=True, ensure_ascii=False)

    def payload(self) -> dict:
        """The job as JSON-ready data (what a worker process is sent)."""
        return {
            "query": self.query,
            "format": self.format,
            "limit": self.limit,
            "bindings": dict(sorted(self.bindings.items())),
            "default_graphs": None if self.default_graphs is None else list(self.default_graphs),
            "named_graphs": None if self.named_graphs is None else list(self.named_graphs),
            "base": self.base,
            "allowed_services": list(self.allowed_services),
        }

    @classmethod
    def from_payload(cls, payload: dict) -> QueryJob:
        """The job :meth:`payload` describes."""
        graphs = {
            name: None if payload.get(name) is None else tuple(payload[name])
            for name in ("default_graphs", "named_graphs")
        }
        return cls(
            payload["query"],
            payload["format"],
            payload["limit"],
            dict(payload.get("bindings") or {}),
            base=payload.get("base"),
            allowed_services=tuple(payload.get("allowed_services") or ()),
            **graphs,
        )

    def request(self) -> QueryRequest:
        """The job as a query request, its parameters as typed terms again."""
        return QueryRequest(
            self.query,
            {name: term_from_ntriples(text) for name, text in self.bindings.items()},
            default_graphs=self.default_graphs,
            named_graphs=self.named_graphs,
            allowed_services=self.allowed_services,
            base=self.base,
            limit=self.limit,
        )


@dataclass(frozen=True)
class QueryAnswer:
    """What a job gave: a serialised result, or an error the client caused."""

    ok: bool
    body: bytes = b""
    kind: str = ""
    size: int = 0
    truncated: bool = False
    code: str = ""
    message: str = ""
    line: int | None = None
    column: int | None = None
    # The result itself, instead of a body, for a job that keeps it (never cached nor sent).
    result: Result | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, outcome: QueryOutcome, body: bytes, keep: bool = False) -> QueryAnswer:
        result = outcome.result
        size = 1 if isinstance(result, AskResult) else len(result)
        kept = result if keep else None
        return cls(True, body, result.kind, size, outcome.truncated, result=kept)

    @classmethod
    def refusal(cls, error: QueryError) -> QueryAnswer:
        """The answer for a query the engine refused: its code, the engine's words, where."""
        location = error.location
        return cls(
            False,
            code=getattr(error, "code", "query-failed"),
            message=getattr(error, "detail", error.message),
            line=location.line if location else None,
            column=location.column if location else None,
        )

    def meta(self) -> dict:
        """Everything but the body, as JSON-ready data (a worker sends the body apart)."""
        return {name: getattr(self, name) for name in _META}

    @classmethod
    def from_meta(cls, meta: dict, body: bytes) -> QueryAnswer:
        return cls(**{**meta, "body": body})


_META = tuple(f.name for f in fields(QueryAnswer) if f.name not in ("body", "result"))


def answer_job(backend: Backend, job: QueryJob, vocabulary: Vocabulary) -> QueryAnswer:
    """Run ``job`` on ``backend`` and serialise its result in the job's format (or, for a job
    that keeps its result, hand the result over as it is: the caller is in this process).

    A query the engine cannot parse or run gives a refusal; a store that cannot be reached
    raises :class:`~sdglod.errors.RemoteError` (a failure of the server, not of the query).
    """
    try:
        outcome = run_query(backend, job.request())
    except QueryError as err:
        return QueryAnswer.refusal(err)
    if job.keep_result:
        return QueryAnswer.of(outcome, b"", keep=True)
    body = serialize_result(outcome.result, result_format(job.format), vocabulary)
    return QueryAnswer.of(outcome, body)


class QueryTimeout(Exception):
    """The query ran past its time limit (its worker was stopped)."""


class PoolBusy(Exception):
    """No worker became free within the query's time limit."""


class QueueFull(PoolBusy):
    """Too many jobs wait in the lane already: answered at once, not after the time limit."""

    def __init__(self, waiting: int):
        super().__init__(waiting)
        self.waiting = waiting


class WorkerFailed(Exception):
    """A worker died while running a query."""


class MemoryLimit(Exception):
    """The query needed more memory than a worker may have (its worker was replaced)."""

    def __init__(self, megabytes: int):
        super().__init__(megabytes)
        self.megabytes = megabytes


class StoreUnavailable(Exception):
    """The remote store (``--backend``) did not answer."""


class QueryRunner(Protocol):
    """Runs query jobs within time limits: what the server's runtime needs of a pool."""

    size: int  # jobs that can run at once
    busy: int  # jobs running now
    waiting: int  # jobs waiting for a worker (or a slot) now

    async def start(self) -> None:
        """Get ready to run jobs (start workers, check that the store answers)."""

    async def run(self, job: QueryJob, timeout: float, lane: str = PAGES) -> QueryAnswer:
        """The answer to ``job`` within ``timeout`` seconds, or :class:`QueryTimeout`,
        :class:`PoolBusy`, :class:`MemoryLimit`, :class:`WorkerFailed` or
        :class:`StoreUnavailable`. ``lane``: whose job it is (a runner of one lane runs every
        job itself; :class:`~.lanes.Lanes` gives each lane its own runner)."""
        ...

    async def close(self) -> None:
        """Stop whatever :meth:`start` started."""

    def pids(self) -> list[int]:
        """The processes that run queries for this pool (none for a remote store)."""
        ...

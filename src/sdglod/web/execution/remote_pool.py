"""Queries answered by a remote SPARQL 1.1 store (``sdglod serve --backend URL``).

Many front ends can share one store this way. The same rules hold as with the embedded store:
the endpoint checks refuse updates and ``SERVICE`` before anything is sent, answers are cut at
the row limit, and a query that outlives its time limit gets its 503 — though the remote store
may go on computing (its own time limit, e.g. ``oxigraph serve --timeout-s``, stops that).
Answers are read back into typed results and written in the format asked for here, so every
format and page works as with the embedded store.
"""

from __future__ import annotations

import asyncio
import time

from ...errors import QueryError, RemoteError
from ...query.remote import RemoteBackend
from ...query.results import (
    AskResult,
    GraphResult,
    Result,
    SelectResult,
    Vocabulary,
    serialize_result,
)
from ...rdf.terms import term_from_ntriples
from .executor import PoolBusy, QueryAnswer, QueryJob, QueryTimeout, StoreUnavailable

GRAPHS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


class RemotePool:
    """At most ``size`` queries in flight to the store at ``endpoint`` (its query URL)."""

    def __init__(self, endpoint: str, vocabulary: Vocabulary, size: int = 8):
        self.endpoint = endpoint
        self.vocabulary = vocabulary
        self.size = size
        self.killed = 0  # nothing to kill here; kept so that the pools look alike
        self._slots = asyncio.Semaphore(size)

    async def start(self) -> None:
        """Check that the store answers (a clear error now beats one per request)."""
        backend = RemoteBackend(self.endpoint, timeout=30)
        await asyncio.to_thread(backend.run, "ASK { ?s ?p ?o }")

    async def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph in the store."""
        backend = RemoteBackend(self.endpoint, timeout=60)
        result = await asyncio.to_thread(backend.run, GRAPHS_QUERY)
        assert isinstance(result, SelectResult)
        return {row[0].value: int(row[1].value) for row in result.rows if row[0] is not None}

    async def run(self, job: QueryJob, timeout: float) -> QueryAnswer:
        deadline = time.monotonic() + timeout
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout)
        except asyncio.TimeoutError:
            raise PoolBusy from None
        try:
            remaining = max(deadline - time.monotonic(), 0.01)
            backend = RemoteBackend(self.endpoint, timeout=remaining + 1)
            bindings = {name: term_from_ntriples(nt) for name, nt in job.bindings.items()}
            call = asyncio.to_thread(
                backend.run,
                job.query,
                bindings,
                default_graphs=job.default_graphs,
                named_graphs=job.named_graphs,
                base=job.base,
            )
            result = await asyncio.wait_for(call, remaining)
        except asyncio.TimeoutError:
            raise QueryTimeout from None
        except QueryError as err:
            location = err.location
            return QueryAnswer(
                ok=False,
                code="malformed-query",
                message=err.message,
                line=location.line if location else None,
                column=location.column if location else None,
            )
        except RemoteError as err:
            raise StoreUnavailable(err.message) from None
        finally:
            self._slots.release()
        result, truncated = _cut(result, job.limit)
        body = serialize_result(result, job.format, self.vocabulary)
        size = 1 if isinstance(result, AskResult) else len(result)
        return QueryAnswer(ok=True, body=body, kind=result.kind, size=size, truncated=truncated)

    async def close(self) -> None:
        return None

    def pids(self) -> list[int]:
        return []


def _cut(result: Result, limit: int) -> tuple[Result, bool]:
    if isinstance(result, SelectResult) and len(result.rows) > limit:
        return SelectResult(result.variables, result.rows[:limit]), True
    if isinstance(result, GraphResult) and len(result.triples) > limit:
        return GraphResult(result.triples[:limit]), True
    return result, False

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

from ...errors import RemoteError
from ...query.remote import RemoteBackend
from ...rdf.names import Vocabulary
from .jobs import PoolBusy, QueryAnswer, QueryJob, QueryTimeout, StoreUnavailable, answer_job


class RemotePool:
    """At most ``size`` queries in flight to the store at ``endpoint`` (its query URL); a
    :class:`~.jobs.QueryRunner`."""

    def __init__(self, endpoint: str, vocabulary: Vocabulary, size: int = 8):
        self.endpoint = endpoint
        self.vocabulary = vocabulary
        self.size = size
        self._slots = asyncio.Semaphore(size)

    async def start(self) -> None:
        """Check that the store answers (a clear error now beats one per request)."""
        backend = RemoteBackend(self.endpoint, timeout=30)
        await asyncio.to_thread(backend.run, "ASK { ?s ?p ?o }")

    async def run(self, job: QueryJob, timeout: float) -> QueryAnswer:
        deadline = time.monotonic() + timeout
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout)
        except asyncio.TimeoutError:
            raise PoolBusy from None
        try:
            remaining = max(deadline - time.monotonic(), 0.01)
            backend = RemoteBackend(self.endpoint, timeout=remaining + 1)
            call = asyncio.to_thread(answer_job, backend, job, self.vocabulary)
            return await asyncio.wait_for(call, remaining)
        except asyncio.TimeoutError:
            raise QueryTimeout from None
        except RemoteError as err:
            raise StoreUnavailable(err.message) from None
        finally:
            self._slots.release()

    async def close(self) -> None:
        return None

    def pids(self) -> list[int]:
        return []

"""Queries answered by a remote SPARQL 1.1 store (``sdglod serve --backend URL``).

Many front ends can share one store this way. The same rules hold as with the embedded store:
the endpoint checks refuse updates and ``SERVICE`` before anything is sent, answers are cut at
the row limit, and a query that outlives its time limit gets its 503 — though the remote store
may go on computing (its own time limit, e.g. ``oxigraph serve --timeout-s``, stops that).
Each pool has its own threads, so the pool of one lane (see :mod:`.lanes`) never waits for the
threads of another.
Answers are read back into typed results and written in the format asked for here, so every
format and page works as with the embedded store. A pool's threads share one keep-alive HTTP
client, so that queries reuse connections to the store.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from ...errors import RemoteError
from ...query.remote import RemoteBackend, open_client
from ...rdf.names import Vocabulary
from .jobs import (
    PAGES,
    USER,
    PoolBusy,
    QueryAnswer,
    QueryJob,
    QueryTimeout,
    StoreUnavailable,
    answer_job,
)
from .lanes import Lanes

if TYPE_CHECKING:
    from ..config import ServerConfig

SLOTS_PER_WORKER = 4  # requests in flight to a remote store per configured query worker


class RemotePool:
    """At most ``size`` queries in flight to the store at ``endpoint`` (its query URL); a
    :class:`~.jobs.QueryRunner`."""

    def __init__(
        self,
        endpoint: str,
        vocabulary: Vocabulary,
        size: int = 8,
        graphs: Sequence[str] = (),
        union_graph: str | None = None,
    ):
        self.endpoint = endpoint
        self.graphs = tuple(graphs)  # the project's: a query's dataset when it names none
        self.union_graph = union_graph  # their union on the store, if it has one
        self.vocabulary = vocabulary
        self.size = size
        self._slots = asyncio.Semaphore(size)
        # A thread whose query timed out may still wait for the store a moment: two spare.
        self._threads = ThreadPoolExecutor(size + 2, thread_name_prefix="sdglod-remote")
        # The pool owns its client, shared by its threads and by the backend of each job: its
        # idle connections match the threads, and they go when the pool is closed (a front end
        # replaces its runtime, and so its pools, after each publish).
        self._client = open_client(endpoint, connections=size + 2)
        self.busy = 0  # queries in flight now
        self.waiting = 0  # queries waiting for a slot now

    async def start(self) -> None:
        """Check that the store answers (a clear error now beats one per request)."""
        backend = self._backend(30)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._threads, backend.run, "ASK { ?s ?p ?o }")

    async def run(self, job: QueryJob, timeout: float, lane: str = PAGES) -> QueryAnswer:
        """Run ``job`` within ``timeout`` seconds (waiting for a slot included); one pool
        runs the jobs of whichever lane it is given."""
        deadline = time.monotonic() + timeout
        self.waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout)
        except asyncio.TimeoutError:
            raise PoolBusy from None
        finally:
            self.waiting -= 1
        self.busy += 1
        try:
            remaining = max(deadline - time.monotonic(), 0.01)
            backend = self._backend(remaining + 1)
            loop = asyncio.get_running_loop()
            call = loop.run_in_executor(self._threads, answer_job, backend, job, self.vocabulary)
            return await asyncio.wait_for(call, remaining)
        except asyncio.TimeoutError:
            raise QueryTimeout from None
        except RemoteError as err:
            raise StoreUnavailable(err.message) from None
        finally:
            self.busy -= 1
            self._slots.release()

    def _backend(self, timeout: float) -> RemoteBackend:
        return RemoteBackend(
            self.endpoint, timeout, self.graphs, self.union_graph, client=self._client
        )

    async def close(self) -> None:
        """Stop the threads and close the connections (a query still out then fails, but
        nobody waits for it any more)."""
        self._threads.shutdown(wait=False, cancel_futures=True)
        self._client.close()

    def pids(self) -> list[int]:
        return []


def remote_pool_for(
    endpoint: str, vocabulary: Vocabulary, config: ServerConfig, graphs: Sequence[str] = ()
) -> Lanes:
    """The query runner of a front end over the store at ``endpoint``: slots of its own for
    the server's queries and for ``/sparql``, so that neither waits for the other; ``graphs``
    are the project's (what a query that names no dataset sees)."""
    pages = config.page_workers * SLOTS_PER_WORKER
    user = config.query_workers * SLOTS_PER_WORKER
    return Lanes(
        {
            PAGES: RemotePool(endpoint, vocabulary, pages, graphs, config.union_graph),
            USER: RemotePool(endpoint, vocabulary, user, graphs, config.union_graph),
        },
        queue=config.query_queue,
    )

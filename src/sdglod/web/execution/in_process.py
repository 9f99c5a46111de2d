"""Bounded lookups in the server process: no hop to a query worker for what costs little.

A query worker costs a pipe round trip per job (two frames each way, JSON), and the pages lane
has one worker per HTTP process, so every page's lookups queue behind each other there. Most of
the server's own queries are lookups of one resource: the description of the resource a page
is about, the labels of what it mentions, a canned query with its resource bound. Their cost
is bounded by what the data says about that resource, so they run here, in a few threads over
the build's store (copied into memory, as the workers do, unless the server serves from disk:
a page's label lookup took 1.0 ms there against 4.6 ms on disk), and the worker stays for
everything else.

The cost guard still holds, because the only work that comes here is

- the server's own text (never ``/sparql``'s: that lane does not come here at all), marked
  :attr:`~.jobs.QueryJob.bounded` by the code that wrote it; and
- text that never ran long here: a job that outlives :data:`BUDGET` marks its text slow, and
  from then on that text goes to the worker pool, where a time limit kills it.

pyoxigraph cannot stop a query, so a job that outlives the request's time limit here gets its
timeout answer while its thread runs on to the end; at most :data:`THREADS` such runs at once,
and a job that finds no free thread within :data:`SLOT_WAIT` goes to the worker pool instead,
so a slow run here never holds up cheap work.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ...query.embedded import EmbeddedBackend
from ...rdf.names import Vocabulary
from .jobs import QueryAnswer, QueryJob, QueryTimeout, answer_job
from .worker import open_store

THREADS = 2  # jobs at once (pyoxigraph lets go of the GIL while it evaluates)
BUDGET = 0.25  # seconds: a job that takes longer sends its text to the workers from then on
SLOT_WAIT = 0.05  # seconds to wait for a thread before the worker pool takes the job
REMEMBERED = 4096  # slow texts remembered (least recently seen forgotten first)


class InProcessRunner:
    """Runs :attr:`~.jobs.QueryJob.bounded` jobs in threads of this process, over the store at
    ``store_path`` (opened read-only, and copied into memory if ``in_memory``); :meth:`run`
    answers ``None`` for a job that should go to the worker pool instead (its text ran long
    here once, or no thread is free)."""

    def __init__(
        self,
        store_path: str | Path,
        vocabulary: Vocabulary,
        threads: int = THREADS,
        in_memory: bool = True,
        budget: float = BUDGET,
    ):
        self.store_path = Path(store_path)
        self.in_memory = in_memory
        self.vocabulary = vocabulary
        self.size = threads
        self.budget = budget
        self.busy = 0  # jobs running here now
        self.waiting = 0  # jobs waiting for a thread here now
        self.ran = 0  # jobs answered here (for /health and tests)
        # Hashes of slow texts, not the texts (a page's label lookup can be 30 KB): a collision
        # only sends a fast text to the workers.
        self._slow: OrderedDict[int, None] = OrderedDict()
        self._slots = asyncio.Semaphore(threads)
        self._threads = ThreadPoolExecutor(threads, thread_name_prefix="sdglod-lookup")
        self._backend: EmbeddedBackend | None = None

    async def start(self) -> None:
        store = await asyncio.to_thread(open_store, str(self.store_path), self.in_memory)
        self._backend = EmbeddedBackend(store)

    def is_slow(self, text: str) -> bool:
        """Whether ``text`` ran past the budget here (then the workers run it)."""
        return hash(text) in self._slow

    def _mark_slow(self, text: str) -> None:
        key = hash(text)
        self._slow[key] = None
        self._slow.move_to_end(key)
        while len(self._slow) > REMEMBERED:
            self._slow.popitem(last=False)

    async def run(self, job: QueryJob, timeout: float) -> QueryAnswer | None:
        """The answer to ``job`` within ``timeout`` seconds (else :class:`~.jobs.QueryTimeout`),
        or ``None``: run it elsewhere."""
        backend = self._backend
        if backend is None or self.is_slow(job.query):
            return None
        if self._slots.locked():
            self.waiting += 1
            try:
                if not await self._acquire(min(SLOT_WAIT, timeout)):
                    return None
            finally:
                self.waiting -= 1
        else:
            await self._slots.acquire()  # free: at once, without a timer
        self.busy += 1
        started = time.monotonic()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._threads, answer_job, backend, job, self.vocabulary)

        def finished(_: object) -> None:
            # Here, not after the await: a job whose client gave up still holds its thread.
            self.busy -= 1
            self._slots.release()
            if time.monotonic() - started > self.budget:
                self._mark_slow(job.query)

        future.add_done_callback(finished)
        try:
            answer = await asyncio.wait_for(asyncio.shield(future), timeout)
        except asyncio.TimeoutError:
            self._mark_slow(job.query)
            raise QueryTimeout from None
        self.ran += 1
        return answer

    async def _acquire(self, within: float) -> bool:
        """A thread's slot within ``within`` seconds, or ``False``. Not ``wait_for``: on
        Python < 3.12 a timeout racing an acquire that succeeded loses the slot for good."""
        getter = asyncio.ensure_future(self._slots.acquire())
        done, _ = await asyncio.wait({getter}, timeout=within)
        if getter in done:
            return True
        getter.cancel()
        try:
            await getter
        except asyncio.CancelledError:
            return False
        self._slots.release()  # it came as we gave up: hand it back
        return False

    async def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)
        self._backend = None  # the store closes once the last running job lets go of it

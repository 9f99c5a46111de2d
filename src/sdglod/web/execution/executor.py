"""The cost guard: queries run in a pool of worker processes, each under a time limit.

A query that outlives its limit gets a timeout answer and its worker is killed at once (so it
stops burning a CPU — pyoxigraph has no cancellation) and replaced. Other queries keep being
answered by the other workers meanwhile. Results are cut at a row limit, with the cut said.

Memory is bounded the same way: a worker may use ``memory_mb`` of heap (``RLIMIT_DATA``, set
in the worker once the store is loaded). A query that needs more fails to allocate; the worker
dies of it — Rust aborts (SIGABRT) on a failed allocation, Python exits with
:data:`~.worker.OUT_OF_MEMORY` on a ``MemoryError`` — and the pool tells that death from others
by its exit status, answers :class:`~.jobs.MemoryLimit` and starts a fresh worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ...rdf.names import Vocabulary
from .frames import receive_frame, send_frame
from .in_process import InProcessRunner
from .jobs import (
    PAGES,
    USER,
    MemoryLimit,
    PoolBusy,
    QueryAnswer,
    QueryJob,
    QueryTimeout,
    WorkerFailed,
)
from .lanes import Lanes
from .worker import OUT_OF_MEMORY

if TYPE_CHECKING:
    from ..config import ServerConfig

log = logging.getLogger("sdglod.web")
USER_NICE = 19  # CPU priority of the user lane's workers (0 normal, 19 lowest): see lanes.py
MEMORY_DEATHS = (-signal.SIGABRT, OUT_OF_MEMORY)  # how a worker over its memory limit ends


@dataclass(frozen=True)
class WorkerSetup:
    """What a worker needs to start: the build's store and how to write IRIs."""

    store: str
    in_memory: bool
    prefixes: dict[str, str]
    context: dict[str, str]
    memory_mb: int = 0  # heap a worker may use, megabytes (0: no limit)
    nice: int = 0  # added to the workers' CPU niceness: lower priority


class _Worker:
    def __init__(self, process: asyncio.subprocess.Process):
        self.process = process

    @classmethod
    async def start(cls, setup: WorkerSetup) -> _Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "sdglod.web.execution.worker",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            # One line, not a backtrace, in the log when a query runs out of memory.
            env={**os.environ, "RUST_BACKTRACE": "0"},
        )
        worker = cls(process)
        await worker._send(
            {
                "store": setup.store,
                "in_memory": setup.in_memory,
                "prefixes": setup.prefixes,
                "context": setup.context,
                "memory_mb": setup.memory_mb,
                "nice": setup.nice,
            }
        )
        try:
            ready = json.loads(await worker._receive())
        except asyncio.IncompleteReadError:
            ready = {"error": f"it ended with status {await process.wait()}"}
        if not ready.get("ready"):
            raise WorkerFailed(f"the query worker did not start: {ready.get('error', '?')}")
        return worker

    async def _send(self, message: dict) -> None:
        assert self.process.stdin is not None
        await send_frame(self.process.stdin, json.dumps(message, ensure_ascii=False).encode())

    async def _receive(self) -> bytes:
        assert self.process.stdout is not None
        return await receive_frame(self.process.stdout)

    async def run(self, job: QueryJob) -> QueryAnswer:
        await self._send(job.payload())
        meta = json.loads(await self._receive())
        return QueryAnswer.from_meta(meta, await self._receive())

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()

    async def exit_status(self, within: float = 2.0) -> int | None:
        """How the worker ended (negative: the signal), once it has; ``None`` if it lives on."""
        with contextlib.suppress(asyncio.TimeoutError):
            return await asyncio.wait_for(self.process.wait(), within)
        return None

    async def close(self) -> None:
        if self.process.returncode is None:
            if self.process.stdin is not None:
                self.process.stdin.close()
            try:
                await asyncio.wait_for(self.process.wait(), 2)
            except asyncio.TimeoutError:
                self.kill()
                await self.process.wait()


class QueryPool:
    """A fixed number of query workers over the build's store (a
    :class:`~.jobs.QueryRunner`); a query waits for a free one, within its time limit."""

    def __init__(self, setup: WorkerSetup, size: int):
        if size < 1:
            raise ValueError("a query pool needs at least one worker")
        self.setup = setup
        self.size = size
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._pending: set[asyncio.Task] = set()
        self.killed = 0  # workers stopped for running past their limit, for tests and logs
        self.busy = 0  # jobs running now
        self.waiting = 0  # jobs waiting for a worker now

    async def start(self) -> None:
        workers = await asyncio.gather(*(_Worker.start(self.setup) for _ in range(self.size)))
        for worker in workers:
            self._all.add(worker)
            self._idle.put_nowait(worker)

    async def run(self, job: QueryJob, timeout: float, lane: str = PAGES) -> QueryAnswer:
        """Run ``job`` within ``timeout`` seconds (waiting for a worker included); one pool
        runs the jobs of whichever lane it is given."""
        deadline = time.monotonic() + timeout
        self.waiting += 1
        try:
            worker = await self._acquire(timeout)
        finally:
            self.waiting -= 1
        self.busy += 1
        try:
            answer = await self._run_on(worker, job, max(deadline - time.monotonic(), 0))
        finally:
            self.busy -= 1
        self._idle.put_nowait(worker)
        return answer

    async def _run_on(self, worker: _Worker, job: QueryJob, timeout: float) -> QueryAnswer:
        try:
            return await asyncio.wait_for(worker.run(job), timeout)
        except asyncio.TimeoutError:
            self.killed += 1
            log.warning("query stopped after %.1f s; its worker is replaced", timeout)
            # Wait for the kill to take effect, so that the CPU is free when the client hears.
            worker.kill()
            await worker.exit_status(5)
            self._replace(worker)
            raise QueryTimeout from None
        except (asyncio.IncompleteReadError, ConnectionError, BrokenPipeError) as err:
            status = await worker.exit_status()
            self._replace(worker)
            if self.setup.memory_mb and status in MEMORY_DEATHS:
                self.killed += 1
                log.warning("query stopped at the memory limit; its worker is replaced")
                raise MemoryLimit(self.setup.memory_mb) from None
            raise WorkerFailed(f"the query worker died (status {status}): {err}") from None
        except BaseException:
            # Cancelled (the client went away): the worker may be mid-query; replace it.
            self._replace(worker)
            raise

    async def _acquire(self, timeout: float) -> _Worker:
        # Not wait_for(queue.get()): on Python < 3.12 a timeout racing a completed get can
        # lose the worker it got.
        getter = asyncio.ensure_future(self._idle.get())
        done, _ = await asyncio.wait({getter}, timeout=timeout)
        if getter in done:
            return getter.result()
        getter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            worker = await getter
            self._idle.put_nowait(worker)  # it arrived while we gave up: hand it back
        raise PoolBusy

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self._all.discard(worker)
        task = asyncio.create_task(self._respawn(worker))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _respawn(self, dead: _Worker) -> None:
        await dead.process.wait()
        fresh = await _Worker.start(self.setup)
        self._all.add(fresh)
        self._idle.put_nowait(fresh)

    async def close(self) -> None:
        for task in list(self._pending):
            task.cancel()
        await asyncio.gather(*(w.close() for w in list(self._all)), return_exceptions=True)
        self._all.clear()

    def pids(self) -> list[int]:
        """Process ids of the live workers (tests check that a runaway one is gone)."""
        return sorted(w.process.pid for w in self._all)


def pool_for(setup: WorkerSetup, config: ServerConfig) -> Lanes:
    """The query runner a server needs over the store of ``setup``: a lane of
    ``config.page_workers`` workers for its own queries and one of ``config.query_workers``
    workers, at a lower CPU priority, for ``/sparql``; each worker within
    ``config.worker_memory`` megabytes. ``config.lookup_threads`` threads of the server
    process run the pages lane's bounded lookups first (see :mod:`.in_process`)."""
    setup = replace(setup, memory_mb=config.worker_memory)
    in_process = None
    if config.lookup_threads:
        vocabulary = Vocabulary(setup.prefixes, setup.context)
        in_process = InProcessRunner(
            setup.store, vocabulary, config.lookup_threads, setup.in_memory
        )
    return Lanes(
        {
            PAGES: QueryPool(setup, config.page_workers),
            USER: QueryPool(replace(setup, nice=USER_NICE), config.query_workers),
        },
        queue=config.query_queue,
        in_process=in_process,
    )

"""Lanes: the server's own queries never wait behind the arbitrary queries of ``/sparql``.

The queries the server itself makes — for pages, resource documents, browse lists and canned
queries, all trusted text — run in the ``pages`` lane; the queries people send to ``/sparql``
run in the ``user`` lane. Each lane has runners of its own (worker processes, or slots to a
remote store), so runaway user queries can hold every worker of their lane and still not delay
a page. The user lane's workers also run at a lower CPU priority (see
:func:`~.executor.pool_for`): on a machine with few cores a runaway query cannot take the CPU
from page queries, yet still gets every cycle nobody else wants. Its queue is bounded: a query
that would wait behind too many others is answered at once (:class:`~.jobs.QueueFull`) rather
than holding a connection for its whole time limit.

The pages lane may also have an :class:`~.in_process.InProcessRunner`: its bounded lookups run
in the server process first, and go to the lane's workers when that runner declines them.

The lane is a property of the request, not of the job (the same text may come from a page or
from ``/sparql``, and is cached once): the ``/sparql`` route enters :func:`in_lane`, and every
job run on its behalf — its labels included — goes to the user lane.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from .in_process import InProcessRunner
from .jobs import LANES, PAGES, USER, QueryAnswer, QueryJob, QueryRunner, QueueFull

__all__ = ["LANES", "PAGES", "USER", "Lanes", "current_lane", "in_lane"]

_lane: ContextVar[str] = ContextVar("sdglod_lane", default=PAGES)


def current_lane() -> str:
    """The lane of the request being answered (``pages`` unless it entered another)."""
    return _lane.get()


@contextlib.contextmanager
def in_lane(lane: str) -> Iterator[None]:
    """Run every query job made inside in ``lane`` (for this request's task only)."""
    if lane not in LANES:
        raise ValueError(f"no lane {lane!r}")
    token = _lane.set(lane)
    try:
        yield
    finally:
        _lane.reset(token)


class Lanes:
    """A :class:`~.jobs.QueryRunner` made of one runner per lane; ``queue`` jobs at most wait
    in the user lane (more: :class:`~.jobs.QueueFull` at once); ``in_process`` runs the pages
    lane's bounded jobs first, if there is one."""

    def __init__(
        self,
        runners: Mapping[str, QueryRunner],
        queue: int,
        in_process: InProcessRunner | None = None,
    ):
        if set(runners) != set(LANES):
            raise ValueError(f"a runner for each lane is needed: {', '.join(LANES)}")
        self.runners = dict(runners)
        self.queue = queue
        self.in_process = in_process

    @property
    def busy(self) -> int:
        here = self.in_process.busy if self.in_process is not None else 0
        return here + sum(runner.busy for runner in self.runners.values())

    @property
    def waiting(self) -> int:
        here = self.in_process.waiting if self.in_process is not None else 0
        return here + sum(runner.waiting for runner in self.runners.values())

    @property
    def size(self) -> int:
        return sum(runner.size for runner in self.runners.values())

    @property
    def killed(self) -> int:
        """Workers stopped for running past their limits, in every lane."""
        return sum(getattr(runner, "killed", 0) for runner in self.runners.values())

    async def start(self) -> None:
        starting = [runner.start() for runner in self.runners.values()]
        if self.in_process is not None:
            starting.append(self.in_process.start())
        await asyncio.gather(*starting)

    async def run(self, job: QueryJob, timeout: float, lane: str = PAGES) -> QueryAnswer:
        """Run ``job`` in ``lane`` within ``timeout`` seconds."""
        if lane == PAGES and job.bounded and self.in_process is not None:
            started = asyncio.get_running_loop().time()
            answer = await self.in_process.run(job, timeout)
            if answer is not None:
                return answer
            timeout -= asyncio.get_running_loop().time() - started
        runner = self.runners[lane]
        if lane == USER and runner.busy >= runner.size and runner.waiting >= self.queue:
            raise QueueFull(runner.waiting)
        return await runner.run(job, timeout)

    async def close(self) -> None:
        closing = [runner.close() for runner in self.runners.values()]
        if self.in_process is not None:
            closing.append(self.in_process.close())
        await asyncio.gather(*closing)

    def pids(self) -> list[int]:
        return sorted(pid for runner in self.runners.values() for pid in runner.pids())

    def lane_pids(self, lane: str) -> list[int]:
        """The worker processes of one lane (tests check which lane a job ran in)."""
        return self.runners[lane].pids()

    def stats(self) -> dict[str, dict[str, Any]]:
        """Per lane: its workers (or slots), how many are busy, how many jobs wait; for the
        pages lane, its lookup threads too."""
        found: dict[str, dict[str, Any]] = {
            lane: {"workers": runner.size, "busy": runner.busy, "queued": runner.waiting}
            for lane, runner in self.runners.items()
        }
        if self.in_process is not None:
            found[PAGES]["in_process"] = {
                "threads": self.in_process.size,
                "busy": self.in_process.busy,
                "answered": self.in_process.ran,
            }
        return found

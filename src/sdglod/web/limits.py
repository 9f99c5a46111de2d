"""Fair shares of the endpoint: how many ``/sparql`` queries one client may have at once, which
lane they run in, and the HTTP answer when a query meets one of the runners' limits.

The client is the peer address as uvicorn gives it: the socket's, or — from a proxy uvicorn
trusts (``FORWARDED_ALLOW_IPS``, by default ``127.0.0.1,::1``: a proxy on the same machine) —
the address its ``X-Forwarded-For`` names. A proxy elsewhere must be listed there, or every
reader behind it shares one share. A client over its share gets 429 with ``Retry-After`` (as
the Wikidata Query Service answers), at once and without a worker.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from starlette.requests import Request

from .errors import HttpError
from .execution.jobs import (
    MemoryLimit,
    PoolBusy,
    QueryTimeout,
    QueueFull,
    StoreUnavailable,
    WorkerFailed,
)
from .execution.lanes import USER, in_lane

RETRY_AFTER = "2"  # seconds: a cheap query of the same client is likely done by then


class Admission:
    """The ``/sparql`` queries in flight per client, within a limit per client."""

    def __init__(self) -> None:
        self._running: dict[str, int] = {}

    def running(self, client: str) -> int:
        return self._running.get(client, 0)

    @contextlib.contextmanager
    def admit(self, client: str, limit: int) -> Iterator[None]:
        """Count one more query of ``client`` while inside; 429 if it has ``limit`` already."""
        if self.running(client) >= limit:
            raise HttpError(
                "too-many-requests",
                f"this client has {limit} queries running already, as many as one may have",
                hint="wait for an answer before sending the next query",
                headers={"Retry-After": RETRY_AFTER},
            )
        self._running[client] = self.running(client) + 1
        try:
            yield
        finally:
            left = self._running[client] - 1
            if left:
                self._running[client] = left
            else:
                del self._running[client]  # no entry per client ever seen: bounded memory


def client_of(request: Request) -> str:
    """Who sent ``request``: the peer address (see the module's note on proxies)."""
    return request.client.host if request.client else "unknown"


def admission_of(request: Request) -> Admission:
    """The server's one admission record (one per HTTP worker process, kept across builds)."""
    state = request.app.state
    admission = getattr(state, "admission", None)
    if admission is None:
        admission = state.admission = Admission()
    return admission


@contextlib.contextmanager
def user_query(request: Request, limit: int) -> Iterator[None]:
    """Inside: a query of the client of ``request`` is counted (429 past ``limit``) and every
    query job made runs in the user lane."""
    with admission_of(request).admit(client_of(request), limit), in_lane(USER):
        yield


RUNNER_ERRORS = (QueryTimeout, PoolBusy, MemoryLimit, WorkerFailed, StoreUnavailable)


def runner_error(err: Exception, timeout: float) -> HttpError:
    """The HTTP answer to a query runner's error (one of :data:`RUNNER_ERRORS`)."""
    if isinstance(err, QueryTimeout):
        return HttpError(
            "timeout",
            f"the query ran for more than {timeout:g} s and was stopped",
            hint="narrow the query (fewer variables, a LIMIT, more specific patterns)",
            headers={"Retry-After": "10"},
        )
    if isinstance(err, QueueFull):
        return HttpError(
            "busy",
            f"every query worker is busy and {err.waiting} queries wait already",
            hint="try again in a moment",
            headers={"Retry-After": "5"},
        )
    if isinstance(err, PoolBusy):
        return HttpError(
            "busy",
            f"no query worker became free within {timeout:g} s",
            hint="try again in a moment",
            headers={"Retry-After": "5"},
        )
    if isinstance(err, MemoryLimit):
        return HttpError(
            "memory-limit",
            f"the query needed more than the {err.megabytes} MB a query may use, and was stopped",
            hint="ask for less at once: a LIMIT, fewer variables, no very long strings",
        )
    if isinstance(err, StoreUnavailable):
        return HttpError(
            "store-unavailable",
            f"the SPARQL store did not answer: {err}",
            hint="try again in a moment",
            headers={"Retry-After": "10"},
        )
    return HttpError("internal", str(err))

"""``GET /health``: what a load balancer or a monitor needs to know, answered without a query.

JSON with the build served (or the remote store), whether its query workers are up, how busy
each lane is (:mod:`.execution.lanes`) and for how long the server has run. 200 while queries
can be answered (``ready``, or ``recovering`` while a stopped worker is replaced), 503 when no
worker of a lane is alive. Never cached: ``Cache-Control: no-store``.
"""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .describing import runtime_of
from .runtime import Runtime

STARTED = time.monotonic()  # when the server process loaded its application


def store_state(runtime: Runtime) -> str:
    """``ready``, ``recovering`` (a worker is being replaced), ``down`` (a lane has none
    alive) or ``remote`` (a remote store, not asked here: a health check costs no query)."""
    pool = runtime.pool
    if runtime.config.backend:
        return "remote"
    runners = getattr(pool, "runners", {"all": pool})
    alive = [len(runner.pids()) for runner in runners.values()]
    if not all(alive):
        return "down"
    return "ready" if sum(alive) >= pool.size else "recovering"


async def health(request: Request) -> Response:
    runtime = runtime_of(request)
    pool = runtime.pool
    state = store_state(runtime)
    follower = getattr(request.app.state, "follower", None)
    lanes = pool.stats() if hasattr(pool, "stats") else {}
    body = {
        "status": "ok" if state != "down" else "unavailable",
        "build": runtime.build.id if runtime.build is not None else None,
        "releases": len(runtime.build.manifest.releases) if runtime.build is not None else 0,
        "store": {
            "state": state,
            "kind": "remote" if runtime.config.backend else "embedded",
            "triples": runtime.triples,
        },
        "lanes": lanes,
        "busy": pool.busy,  # lookups in the server process included
        "queued": pool.waiting,
        "builds_switched": getattr(follower, "switches", 0),
        "uptime": round(time.monotonic() - STARTED, 1),
    }
    headers = {"Cache-Control": "no-store"}
    return JSONResponse(body, status_code=200 if state != "down" else 503, headers=headers)

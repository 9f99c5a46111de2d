"""A server that follows ``sdglod build``: when ``current`` points at a new build, the next
requests get a new :class:`~.runtime.Runtime` (store, pool, dumps, caches) while requests in
flight finish on the one they started with. A front end of a remote store (``--backend``)
follows ``sdglod publish`` the same way: it reads the store's publish mark every
``follow_interval`` seconds and starts a new runtime when the mark changed.

Each request is pinned to one runtime for its whole life (:class:`PinRuntime`), so no answer
mixes two builds; a runtime is closed (its workers stopped, its build's lease released, so the
next build may remove the folder) only when no request uses it any more.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

from ..build import current_folder
from ..errors import SdglodError
from .config import ServerConfig
from .runtime import RUNTIME_KEY, Runtime

log = logging.getLogger("sdglod.web")
WATCH_EVERY = 0.5  # seconds between two reads of the ``current`` link (one readlink each)
DRAIN_AT_LEAST = 30.0  # seconds an old runtime waits for its last requests, at least
CLOSE_WATCH_WITHIN = 10.0  # seconds a closing server waits for its watch to stop


class BuildFollower:
    """The runtime of the current build, replaced when a new build becomes current."""

    def __init__(self, config: ServerConfig, runtime: Runtime):
        self.config = config
        self.current = runtime
        self.switches = 0  # builds switched to since the start, for /health and tests
        self.on_switch: Callable[[Runtime], None] | None = None  # told of each new runtime
        self._watch: asyncio.Task | None = None
        self._retiring: set[asyncio.Task] = set()
        self._refused: Path | None = None  # a build that failed to load: not tried again
        self._closing = False

    @property
    def follows(self) -> bool:
        """A server of a local build follows it, a front end its store's publishes; a static
        export renders one build."""
        config = self.config
        if config.static_site:
            return False
        return bool(config.backend) or self.current.build is not None

    async def start(self) -> None:
        await self.current.start()
        if self.follows:
            follow = self._follow_store if self.config.backend else self._follow
            self._watch = asyncio.create_task(follow())

    async def close(self) -> None:
        self._closing = True  # a watch between two checks stops at the next one
        if self._watch is not None:
            self._watch.cancel()
            # Bounded: a watch waiting on a store's answer must not hold the shutdown.
            with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._watch), CLOSE_WATCH_WITHIN)
        for task in list(self._retiring):
            task.cancel()
        await self.current.close()

    async def _follow(self) -> None:
        while True:
            await asyncio.sleep(WATCH_EVERY)
            try:
                folder = current_folder(self.current.project)
            except (SdglodError, OSError):
                continue  # the link is being replaced, or was removed: keep serving ours
            build = self.current.build
            if build is not None and folder != build.folder and folder != self._refused:
                await self.switch(folder)

    async def _follow_store(self) -> None:
        while not self._closing:
            await asyncio.sleep(self.config.follow_interval)
            if self._closing:
                return
            try:
                mark = await self.current.read_publication()
            except Exception:  # the store is away or slow: keep serving, ask again later
                continue
            if mark is not None and mark != self.current.publication:
                await self.switch(None)

    async def switch(self, folder: Path | None) -> bool:
        """Serve the build now current (``folder``, as last read), or what a remote store
        holds now (``None``); whether it was taken."""
        fresh: Runtime | None = None
        try:
            fresh = await asyncio.to_thread(Runtime.load, self.config)
            await fresh.start()
        except Exception as err:  # a broken sdglod.toml or store must not stop the server
            self._refused = folder
            log.error("still serving %s: the new build could not be loaded: %s", self.name, err)
            if fresh is not None:
                with contextlib.suppress(Exception):
                    await fresh.close()  # its workers and lease, not left behind
            return False
        old, self.current = self.current, fresh
        self.switches += 1
        log.info("now serving build %s (was %s)", self.name, old.build_id)
        if self.on_switch is not None:
            self.on_switch(fresh)
        task = asyncio.create_task(self._retire(old))
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)
        return True

    @property
    def name(self) -> str:
        current = self.current
        if current.build_id is None and current.publication is not None:
            return f"the store's publish {current.publication}"
        return current.build_id or "(no build)"

    async def _retire(self, old: Runtime) -> None:
        # A request may run several queries, each up to the time limit: wait generously,
        # then close anyway (a request still running then gets a failed query, not a hang).
        deadline = time.monotonic() + max(DRAIN_AT_LEAST, 4 * self.config.timeout)
        while old.users and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        try:
            await old.close()
        except Exception:  # a task's error would go unseen: say it, keep serving
            log.exception("closing build %s failed", old.build_id)


class PinRuntime:
    """ASGI middleware: pins each request to the runtime current when it arrived (in its
    scope, under :data:`~.runtime.RUNTIME_KEY`) and counts it as a user of that runtime."""

    def __init__(self, app: ASGIApp, follower: BuildFollower):
        self.app = app
        self.follower = follower

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        runtime = self.follower.current
        scope[RUNTIME_KEY] = runtime
        runtime.users += 1
        try:
            await self.app(scope, receive, send)
        finally:
            runtime.users -= 1

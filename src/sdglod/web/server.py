"""Running the application under uvicorn, with one or several HTTP worker processes.

The socket is bound here, before uvicorn starts (:func:`listen`): a port in use or a host this
machine does not have is then an error that names ``--host`` or ``--port``, not a failed start
with uvicorn's exit code. A remote store is asked a first question before serving it
(:func:`check_backend`), for the same reason.

Connections are bounded in time (:class:`BoundedRequests`): a request must arrive whole within
``request_timeout`` seconds of its first byte (or of the connection), so connections that send
half a request and wait are closed, and an idle keep-alive connection is closed after
:data:`KEEP_ALIVE` seconds. Every accepted socket gets ``TCP_NODELAY``, which uvicorn's
multi-process mode would otherwise lose (every keep-alive answer delayed ~40 ms).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import errno
import functools
import json
import os
import socket
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..errors import OutputError
from ..project import load_project
from ..query.backends import project_graphs
from ..query.remote import check_union_graph
from ..rdf.names import Vocabulary
from .app import create_app
from .config import ServerConfig
from .execution.remote_pool import RemotePool

CONFIG_ENV = "SDGLOD_SERVER_CONFIG"
BACKLOG = 2048  # connections waiting to be accepted (uvicorn's default)
KEEP_ALIVE = 5  # seconds an idle keep-alive connection stays open (uvicorn's default)
HOST_HINT = "use 127.0.0.1 (this machine only), 0.0.0.0 (every address) or an address it has"


def app_from_environment() -> Starlette:
    """The app for uvicorn's worker processes: the configuration travels in the environment."""
    values = json.loads(os.environ[CONFIG_ENV])
    values["project_root"] = Path(values["project_root"])
    values["allowed_services"] = tuple(values["allowed_services"])
    return create_app(ServerConfig(**values))


class BoundedRequests(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol (httptools), plus a time limit on receiving each request
    and ``TCP_NODELAY`` on every connection.

    uvicorn arms no timer while a request arrives: its keep-alive timer runs only between a
    response and the next request's first byte, so a client that sends half a request holds
    the connection for ever. This timer runs from the connection (or the first byte of a
    request) until the request is complete, headers and body.
    """

    def __init__(self, *args: Any, request_timeout: float, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.request_timeout = request_timeout
        self._arrival: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError, AttributeError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._arrival is None:
            self._arrival = self.loop.call_later(self.request_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._arrival is not None:
            self._arrival.cancel()
            self._arrival = None

    def _too_slow(self) -> None:
        self._arrival = None
        if not self.transport.is_closing():
            self.transport.close()


def uvicorn_options(config: ServerConfig) -> dict[str, Any]:
    """What uvicorn is given besides the app and the socket: the protocol with the request
    time limit (a partial, so that it reaches worker processes too) and the keep-alive."""
    return {
        "http": functools.partial(BoundedRequests, request_timeout=config.request_timeout),
        "timeout_keep_alive": KEEP_ALIVE,
        "log_level": "info",
    }


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host`` and ``port`` (0: any free port); an error naming the
    option if it cannot be had."""
    if not host.strip():
        raise OutputError("--host is empty", hint=HOST_HINT)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError, ValueError) as err:  # unknown name, NUL, label too long
        reason = getattr(err, "strerror", None) or str(err)
        raise OutputError(
            f"--host {host!r} is not a host name or address ({reason})", hint=HOST_HINT
        ) from None
    family, kind, proto, _, address = found[0]
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(BACKLOG)
    except OSError as err:
        listener.close()
        raise _bind_error(err, host, port) from None
    listener.set_inheritable(True)  # HTTP worker processes inherit it
    return listener


def _bind_error(err: OSError, host: str, port: int) -> OutputError:
    if err.errno == errno.EADDRINUSE:
        return OutputError(
            f"--port {port}: the port is in use on {host}",
            hint="stop what listens there, or choose another --port (0: any free port)",
        )
    if err.errno in (errno.EACCES, errno.EPERM):
        return OutputError(
            f"--port {port}: listening on it needs privileges this user lacks",
            hint="choose a port above 1023, e.g. --port 8000",
        )
    if err.errno == errno.EADDRNOTAVAIL:
        return OutputError(f"--host {host!r} is not an address of this machine", hint=HOST_HINT)
    return OutputError(f"cannot listen on --host {host!r} --port {port}: {err.strerror}")


def check_backend(config: ServerConfig) -> None:
    """Ask the remote store of ``config`` (if any) a first question: a wrong URL or a store
    that is down is an error now, not a failed start in every worker."""
    if config.backend:
        asyncio.run(_first_question(RemotePool(config.backend, Vocabulary(), size=1)))
        if config.union_graph:
            project = load_project(config.project_root, config.base)
            check_union_graph(config.backend, project_graphs(project), config.union_graph)


async def _first_question(pool: RemotePool) -> None:
    try:
        await pool.start()
    finally:
        await pool.close()


def run(config: ServerConfig, listener: socket.socket, workers: int = 1) -> None:
    """Serve on ``listener`` (from :func:`listen`) until interrupted."""
    import uvicorn

    if workers <= 1:
        uvicorn.run(create_app(config), fd=listener.fileno(), **uvicorn_options(config))
        return
    values = dataclasses.asdict(config)
    values["project_root"] = str(config.project_root)
    os.environ[CONFIG_ENV] = json.dumps(values)
    uvicorn.run(
        "sdglod.web.server:app_from_environment",
        factory=True,
        fd=listener.fileno(),
        workers=workers,
        **uvicorn_options(config),
    )

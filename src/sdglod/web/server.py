"""Running the application under uvicorn, with one or several HTTP worker processes.

The socket is bound here, before uvicorn starts (:func:`listen`): a port in use or a host this
machine does not have is then an error that names ``--host`` or ``--port``, not a failed start
with uvicorn's exit code. A remote store is asked a first question before serving it
(:func:`check_backend`), for the same reason.
"""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import json
import os
import socket
from pathlib import Path

from starlette.applications import Starlette

from ..errors import OutputError
from ..rdf.names import Vocabulary
from .app import create_app
from .config import ServerConfig
from .execution.remote_pool import RemotePool

CONFIG_ENV = "SDGLOD_SERVER_CONFIG"
BACKLOG = 2048  # connections waiting to be accepted (uvicorn's default)
HOST_HINT = "use 127.0.0.1 (this machine only), 0.0.0.0 (every address) or an address it has"


def app_from_environment() -> Starlette:
    """The app for uvicorn's worker processes: the configuration travels in the environment."""
    values = json.loads(os.environ[CONFIG_ENV])
    values["project_root"] = Path(values["project_root"])
    values["allowed_services"] = tuple(values["allowed_services"])
    return create_app(ServerConfig(**values))


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
        asyncio.run(RemotePool(config.backend, Vocabulary()).start())


def run(config: ServerConfig, listener: socket.socket, workers: int = 1) -> None:
    """Serve on ``listener`` (from :func:`listen`) until interrupted."""
    import uvicorn

    if workers <= 1:
        uvicorn.run(create_app(config), fd=listener.fileno(), log_level="info")
        return
    values = dataclasses.asdict(config)
    values["project_root"] = str(config.project_root)
    os.environ[CONFIG_ENV] = json.dumps(values)
    uvicorn.run(
        "sdglod.web.server:app_from_environment",
        factory=True,
        fd=listener.fileno(),
        workers=workers,
        log_level="info",
    )

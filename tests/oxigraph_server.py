"""A real ``oxigraph serve`` process on 127.0.0.1, for tests that need a remote SPARQL store.

The binary comes from the ``oxigraph`` package (the ``dev`` extra). :class:`OxigraphServer`
picks a free port, waits until the server answers, and always stops the process, also when a
test fails; the ``start_oxigraph`` fixture in ``conftest.py`` hands out started servers.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"  # loopback only
READY_WITHIN = 30.0  # seconds a server may take to answer before start-up counts as failed
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


def oxigraph_binary() -> Path:
    """The ``oxigraph`` executable next to this Python, else on ``PATH``."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file():
        return beside
    found = shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("no oxigraph binary: pip install -e '.[dev]' installs it")
    return Path(found)


def stop_process(process: subprocess.Popen | None, patience: float) -> None:
    """Stop a server process: politely, then, after ``patience`` seconds, for certain."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=patience)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class OxigraphServer:
    """An ``oxigraph serve`` process (read-write, queries over the union of all graphs)."""

    def __init__(self, location: Path, log: Path, *options: str):
        self.location = location
        self.log = log
        self.options = options  # more `oxigraph serve` options, e.g. --timeout-s 5
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/update"

    @property
    def store_url(self) -> str:
        """The SPARQL 1.1 Graph Store endpoint."""
        return f"{self.base_url}/store"

    def start(self, attempts: int = 3) -> OxigraphServer:
        """Start on a free port and wait until it answers; retry if the port was taken."""
        for _ in range(attempts):
            self.port = free_port()
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    [
                        str(oxigraph_binary()),
                        "serve",
                        "--location",
                        str(self.location),
                        "--bind",
                        f"{HOST}:{self.port}",
                        "--union-default-graph",
                        *self.options,
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            if self._wait_until_ready():
                return self
            self.stop()
        raise RuntimeError(f"oxigraph serve did not start; see {self.log}")

    def _wait_until_ready(self) -> bool:
        deadline = time.monotonic() + READY_WITHIN
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False  # exited, e.g. the port was taken in the meantime
            try:
                with _NO_PROXY.open(self.base_url + "/", timeout=2):
                    return True
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        return False

    def load(self, path: Path, media_type: str = "application/n-quads") -> None:
        """Add the quads (or triples) of ``path`` through the Graph Store endpoint."""
        request = urllib.request.Request(
            self.store_url,
            data=path.read_bytes(),
            headers={"Content-Type": media_type},
            method="POST",
        )
        with _NO_PROXY.open(request, timeout=60) as response:
            if response.status not in (200, 201, 204):
                raise RuntimeError(f"loading {path} answered HTTP {response.status}")

    def stop(self) -> None:
        """Stop the process: politely, then for certain."""
        process, self.process = self.process, None
        stop_process(process, patience=10)

    def __enter__(self) -> OxigraphServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

"""A real ``sdglod serve`` process on 127.0.0.1 for tests where the socket is the point
(protocol conformance, concurrency, a browser, SPARQLWrapper, schemathesis)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from oxigraph_server import HOST, free_port

READY_WITHIN = 60.0
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class SdglodServer:
    """``sdglod --project DIR serve`` on a free port; always stopped, with its query workers."""

    def __init__(self, project_dir: Path, log: Path, *options: str):
        self.project_dir = project_dir
        self.log = log
        self.options = options
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, attempts: int = 3, port: int | None = None) -> SdglodServer:
        """Start on ``port`` (one attempt), or on a free port (``attempts`` tries)."""
        sdglod = str(Path(sys.executable).with_name("sdglod"))
        for _ in range(1 if port else attempts):
            self.port = port or free_port()
            port = str(self.port)
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    [
                        sdglod,
                        "--project",
                        str(self.project_dir),
                        "serve",
                        "--port",
                        port,
                        *self.options,
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # one process group: the workers go with it
                )
            if self._wait_until_ready():
                return self
            self.stop()
        raise RuntimeError(f"sdglod serve did not start; see {self.log}")

    def _wait_until_ready(self) -> bool:
        deadline = time.monotonic() + READY_WITHIN
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            try:
                with _NO_PROXY.open(self.url + "/sparql?query=ASK%7B%7D", timeout=2):
                    return True
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        return False

    def query_workers(self) -> set[int]:
        """The query worker processes of the server (children of its one HTTP process)."""
        assert self.process is not None
        children: set[int] = set()
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            children |= {int(pid) for pid in (task / "children").read_text().split()}
        return children

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def __enter__(self) -> SdglodServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

"""The deployment of ``docs/deployment.md``, started as written: one real store (Oxigraph's
server), two ``sdglod serve --backend`` front ends, and real nginx with the document's own
reverse-proxy configuration (its ``nginx`` block, with loopback ports instead of TLS and the
cache in a folder of the test). Readers go through nginx without pause while the store is
published: no answer is a 5xx, and the front ends serve the new data within their follow
interval."""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from conftest import REPO
from oxigraph_server import HOST
from sdglod_server import SdglodServer
from support import MINI_PAGE, mini_edition
from webservers import Nginx

from sdglod.publish import Target, publish

DOCUMENT = REPO / "docs" / "deployment.md"
NEW = "Reading fortnight"  # the name the second edition gives the event of MINI_PAGE


def documented_proxy() -> str:
    """The ``nginx`` block of the deployment document."""
    blocks = re.findall(r"```nginx\n(.*?)```", DOCUMENT.read_text("utf-8"), re.DOTALL)
    assert len(blocks) == 1, "docs/deployment.md has one nginx configuration"
    return blocks[0]


class ReverseProxy(Nginx):
    """nginx running the document's configuration in front of ``fronts``."""

    name = "nginx (reverse proxy)"

    def __init__(self, folder: Path, fronts: list[SdglodServer]):
        super().__init__(folder, folder)
        self.fronts = fronts

    def config(self) -> Path:
        documented = documented_proxy()
        servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+;$", documented, re.MULTILINE)
        assert len(servers) == len(self.fronts)
        for line, front in zip(servers, self.fronts, strict=True):
            documented = documented.replace(line, f"    server {HOST}:{front.port};", 1)
        # Loopback and plain HTTP here; the cache in the test's folder.
        documented = re.sub(r"listen 443 ssl http2;", f"listen {HOST}:{self.port};", documented)
        documented = documented.replace("/var/cache/nginx/sdglod", str(self.folder / "cache"))
        return self.write_config(documented, "proxy.conf")


def test_readers_through_nginx_see_no_error_while_the_store_is_published(tmp_path, start_oxigraph):
    try:
        Nginx(tmp_path, tmp_path).binary()
    except RuntimeError as missing:
        pytest.skip(str(missing))
    project = mini_edition(tmp_path / "first")
    edition = mini_edition(tmp_path / "edition", NEW)
    page = MINI_PAGE

    oxigraph = start_oxigraph("--timeout-s", "15")
    target = Target.create(oxigraph.query_url, graph_store=oxigraph.store_url)
    publish(project, target)
    options = ("--backend", oxigraph.query_url, "--follow-interval", "0.3")
    fronts = [
        SdglodServer(project.root, tmp_path / f"front-{n}.log", *options).start() for n in (1, 2)
    ]
    # The proxy's own folder (cache, temporary files) where its workers — nobody, when the
    # tests run as root — may write.
    folder = Path(tempfile.mkdtemp(prefix="sdglod-proxy-"))
    folder.chmod(0o777)
    proxy = ReverseProxy(folder, fronts)
    try:
        proxy.start()
        statuses: Counter = Counter()
        stop = threading.Event()
        paths = [page, "/", "/queries/events.json", "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"]

        def read() -> None:
            with httpx.Client(timeout=30, trust_env=False) as reader:
                while not stop.is_set():
                    for path in paths:
                        statuses[reader.get(proxy.base_url + path).status_code] += 1

        readers = [threading.Thread(target=read) for _ in range(3)]
        for thread in readers:
            thread.start()
        try:
            time.sleep(1)
            publish(edition, target)  # in the middle of the load
            with httpx.Client(timeout=30, trust_env=False) as client:
                for front in fronts:  # each front end follows within its interval
                    deadline = time.monotonic() + 15
                    while NEW not in client.get(front.url + page).text:
                        assert time.monotonic() < deadline, f"{front.url} did not follow"
                        time.sleep(0.1)
            time.sleep(1)
        finally:
            stop.set()
            for thread in readers:
                thread.join()
    finally:
        proxy.stop()
        for front in fronts:
            front.stop()
        shutil.rmtree(folder, ignore_errors=True)
    assert sum(statuses.values()) > 50, statuses
    assert all(status < 500 for status in statuses), (statuses, proxy.logs())

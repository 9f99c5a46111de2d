"""Front ends follow a publish: two real ``sdglod serve --backend`` processes over one real
Oxigraph server, read without pause while the store is published twice; no request fails, and
once the follow interval has passed both serve the new data with new ETags."""

from __future__ import annotations

import threading
import time
from collections import Counter

import httpx
from sdglod_server import SdglodServer
from support import MINI_NAME, MINI_PAGE, mini_edition

from sdglod.publish import Target, publish

NAMES = (MINI_NAME, "Reading fortnight", "Reading month")
OLD, NEW, NEWER = NAMES
INTERVAL = "0.3"


def test_two_front_ends_follow_two_publishes_without_a_failed_request(tmp_path, start_oxigraph):
    project, *editions = (
        mini_edition(tmp_path / f"edition-{n}", name) for n, name in enumerate(NAMES)
    )
    page = MINI_PAGE
    oxigraph = start_oxigraph()
    target = Target.create(oxigraph.query_url, graph_store=oxigraph.store_url)
    publish(project, target)

    options = ("--backend", oxigraph.query_url, "--follow-interval", INTERVAL)
    fronts = [
        SdglodServer(project.root, tmp_path / f"front-{n}.log", *options).start() for n in (1, 2)
    ]
    try:
        with httpx.Client(timeout=30) as client:
            _wait_for(client, fronts[0].url + page, OLD)
            statuses: Counter = Counter()
            stop = threading.Event()

            def read() -> None:
                with httpx.Client(timeout=30) as reader:
                    while not stop.is_set():
                        for front in fronts:
                            for path in (page, "/", "/queries/events.json"):
                                statuses[reader.get(front.url + path).status_code] += 1

            readers = [threading.Thread(target=read) for _ in range(2)]
            for thread in readers:
                thread.start()
            try:
                for edition, text in zip(editions, (NEW, NEWER), strict=True):
                    before = [client.get(f.url + page).headers["etag"] for f in fronts]
                    publish(edition, target)
                    for front, etag in zip(fronts, before, strict=True):
                        answer = _wait_for(client, front.url + page, text)
                        assert answer.headers["etag"] != etag  # no stale validator
            finally:
                stop.set()
                for thread in readers:
                    thread.join()
    finally:
        for front in fronts:
            front.stop()
    assert statuses[200] > 0
    assert set(statuses) == {200}, statuses


def _wait_for(client: httpx.Client, url: str, text: str, within: float = 15.0) -> httpx.Response:
    deadline = time.monotonic() + within
    while True:
        answer = client.get(url)
        if text in answer.text or time.monotonic() > deadline:
            assert text in answer.text, f"{url} still without {text!r} after {within} s"
            return answer
        time.sleep(0.1)

"""Front ends follow a publish: two real ``sdglod serve --backend`` processes over one real
Oxigraph server, read without pause while the store is published twice; no request fails, and
once the follow interval has passed both serve the new data with new ETags."""

from __future__ import annotations

import threading
import time
from collections import Counter

import httpx
from conftest import copy_project
from sdglod_server import SdglodServer

from sdglod.build import build
from sdglod.project import load_project
from sdglod.publish import Target, publish

OLD, NEW, NEWER = "Streamed live on", "Broadcast live on", "Shown live on"
INTERVAL = "0.3"


def test_two_front_ends_follow_two_publishes_without_a_failed_request(
    built, store, tmp_path, start_oxigraph
):
    project, _ = built
    page = _page_with(store, project.base, OLD)
    oxigraph = start_oxigraph()
    target = Target.create(oxigraph.query_url, graph_store=oxigraph.store_url)
    publish(project, target)
    # The page that shows the text the publishes change (found, not assumed: the data grows).
    events = (project.root / "data" / "events.ttl").read_text("utf-8")
    assert OLD in events
    editions = []
    for text in (NEW, NEWER):
        folder = copy_project(tmp_path / text.split()[0])
        (folder / "data" / "events.ttl").write_text(events.replace(OLD, text, 1), "utf-8")
        edition = load_project(folder)
        build(edition)
        editions.append(edition)

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


def _page_with(store, base: str, text: str) -> str:
    """The path of the page that shows the statement starting with ``text`` (that of its
    subject, or of the resource its subject is a part of)."""
    rows = store.query(
        f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?o), "{text}")) }} LIMIT 1'
    )
    subject = next(iter(rows))["s"].value.split("#", 1)[0]
    assert subject.startswith(base)
    return f"/{subject[len(base) :]}.html?lang=en"


def _wait_for(client: httpx.Client, url: str, text: str, within: float = 15.0) -> httpx.Response:
    deadline = time.monotonic() + within
    while True:
        answer = client.get(url)
        if text in answer.text or time.monotonic() > deadline:
            assert text in answer.text, f"{url} still without {text!r} after {within} s"
            return answer
        time.sleep(0.1)

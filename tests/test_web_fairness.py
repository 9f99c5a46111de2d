"""Cheap work is never starved: with the endpoint full of runaway queries, resource pages, RDF
documents and canned point queries are still answered at once, and one client cannot take more
than its share of ``/sparql`` (429 with Retry-After).

A real ``sdglod serve`` over the multi-event fixture, without answer cache (every request runs
its queries). The latency target itself (p99 ≤ 100 ms) is measured in benchmarks/fairness.py,
not here: this test only checks that no cheap request waited anything like a runaway's time
limit.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse

import httpx
import pytest
from sdglod_server import SdglodServer

pytestmark = pytest.mark.usefixtures("loopback_without_proxy")

TIME_LIMIT = 8.0  # seconds a runaway query runs before it is stopped
RUNAWAYS = 8
# A generous bound, far under TIME_LIMIT: a cheap request that waited behind a runaway would
# take seconds, one that did not takes milliseconds.
WELL_UNDER = 2.0
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
RESOURCES = "SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), {base!r})) }}"


@pytest.fixture(scope="module")
def server(tmp_path_factory, multi_built):
    project, _ = multi_built
    log = tmp_path_factory.mktemp("fair") / "server.log"
    options = ("--cache-entries", "0", "--timeout", str(TIME_LIMIT))
    with SdglodServer(project.root, log, *options, "--client-queries", str(RUNAWAYS)) as running:
        yield running.start()


def cheap_requests(client: httpx.Client, base: str) -> list[str]:
    """50 cheap requests: HTML pages, Turtle documents and canned DESCRIBEs of resources."""
    found = client.get(
        "/sparql",
        params={"query": RESOURCES.format(base=base)},
        headers={"Accept": "application/sparql-results+json"},
    )
    iris = [row["s"]["value"] for row in found.json()["results"]["bindings"]]
    paths = []
    for n, iri in enumerate(i for i in iris if "#" not in i):
        path = "/" + iri[len(base) :]
        describe = urllib.parse.urlencode({"resource": iri})
        paths += [f"{path}.html?lang={'en' if n % 2 else 'lv'}", f"{path}.ttl"]
        paths.append(f"/queries/describe.nt?{describe}")
    assert len(paths) >= 50, "the fixture should have enough resources"
    return paths[:50]


async def until_lane_is_full(client: httpx.AsyncClient, running: int, waiting: int) -> dict:
    """/health once the user lane runs ``running`` queries with ``waiting`` more queued."""
    deadline = time.monotonic() + TIME_LIMIT / 2
    while time.monotonic() < deadline:
        user = (await client.get("/health")).json()["lanes"]["user"]
        if user["busy"] >= running and user["queued"] >= waiting:
            return user
        await asyncio.sleep(0.05)
    raise AssertionError(f"the runaway queries did not fill the user lane: {user}")


def test_cheap_requests_are_answered_while_runaway_queries_fill_the_endpoint(server, multi_built):
    with httpx.Client(base_url=server.url, timeout=30) as sync_client:
        paths = cheap_requests(sync_client, multi_built[0].base)

    async def timed(client: httpx.AsyncClient, path: str) -> tuple[int, float]:
        began = time.monotonic()
        response = await client.get(path)
        return response.status_code, time.monotonic() - began

    async def scenario() -> tuple[list[int], list[tuple[int, float]], dict]:
        limits = httpx.Limits(max_connections=100)
        async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as client:
            heavy = [
                asyncio.create_task(client.get("/sparql", params={"query": RUNAWAY}))
                for _ in range(RUNAWAYS)
            ]
            workers = (await client.get("/health")).json()["lanes"]["user"]["workers"]
            lane = await until_lane_is_full(client, workers, RUNAWAYS - workers)
            cheap = await asyncio.gather(*(timed(client, path) for path in paths))
            assert not any(task.done() for task in heavy), "the runaways should still run"
            return [r.status_code for r in await asyncio.gather(*heavy)], cheap, lane

    heavy, cheap, lane = asyncio.run(scenario())
    assert lane["busy"] + lane["queued"] == RUNAWAYS
    assert [status for status, _ in cheap] == [200] * 50
    slowest = max(seconds for _, seconds in cheap)
    assert slowest < WELL_UNDER, f"a cheap request waited {slowest:.2f} s"
    # Each runaway was stopped at its time limit, or waited for a worker that long.
    assert set(heavy) == {503}


def test_a_client_over_its_share_of_queries_gets_429_with_retry_after(server):
    async def scenario() -> tuple[httpx.Response, list[int]]:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            heavy = [
                asyncio.create_task(client.get("/sparql", params={"query": RUNAWAY}))
                for _ in range(RUNAWAYS)
            ]
            workers = (await client.get("/health")).json()["lanes"]["user"]["workers"]
            await until_lane_is_full(client, workers, RUNAWAYS - workers)
            began = time.monotonic()
            over = await client.get("/sparql", params={"query": "ASK {}"})
            assert time.monotonic() - began < WELL_UNDER  # refused at once, not queued
            # Its pages are not part of the share: they are still answered.
            page = await client.get("/")
            assert page.status_code == 200
            return over, [r.status_code for r in await asyncio.gather(*heavy)]

    over, heavy = asyncio.run(scenario())
    assert over.status_code == 429
    assert int(over.headers["retry-after"]) > 0
    assert over.headers["content-type"].startswith("application/json")
    error = over.json()["error"]
    assert error["code"] == "too-many-requests" and error["status"] == 429
    assert set(heavy) == {503}
    # Once its queries are answered, the client has its share again.
    with httpx.Client(base_url=server.url, timeout=30) as client:
        assert client.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True

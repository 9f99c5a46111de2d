"""The server's limits as a client meets them: a query over the worker memory limit (507, the
worker replaced, the next query answered), a full queue of /sparql queries (503 at once), half
sent requests and idle connections (closed after the request timeout), and ``/health``.

A real ``sdglod serve`` over the tests' mini project, with low limits so that each is met fast.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import time
from pathlib import Path

import httpx
import pytest
from oxigraph_server import HOST
from sdglod_server import SdglodServer

from sdglod.build import build
from sdglod.project import load_project

pytestmark = pytest.mark.usefixtures("loopback_without_proxy")

MINI = Path(__file__).parent / "fixtures" / "mini-project"
MEMORY_MB = 300
REQUEST_TIMEOUT = 2.0
TIME_LIMIT = 6.0
WELL_UNDER = 2.0  # seconds: far less than TIME_LIMIT
# Nine patterns over the mini project's triples: billions of solutions to count.
PATTERNS = " . ".join(f"?s{n} ?p{n} ?o{n}" for n in range(9))
RUNAWAY = f"SELECT (COUNT(*) AS ?n) WHERE {{ {PATTERNS} }}"
# About 1,300 rows, each with a 1 MB string: far more than MEMORY_MB in all.
HUGE = """SELECT ?x WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i
  BIND(CONCAT("xxxxxxxxxx", STR(?c)) AS ?b0)
  BIND(CONCAT(?b0, ?b0, ?b0, ?b0, ?b0, ?b0, ?b0, ?b0, ?b0, ?b0) AS ?b1)
  BIND(CONCAT(?b1, ?b1, ?b1, ?b1, ?b1, ?b1, ?b1, ?b1, ?b1, ?b1) AS ?b2)
  BIND(CONCAT(?b2, ?b2, ?b2, ?b2, ?b2, ?b2, ?b2, ?b2, ?b2, ?b2) AS ?b3)
  BIND(CONCAT(?b3, ?b3, ?b3, ?b3, ?b3, ?b3, ?b3, ?b3, ?b3, ?b3) AS ?b4)
  BIND(CONCAT(?b4, ?b4, ?b4, ?b4, ?b4, ?b4, ?b4, ?b4, ?b4, ?b4) AS ?x) }"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("limits") / "mini"
    shutil.copytree(MINI, root)
    build(load_project(root))
    options = [
        *("--worker-memory", str(MEMORY_MB), "--timeout", str(TIME_LIMIT)),
        *("--query-queue", "1", "--client-queries", "4"),
        *("--request-timeout", str(REQUEST_TIMEOUT)),
    ]
    with SdglodServer(root, root.parent / "server.log", *options) as running:
        yield running.start()


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def until_ready(client: httpx.Client) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        health = client.get("/health").json()
        if health["store"]["state"] == "ready":
            return health
        time.sleep(0.1)
    raise AssertionError(f"the workers did not come back: {health}")


def test_a_query_over_the_memory_limit_is_507_and_its_worker_replaced(server, client):
    before = server.query_workers()
    assert len(before) == sum(lane["workers"] for lane in until_ready(client)["lanes"].values())
    response = client.post("/sparql", data={"query": HUGE})
    assert response.status_code == 507
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "memory-limit"
    assert f"{MEMORY_MB} MB" in error["message"] and error["hint"]
    until_ready(client)
    after = server.query_workers()
    assert len(after) == len(before)
    assert len(before - after) == 1  # the worker that ran it is gone, a fresh one in its place
    ask = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert ask.json()["boolean"] is True


def test_a_full_queue_is_503_at_once_and_pages_are_still_answered(server):
    async def scenario() -> tuple[httpx.Response, float, list[int]]:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            user = (await client.get("/health")).json()["lanes"]["user"]
            heavy = [
                asyncio.create_task(client.get("/sparql", params={"query": RUNAWAY}))
                for _ in range(user["workers"] + 1)  # every worker busy, one waiting
            ]
            deadline = time.monotonic() + TIME_LIMIT / 2
            while time.monotonic() < deadline:
                user = (await client.get("/health")).json()["lanes"]["user"]
                if user["queued"] == 1 and user["busy"] == user["workers"]:
                    break
                await asyncio.sleep(0.05)
            began = time.monotonic()
            refused = await client.get("/sparql", params={"query": "ASK {}"})
            waited = time.monotonic() - began
            assert (await client.get("/queries/events.json")).status_code == 200
            return refused, waited, [r.status_code for r in await asyncio.gather(*heavy)]

    refused, waited, heavy = asyncio.run(scenario())
    assert refused.status_code == 503
    assert refused.json()["error"]["code"] == "busy"
    assert int(refused.headers["retry-after"]) > 0
    assert waited < WELL_UNDER, f"the refusal took {waited:.2f} s"
    assert set(heavy) == {503}


def test_half_sent_requests_and_idle_connections_are_closed(server, client):
    held = []
    for n in range(50):
        sock = socket.create_connection((HOST, server.port))
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n"[: 10 + n % 30])
        held.append(sock)
    held += [socket.create_connection((HOST, server.port)) for _ in range(5)]  # say nothing
    time.sleep(REQUEST_TIMEOUT + 1.5)
    closed = 0
    for sock in held:
        sock.settimeout(5)
        try:
            closed += sock.recv(1024) == b""
        except OSError:
            closed += 1  # reset: closed as well
        finally:
            sock.close()
    assert closed == len(held)
    # A client that sends its request in time is answered as ever, on a kept-alive connection.
    for _ in range(3):
        assert client.get("/health").status_code == 200


def test_health_says_what_a_load_balancer_needs_and_is_never_cached(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    health = response.json()
    assert health["status"] == "ok"
    assert health["build"]
    assert health["store"]["state"] in ("ready", "recovering")
    assert health["store"]["triples"] > 0
    assert set(health["lanes"]) == {"pages", "user"}
    for lane in health["lanes"].values():
        assert lane["workers"] >= 1 and lane["busy"] >= 0 and lane["queued"] >= 0
    assert health["uptime"] > 0
    document = client.get("/openapi.json").json()
    assert "get" in document["paths"]["/health"]
    statuses = document["paths"]["/sparql"]["get"]["responses"]
    assert {"429", "503", "507"} <= set(statuses)

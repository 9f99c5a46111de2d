"""Lookups answered in the server process, and whole answers replayed, as a client meets them.

Lookups of one resource (a page's description and labels, a canned query with its resource
given) run in threads of the HTTP process, without the hop to a query worker: the answers are
the same bytes as through a worker; ``/sparql``'s queries never run there; and a lookup that
turns out slow gets its timeout answer while cheap requests go on, and runs in a worker (where
the time limit kills it) from then on.

A repeated request for a cached answer is replayed whole: the same status, headers and body as
the first time, for the same ``Accept``, ``Accept-Language``, ``Accept-Encoding``, ``Origin``
and ``Accept-Profile`` only. A real ``sdglod serve`` over a copy of the tests' mini project.
"""

from __future__ import annotations

import gzip
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sdglod_server import SdglodServer
from support import MINI, MINI_PAGE

from sdglod.build import build
from sdglod.project import load_project
from sdglod.web.replay import Reply
from sdglod.web.runtime import AnswerCache

pytestmark = pytest.mark.usefixtures("loopback_without_proxy")

TIME_LIMIT = 2.0
# Six patterns over the mini project's statements: seconds of counting, far past TIME_LIMIT
# here, yet (unlike a runaway) done soon after, so its thread in the server frees again.
PATTERNS = " . ".join(f"?s{n} ?p{n} ?o{n}" for n in range(6))
SLOW_LOOKUP = f"""#+ title@lv: Lēna uzmeklēšana
#+ title@en: A slow lookup
#+ description@lv: Viena resursa uzmeklēšana, kas skaita ļoti daudz rindu.
#+ description@en: A lookup of one resource that counts a great many rows.
#+ param: resource
#+   type: iri
#+   description@lv: Resurss
#+   description@en: The resource

SELECT $resource (COUNT(*) AS ?n)
WHERE {{ $resource ?p ?o . {PATTERNS} }}
GROUP BY $resource
"""
READING_WEEK = "id/event/reading-week"
# What a client reads of the same resource and query in several ways (all lookups).
LOOKUPS = (
    MINI_PAGE,
    f"/{READING_WEEK}.ttl",
    f"/{READING_WEEK}.jsonld",
    f"/{READING_WEEK}.html?lang=lv",
    "/queries/events.json",
)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("in-process") / "mini"
    shutil.copytree(MINI, root)
    (root / "queries" / "slow-lookup.rq").write_text(SLOW_LOOKUP, "utf-8")
    build(load_project(root))
    return root


def serve(project: Path, *options: str) -> SdglodServer:
    return SdglodServer(project, project.parent / "server.log", *options).start()


@pytest.fixture(scope="module")
def uncached(project):
    with serve(project, "--cache-entries", "0", "--timeout", str(TIME_LIMIT)) as running:
        yield running


def in_process(client: httpx.Client) -> dict:
    return client.get("/health").json()["lanes"]["pages"]["in_process"]


def test_lookups_answer_the_same_bytes_as_through_a_worker(project, uncached):
    with (
        serve(project, "--cache-entries", "0", "--lookup-threads", "0") as old,
        httpx.Client(base_url=uncached.url) as new,
        httpx.Client(base_url=old.url) as via,
    ):
        before = in_process(new)["answered"]
        for path in LOOKUPS:
            here, there = new.get(path), via.get(path)
            assert here.status_code == there.status_code == 200, path
            assert here.content == there.content, path
            assert here.headers["content-type"] == there.headers["content-type"]
        assert in_process(new)["answered"] > before
        assert "in_process" not in via.get("/health").json()["lanes"]["pages"]


def test_sparql_queries_never_run_in_the_server_process(uncached):
    with httpx.Client(base_url=uncached.url) as client:
        before = in_process(client)["answered"]
        query = f"SELECT ?p ?o WHERE {{ <https://example.org/mini/{READING_WEEK}> ?p ?o }}"
        for _ in range(3):
            answer = client.get("/sparql", params={"query": query, "format": "json"})
            assert answer.status_code == 200 and answer.json()["results"]["bindings"]
        assert in_process(client)["answered"] == before


def test_a_slow_lookup_times_out_without_holding_up_pages_and_then_runs_in_a_worker(uncached):
    slow = "/queries/slow-lookup.json"
    with httpx.Client(base_url=uncached.url, timeout=60) as client:
        assert client.get(MINI_PAGE).status_code == 200
        workers = uncached.query_workers()

        def cheap_meanwhile() -> list[float]:
            time.sleep(0.3)  # the slow lookup has begun
            took = []
            for path in (MINI_PAGE, f"/{READING_WEEK}.ttl", "/health"):
                started = time.monotonic()
                assert client.get(path).status_code == 200
                took.append(time.monotonic() - started)
            return took

        with ThreadPoolExecutor(1) as pool:
            meanwhile = pool.submit(cheap_meanwhile)
            first = client.get(slow, params={"resource": READING_WEEK})
            took = meanwhile.result()
        # The lookup's time limit holds in the server process too, and it held nothing up.
        assert first.status_code == 503, first.text
        assert max(took) < TIME_LIMIT
        # pyoxigraph cannot stop a query: its thread ran on, but no worker was killed for it.
        assert uncached.query_workers() == workers
        # The same text again (another resource): a worker runs it, and its limit kills it.
        again = client.get(slow, params={"resource": "id/event/poetry-evening"})
        assert again.status_code == 503, again.text
        deadline = time.monotonic() + 30
        while uncached.query_workers() & workers == workers and time.monotonic() < deadline:
            time.sleep(0.1)
        assert uncached.query_workers() & workers != workers  # the pages lane's worker was replaced
        # Lookups go on in the server process all the while.
        before = in_process(client)["answered"]
        assert client.get(f"/{READING_WEEK}.nt").status_code == 200
        assert in_process(client)["answered"] > before


def test_with_its_only_thread_held_by_a_slow_lookup_the_others_go_to_the_workers(project):
    options = ("--cache-entries", "0", "--timeout", str(TIME_LIMIT), "--lookup-threads", "1")
    with serve(project, *options) as running, httpx.Client(base_url=running.url) as client:

        def slow() -> int:
            params = {"resource": READING_WEEK}
            return client.get("/queries/slow-lookup.json", params=params).status_code

        with ThreadPoolExecutor(1) as pool:
            held = pool.submit(slow)
            deadline = time.monotonic() + 10
            while in_process(client)["busy"] == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert in_process(client)["busy"] == 1
            before = in_process(client)["answered"]
            started = time.monotonic()
            for path in LOOKUPS:
                assert client.get(path).status_code == 200, path
            assert time.monotonic() - started < TIME_LIMIT
            assert in_process(client)["answered"] == before  # the workers answered them
            assert held.result() == 503


# --- whole answers replayed ------------------------------------------------------------------


@pytest.fixture(scope="module")
def cached(project):
    with serve(project) as running:
        yield running


def same_answer(a: httpx.Response, b: httpx.Response) -> None:
    assert a.status_code == b.status_code
    assert a.content == b.content
    assert {k: v for k, v in a.headers.items() if k != "date"} == {
        k: v for k, v in b.headers.items() if k != "date"
    }


def test_a_repeated_request_gets_the_same_answer_whole(cached):
    with httpx.Client(base_url=cached.url) as client:
        for path in (*LOOKUPS, "/queries/events.csv?lang=lv", "/sparql?query=ASK%7B%7D"):
            first, second = client.get(path), client.get(path)
            assert first.status_code == 200, path
            same_answer(first, second)
            assert "etag" in second.headers
            assert second.headers["x-content-type-options"] == "nosniff"


def test_replayed_answers_follow_accept_encoding_origin_and_language(cached):
    path = "/queries/events"
    with httpx.Client(base_url=cached.url) as client:
        plain = {"Accept": "application/sparql-results+json", "Accept-Encoding": "identity"}
        xml = {"Accept": "application/sparql-results+xml", "Accept-Encoding": "identity"}
        for _ in range(2):  # the second round is answered from what the first kept
            # A page, long enough to be compressed (1 KB and more), asked both ways.
            ask = client.build_request("GET", MINI_PAGE, headers={"Accept-Encoding": "gzip"})
            zipped = client.send(ask, stream=True)
            raw = b"".join(zipped.iter_raw())
            zipped.close()
            assert zipped.headers["content-encoding"] == "gzip"
            page = client.get(MINI_PAGE, headers={"Accept-Encoding": "identity"})
            assert "content-encoding" not in page.headers
            assert gzip.decompress(raw) == page.content
            unzipped = client.get(path, headers=plain)
            assert unzipped.json()["results"]["bindings"]
            as_xml = client.get(path, headers=xml)
            assert as_xml.headers["content-type"].startswith("application/sparql-results+xml")
            assert as_xml.text.lstrip().startswith("<?xml")
            crossing = client.get(path, headers={**plain, "Origin": "https://elsewhere.example"})
            assert crossing.headers["access-control-allow-origin"] == "*"
            assert "access-control-allow-origin" not in client.get(path, headers=plain).headers
            lv = client.get(MINI_PAGE.split("?")[0], headers={"Accept-Language": "lv"})
            en = client.get(MINI_PAGE.split("?")[0], headers={"Accept-Language": "en"})
            assert '<html lang="lv"' in lv.text and "Lasīšanas nedēļa" in lv.text
            assert '<html lang="en"' in en.text and "Reading week" in en.text


def test_a_conditional_request_for_a_replayed_answer_is_304(cached):
    with httpx.Client(base_url=cached.url) as client:
        first = client.get(f"/{READING_WEEK}.ttl")
        client.get(f"/{READING_WEEK}.ttl")
        etag = first.headers["etag"]
        unchanged = client.get(f"/{READING_WEEK}.ttl", headers={"If-None-Match": etag})
        assert unchanged.status_code == 304 and unchanged.content == b""
        assert unchanged.headers["etag"] == etag


def test_errors_are_not_replayed_as_answers(cached):
    with httpx.Client(base_url=cached.url) as client:
        for _ in range(2):
            wrong = client.get("/queries/slow-lookup.json", params={"resource": "not an iri"})
            assert wrong.status_code == 400
            assert wrong.json()["error"]["code"] == "bad-parameter"
            missing = client.get("/id/event/no-such-event.ttl")
            assert missing.status_code == 404


def test_kept_answers_stay_within_their_bytes_whoever_chooses_the_keys():
    # A client chooses the text of a key (a query of up to a megabyte in a URL): keys count
    # against the budget as bodies do, so a flood of long distinct requests cannot grow it.
    kept: AnswerCache[Reply] = AnswerCache(entries=1000, max_bytes=64 * 1024)
    keys = [("/sparql", f"query={n:04d}{'x' * 4000}".encode(), b"", b"") for n in range(200)]
    for key in keys:
        kept.put(key, Reply(200, (), b"y" * 100))
    held = [key for key in keys if kept.get(key) is not None]
    assert 0 < len(held) <= 64 * 1024 // 4100
    assert held[-1] == keys[-1]  # the newest are the ones kept


# What a client may vary between two requests for the same path: few paths, so that a
# sequence asks one of them again with other headers.
ASKED = st.fixed_dictionaries(
    {
        "path": st.sampled_from(
            [
                MINI_PAGE,  # over 1 KB: compressed when the client accepts gzip
                "/queries/events",
                f"/{READING_WEEK}",
                f"/{READING_WEEK}.ttl",  # in a profile by Accept-Profile
                "/queries/slow-lookup.json?resource=nothing%20here",
            ]
        ),
        "lang": st.sampled_from(["", "?lang=lv"]),
        "accept": st.sampled_from(
            [None, "text/html", "text/turtle", "application/sparql-results+xml"]
        ),
        "encoding": st.sampled_from([None, "gzip", "identity"]),
        "origin": st.sampled_from([None, "https://elsewhere.example"]),
        "language": st.sampled_from([None, "lv", "en"]),
        "profile": st.sampled_from(
            [None, "<http://schema.org/>", "full", "schema;q=0.5, full;q=0.9", "<urn:x:none>"]
        ),
    }
)


@pytest.fixture(scope="module")
def never_replayed(project):
    with serve(project, "--cache-entries", "0") as running:
        yield running


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(asked=st.lists(ASKED, min_size=3, max_size=8))
def test_no_replayed_answer_differs_from_the_answer_made_anew(cached, never_replayed, asked):
    # The same requests, in the same order, to a server that replays and to one that never
    # keeps anything: each answer is the same, whatever was asked before.
    with (
        httpx.Client(base_url=cached.url) as replaying,
        httpx.Client(base_url=never_replayed.url) as anew,
    ):
        for request in asked:
            path = request["path"]
            if request["lang"] and "?" not in path:
                path += request["lang"]
            headers = {
                name: value
                for name, value in (
                    ("Accept", request["accept"]),
                    ("Accept-Encoding", request["encoding"]),
                    ("Origin", request["origin"]),
                    ("Accept-Language", request["language"]),
                    ("Accept-Profile", request["profile"]),
                )
                if value is not None
            }
            got = replaying.get(path, headers=headers)
            made = anew.get(path, headers=headers)
            assert got.status_code == made.status_code, path
            assert got.content == made.content, (path, headers)
            for name in (
                "content-type",
                "content-encoding",
                "access-control-allow-origin",
                "vary",
                "link",
                "location",
                "content-profile",
            ):
                assert got.headers.get(name) == made.headers.get(name), (path, headers, name)

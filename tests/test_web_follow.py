"""A running server and the builds that come after it: ``sdglod serve`` switches to each new
build with no failed or mixed answer, keeps the files of the build it serves, and builds killed
with ``kill -9`` leave the last good build serving and no folder nobody uses.

Runs on the tests' own mini project, rebuilt with a changing number of extra events: a version
marker tells which build an answer came from.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sdglod_server import SdglodServer

MINI = Path(__file__).parent / "fixtures" / "mini-project"
SDGLOD = str(Path(sys.executable).with_name("sdglod"))
VERSION_QUERY = (
    "PREFIX schema: <http://schema.org/> SELECT ?name (COUNT(?extra) AS ?n) WHERE {"
    " <https://example.org/mini/id/event/marker> schema:name ?name FILTER(lang(?name) = 'en')"
    " OPTIONAL { ?extra schema:superEvent <https://example.org/mini/id/event/marker> } }"
    " GROUP BY ?name"
)


def write_version(project: Path, version: int) -> None:
    """Data of ``version``: a marker event named after it, with ``version`` sub-events."""
    lines = [
        "@prefix schema: <http://schema.org/> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "@prefix event: <https://example.org/mini/id/event/> .",
        "event:marker a schema:Event ;",
        f'    schema:name "Version {version}"@en, "Versija {version}"@lv ;',
        '    schema:startDate "2024-01-01"^^xsd:date ; schema:endDate "2024-01-02"^^xsd:date .',
    ]
    for i in range(version):
        lines.append(
            f'event:extra-{i} a schema:Event ; schema:name "Extra {i}"@en, "Papildu {i}"@lv ;'
            ' schema:startDate "2024-01-01"^^xsd:date ; schema:endDate "2024-01-01"^^xsd:date ;'
            " schema:superEvent event:marker ."
        )
    (project / "data" / "version.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def sdglod_build(project: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [SDGLOD, "--project", str(project), "build"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def current_dump_digest(project: Path) -> str:
    manifest = json.loads((project / ".sdglod" / "current" / "build.json").read_text())
    return manifest["dumps"]["nt"]["sha256"]


def folders_in_use(project: Path) -> tuple[set[str], set[str]]:
    """The build folders other than the current one: those a process holds (or that are being
    removed), and the rest. The leases are looked up in ``/proc/locks``, not locked: a probe
    that took a lease, even for a moment, could make the server's prune skip that folder."""
    builds = project / ".sdglod" / "builds"
    current = Path(os.readlink(project / ".sdglod" / "current")).name
    locked = locked_inodes()
    held, free = set(), set()
    for folder in builds.iterdir():
        if folder.name == current:
            continue
        try:
            inode = (folder / "lease").stat().st_ino
        except FileNotFoundError:  # being removed (or being written, before its lease)
            held.add(folder.name)
            continue
        (held if inode in locked else free).add(folder.name)
    return held, free


def locked_inodes() -> set[int]:
    """The inodes of the files some process holds a ``flock`` on (or waits for)."""
    found = set()
    for line in Path("/proc/locks").read_text().splitlines():
        if "FLOCK" not in line.split():
            continue
        for field in line.split():
            if re.fullmatch(r"[0-9a-f]+:[0-9a-f]+:\d+", field):
                found.add(int(field.rsplit(":", 1)[1]))
    return found


def wait_for_no_free_folder(project: Path, within: float = 60.0, log: Path | None = None) -> None:
    """Until only the current build's folder is left (a server drains an old build for as
    long as requests use it, then lets it go and removes it)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        held, free = folders_in_use(project)
        if not free and not held:
            return
        time.sleep(0.2)
    said = log.read_text()[-3000:] if log is not None else ""
    raise AssertionError(f"build folders nobody uses are left: {free}, held: {held}\n{said}")


class Poller:
    """Clients that keep asking for a page, a dump and a query, and record every failure and
    every answer that does not come whole from one build."""

    def __init__(self, url: str):
        self.url = url
        self.stop = threading.Event()
        self.failures: list[str] = []
        self.dumps: list[str] = []  # the digest of every dump answered
        self.requests = 0
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(3)]

    def __enter__(self) -> Poller:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def _run(self, which: int) -> None:
        with httpx.Client(base_url=self.url, timeout=30, trust_env=False) as client:
            while not self.stop.is_set():
                try:
                    self._ask(client, which)
                except httpx.HTTPError as err:
                    self.failures.append(f"{type(err).__name__}: {err}")
                self.requests += 1

    def _ask(self, client: httpx.Client, which: int) -> None:
        if which == 0:
            page = client.get("/?lang=en", headers={"Accept": "text/html"})
            self._check(page)
            versions = set(re.findall(r"Version (\d+)", page.text))
            if len(versions) != 1:
                self.failures.append(f"landing page shows versions {versions}")
        elif which == 1:
            dump = client.get("/dumps/dataset.nt")
            self._check(dump)
            self.dumps.append(hashlib.sha256(dump.content).hexdigest())
        else:
            answer = client.get(
                "/sparql", params={"query": VERSION_QUERY}, headers={"Accept": "application/json"}
            )
            self._check(answer)
            rows = answer.json()["results"]["bindings"]
            version = int(rows[0]["name"]["value"].split()[1])
            if int(rows[0]["n"]["value"]) != version:
                self.failures.append(f"version {version} with {rows[0]['n']['value']} extras")

    def _check(self, response: httpx.Response) -> None:
        if response.status_code != 200:
            self.failures.append(f"{response.request.url}: {response.status_code}")


def wait_for_version(url: str, version: int, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    seen = None
    while time.monotonic() < deadline:
        answer = httpx.get(
            url + "/sparql",
            params={"query": VERSION_QUERY},
            headers={"Accept": "application/json"},
            trust_env=False,
        )
        seen = answer.json()["results"]["bindings"][0]["name"]["value"]
        if seen == f"Version {version}":
            return
        time.sleep(0.1)
    raise AssertionError(f"the server still serves {seen!r}, not version {version}")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = shutil.copytree(MINI, tmp_path / "mini")
    write_version(root, 0)
    assert sdglod_build(root).wait() == 0
    return root


def test_the_server_follows_ten_builds_without_a_failed_or_mixed_answer(project, tmp_path):
    digests = {current_dump_digest(project)}
    server = SdglodServer(project, tmp_path / "serve.log").start()
    with server, Poller(server.url) as poll:
        for version in range(1, 11):
            write_version(project, version)
            assert sdglod_build(project).wait() == 0
            digests.add(current_dump_digest(project))
            wait_for_version(server.url, version)
        time.sleep(0.5)  # a last round of requests on the newest build
    assert poll.failures == []
    assert poll.requests > 30
    # Every dump answered is a whole dump of one build; the newest was answered too.
    assert set(poll.dumps) <= digests
    assert current_dump_digest(project) in poll.dumps
    log = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in log


def test_the_served_build_keeps_its_files_whatever_builds_come_after(project, tmp_path):
    """A server pinned to its build (here: asked while builds happen) never loses its dumps."""
    with SdglodServer(project, tmp_path / "serve.log").start() as server:
        for version in (1, 2, 3):
            write_version(project, version)
            assert sdglod_build(project).wait() == 0
            # Every file the served build lists (with VoID and DCAT where a project has them).
            listed = httpx.get(server.url + "/dumps/", trust_env=False)
            assert listed.status_code == 200
            files = {entry["url"] for entry in listed.json()["dumps"]}
            assert "/dumps/dataset.nt" in files
            for path in files:
                assert httpx.get(server.url + path, trust_env=False).status_code == 200, path
        wait_for_version(server.url, 3)
        wait_for_no_free_folder(project, log=tmp_path / "serve.log")  # none nobody uses
    write_version(project, 4)
    assert sdglod_build(project).wait() == 0
    assert folders_in_use(project) == (set(), set())  # the server is gone: only current


def test_builds_killed_at_random_points_leave_the_last_good_build_serving(project, tmp_path):
    rng = random.Random(15)
    started = time.monotonic()
    write_version(project, 1)
    assert sdglod_build(project).wait() == 0
    duration = time.monotonic() - started
    whole = {current_dump_digest(project)}  # the dumps of every build that was finished
    server = SdglodServer(project, tmp_path / "serve.log").start()
    with server, Poller(server.url) as poll:
        wait_for_version(server.url, 1)
        for kill in range(20):
            write_version(project, 2 + kill)
            builder = sdglod_build(project)
            time.sleep(rng.uniform(0.05, duration))
            os.killpg(builder.pid, signal.SIGKILL)
            builder.wait()
            # ``current`` is the last good build, or this one if it was killed after switching
            # to it: either way a whole build, its dumps as its manifest says.
            good = current_dump_digest(project)
            whole.add(good)
            current = project / ".sdglod" / "current" / "dist" / "dataset.nt"
            assert hashlib.sha256(current.read_bytes()).hexdigest() == good
            dump = httpx.get(server.url + "/dumps/dataset.nt", trust_env=False, timeout=30)
            # The server may still answer from an earlier build, never from a part of one.
            assert dump.status_code == 200
            assert hashlib.sha256(dump.content).hexdigest() in whole
        _, free = folders_in_use(project)
        assert len(free) <= 1  # the last killed build's folder, until the next build
        write_version(project, 99)
        assert sdglod_build(project).wait() == 0
        whole.add(current_dump_digest(project))
        wait_for_version(server.url, 99)
        wait_for_no_free_folder(project, log=tmp_path / "serve.log")  # the old one goes too
    assert poll.failures == []
    assert set(poll.dumps) <= whole

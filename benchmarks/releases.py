"""Releases and the event stream at scale: what ``sdglod release`` and the stream cost.

On a copy of a generated project (``benchmarks/generated/SIZE``, made by ``generate.py``), each
step a new process, wall time and peak memory (``/usr/bin/time``):

1. ``sdglod build`` without a release log (the build as it was);
2. ``sdglod release`` (a build, every resource's canonical description, the first release);
3. a change to 1 % of the events (their names), then ``sdglod release`` again;
4. ``sdglod build`` with the two releases (the stream written from the log);
5. the reference LDES client (tests/node, ``make node-tools``) replicating ``dist/ldes.ttl``,
   then the stream page by page from ``sdglod serve``.

It prints a Markdown table and the sizes of the log and of the largest page. Run:
``.venv/bin/python benchmarks/releases.py --sizes 10k,100k``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
SDGLOD = Path(sys.executable).with_name("sdglod")
CLIENT = HERE.parent / "tests" / "node" / "node_modules" / ".bin" / "ldes-client"


def timed(command: list[str], cwd: Path, limit: float | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (MB) and standard output of ``command`` (``TimeoutExpired``
    past ``limit`` seconds)."""
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        timeout=limit,
    )
    seconds = time.perf_counter() - started
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    return seconds, peak_kb // 1024, done.stdout


def _changes(out: str) -> str:
    found = re.search(r"(\d+) resources changed or new, (\d+) gone", out)
    return f"{found.group(1)} members, {found.group(2)} deletions" if found else out.strip()


def change_events(project: Path, share: float) -> int:
    """Rename ``share`` of the events (their English names): a release of that many changes."""
    events = project / "data" / "events.ttl"
    text = events.read_text("utf-8")
    names = list(re.finditer(r'schema:name "[^"]*"@lv, "([^"]*)"@en', text))
    step = max(1, round(1 / share))
    chosen = names[::step]
    for found in reversed(chosen):
        text = text[: found.start(1)] + found.group(1) + " (renamed)" + text[found.end(1) :]
    events.write_text(text, "utf-8")
    return len(chosen)


def measure(size: str, client_limit: float) -> Iterator[tuple[str, float, int, str]]:
    source = HERE / "generated" / size
    if not source.is_dir():
        sys.exit(f"{source} is missing: run benchmarks/generate.py {size} -o {source}")
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / size
        shutil.copytree(source, project, ignore=shutil.ignore_patterns(".sdglod", "dist"))
        (project / "releases.jsonl").unlink(missing_ok=True)
        seconds, peak, _ = timed([str(SDGLOD), "build"], project)
        yield ("build, no release log", seconds, peak, "")
        seconds, peak, out = timed(
            [str(SDGLOD), "release", "--time", "2026-01-01T00:00:00Z"], project
        )
        yield ("release 1 (every resource)", seconds, peak, _changes(out))
        changed = change_events(project, 0.01)
        seconds, peak, out = timed(
            [str(SDGLOD), "release", "--time", "2026-02-01T00:00:00Z"], project
        )
        yield (f"release 2 ({changed} events renamed)", seconds, peak, _changes(out))
        seconds, peak, _ = timed([str(SDGLOD), "build"], project)
        yield ("build with 2 releases", seconds, peak, "")
        stream = project / "dist" / "ldes.ttl"
        pages = sorted((project / ".sdglod" / "current" / "ldes").glob("release-*.ttl"))
        largest = max(page.stat().st_size for page in pages)
        log = (project / "releases.jsonl").stat().st_size
        dump = stream.stat().st_size
        sizes = f"log {log / 1e6:.1f} MB, largest page {largest / 1e6:.1f} MB, "
        sizes += f"dump {dump / 1e6:.1f} MB"
        yield ("sizes", 0.0, 0, sizes)
        if CLIENT.exists():
            yield _client("ldes-client reads dist/ldes.ttl", [str(stream)], project, client_limit)
            yield from _client_over_http(project, client_limit)


def _client(step: str, arguments: list[str], project: Path, limit: float) -> tuple:
    """The reference client on ``arguments``, stopped after ``limit`` seconds."""
    command = ["timeout", "--signal=KILL", str(limit), str(CLIENT), *arguments, "-q"]
    try:
        seconds, peak, _ = timed(command, project)
    except subprocess.CalledProcessError:
        return (step, 0.0, 0, f"not done after {limit:.0f} s (stopped)")
    return (step, seconds, peak, "")


def _client_over_http(project: Path, limit: float) -> Iterator[tuple]:
    """The client replicating the stream page by page from ``sdglod serve``: the project
    built again under the server's address as its base, so the pages' links lead there."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    timed([str(SDGLOD), "--base", url, "build"], project)
    server = subprocess.Popen(
        [str(SDGLOD), "--base", url, "serve", "--port", str(port)],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(url + "ldes", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield _client(
            "ldes-client replicates /ldes from sdglod serve", [url + "ldes"], project, limit
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--client-limit", type=float, default=600.0, help="seconds")
    args = parser.parse_args()
    print("| size | step | seconds | peak MB | what |")
    print("| --- | --- | ---: | ---: | --- |")
    for size in args.sizes.split(","):
        for step, seconds, peak, what in measure(size, args.client_limit):
            shown = f"{seconds:.1f}" if seconds else ""
            print(f"| {size} | {step} | {shown} | {peak or ''} | {what.strip()} |", flush=True)


if __name__ == "__main__":
    main()

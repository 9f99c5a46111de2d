"""Releases and the event stream at scale: what ``sdglod release`` and the stream cost.

On a copy of a generated project (``benchmarks/generated/SIZE``, made by ``generate.py``), each
step a new process, wall time and peak memory (``/usr/bin/time``):

1. ``sdglod build`` without a release log (the build as it was);
2. ``sdglod release`` (a build, every resource's canonical description, the first release);
3. a change to 1 % of the events (their names), then ``sdglod release`` again;
4. ``sdglod build`` with the two releases (the stream written from the log);
5. the reference LDES client (tests/node, ``make node-tools``) replicating ``dist/ldes.ttl``.

It prints a Markdown table and the sizes of the log and of the largest page. Run:
``.venv/bin/python benchmarks/releases.py --sizes 10k,100k``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SDGLOD = Path(sys.executable).with_name("sdglod")
CLIENT = HERE.parent / "tests" / "node" / "node_modules" / ".bin" / "ldes-client"


def timed(command: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (MB) and standard output of ``command``."""
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
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
    names = list(re.finditer(r'schema:name "([^"]*)"@en', text))
    step = max(1, round(1 / share))
    chosen = names[::step]
    for found in reversed(chosen):
        text = text[: found.start(1)] + found.group(1) + " (renamed)" + text[found.end(1) :]
    events.write_text(text, "utf-8")
    return len(chosen)


def measure(size: str) -> list[tuple[str, float, int, str]]:
    source = HERE / "generated" / size
    if not source.is_dir():
        sys.exit(f"{source} is missing: run benchmarks/generate.py {size} -o {source}")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / size
        shutil.copytree(source, project, ignore=shutil.ignore_patterns(".sdglod", "dist"))
        (project / "releases.jsonl").unlink(missing_ok=True)
        seconds, peak, _ = timed([str(SDGLOD), "build"], project)
        rows.append(("build, no release log", seconds, peak, ""))
        seconds, peak, out = timed(
            [str(SDGLOD), "release", "--time", "2026-01-01T00:00:00Z"], project
        )
        rows.append(("release 1 (every resource)", seconds, peak, _changes(out)))
        changed = change_events(project, 0.01)
        seconds, peak, out = timed(
            [str(SDGLOD), "release", "--time", "2026-02-01T00:00:00Z"], project
        )
        rows.append(
            (
                f"release 2 ({changed} events renamed)",
                seconds,
                peak,
                _changes(out),
            )
        )
        seconds, peak, _ = timed([str(SDGLOD), "build"], project)
        rows.append(("build with 2 releases", seconds, peak, ""))
        stream = project / "dist" / "ldes.ttl"
        pages = sorted((project / ".sdglod" / "current" / "ldes").glob("release-*.ttl"))
        largest = max(page.stat().st_size for page in pages)
        log = (project / "releases.jsonl").stat().st_size
        dump = stream.stat().st_size
        sizes = f"log {log / 1e6:.1f} MB, largest page {largest / 1e6:.1f} MB, "
        sizes += f"dump {dump / 1e6:.1f} MB"
        if CLIENT.exists():
            seconds, peak, out = timed([str(CLIENT), str(stream), "-q"], project)
            rows.append(("ldes-client reads dist/ldes.ttl", seconds, peak, ""))
        rows.append(("sizes", 0.0, 0, sizes))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k")
    args = parser.parse_args()
    print("| size | step | seconds | peak MB | what |")
    print("| --- | --- | ---: | ---: | --- |")
    for size in args.sizes.split(","):
        for step, seconds, peak, what in measure(size):
            shown = f"{seconds:.1f}" if seconds else ""
            print(f"| {size} | {step} | {shown} | {peak or ''} | {what.strip()} |", flush=True)


if __name__ == "__main__":
    main()

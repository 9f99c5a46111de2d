"""Run the scaled benchmarks: sdglod side by side with pyoxigraph, rdflib and pyshacl.

Usage: .venv/bin/python benchmarks/run.py [--sizes 10k,100k,1M] [--stages load,validate,...]
       (or `make bench`, which installs the `bench` extra first)

For each size the generator writes a project (Turtle, and the same data as N-Triples), and
every measured task runs in a new process: the wall time and peak memory are the process's
(``os.wait4``), the work time is what the task measured inside itself (without interpreter
start-up and untimed preparation). Each number is the median of ``--runs`` runs; the slow
baselines (rdflib, pyshacl) run ``--slow-runs`` times at sizes of 1M and more, and pyshacl not at
all above ``--pyshacl-max`` (its time is then extrapolated, and labelled so).

Writes ``benchmarks/results.json`` (every sample), the tables between the markers in
``benchmarks/RESULTS.md`` and the log-log plot ``benchmarks/scaling.png``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests"))  # oxigraph_server: a real `oxigraph serve` process

from generate import parse_size  # noqa: E402

PYTHON = sys.executable
SDGLOD = str(Path(PYTHON).parent / "sdglod")
STAGES = ("load", "validate", "dumps", "queries", "publish")
BEGIN, END = "<!-- tables:begin -->", "<!-- tables:end -->"


@dataclass
class Measured:
    """The samples of one task at one size."""

    wall: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    note: str = ""

    @property
    def median_wall(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mb(self) -> float:
        return max(self.rss_mb)


def run_process(command: list[str]) -> tuple[float, float, dict | None, str]:
    """Run ``command``; its wall time, peak RSS in MB, the JSON of its last line, its stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=REPO)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode not in (0, 1):
        sys.exit(f"failed ({process.returncode}): {' '.join(command)}\n{stderr[-3000:]}")
    last = stdout.strip().splitlines()[-1] if stdout.strip() else ""
    try:
        payload = json.loads(last) if last.startswith("{") else None
    except json.JSONDecodeError:
        payload = None
    return wall, usage.ru_maxrss / 1024, payload, stderr


def measure(command: list[str], runs: int, label: str) -> Measured:
    measured = Measured()
    for run in range(runs):
        wall, rss, payload, _ = run_process(command)
        measured.wall.append(wall)
        measured.rss_mb.append(rss)
        measured.seconds.append(payload["seconds"] if payload else wall)
        if payload:
            measured.details = payload
        print(f"    {label} run {run + 1}/{runs}: {wall:.2f} s wall, {rss:.0f} MB", flush=True)
    return measured


def task(name: str, project: Path, runs: int) -> Measured:
    return measure([PYTHON, str(HERE / "tasks.py"), name, str(project)], runs, name)


# --- data -----------------------------------------------------------------------------------


def prepare(size: int, label: str, fmt: str, data_dir: Path) -> Path:
    """The generated project for ``size`` (regenerated only when the generator changed)."""
    folder = data_dir / (label if fmt == "ttl" else f"{label}-nt")
    # The generator and what it copies (shapes, ontology, queries, configuration) decide it.
    digest = hashlib.sha256((HERE / "generate.py").read_bytes())
    for part in ("ontology", "shapes", "queries"):
        for path in sorted((REPO / part).rglob("*")):
            if path.is_file():
                digest.update(path.read_bytes())
    digest.update((REPO / "sdglod.toml").read_bytes())
    stamp = f"{digest.hexdigest()[:16]}-{size}-{fmt}"
    marker = folder / ".generated"
    if not (marker.is_file() and marker.read_text() == stamp):
        print(f"  generating {folder} …", flush=True)
        command = [PYTHON, str(HERE / "generate.py"), str(size), "-o", str(folder)]
        subprocess.run([*command, "--format", fmt], check=True, capture_output=True)
        marker.write_text(stamp)
    return folder


def triples_of(project: Path) -> int:
    done = subprocess.run(
        [PYTHON, "-c", "import sys; from sdglod.project import load_project;"
         "from sdglod.rdf.sources import load_sources;"
         "print(len(load_sources(load_project(__import__('pathlib').Path(sys.argv[1])))))",
         str(project)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(done.stdout.strip())


# --- stages ---------------------------------------------------------------------------------


def stage_load(size: int, ttl: Path, nt: Path, args: argparse.Namespace) -> dict:
    slow = args.slow_runs if size >= 1_000_000 else args.runs
    found = {
        "sdglod-nt": task("load-sdglod", nt, args.runs),
        "oxigraph-nt": task("load-oxigraph", nt, args.runs),
        "sdglod-ttl": task("load-sdglod", ttl, args.runs),
        "oxigraph-ttl": task("load-oxigraph", ttl, args.runs),
        "build-cli": measure(
            [SDGLOD, "--project", str(ttl), "build", "--skip-validation"], args.runs, "build"
        ),
    }
    if size <= args.rdflib_max:
        found["rdflib-nt"] = task("load-rdflib", nt, slow)
    return found


def stage_validate(size: int, ttl: Path, nt: Path, args: argparse.Namespace) -> dict:
    slow = args.slow_runs if size >= 1_000_000 else args.runs
    found = {}
    for engine in args.engines:
        with tempfile.TemporaryDirectory() as folder:
            report = Path(folder) / "report.json"
            command = [SDGLOD, "--project", str(ttl), "validate", "--format", "json"]
            command += ["-o", str(report), "--engine", engine]
            runs = slow if engine == "pyshacl" else args.runs
            if engine == "pyshacl" and size > args.pyshacl_max:
                continue
            measured = measure(command, runs, f"sdglod validate ({engine})")
            results = json.loads(report.read_text("utf-8"))["results"]
            measured.details = {"results": len(results)}
            found[f"sdglod-{engine}"] = measured
    if size <= args.pyshacl_max:
        found["pyshacl"] = task("validate-pyshacl", ttl, slow)
    return found


def stage_dumps(size: int, ttl: Path, nt: Path, args: argparse.Namespace) -> dict:
    slow = args.slow_runs if size >= 1_000_000 else args.runs
    found = {
        "sdglod": task("dumps-sdglod", ttl, args.runs),
        "oxigraph": task("dumps-oxigraph", ttl, args.runs),
    }
    if size <= args.rdflib_max:
        found["rdflib"] = task("dumps-rdflib", ttl, slow)
    return found


def stage_queries(size: int, ttl: Path, nt: Path, args: argparse.Namespace) -> dict:
    subprocess.run(
        [SDGLOD, "--project", str(ttl), "build", "--skip-validation"],
        check=True,
        capture_output=True,
    )
    return {"embedded": task("queries", ttl, 1)}


def stage_publish(size: int, ttl: Path, nt: Path, args: argparse.Namespace) -> dict:
    """``sdglod publish`` of the validated build to each store of ``--stores``, a new local one
    per size. Oxigraph (``oxigraph serve``): to an empty store with the Graph Store Protocol
    (PUT), then the same again (nothing changes); up to ``--update-max`` also by SPARQL Update,
    the path for stores without the Graph Store Protocol. Virtuoso 7 (``virtuoso-t``, started
    by ``tests/virtuoso_server.py``): the same, and the unchanged publish also through its
    Graph Store URL behind digest authentication. A publish that fails is recorded, not fatal."""
    subprocess.run([SDGLOD, "--project", str(ttl), "build"], check=True, capture_output=True)
    runs = args.slow_runs if size >= 1_000_000 else args.runs
    publish = [SDGLOD, "--project", str(ttl), "publish"]
    found: dict[str, Measured] = {}
    if "oxigraph" in args.stores:
        found.update(_publish_oxigraph(size, publish, runs, args))
    if "virtuoso" in args.stores:
        found.update(_publish_virtuoso(size, publish, runs, args))
    return found


def _publish_oxigraph(
    size: int, publish: list[str], runs: int, args: argparse.Namespace
) -> dict[str, Measured]:
    from oxigraph_server import OxigraphServer

    found: dict[str, Measured] = {"first": Measured(), "again": Measured()}
    if size <= args.update_max:
        found["update"] = Measured()
    for run in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            for name in found:
                if name == "again":
                    continue  # in the same store as "first", right after it
                with OxigraphServer(Path(folder) / name, Path(folder) / "log").start() as server:
                    where = ["--endpoint", server.query_url]
                    how = ["--graph-store", server.store_url]
                    if name == "update":
                        how = ["--update", server.update_url]
                    steps = ["first", "again"] if name == "first" else [name]
                    for step in steps:
                        _publish_once(found[step], [*publish, *where, *how], step, run, runs)
    return found


VIRTUOSO_AUTH_VARIABLE = "SDGLOD_BENCH_VIRTUOSO_AUTH"  # dba:dba for the digest-auth URL
VIRTUOSO_MAX_ROWS = 100_000_000  # the tests' 100,000 would cut a Graph Store GET above it


def _publish_virtuoso(
    size: int, publish: list[str], runs: int, args: argparse.Namespace
) -> dict[str, Measured]:
    """One new Virtuoso for this size, emptied before each first publish, always stopped."""
    from unittest import mock

    import virtuoso_server

    missing = virtuoso_server.virtuoso_missing()
    if missing is not None:
        print(f"    Virtuoso skipped: {missing}", flush=True)
        return {}
    # The tests' minimal virtuoso.ini caps every answer at 100,000 rows, a Graph Store GET
    # too: publishing again would then stop at the 1M data graph (publish says so and asks
    # for the limit to be raised, as a real deployment would). Everything else is theirs.
    limit = "ResultSetMaxRows = 100000\n"
    if limit not in virtuoso_server._INI:
        print(f"    warning: no {limit.strip()!r} in tests/virtuoso_server.py: left as it is")
    ini = virtuoso_server._INI.replace(limit, f"ResultSetMaxRows = {VIRTUOSO_MAX_ROWS}\n")
    steps = ["virtuoso-first", "virtuoso-again", "virtuoso-digest-again"]
    if size <= args.update_max:
        steps.append("virtuoso-update")
    found = {step: Measured() for step in steps}
    env = {VIRTUOSO_AUTH_VARIABLE: ":".join(virtuoso_server.ADMIN)}
    with tempfile.TemporaryDirectory() as folder:
        server = virtuoso_server.VirtuosoServer(Path(folder))
        try:
            with mock.patch.object(virtuoso_server, "_INI", ini):
                server.start()
            version = server.sql("select sys_stat('st_dbms_ver');").split()
            found["virtuoso-first"].details["version"] = next(
                (word for word in version if word[:1].isdigit() and "." in word), "?"
            )
            where = ["--endpoint", server.query_url]
            commands = {
                "virtuoso-first": [*where, "--graph-store", server.store_url],
                "virtuoso-again": [*where, "--graph-store", server.store_url],
                "virtuoso-digest-again": [
                    *(*where, "--graph-store", server.auth_store_url),
                    *("--auth-env", VIRTUOSO_AUTH_VARIABLE),
                ],
                "virtuoso-update": [*where, "--update", server.update_url],
            }
            for run in range(runs):
                for step in steps:
                    if step in ("virtuoso-first", "virtuoso-update"):
                        server.reset()  # an empty store, but for Virtuoso's own graphs
                    command = [*publish, *commands[step]]
                    _publish_once(found[step], command, step, run, runs, env)
        finally:
            server.stop()
    return found


def _publish_once(
    measured: Measured, command: list[str], step: str, run: int, runs: int, env: dict | None = None
) -> None:
    """One ``sdglod publish`` process: its wall time and peak memory, or, if it fails (exit
    2: a failed request or count), its message as the entry's note. A step named "again"
    counts only if it wrote nothing (after a failed first publish it repairs the store)."""
    environment = {**os.environ, **(env or {})}
    loopback = ",".join(filter(None, [environment.get("no_proxy"), "127.0.0.1"]))
    environment["no_proxy"] = environment["NO_PROXY"] = loopback  # never via a proxy
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=REPO, env=environment)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    summary = stdout.strip().splitlines()[-1] if stdout.strip() else ""
    if code != 0:
        lines = [line for line in stderr.splitlines() if line.strip()]
        error = next((line for line in lines if line.startswith("error:")), "\n".join(lines[-3:]))
        error = re.sub(r"<!DOCTYPE[^>]*>|</?[A-Za-z][A-Za-z0-9]*(\s[^>]*)?>", " ", error)  # HTML
        message = " ".join(error.split())[:500] or "no message"
        measured.note = f"failed (exit {code}): {message}"
        print(f"    publish {step} run {run + 1}/{runs}: {measured.note}", flush=True)
        return
    if "again" in step and " 0 added, 0 removed" not in summary:
        measured.note = f"not counted, the store was not unchanged: {summary}"
        print(f"    publish {step} run {run + 1}/{runs}: {measured.note}", flush=True)
        return
    rss = usage.ru_maxrss / 1024
    measured.wall.append(wall)
    measured.seconds.append(wall)
    measured.rss_mb.append(rss)
    print(f"    publish {step} run {run + 1}/{runs}: {wall:.2f} s, {rss:.0f} MB", flush=True)


RUNNERS = {
    "load": stage_load,
    "validate": stage_validate,
    "dumps": stage_dumps,
    "queries": stage_queries,
    "publish": stage_publish,
}


# --- report ---------------------------------------------------------------------------------


def versions() -> dict:
    from importlib.metadata import version

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "machine": f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()}",
        "python": platform.python_version(),
        **{name: version(name) for name in ("sdglod", "pyoxigraph", "rdflib", "pyshacl")},
    }


def seconds(value: float) -> str:
    return f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 100 else f"{value:.0f}"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×"


def tables(results: dict) -> str:
    """Markdown tables of every stage measured, from ``results.json``'s content."""
    sizes = results["sizes"]
    lines: list[str] = []

    def get(size: str, stage: str, name: str) -> dict | None:
        return sizes[size].get(stage, {}).get(name)

    def wall(entry: dict) -> float:
        return statistics.median(entry["wall"])

    def work(entry: dict) -> float:
        return statistics.median(entry["seconds"])

    def peak(entry: dict) -> str:
        return f"{max(entry['rss_mb']):.0f}"

    if any("load" in s for s in sizes.values()):
        lines += [
            "### 1. Parse + load (N-Triples; Turtle in the last columns)",
            "",
            "Work time (s) inside the process, median; peak memory of the process (MB).",
            "",
            "| triples | sdglod parse+load | pyoxigraph bulk_load | sdglod ÷ pyoxigraph "
            "| rdflib parse | rdflib ÷ sdglod | peak MB sdglod / pyoxigraph / rdflib "
            "| Turtle: sdglod / pyoxigraph | `sdglod build --skip-validation` (wall, all dumps) |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for size, stages in sizes.items():
            if "load" not in stages:
                continue
            ours, ox = get(size, "load", "sdglod-nt"), get(size, "load", "oxigraph-nt")
            rd = get(size, "load", "rdflib-nt")
            ttl, oxttl = get(size, "load", "sdglod-ttl"), get(size, "load", "oxigraph-ttl")
            cli = get(size, "load", "build-cli")
            lines.append(
                f"| {stages['triples']:,} | {seconds(work(ours))} | {seconds(work(ox))} "
                f"| {ratio(work(ours), work(ox))} "
                f"| {seconds(work(rd)) + _runs(rd) if rd else '—'} "
                f"| {ratio(work(rd), work(ours)) if rd else '—'} "
                f"| {peak(ours)} / {peak(ox)} / {peak(rd) if rd else '—'} "
                f"| {seconds(work(ttl))} / {seconds(work(oxttl))} "
                f"| {seconds(wall(cli))} ({peak(cli)} MB) |"
            )
        lines.append("")
    if any("validate" in s for s in sizes.values()):
        lines += [
            "### 2. Validation",
            "",
            "Wall time (s) of a new process, as a user runs it (parsing included), median; "
            "results found; peak memory (MB).",
            "",
            "| triples | engine | wall | results | peak MB | pyshacl ÷ this |",
            "| ---: | --- | ---: | ---: | ---: | ---: |",
        ]
        for stages in sizes.values():
            found = stages.get("validate", {})
            reference = found.get("pyshacl")
            for name, entry in found.items():
                label = "plain pyshacl (rdflib graphs, advanced=True)" if name == "pyshacl" else (
                    f"`sdglod validate` ({name.removeprefix('sdglod-')})"
                )  # fmt: skip
                speedup = ratio(wall(reference), wall(entry)) if reference else "—"
                lines.append(
                    f"| {stages['triples']:,} | {label} | {seconds(wall(entry))}{_runs(entry)} "
                    f"| {entry['details'].get('results', '?')} | {peak(entry)} | {speedup} |"
                )
        lines.append("")
    if any("dumps" in s for s in sizes.values()):
        lines += [
            "### 3. Dumps",
            "",
            "Seconds to write each format from statements in memory, median. sdglod sorts once "
            "per build (the `sort` row) and then writes every format from the sorted lists; "
            "pyoxigraph and rdflib write unsorted. JSON-LD: sdglod compact with its context, "
            "pyoxigraph expanded (it has no compaction), rdflib compacted with the same context.",
            "",
            "| triples | format | sdglod | pyoxigraph | sdglod ÷ pyoxigraph | rdflib "
            "| rdflib ÷ sdglod |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for stages in sizes.values():
            found = stages.get("dumps", {})
            if not found:
                continue
            ours = found["sdglod"]["details"]["formats"]
            ox = found["oxigraph"]["details"]["formats"]
            rd = found.get("rdflib", {}).get("details", {}).get("formats", {})
            for name, value in ours.items():
                other = ox.get(name)
                rd_value = rd.get(name)
                lines.append(
                    f"| {stages['triples']:,} | {name} | {seconds(value)} "
                    f"| {seconds(other) if other else '—'} "
                    f"| {ratio(value, other) if other else '—'} "
                    f"| {seconds(rd_value) if rd_value else '—'} "
                    f"| {ratio(rd_value, value) if rd_value else '—'} |"
                )
            total_ours = sum(ours.values())
            total_ox = sum(ox.values())
            lines.append(
                f"| {stages['triples']:,} | **all, sort included** | {seconds(total_ours)} "
                f"| {seconds(total_ox)} | {ratio(total_ours, total_ox)} "
                f"| {seconds(sum(rd.values())) if rd else '—'} "
                f"| {ratio(sum(rd.values()), total_ours) if rd else '—'} |"
            )
        lines.append("")
    if any("queries" in s for s in sizes.values()):
        names = sorted(
            {q for s in sizes.values() for q in s.get("queries", {}).get("embedded", {})
             .get("details", {}).get("queries", {})}
        )  # fmt: skip
        measured = [s for s in sizes if "queries" in sizes[s]]
        lines += [
            "### 4. Canned queries on the embedded (on-disk) store",
            "",
            "Milliseconds per query (median of 5 after one warm-up), default parameters except "
            "those naming a resource of the generated data; rows returned in brackets.",
            "",
            "| query | " + " | ".join(f"{sizes[s]['triples']:,}" for s in measured) + " |",
            "| --- |" + " ---: |" * len(measured),
        ]
        for name in names:
            cells = []
            for size in measured:
                details = sizes[size]["queries"]["embedded"]["details"]
                cells.append(f"{details['queries'][name] * 1000:.1f} ({details['rows'][name]})")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    if any("publish" in s for s in sizes.values()):
        lines += _publish_tables(sizes)
    return "\n".join(lines)


PUBLISH_TABLES = {
    "oxigraph": (
        [
            "### 5. Publish to a local `oxigraph serve`",
            "",
            "Wall time (s) and peak memory (MB) of `sdglod publish` (a new process), median: to "
            "an empty store with the Graph Store Protocol (PUT per named graph, streamed), the "
            "same again (every graph compared, nothing to write), and by SPARQL Update.",
            "",
            "| triples | first publish (PUT) | again (no change) | SPARQL Update | peak MB |",
            "| ---: | ---: | ---: | ---: | ---: |",
        ],
        ["first", "again", "update"],
    ),
    "virtuoso": (
        [
            "### 6. Publish to a local Virtuoso {version}",
            "",
            "Wall time (s) and peak memory (MB) of `sdglod publish` (a new process), median, to a "
            "new `virtuoso-t` per size (the minimal `virtuoso.ini` of `tests/virtuoso_server.py`, "
            f"with `ResultSetMaxRows` raised to {VIRTUOSO_MAX_ROWS:,} so that a graph read back "
            "is not cut): to an empty store with the Graph Store Protocol (`/sparql-graph-crud`, "
            "PUT per named graph, streamed), the same again (every graph compared, nothing to "
            "write), the same again through `/sparql-graph-crud-auth` (digest authentication as "
            "`dba`), and to an empty store by SPARQL Update (`/sparql`: `INSERT DATA` in chunks, "
            "halved when Virtuoso refuses one as too large). Peak MB is sdglod's, not Virtuoso's.",
            "",
            "| triples | first publish (PUT) | again (no change) | again, digest auth "
            "| SPARQL Update | peak MB |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
        ],
        ["virtuoso-first", "virtuoso-again", "virtuoso-digest-again", "virtuoso-update"],
    ),
}


def _publish_tables(sizes: dict) -> list[str]:
    """The publish tables, one per store measured; a failed publish shows as such, with its
    message under the table."""
    lines: list[str] = []
    for head, steps in PUBLISH_TABLES.values():
        measured = [s for s in sizes.values() if steps[0] in s.get("publish", {})]
        if not measured:
            continue
        version = measured[-1]["publish"][steps[0]].get("details", {}).get("version", "7")
        lines += [line.replace("{version}", version) for line in head]
        notes = []
        for stages in measured:
            found = stages["publish"]
            cells = []
            for step in steps:
                entry = found.get(step)
                if not entry:
                    cells.append("—")
                    continue
                if entry.get("note"):
                    notes.append(f"- {stages['triples']:,}, `{step}`: {entry['note']}")
                if not entry["wall"]:
                    cells.append("failed")
                    continue
                first = step == steps[0] or len(entry["wall"]) < len(found[steps[0]]["wall"])
                value = seconds(statistics.median(entry["wall"]))
                cells.append(value + (_runs(entry) if first else ""))
            memory = [max(e["rss_mb"]) for n, e in found.items() if n in steps and e["rss_mb"]]
            cells.append(f"{max(memory):.0f}" if memory else "—")
            lines.append(f"| {stages['triples']:,} | " + " | ".join(cells) + " |")
        lines += ["", *notes, ""] if notes else [""]
    return lines


def _runs(entry: dict) -> str:
    count = len(entry["wall"])
    return "" if count >= 3 else f" ({count} run{'s' if count > 1 else ''})"


def write_tables(results: dict, path: Path) -> None:
    text = path.read_text("utf-8") if path.is_file() else f"# Benchmark results\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    meta = results["versions"]
    block = (
        f"{BEGIN}\n_Generated by `benchmarks/run.py` on {results['date']}: {meta['machine']}; "
        f"Python {meta['python']}, sdglod {meta['sdglod']}, pyoxigraph {meta['pyoxigraph']}, "
        f"rdflib {meta['rdflib']}, pyshacl {meta['pyshacl']}. Command: `{results['command']}`._"
        f"\n\n{tables(results)}\n{END}"
    )
    path.write_text(head + block + tail, "utf-8")


def plot(results: dict, path: Path) -> None:
    """Time against triples, log-log, one panel per stage."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is missing (pip install -e '.[bench]'): no plot", file=sys.stderr)
        return
    sizes = results["sizes"]
    series = {
        "parse + load (N-Triples)": {
            "sdglod": ("load", "sdglod-nt", "seconds"),
            "pyoxigraph bulk_load": ("load", "oxigraph-nt", "seconds"),
            "rdflib parse": ("load", "rdflib-nt", "seconds"),
        },
        "validation (wall)": {
            "sdglod validate (auto: SPARQL engine)": ("validate", "sdglod-auto", "wall"),
            "sdglod validate --engine pyshacl": ("validate", "sdglod-pyshacl", "wall"),
            "plain pyshacl": ("validate", "pyshacl", "wall"),
        },
        "all dumps (sort included)": {
            "sdglod": ("dumps", "sdglod", "seconds"),
            "pyoxigraph": ("dumps", "oxigraph", "seconds"),
            "rdflib": ("dumps", "rdflib", "seconds"),
        },
    }
    figure, axes = plt.subplots(1, len(series), figsize=(5 * len(series), 4.2))
    for axis, (title, lines) in zip(axes, series.items(), strict=True):
        for label, (stage, name, key) in lines.items():
            points = [
                (entry["triples"], statistics.median(entry[stage][name][key]))
                for entry in sizes.values()
                if name in entry.get(stage, {})
            ]
            if points:
                xs, ys = zip(*sorted(points), strict=True)
                axis.plot(xs, ys, marker="o", label=label)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_title(title)
        axis.set_xlabel("triples")
        axis.set_ylabel("seconds")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    print(f"wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M")
    parser.add_argument("--stages", default=",".join(STAGES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slow-runs", type=int, default=1, help="rdflib/pyshacl runs at ≥ 1M")
    parser.add_argument("--pyshacl-max", type=parse_size, default=parse_size("100k"))
    parser.add_argument("--rdflib-max", type=parse_size, default=parse_size("1M"))
    parser.add_argument("--update-max", type=parse_size, default=parse_size("100k"))
    parser.add_argument("--engines", default="auto,pyshacl", help="sdglod validate engines")
    parser.add_argument(
        "--stores", default="oxigraph,virtuoso", help="the stores sdglod publish writes to"
    )
    parser.add_argument("--data", type=Path, default=HERE / "generated")
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    parser.add_argument("--merge", action="store_true", help="keep other sizes/stages in results")
    args = parser.parse_args()
    args.engines = args.engines.split(",")
    args.stores = args.stores.split(",")
    if unknown := set(args.stores) - {"oxigraph", "virtuoso"}:
        parser.error(f"--stores: unknown {', '.join(sorted(unknown))} (oxigraph, virtuoso)")
    stages = args.stages.split(",")
    results: dict = {"sizes": {}}
    if args.merge and args.results.is_file():
        results = json.loads(args.results.read_text("utf-8"))
    results["versions"] = versions()
    results["date"] = time.strftime("%Y-%m-%d")
    results["command"] = "python benchmarks/run.py " + " ".join(sys.argv[1:])
    for label in args.sizes.split(","):
        size = parse_size(label)
        print(f"size {label}", flush=True)
        ttl = prepare(size, label, "ttl", args.data)
        nt = prepare(size, label, "nt", args.data) if "load" in stages else ttl
        entry = results["sizes"].setdefault(label, {})
        entry["triples"] = triples_of(ttl)
        for stage in stages:
            print(f"  {stage}", flush=True)
            measured = RUNNERS[stage](size, ttl, nt, args)
            entry[stage] = {name: vars(m) for name, m in measured.items()}
            args.results.write_text(json.dumps(results, indent=1) + "\n", "utf-8")
    write_tables(results, HERE / "RESULTS.md")
    plot(results, HERE / "scaling.png")
    print(tables(results))


if __name__ == "__main__":
    main()

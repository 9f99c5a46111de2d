"""HTTP throughput and latency: ``sdglod serve`` vs ``oxigraph serve-read-only`` on one store.

Usage: .venv/bin/python benchmarks/http_load.py [--project DIR] [--duration S]
       [--concurrency 1,8,32] [--queries a,b] [--param name=value …] [--backend] [--workers N]

Both servers serve the same store (the project's current build: run ``sdglod build`` first) on
127.0.0.1; ``wrk`` (Debian) is the load generator, one thread. Each canned query is asked with
its defaults (or ``--param`` values): of sdglod at ``/queries/<name>.json``, with the cost guard
on (worker pool, time and row limits), of the Rust server at ``/query`` with the same SPARQL
(the values bound by a VALUES block). sdglod is measured with its answer cache (the default: a
build's data never changes) and without (``--cache-entries 0``: every request runs the query).
A resource's HTML page and Turtle document are measured against the Rust server's DESCRIBE of
the same IRI (the nearest it has). ``--backend`` adds ``sdglod serve --backend`` over the Rust
server, without cache, with one front-end process and with two (two ``wrk`` at once, each with
half the connections; the table adds up their requests). Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from oxigraph_server import free_port, oxigraph_binary  # noqa: E402

from sdglod.build import current_build  # noqa: E402
from sdglod.project import Project, load_project  # noqa: E402
from sdglod.query.catalogue import load_queries  # noqa: E402
from sdglod.query.sparql_text import insert_values  # noqa: E402

JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"


@dataclass
class Measured:
    rps: float
    p50: float  # ms
    p99: float  # ms

    def cells(self) -> str:
        return f"{self.rps:,.0f} | {self.p50:.2f} / {self.p99:.2f}"


@dataclass
class Target:
    """One thing to ask: its row name, the Accept header, and a URL per server."""

    name: str
    accept: str
    urls: dict[str, str]
    rust_accept: str = ""  # when the Rust server is asked for something else

    def accept_of(self, kind: str) -> str:
        return (self.rust_accept or self.accept) if kind == "rust" else self.accept


def wait(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while time.monotonic() < deadline:
        try:
            with opener.open(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


@contextmanager
def process(command: list[str], ready: str) -> Iterator[None]:
    child = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        wait(ready)
        yield
    finally:
        child.terminate()
        child.wait(timeout=20)


def wrk(url: str, accept: str, connections: int, duration: int) -> Measured:
    accept = f"Accept: {accept}"
    done = subprocess.run(
        [*("wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"), "-H", accept, url],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"errors from {url}:\n{out}")

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return Measured(rps, ms("50%"), ms("99%"))


def wrk_together(urls: list[str], accept: str, connections: int, duration: int) -> Measured:
    """Several wrk at once (one per front end): summed req/s, the worst p50 and p99."""
    each = max(1, connections // len(urls))
    with ThreadPoolExecutor(len(urls)) as pool:
        parts = list(pool.map(lambda u: wrk(u, accept, each, duration), urls))
    return Measured(sum(p.rps for p in parts), max(p.p50 for p in parts), max(p.p99 for p in parts))


def targets(
    project: Project, names: list[str], given: dict[str, str], resource: str, ports: dict[str, int]
) -> list[Target]:
    queries = load_queries(project)
    local = {k: f"http://127.0.0.1:{p}" for k, p in ports.items() if k != "rust"}
    rust = f"http://127.0.0.1:{ports['rust']}/query?"
    found = []
    for name in names:
        query = queries[name]
        params = {k: v for k, v in given.items() if query.parameter(k)}
        bound = query.bind(params, project.base, {})
        text = insert_values(query.text, {n: str(t) for n, t in bound.items()})
        suffix = ".json" if query.form in ("SELECT", "ASK") else ".nt"
        accept = JSON_RESULTS if suffix == ".json" else N_TRIPLES
        tail = f"/queries/{name}{suffix}" + ("?" + urllib.parse.urlencode(params) if params else "")
        urls = {k: base + tail for k, base in local.items()}
        urls["rust"] = rust + urllib.parse.urlencode({"query": text})
        found.append(Target(name, accept, urls))
    describe = rust + urllib.parse.urlencode({"query": f"DESCRIBE <{project.base}{resource}>"})
    for suffix, accept in (("html", "text/html"), ("ttl", "text/turtle")):
        urls = {k: f"{base}/{resource}.{suffix}" for k, base in local.items()}
        urls["rust"] = describe
        found.append(Target(f"page `{resource}.{suffix}`", accept, urls, "text/turtle"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=REPO)
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--queries", default="", help="canned queries (default: all)")
    parser.add_argument("--param", action="append", default=[], help="name=value for queries")
    parser.add_argument("--resource", default="", help="default: the describe query's default")
    parser.add_argument("--backend", action="store_true", help="also sdglod serve --backend")
    parser.add_argument("--workers", type=int, default=1, help="HTTP processes of sdglod serve")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    project = load_project(args.project)
    store = current_build(project).store_path
    names = args.queries.split(",") if args.queries else sorted(load_queries(project))
    given = dict(p.split("=", 1) for p in args.param)
    resource = args.resource or load_queries(project)["describe"].parameter("resource").default
    levels = [int(c) for c in args.concurrency.split(",")]
    sdglod = [str(Path(sys.executable).with_name("sdglod")), "--project", str(args.project)]
    workers = ["--workers", str(args.workers)]
    kinds = ["cache", "nocache", "rust"]
    if args.backend:
        kinds += ["front1", "front2a", "front2b"]
    ports = {kind: free_port() for kind in kinds}
    rust_query = f"http://127.0.0.1:{ports['rust']}/query"
    commands = {
        "cache": [*sdglod, "serve", *workers, "--port", str(ports["cache"])],
        "nocache": [
            *(*sdglod, "serve", *workers, "--port", str(ports["nocache"])),
            *("--cache-entries", "0"),
        ],
        "rust": [
            *(str(oxigraph_binary()), "serve-read-only", "--location", str(store)),
            *("--bind", f"127.0.0.1:{ports['rust']}", "--union-default-graph"),
        ],
    }
    for kind in kinds[3:]:
        commands[kind] = [*sdglod, "serve", "--port", str(ports[kind]), "--cache-entries", "0"]
        commands[kind] += ["--backend", rust_query]
    rows = []
    with ExitStack() as stack:
        for kind in kinds:
            ready = f"http://127.0.0.1:{ports[kind]}/" + ("" if kind == "rust" else "queries.json")
            stack.enter_context(process(commands[kind], ready))
        for target in targets(project, names, given, resource, ports):
            u = target.urls
            for c in levels:
                measured = {k: wrk(u[k], target.accept_of(k), c, args.duration) for k in kinds[:3]}
                if args.backend:
                    measured["front1"] = wrk(u["front1"], target.accept, c, args.duration)
                    both = [u["front2a"], u["front2b"]]
                    measured["front2"] = wrk_together(both, target.accept, c, args.duration)
                rows.append((target.name, c, measured))
                print(target.name, c, measured, file=sys.stderr, flush=True)
    print(
        "| query | c | sdglod req/s (cache) | p50 / p99 ms | sdglod req/s (no cache) "
        "| p50 / p99 ms | oxigraph req/s | p50 / p99 ms | ÷ oxigraph (cache) "
        "| ÷ oxigraph (no cache) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, c, m in rows:
        rust = m["rust"].rps
        print(
            f"| {name} | {c} | {m['cache'].cells()} | {m['nocache'].cells()} "
            f"| {m['rust'].cells()} | {m['cache'].rps / rust:.2f}× "
            f"| {m['nocache'].rps / rust:.2f}× |"
        )
    if args.backend:
        print()
        print(
            "| query | c | `serve --backend`, 1 front end req/s | p50 / p99 ms "
            "| 2 front ends req/s | p50 / p99 ms | 2 ÷ 1 |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name, c, m in rows:
            ratio = m["front2"].rps / m["front1"].rps
            cells = f"{m['front1'].cells()} | {m['front2'].cells()}"
            print(f"| {name} | {c} | {cells} | {ratio:.2f}× |")


if __name__ == "__main__":
    main()

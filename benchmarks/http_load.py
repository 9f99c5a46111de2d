"""HTTP throughput and latency: ``sdglod serve`` vs ``oxigraph serve-read-only`` on one store.

Usage: .venv/bin/python benchmarks/http_load.py [--project DIR] [--duration S]
       [--concurrency 1,8,32] [--queries a,b] [--param name=value …] [--backend] [--virtuoso]
       [--workers N]

Both servers serve the same store (the project's current build: run ``sdglod build`` first) on
127.0.0.1; ``wrk`` (Debian) is the load generator, one thread. Each canned query is asked with
its defaults (or ``--param`` values): of sdglod at ``/queries/<name>.json``, with the cost guard
on (worker pool, time and row limits), of the Rust server at ``/query`` with the same SPARQL
(the values bound by a VALUES block). sdglod is measured with its answer cache (the default: a
build's data never changes) and without (``--cache-entries 0``: every request runs the query).
A resource's HTML page and Turtle document are measured against the Rust server's DESCRIBE of
the same IRI (the nearest it has). ``--backend`` adds ``sdglod serve --backend`` over the Rust
server, without cache, with one front-end process and with two (two ``wrk`` at once, each with
half the connections; the table adds up their requests). ``--virtuoso`` starts a Virtuoso 7
(``tests/virtuoso_server.py``, a new database), puts each named graph of the build's
``dist/dataset.nq`` into it, and adds ``sdglod serve --backend`` over it (one front end, no
cache) with Virtuoso asked the same SPARQL directly as its reference (``/sparql?query=``, as
the Rust server is asked, but with the parameters bound as sdglod binds them for a remote
store, as constants or BINDs, since Virtuoso 7.2 stops answering anyone on some queries with
a VALUES block; and without sdglod's dataset parameters). Before timing, each SELECT's rows
through sdglod and from Virtuoso directly are counted, and a difference is flagged (⚠) in
that table. A query that fails or times out there is not timed; one that leaves Virtuoso
unable to answer (Virtuoso 7 goes on with a query whose client has gone) has Virtuoso and its
front end started again, and the table says so. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from oxigraph_server import free_port, oxigraph_binary  # noqa: E402

from sdglod.build import Build, current_build  # noqa: E402
from sdglod.project import Project, load_project  # noqa: E402
from sdglod.query.catalogue import load_queries  # noqa: E402
from sdglod.query.remote import bind_in_text  # noqa: E402
from sdglod.query.sparql_text import insert_values  # noqa: E402

JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
DIRECT = ("rust", "virtuoso")  # SPARQL stores asked directly
VIRTUOSO_KINDS = ("virtuoso-front", "virtuoso")  # sdglod serve --backend <Virtuoso>; Virtuoso
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
WRK_TIMEOUT = 30  # seconds; wrk's own 2 s counts a page over Virtuoso at c=32 as an error
COUNT_TIMEOUT = 30  # seconds for the rows of one query before timing


@dataclass
class Measured:
    rps: float
    p50: float  # ms
    p99: float  # ms

    def cells(self) -> str:
        if self.rps == 0:  # not one answer within the duration
            return "0 | none answered"
        return f"{self.rps:,.0f} | {self.p50:.2f} / {self.p99:.2f}"


@dataclass
class Target:
    """One thing to ask: its row name, the Accept header, and a URL per server."""

    name: str
    accept: str
    urls: dict[str, str]
    rust_accept: str = ""  # when the stores asked directly are asked for something else
    path: str = ""  # of sdglod serve, with its query string
    sparql: str = ""  # what Virtuoso is asked directly: bound as sdglod binds for a store
    select: bool = False  # a SELECT: its rows can be counted

    def accept_of(self, kind: str) -> str:
        return (self.rust_accept or self.accept) if kind in DIRECT else self.accept


def wait(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with _NO_PROXY.open(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


@contextmanager
def process(command: list[str], ready: str) -> Iterator[None]:
    env = {**os.environ}
    env["no_proxy"] = env["NO_PROXY"] = ",".join(filter(None, [env.get("no_proxy"), "127.0.0.1"]))
    child = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=env,  # a --backend on loopback, never via a proxy
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
        [
            *("wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"),
            *("--timeout", f"{WRK_TIMEOUT}s", "-H", accept, url),
        ],
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
        select = query.form == "SELECT"
        remote = bind_in_text(query.text, bound)  # no VALUES block: Virtuoso 7.2 may hang on one
        found.append(Target(name, accept, urls, path=tail, sparql=remote, select=select))
    describe = f"DESCRIBE <{project.base}{resource}>"
    for suffix, accept in (("html", "text/html"), ("ttl", "text/turtle")):
        path = f"/{resource}.{suffix}"
        urls = {k: base + path for k, base in local.items()}
        urls["rust"] = rust + urllib.parse.urlencode({"query": describe})
        name = f"page `{resource}.{suffix}`"
        found.append(Target(name, accept, urls, "text/turtle", path=path, sparql=describe))
    return found


def rows(url: str) -> int | str:
    """The rows of a SELECT's SPARQL JSON results at ``url``, or what went wrong."""
    request = urllib.request.Request(url, headers={"Accept": JSON_RESULTS})
    try:
        with _NO_PROXY.open(request, timeout=COUNT_TIMEOUT) as response:
            return len(json.load(response)["results"]["bindings"])
    except urllib.error.HTTPError as err:
        return f"HTTP {err.code}"
    except TimeoutError:
        return "timed out"
    except urllib.error.URLError as err:
        return "timed out" if isinstance(err.reason, TimeoutError) else "no answer"
    except (OSError, ValueError, KeyError, TypeError):
        return "unreadable"


def start_virtuoso(
    stack: ExitStack, build: Build, group: tuple[str, list[str]] | None = None
) -> str:
    """A new Virtuoso holding ``build`` (each named graph of its ``dataset.nq`` put through the
    Graph Store Protocol), stopped when ``stack`` closes; its query URL. ``group``: a graph
    group (IRI, member graphs) to make there, for ``--union-graph``."""
    from virtuoso_server import VirtuosoServer, virtuoso_missing

    missing = virtuoso_missing()
    if missing is not None:
        sys.exit(f"--virtuoso: {missing}")
    folder = Path(stack.enter_context(TemporaryDirectory(prefix="http-load-virtuoso-")))
    server = VirtuosoServer(folder)
    stack.callback(server.stop)
    print("starting Virtuoso …", file=sys.stderr, flush=True)
    server.start()
    server.load(build.dist_path / "dataset.nq")  # and checks that every statement arrived
    if group is not None:
        server.graph_group(*group)
    held = server.data_graphs()
    count = sum(held.values())
    print(f"Virtuoso holds {count} triples in {len(held)} graphs", file=sys.stderr, flush=True)
    return server.query_url


class VirtuosoRig:
    """A Virtuoso holding the build and ``sdglod serve --backend`` over it (one front end, no
    cache), both started again (on new ports) when Virtuoso no longer answers: Virtuoso 7 goes
    on with a query whose client has gone, and a runaway one holds it for minutes."""

    def __init__(self, build: Build, sdglod: list[str], group: tuple[str, list[str]] | None):
        self.build = build
        self.sdglod = sdglod
        self.group = group  # the graph group the front end asks (--union-graph), if any
        self.stack = ExitStack()
        self.query_url = self.front_url = ""
        self.restarts: list[str] = []  # why Virtuoso was started again

    def start(self) -> VirtuosoRig:
        self.query_url = start_virtuoso(self.stack, self.build, self.group)
        port = free_port()
        self.front_url = f"http://127.0.0.1:{port}"
        command = [*self.sdglod, "serve", "--port", str(port), "--cache-entries", "0"]
        command += ["--backend", self.query_url]
        if self.group is not None:
            command += ["--union-graph", self.group[0]]
        self.stack.enter_context(process(command, f"{self.front_url}/queries.json"))
        return self

    def close(self) -> None:
        stack, self.stack = self.stack, ExitStack()
        stack.close()

    def url(self, kind: str, target: Target) -> str:
        if kind == "virtuoso":
            return f"{self.query_url}?" + urllib.parse.urlencode({"query": target.sparql})
        return self.front_url + target.path

    def recover(self, after: str, timed_out: bool) -> None:
        """Virtuoso and its front end started again after a request that timed out (its query
        may still run, and Virtuoso may stop answering only later) or if Virtuoso no longer
        answers ``ASK {}``."""
        if not timed_out:
            try:
                with _NO_PROXY.open(f"{self.query_url}?query=ASK%7B%7D", timeout=10):
                    return
            except OSError:
                pass
        print(f"Virtuoso started again after {after}", file=sys.stderr, flush=True)
        self.restarts.append(after)
        self.close()
        self.start()


def measure(url: str, accept: str, connections: int, duration: int) -> Measured | str:
    """``wrk`` of one URL of the Virtuoso columns (sdglod over Virtuoso, Virtuoso itself): an
    error is shown in its cell and on stderr, not fatal."""
    try:
        return wrk(url, accept, connections, duration)
    except (RuntimeError, subprocess.CalledProcessError) as err:
        print(f"{err}", file=sys.stderr, flush=True)
        return "errors"


def cells(measured: Measured | str) -> str:
    return measured.cells() if isinstance(measured, Measured) else f"{measured} | —"


def times(a: Measured | str, b: Measured | str) -> str:
    if isinstance(a, Measured) and isinstance(b, Measured) and b.rps:
        return f"{a.rps / b.rps:.2f}×"
    return "—"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=REPO)
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--queries", default="", help="canned queries (default: all)")
    parser.add_argument("--param", action="append", default=[], help="name=value for queries")
    parser.add_argument("--resource", default="", help="default: the describe query's default")
    parser.add_argument("--backend", action="store_true", help="also sdglod serve --backend")
    parser.add_argument(
        "--union-graph",
        action="store_true",
        help="with --virtuoso: the front end asks a graph group of the project's graphs",
    )
    parser.add_argument(
        "--virtuoso", action="store_true", help="also sdglod serve --backend over Virtuoso 7"
    )
    parser.add_argument("--workers", type=int, default=1, help="HTTP processes of sdglod serve")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    project = load_project(args.project)
    build = current_build(project)
    store = build.store_path
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
    table = []
    counted: dict[str, str] = {}  # target → rows embedded / over Virtuoso / Virtuoso (⚠ differ)
    skipped: dict[tuple[str, str], str] = {}  # (target, Virtuoso kind) → why it is not timed
    with ExitStack() as stack:
        for kind in kinds:
            ready = f"http://127.0.0.1:{ports[kind]}/" + ("" if kind == "rust" else "queries.json")
            stack.enter_context(process(commands[kind], ready))
        found = targets(project, names, given, resource, ports)
        rig = None
        if args.virtuoso:
            group = None
            if args.union_graph:
                group = (f"{project.base}graph/", [area.iri for area in project.areas])
            rig = VirtuosoRig(build, sdglod, group)
            stack.callback(rig.close)
            rig.start()
            for target in found:
                if target.select:
                    counted[target.name] = row_counts(target, rig, skipped)
        for target in found:
            u = target.urls
            for c in levels:
                measured = {k: wrk(u[k], target.accept_of(k), c, args.duration) for k in kinds[:3]}
                if args.backend:
                    measured["front1"] = wrk(u["front1"], target.accept, c, args.duration)
                    both = [u["front2a"], u["front2b"]]
                    measured["front2"] = wrk_together(both, target.accept, c, args.duration)
                for kind in VIRTUOSO_KINDS if rig else ():
                    if (target.name, kind) in skipped:
                        measured[kind] = skipped[target.name, kind]
                        continue
                    url, accept = rig.url(kind, target), target.accept_of(kind)
                    measured[kind] = measure(url, accept, c, args.duration)
                    if not isinstance(measured[kind], Measured) or not measured[kind].rps:
                        rig.recover(f"{target.name} ({kind}, c={c})", timed_out=True)
                table.append((target.name, c, measured))
                print(target.name, c, measured, file=sys.stderr, flush=True)
    print(
        "| query | c | sdglod req/s (cache) | p50 / p99 ms | sdglod req/s (no cache) "
        "| p50 / p99 ms | oxigraph req/s | p50 / p99 ms | ÷ oxigraph (cache) "
        "| ÷ oxigraph (no cache) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, c, m in table:
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
        for name, c, m in table:
            ratio = m["front2"].rps / m["front1"].rps
            both = f"{m['front1'].cells()} | {m['front2'].cells()}"
            print(f"| {name} | {c} | {both} | {ratio:.2f}× |")
    if rig:
        print_virtuoso(table, counted, args.backend, rig.restarts)


def row_counts(target: Target, rig: VirtuosoRig, skipped: dict[tuple[str, str], str]) -> str:
    """A SELECT's rows from sdglod's embedded store, from sdglod over Virtuoso and from
    Virtuoso asked directly: a warning if the last two differ. One that fails is not timed."""
    embedded = rows(target.urls["nocache"])
    found = {}
    for kind in VIRTUOSO_KINDS:
        found[kind] = rows(rig.url(kind, target))
        if isinstance(found[kind], str):
            skipped[target.name, kind] = f"not timed ({found[kind]})"
            timed_out = found[kind] == "timed out"
            rig.recover(f"{target.name} ({kind}, counting rows: {found[kind]})", timed_out)
    over, direct = found.values()
    text = f"{embedded} / {over} / {direct}"
    if over != direct:
        print(f"warning: {target.name}: rows {text}", file=sys.stderr, flush=True)
        return f"⚠ {text}"
    return text


def print_virtuoso(table: list, counted: dict[str, str], backend: bool, restarts: list) -> None:
    print()
    print(
        "| query | c | rows: embedded / over Virtuoso / Virtuoso "
        "| `serve --backend` Virtuoso req/s | p50 / p99 ms | Virtuoso req/s | p50 / p99 ms "
        "| ÷ Virtuoso |" + (" `serve --backend` Oxigraph req/s | p50 / p99 ms |" if backend else "")
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" + " ---: | ---: |" * backend)
    for name, c, m in table:
        front, direct = m["virtuoso-front"], m["virtuoso"]
        line = f"| {name} | {c} | {counted.get(name, '—')} | {cells(front)} | {cells(direct)} "
        line += f"| {times(front, direct)} |"
        if backend:
            line += f" {m['front1'].cells()} |"
        print(line)
    if restarts:
        print()
        print(f"Virtuoso (and sdglod over it) started again after: {'; '.join(restarts)}.")


if __name__ == "__main__":
    main()

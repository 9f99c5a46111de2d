"""HTTP throughput and latency: ``sdglod serve`` vs ``oxigraph serve-read-only`` on one store.

Usage: .venv/bin/python benchmarks/http_load.py [--project DIR] [--duration S]
       [--concurrency 8,64] [--queries a,b] [--param name=value …] [--resource PATH]
       [--backend] [--virtuoso] [--lookup-threads-compare] [--workers N] [--json FILE]
       .venv/bin/python benchmarks/http_load.py --plot PNG JSON [JSON …]

Both servers serve the same store (the project's current build: run ``sdglod build`` first) on
127.0.0.1; ``wrk`` (Debian) is the load generator, one thread. sdglod runs ``--workers`` HTTP
processes (default 2, one per core of the 2-core machine the targets were set on), with the
per-client ``/sparql`` share and queue raised to the highest concurrency (``wrk`` is one
client: the defaults would answer 429 and 503). The targets:

- each canned query with its defaults (or ``--param`` values): of sdglod at
  ``/queries/<name>.json``, with the cost guard on (worker pool, time and row limits), of the Rust
  server at ``/query`` with the same SPARQL (the values bound by a VALUES block);
- ``sparql point``: the SPARQL of ``event-outcomes`` with its parameters written in as
  constants, sent as ``GET /sparql?query=`` to sdglod and as ``/query?query=`` to the Rust server;
  ``sparql aggregate``: outcomes per SDG goal over a property path, GROUP BY, sent the same way;
- a resource's HTML page and Turtle document, against the Rust server's DESCRIBE of the same
  IRI (the nearest it has).

sdglod is measured with its answer cache (the default: a build's data never changes) and without
(``--cache-entries 0``: every request runs the query); ``--lookup-threads-compare`` adds it
without cache and with ``--lookup-threads 0`` (every query through a worker process: the path
before lookup threads), for before/after in one run. Before any timing, every target but the
HTML page is fetched once from each server and its answer counted (SELECT: bindings; ASK: 1;
graphs: distinct triples, asked as N-Triples; the Turtle document against the Rust server's
answer to sdglod's own document query, as it holds more than a DESCRIBE): a difference from the
Rust server (as when it runs without ``--union-default-graph`` and answers nothing, fast) is
flagged ⚠ in the table, warned on stderr, and makes the script exit with status 1 once
everything is printed. After the tables, ``### Targets`` checks the performance targets (speed
is asserted here, never in tests; one not met leaves the exit status 0). ``--json FILE`` writes
every measurement with the triples, date, commit and machine; ``--plot PNG JSON …`` (no
servers) draws sdglod ÷ oxigraph per target from such files, one panel per file (size); it
needs matplotlib (the ``bench`` extra).

``--backend`` adds ``sdglod serve --backend`` over the Rust server, without cache, with one
front-end process and with two (two ``wrk`` at once, each with half the connections; the table
adds up their requests). ``--virtuoso`` starts a Virtuoso 7 (``tests/virtuoso_server.py``, a new
database), puts each named graph of the build's ``dist/dataset.nq`` into it, and adds ``sdglod
serve --backend`` over it (one front end, no cache) with Virtuoso asked the same SPARQL directly
as its reference (``/sparql?query=``, as the Rust server is asked, but with the parameters bound
as sdglod binds them for a remote store, as constants or BINDs, since Virtuoso 7.2 stops
answering anyone on some queries with a VALUES block; and without sdglod's dataset parameters).
Before timing, each SELECT's rows through sdglod and from Virtuoso directly are counted, and a
difference is flagged (⚠) in that table. A query that fails or times out there is not timed; one
that leaves Virtuoso unable to answer (Virtuoso 7 goes on with a query whose client has gone) has
Virtuoso and its front end started again, and the table says so. Prints Markdown tables.
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

import pyoxigraph

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from oxigraph_server import free_port, oxigraph_binary  # noqa: E402

from sdglod.build import Build, current_build  # noqa: E402
from sdglod.project import Project, load_project  # noqa: E402
from sdglod.query.catalogue import load_queries  # noqa: E402
from sdglod.query.remote import bind_in_text  # noqa: E402
from sdglod.query.sparql_text import insert_values  # noqa: E402
from sdglod.web.page_queries import describe_query  # noqa: E402

JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
DIRECT = ("rust", "virtuoso")  # SPARQL stores asked directly
VIRTUOSO_KINDS = ("virtuoso-front", "virtuoso")  # sdglod serve --backend <Virtuoso>; Virtuoso
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
WRK_TIMEOUT = 30  # seconds; wrk's own 2 s counts a page over Virtuoso at c=32 as an error
COUNT_TIMEOUT = 30  # seconds for the rows of one query before timing
SPARQL_POINT, SPARQL_AGGREGATE = "sparql point", "sparql aggregate"
POINT_QUERIES = ("describe", "event-outcomes", "resource-sources")  # canned point queries
AGGREGATE = (
    "PREFIX sdglod: <https://w3id.org/sdglod/ontology#> "
    "PREFIX sdgo: <http://metadata.un.org/sdg/ontology#> "
    "SELECT ?goal (COUNT(DISTINCT ?outcome) AS ?n) "
    "WHERE { ?outcome sdglod:servesTarget/sdgo:isTargetOf ?goal } GROUP BY ?goal ORDER BY ?goal"
)
KINDS = {  # the servers measured, by the name the JSON gives them
    "cache": "sdglod serve",
    "nocache": "sdglod serve --cache-entries 0",
    "nocache0": "sdglod serve --cache-entries 0 --lookup-threads 0",
    "rust": "oxigraph serve-read-only --union-default-graph",
    "front1": "sdglod serve --backend <oxigraph> --cache-entries 0, one process",
    "front2": "the same, two processes (a wrk each, their req/s added up)",
    "virtuoso-front": "sdglod serve --backend <Virtuoso> --cache-entries 0",
    "virtuoso": "Virtuoso 7 asked directly",
}


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
    answer: str = "select"  # select, ask, graph or html: how its rows are counted
    role: str = ""  # point, aggregate, html or ttl: which performance targets apply
    count_urls: dict[str, str] | None = None  # where rows are counted, if not at ``urls``

    @property
    def select(self) -> bool:
        return self.answer == "select"

    def accept_of(self, kind: str) -> str:
        return (self.rust_accept or self.accept) if kind in DIRECT else self.accept

    def count_accept(self) -> str:
        return N_TRIPLES if self.answer == "graph" else JSON_RESULTS


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
        answer = {"SELECT": "select", "ASK": "ask"}.get(query.form, "graph")
        role = "point" if name in POINT_QUERIES else ""
        remote = bind_in_text(query.text, bound)  # no VALUES block: Virtuoso 7.2 may hang on one
        found.append(Target(name, accept, urls, path=tail, sparql=remote, answer=answer, role=role))
    if "event-outcomes" in queries:
        query = queries["event-outcomes"]
        params = {k: v for k, v in given.items() if query.parameter(k)}
        point = bind_in_text(query.text, query.bind(params, project.base, {}))
        found.append(sparql_target(SPARQL_POINT, point, local, rust, "point"))
    else:
        print(f"no event-outcomes query: no {SPARQL_POINT!r}", file=sys.stderr, flush=True)
    found.append(sparql_target(SPARQL_AGGREGATE, AGGREGATE, local, rust, "aggregate"))
    describe = f"DESCRIBE <{project.base}{resource}>"
    for suffix, accept, answer in (("html", "text/html", "html"), ("ttl", "text/turtle", "graph")):
        path = f"/{resource}.{suffix}"
        urls = {k: base + path for k, base in local.items()}
        urls["rust"] = rust + urllib.parse.urlencode({"query": describe})
        name = f"page `{resource}.{suffix}`"
        target = Target(name, accept, urls, "text/turtle", path, describe, answer, role=suffix)
        # sdglod's document holds more than a DESCRIBE (statements about the resource, its
        # #parts): its rows are checked against the Rust server's answer to its own query.
        document = describe_query(f"{project.base}{resource}")
        target.count_urls = {"rust": rust + urllib.parse.urlencode({"query": document})}
        found.append(target)
    return found


def sparql_target(name: str, text: str, local: dict[str, str], rust: str, role: str) -> Target:
    """``text`` sent as ``GET /sparql?query=`` to sdglod, ``/query?query=`` to the Rust server."""
    path = "/sparql?" + urllib.parse.urlencode({"query": text})
    urls = {k: base + path for k, base in local.items()}
    urls["rust"] = rust + urllib.parse.urlencode({"query": text})
    return Target(name, JSON_RESULTS, urls, path=path, sparql=text, role=role)


def rows(url: str, accept: str = JSON_RESULTS) -> int | str:
    """The rows of the answer at ``url`` (SELECT: bindings; ASK: 1; a graph, in whatever RDF
    format it comes: distinct triples), or what went wrong."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with _NO_PROXY.open(request, timeout=COUNT_TIMEOUT) as response:
            media_type, body = response.headers.get_content_type(), response.read()
        if media_type == JSON_RESULTS:
            results = json.loads(body)
            return 1 if "boolean" in results else len(results["results"]["bindings"])
        rdf = pyoxigraph.RdfFormat.from_media_type(media_type)
        if rdf is None:
            return "unreadable"
        # Distinct: a store may write a statement held in two named graphs twice.
        return len(set(pyoxigraph.parse(body, rdf, base_iri=url)))
    except urllib.error.HTTPError as err:
        return f"HTTP {err.code}"
    except TimeoutError:
        return "timed out"
    except urllib.error.URLError as err:
        return "timed out" if isinstance(err.reason, TimeoutError) else "no answer"
    except (OSError, ValueError, KeyError, TypeError, SyntaxError):
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
    parser.add_argument("--concurrency", default="8,64")
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
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="HTTP processes of sdglod serve (2: one per core of the 2-core benchmark machine)",
    )
    parser.add_argument(
        "--lookup-threads-compare",
        action="store_true",
        help="also sdglod serve --cache-entries 0 --lookup-threads 0 (the path before)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write every measurement")
    parser.add_argument(
        "--plot",
        nargs="+",
        metavar="FILE",
        help="PNG JSON [JSON …]: only draw sdglod ÷ oxigraph from --json files (no servers)",
    )
    args = parser.parse_args()
    if args.plot:
        if len(args.plot) < 2:
            parser.error("--plot PNG JSON [JSON …]")
        plot(Path(args.plot[0]), [Path(name) for name in args.plot[1:]])
        return
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
    # wrk is one client: without these, /sparql answers 429 past 2 queries at once (the share
    # of one client) and 503 past 16 waiting.
    top = max(levels)
    share = ["--client-queries", str(max(2, top)), "--query-queue", str(max(16, top))]
    serve = [*sdglod, "serve", "--workers", str(args.workers), *share]
    timed = ["cache", "nocache", *(["nocache0"] if args.lookup_threads_compare else []), "rust"]
    fronts = ["front1", "front2a", "front2b"] if args.backend else []
    kinds = timed + fronts
    ports = {kind: free_port() for kind in kinds}
    rust_query = f"http://127.0.0.1:{ports['rust']}/query"
    nocache = ["--cache-entries", "0"]
    commands = {
        "cache": [*serve, "--port", str(ports["cache"])],
        "nocache": [*serve, "--port", str(ports["nocache"]), *nocache],
        "rust": [
            *(str(oxigraph_binary()), "serve-read-only", "--location", str(store)),
            *("--bind", f"127.0.0.1:{ports['rust']}", "--union-default-graph"),
        ],
    }
    if "nocache0" in ports:  # every query through a worker process: the path before
        commands["nocache0"] = [*serve, "--port", str(ports["nocache0"]), *nocache]
        commands["nocache0"] += ["--lookup-threads", "0"]
    for kind in fronts:
        commands[kind] = [*sdglod, "serve", *share, "--port", str(ports[kind]), *nocache]
        commands[kind] += ["--backend", rust_query]
    table: list[tuple[str, int, dict[str, Measured | str]]] = []
    counted: dict[str, str] = {}  # target → rows embedded / over Virtuoso / Virtuoso (⚠ differ)
    skipped: dict[tuple[str, str], str] = {}  # (target, Virtuoso kind) → why it is not timed
    with ExitStack() as stack:
        for kind in kinds:
            ready = f"http://127.0.0.1:{ports[kind]}/" + ("" if kind == "rust" else "queries.json")
            stack.enter_context(process(commands[kind], ready))
        found = targets(project, names, given, resource, ports)
        counts = count_rows(found, kinds)  # before any timing
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
                measured: dict[str, Measured | str] = {
                    k: wrk(u[k], target.accept_of(k), c, args.duration) for k in timed
                }
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
    print_main(table, counts, args.lookup_threads_compare)
    if args.backend:
        print()
        print(
            "| query | c | `serve --backend`, 1 front end req/s | p50 / p99 ms "
            "| 2 front ends req/s | p50 / p99 ms | 2 ÷ 1 | 1 ÷ oxigraph |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name, c, m in table:
            both = f"{m['front1'].cells()} | {m['front2'].cells()}"
            ratios = f"{times(m['front2'], m['front1'])} | {times(m['front1'], m['rust'])}"
            print(f"| {name} | {c} | {both} | {ratios} |")
    if rig:
        print_virtuoso(table, counted, args.backend, rig.restarts)
    checks = check_targets(table, found, args.backend)
    print_checks(checks)
    if args.json:
        run = {
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "commit": git("rev-parse", "--short", "HEAD"),
            "modified": bool(git("diff", "--name-only", "HEAD", "--")),  # the tree, not HEAD
            "command": "python benchmarks/http_load.py " + " ".join(sys.argv[1:]),
            "project": str(args.project),
            "triples": build.manifest.triples,
            "workers": args.workers,
            "cpu_count": os.cpu_count(),
            "duration": args.duration,
            "concurrency": levels,
            "kinds": {k: v for k, v in KINDS.items() if any(k in m for _, _, m in table)},
            "measurements": measurements(table, counts),
            "targets": checks,
        }
        args.json.write_text(json.dumps(run, indent=1, ensure_ascii=False) + "\n", "utf-8")
        print(f"wrote {args.json}", file=sys.stderr)
    if differ := [name for name, found_rows in counts.items() if differing(found_rows)]:
        print(f"rows differ ({', '.join(differ)}): exit status 1", file=sys.stderr)
        sys.exit(1)


def git(*command: str) -> str:
    done = subprocess.run(["git", *command], cwd=REPO, capture_output=True, text=True)
    return done.stdout.strip()


def count_rows(found: list[Target], kinds: list[str]) -> dict[str, dict[str, int | str]]:
    """Each target's rows from every server, the HTML page's excepted; a warning on stderr
    where a server's differ from the Rust server's (or none of them has any)."""
    counts = {}
    for target in found:
        if target.answer == "html":
            continue
        urls = target.urls | (target.count_urls or {})
        accept = target.count_accept()
        counts[target.name] = found_rows = {k: rows(urls[k], accept) for k in kinds}
        if bad := differing(found_rows):
            text = ", ".join(f"{k} {found_rows[k]}" for k in bad)
            print(
                f"warning: {target.name}: rows {text}, oxigraph {found_rows['rust']}",
                file=sys.stderr,
                flush=True,
            )
        elif found_rows["rust"] == 0:
            print(f"warning: {target.name}: no rows anywhere", file=sys.stderr, flush=True)
    return counts


def differing(found_rows: dict[str, int | str]) -> list[str]:
    """The servers whose rows are not the Rust server's, or that gave none (an error)."""
    rust = found_rows["rust"]
    return [k for k, n in found_rows.items() if not isinstance(n, int) or n != rust]


def print_main(table: list, counts: dict[str, dict[str, int | str]], before: bool) -> None:
    """sdglod with and without its cache (and with ``--lookup-threads 0``) vs oxigraph."""
    kinds = ["cache", "nocache", *(["nocache0"] if before else []), "rust"]
    heads = {
        "cache": "sdglod req/s (cache)",
        "nocache": "sdglod req/s (no cache)",
        "nocache0": "sdglod req/s (no cache, `--lookup-threads 0`)",
        "rust": "oxigraph req/s",
    }
    ratios = {"cache": "cache", "nocache": "no cache", "nocache0": "`--lookup-threads 0`"}
    head = ["query", "c", "rows sdglod / oxigraph"]
    for kind in kinds:
        head += [heads[kind], "p50 / p99 ms"]
    head += [f"÷ oxigraph ({ratios[kind]})" for kind in kinds[:-1]]
    print("| " + " | ".join(head) + " |")
    print("| --- |" + " ---: |" * (len(head) - 1))
    for name, c, m in table:
        found_rows = counts.get(name)
        cell = "—"
        if found_rows is not None:
            cell = f"{found_rows['nocache']} / {found_rows['rust']}"
            cell = f"⚠ {cell}" if differing(found_rows) else cell
        line = [name, str(c), cell, *(m[kind].cells() for kind in kinds)]
        line += [times(m[kind], m["rust"]) for kind in kinds[:-1]]
        print("| " + " | ".join(line) + " |")


def check_targets(table: list, found: list[Target], backend: bool) -> list[dict]:
    """Each performance target against each row of the table it applies to."""
    roles = {target.name: target.role for target in found}
    # (what, roles it applies to, server kind, measure, bound): ratio and req/s are minimums,
    # p99 (ms) a maximum; ratios are to the Rust server's req/s for the same row.
    specs = [
        ("uncached point query ÷ oxigraph", ("point",), "nocache", "ratio", 0.5),
        ("uncached point query p99", ("point",), "nocache", "p99", 15.0),
        ("cached point query or RDF document ÷ oxigraph", ("point", "ttl"), "cache", "ratio", 1),
        ("uncached HTML page", ("html",), "nocache", "rps", 2000),
        ("uncached HTML page p99", ("html",), "nocache", "p99", 20.0),
        ("cached HTML page ÷ oxigraph DESCRIBE", ("html",), "cache", "ratio", 1),
        ("uncached aggregate ÷ oxigraph", ("aggregate",), "nocache", "ratio", 2),
    ]
    if backend:
        specs.append(
            ("`serve --backend` point query ÷ oxigraph", ("point",), "front1", "ratio", 0.5)
        )
    checks = []
    for what, applies, kind, measure_name, bound in specs:
        for name, c, m in table:
            if roles.get(name) not in applies:
                continue
            got, rust = m[kind], m["rust"]
            value: float | None = None
            if isinstance(got, Measured) and got.rps:
                if measure_name == "ratio":
                    value = got.rps / rust.rps if rust.rps else None
                else:
                    value = got.p99 if measure_name == "p99" else got.rps
            met = value is not None and (
                value <= bound if measure_name == "p99" else value >= bound
            )
            checks.append(
                {"check": what, "target": name, "c": c, "measure": measure_name}
                | {"value": value, "bound": bound, "met": met}
            )
    return checks


def print_checks(checks: list[dict]) -> None:
    units = {
        "ratio": ("{:.2f}×", "≥ {:g}×"),
        "p99": ("{:.2f} ms", "≤ {:g} ms"),
        "rps": ("{:,.0f} /s", "≥ {:,.0f} /s"),
    }
    print()
    print("### Targets")
    print()
    print("| target | query | c | measured | wanted | |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for check in checks:
        shown, wanted = units[check["measure"]]
        value = "none answered" if check["value"] is None else shown.format(check["value"])
        verdict = "met" if check["met"] else "NOT met"
        print(
            f"| {check['check']} | {check['target']} | {check['c']} | {value} "
            f"| {wanted.format(check['bound'])} | {verdict} |"
        )


def measurements(table: list, counts: dict[str, dict[str, int | str]]) -> list[dict]:
    """Every cell of the tables, for ``--json``: rows as that server gave them before timing
    (the two front ends' together: the first's; Virtuoso's are in its table only)."""
    found = []
    for name, c, m in table:
        for kind, got in m.items():
            n = counts.get(name, {}).get("front2a" if kind == "front2" else kind)
            entry = {"target": name, "kind": kind, "c": c, "rows": n}
            if isinstance(got, Measured):
                entry |= {"rps": got.rps, "p50": got.p50, "p99": got.p99}
            else:
                entry |= {"rps": None, "p50": None, "p99": None, "error": got}
            found.append(entry)
    return found


def plot(path: Path, files: list[Path]) -> None:
    """sdglod ÷ oxigraph req/s per target, uncached and cached at each c, log y; one panel per
    ``--json`` file (size)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is missing (pip install -e '.[bench]'): no plot", file=sys.stderr)
        return
    runs = [json.loads(name.read_text("utf-8")) for name in files]
    figure, axes = plt.subplots(
        1, len(runs), figsize=(8 * len(runs), 5), squeeze=False, sharey=True
    )
    colours = plt.get_cmap("tab20").colors  # pairs: dark (cached), light (uncached)
    for axis, run in zip(axes[0], runs, strict=True):
        rps = {(e["target"], e["kind"], e["c"]): e["rps"] for e in run["measurements"]}
        names = list(dict.fromkeys(e["target"] for e in run["measurements"]))
        series = [(c, kind) for c in run["concurrency"] for kind in ("nocache", "cache")]
        width = 0.8 / len(series)
        for i, (c, kind) in enumerate(series):
            ratios = []
            for name in names:
                ours, rust = rps.get((name, kind, c)), rps.get((name, "rust", c))
                ratios.append(ours / rust if ours and rust else float("nan"))
            xs = [j + (i - (len(series) - 1) / 2) * width for j in range(len(names))]
            state = "cached" if kind == "cache" else "uncached"
            colour = colours[(2 * (i // 2)) % 20 + (kind == "nocache")]
            axis.bar(xs, ratios, width, label=f"{state}, c={c}", color=colour)
        axis.set_yscale("log")
        for level, style in ((0.5, "grey"), (1.0, "black")):
            axis.axhline(level, linestyle="--", linewidth=1, color=style)
        axis.set_xticks(range(len(names)), [short(name) for name in names])
        axis.tick_params(axis="x", labelrotation=30)
        for label in axis.get_xticklabels():
            label.set_horizontalalignment("right")
        axis.set_title(f"{run['triples']:,} triples ({run['commit']}, {run['date']})")
        axis.set_ylabel("sdglod req/s ÷ oxigraph req/s")
        axis.grid(True, axis="y", which="both", alpha=0.3)
        axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    print(f"wrote {path}")


def short(name: str) -> str:
    """A target's name for an axis: ``page `id/event/e1.html``` → ``page .html``."""
    return f"page .{name.rstrip('`').rsplit('.', 1)[1]}" if name.startswith("page ") else name


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

"""A real Virtuoso 7 (``virtuoso-t``, Debian's ``virtuoso-opensource-7-bin``) on 127.0.0.1: the
second SPARQL store of the tests, beside Oxigraph's server.

:class:`VirtuosoServer` writes a minimal ``virtuoso.ini`` into a folder of its own (database,
log and web root there, SQL and HTTP ports free on loopback), starts ``virtuoso-t -f``, waits
for "Server online", lets the anonymous SPARQL user write (for the plain Graph Store and Update
URLs; ``sparql-graph-crud-auth`` asks for digest authentication as ``dba``) and always stops the
process. ``make test`` installs Virtuoso as root; where it is missing the tests that need it
skip and say so.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from oxigraph_server import HOST, free_port, stop_process
from pyoxigraph import RdfFormat, parse

READY_WITHIN = 90.0  # seconds: a new database takes about 15 s here
ADMIN = ("dba", "dba")  # a new database's administrator (digest authentication)
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))

_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = {host}:{sql}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {folder}
[HTTPServer]
ServerPort = {host}:{http}
ServerRoot = {folder}/www
MaxClientConnections = 10
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
"""


def virtuoso_missing() -> str | None:
    """Why Virtuoso cannot be started here, or None."""
    for binary in ("virtuoso-t", "isql-vt"):
        if shutil.which(binary) is None:
            return f"{binary} is not installed (`make servers` installs Virtuoso as root)"
    return None


class VirtuosoServer:
    """A ``virtuoso-t`` process with its own database in ``folder``."""

    def __init__(self, folder: Path, max_rows: int = 100_000):
        self.folder = folder
        self.max_rows = max_rows  # ResultSetMaxRows: answers are cut there, without a word
        self.log = folder / "server.log"
        self.sql_port = 0
        self.http_port = 0
        self.process: subprocess.Popen | None = None
        self.system_graphs: set[str] = set()  # Virtuoso's own, in its default graph too
        self._groups: set[str] = set()  # graph groups made by graph_group()

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.http_port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/sparql"

    @property
    def update_url(self) -> str:
        """SPARQL Update goes to the same URL as queries."""
        return f"{self.base_url}/sparql"

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol, open to the anonymous SPARQL user."""
        return f"{self.base_url}/sparql-graph-crud"

    @property
    def auth_store_url(self) -> str:
        """The Graph Store Protocol behind digest authentication (``ADMIN``)."""
        return f"{self.base_url}/sparql-graph-crud-auth"

    def start(self, attempts: int = 3, keep: bool = False) -> VirtuosoServer:
        """Start on free ports and wait until it is online; retry if a port was taken.
        ``keep``: start on the database already there (after a crash: Virtuoso recovers it
        from its transaction log), else on a new one."""
        for _ in range(attempts):
            if not keep:
                shutil.rmtree(self.folder / "db", ignore_errors=True)
            (self.folder / "db").mkdir(parents=True, exist_ok=True)
            (self.folder / "www").mkdir(exist_ok=True)
            self.sql_port, self.http_port = free_port(), free_port()
            ini = self.folder / "virtuoso.ini"
            ini.write_text(
                _INI.format(
                    db=self.folder / "db",
                    folder=self.folder,
                    host=HOST,
                    sql=self.sql_port,
                    http=self.http_port,
                    max_rows=self.max_rows,
                ),
                encoding="utf-8",
            )
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    ["virtuoso-t", "-f", "-c", str(ini)],
                    cwd=self.folder,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            if self._wait_until_online():
                if not keep:
                    self.sql('grant SPARQL_UPDATE to "SPARQL";')
                    self.system_graphs = set(self.graphs())
                return self
            self.stop()
        raise RuntimeError(f"virtuoso-t did not start; see {self.log}")

    def _wait_until_online(self) -> bool:
        deadline = time.monotonic() + READY_WITHIN
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            if b"Server online" in self.log.read_bytes():
                try:
                    with _NO_PROXY.open(self.base_url + "/sparql?query=ASK%7B%7D", timeout=5):
                        return True
                except (urllib.error.URLError, OSError):
                    pass
            time.sleep(0.2)
        return False

    def sql(self, statement: str) -> str:
        """Run one SQL statement as the administrator (``isql-vt``)."""
        done = subprocess.run(
            ["isql-vt", str(self.sql_port), *ADMIN, f"exec={statement}"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql-vt {statement!r}: {done.stdout} {done.stderr}")
        return done.stdout

    def graphs(self) -> dict[str, int]:
        """Every graph on the store with its triples (Virtuoso's system graphs too)."""
        query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        request = urllib.request.Request(
            self.query_url,
            data=urllib.parse.urlencode({"query": query}).encode(),
            headers={"Accept": "application/sparql-results+json"},
        )
        with _NO_PROXY.open(request, timeout=60) as response:
            rows = json.load(response)["results"]["bindings"]
        return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}

    def data_graphs(self) -> dict[str, int]:
        """The graphs that tests wrote: all but Virtuoso's own."""
        return {g: n for g, n in self.graphs().items() if g not in self.system_graphs}

    def reset(self) -> None:
        """Remove every graph but Virtuoso's own."""
        for graph in self.data_graphs():
            self.sql(f"SPARQL CLEAR GRAPH <{graph}>;")

    def put(self, graph: str, ntriples: bytes) -> None:
        """Replace ``graph`` with ``ntriples`` through the Graph Store Protocol."""
        request = urllib.request.Request(
            f"{self.store_url}?graph={urllib.parse.quote(graph, safe='')}",
            data=ntriples,
            headers={"Content-Type": "application/n-triples"},
            method="PUT",
        )
        with _NO_PROXY.open(request, timeout=120) as response:
            if response.status not in (200, 201, 204):
                raise RuntimeError(f"PUT {graph} answered HTTP {response.status}")

    def load(self, path: Path) -> None:
        """Put each named graph of the N-Quads file ``path`` (a build's ``dataset.nq``)."""
        graphs: dict[str, list[str]] = {}
        for quad in parse(path=str(path), format=RdfFormat.N_QUADS):
            graphs.setdefault(quad.graph_name.value, []).append(f"{quad.triple} .\n")
        for graph, lines in graphs.items():
            self.put(graph, "".join(lines).encode("utf-8"))
        # Virtuoso must hold every statement, or a test over it would check less than it says.
        held = self.graphs()
        short = {g: (held.get(g, 0), len(set(ls))) for g, ls in graphs.items()}
        short = {g: counts for g, counts in short.items() if counts[0] != counts[1]}
        if short:
            raise RuntimeError(f"Virtuoso holds other counts (held, given): {short}")

    def graph_group(self, group: str, graphs: list[str] | tuple[str, ...]) -> str:
        """Make ``group`` a Virtuoso graph group of exactly ``graphs`` (a single graph IRI
        that queries see as their union, for ``--union-graph``); the group's IRI."""
        if group in self._groups:
            self.sql(f"DB.DBA.RDF_GRAPH_GROUP_DROP('{group}', 1);")
        self.sql(f"DB.DBA.RDF_GRAPH_GROUP_CREATE('{group}', 1);")
        for graph in graphs:
            self.sql(f"DB.DBA.RDF_GRAPH_GROUP_INS('{group}', '{graph}');")
        self._groups.add(group)
        return group

    def stop(self) -> None:
        """Stop the process: politely, then for certain."""
        process, self.process = self.process, None
        stop_process(process, patience=20)

"""Publish the current build to a remote SPARQL 1.1 store: one named graph per source area.

Each graph of the build replaces the remote graph of the same IRI as a whole — with an HTTP
``PUT`` on a SPARQL 1.1 Graph Store endpoint, or, for stores without one, with SPARQL Update
(``DROP SILENT GRAPH`` and ``INSERT DATA`` in chunks) — so publishing twice leaves the store as
publishing once did, and running a publish that stopped midway again completes it. Per graph:

1. count the remote graph's triples (a query on the SPARQL endpoint);
2. read the remote graph (Graph Store ``GET``, or a ``CONSTRUCT``) and compare it with the
   build's, to report the triples added and removed (:func:`count_changes`: streamed, in
   bounded memory);
3. replace it, the body streamed from the build's store in chunks — unless nothing changed and
   the graph has no blank nodes (whose links the comparison cannot see): then it is left as is;
4. count again: any count other than the build's is an error that names the graph.

This is the only module that uses httpx (SPARQLWrapper, in :mod:`sdglod.remote`, can neither
stream a request body nor share one client's credentials and errors). Credentials never reach
a message: URLs are shown without their user information (:func:`~sdglod.remote.redact`) and the
secrets are scrubbed from whatever a server answers.
"""

from __future__ import annotations

import base64
import hashlib
import io
import math
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple, Variable, parse

from .build import current_build
from .errors import RemoteError
from .project import Project
from .query.remote import redact
from .rdf.store import Store
from .version import __version__

AUTH_ENV = "SDGLOD_PUBLISH_AUTH"  # USER:PASSWORD, used when no credentials option is given
TOKEN_ENV = "SDGLOD_PUBLISH_TOKEN"  # a bearer token, likewise
DEFAULT_TIMEOUT = 300.0  # seconds to wait for an answer (a store may take a while to load)
CONNECT_TIMEOUT = 10.0
BODY_CHUNK_BYTES = 256 * 1024  # a streamed request body is sent in pieces of about this size
UPDATE_CHUNK_TRIPLES = 10_000  # triples per INSERT DATA request
BUCKET_TRIPLES = 100_000  # triples compared in memory at once (about 15 MB per side)
MAX_BUCKETS = 256  # open files while comparing; beyond 25.6M triples the buckets grow instead
_SPOOL_BYTES = 8 * 1024 * 1024  # blank-node triples held in memory before spilling to disk
_DIGEST_BYTES = 16
_ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
# A SELECT, not a CONSTRUCT: pyoxigraph's CONSTRUCT holds every triple it made (to drop
# duplicates), 700 MB for a graph of 1M triples; the solutions of a SELECT are streamed.
_GRAPH_TRIPLES = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_HAS_BLANK_NODES = "ASK { GRAPH ?g { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } }"
_STORE_HINT = (
    "give the store's Graph Store URL (Oxigraph: /store, Fuseki: /DATASET/data, GraphDB: "
    "/repositories/ID/rdf-graphs/service), or its update URL with --update"
)

#: Called with a graph IRI and its triple count when writing the graph starts; the context it
#: returns yields a function that is called with the number of triples sent since its last call.
Progress = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]


class PublishError(RemoteError):
    """Publishing cannot start: a bad option, URL or credentials, or no build to publish."""


class PublishIncomplete(PublishError):
    """Publishing stopped midway: ``done`` graphs were written and verified, ``pending`` not."""

    def __init__(
        self,
        message: str,
        *,
        done: Sequence[GraphChange],
        pending: Sequence[str],
        hint: str | None = None,
    ):
        super().__init__(message, hint=hint)
        self.done = tuple(done)
        self.pending = tuple(pending)


@dataclass(frozen=True)
class Credentials:
    """HTTP Basic credentials or a bearer token; ``repr`` never shows the secret."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    def secrets(self) -> tuple[str, ...]:
        """Every form in which the secret could turn up in a server's answer."""
        found = [secret for secret in (self.password, self.token) if secret]
        if self.password:
            pair = f"{self.user or ''}:{self.password}".encode()
            found.append(base64.b64encode(pair).decode("ascii"))
        return tuple(found)

    def httpx_auth(self) -> httpx.Auth:
        if self.token is not None:
            return _BearerAuth(self.token)
        return httpx.BasicAuth(self.user or "", self.password or "")


class _BearerAuth(httpx.Auth):
    def __init__(self, token: str):
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


def read_credentials(
    auth: str | None = None,
    auth_env: str | None = None,
    token_env: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Credentials | None:
    """The credentials that the options (or, without any, ``$SDGLOD_PUBLISH_AUTH`` or
    ``$SDGLOD_PUBLISH_TOKEN``) name; None if there are none. Messages name variables, never
    their values."""
    env = os.environ if environ is None else environ
    options = {"--auth": auth, "--auth-env": auth_env, "--token-env": token_env}
    given = [option for option, value in options.items() if value]
    if len(given) > 1:
        raise PublishError(f"{' and '.join(given)} cannot be combined", hint="give one of them")
    if auth:
        return _user_password(auth, "--auth")
    if auth_env:
        return _user_password(_variable(env, auth_env), f"${auth_env}")
    if token_env:
        return Credentials(token=_variable(env, token_env))
    if env.get(AUTH_ENV):
        return _user_password(env[AUTH_ENV], f"${AUTH_ENV}")
    if env.get(TOKEN_ENV):
        return Credentials(token=env[TOKEN_ENV])
    return None


def _variable(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name)
    if not value:
        raise PublishError(
            f"the environment variable {name} is not set or empty",
            hint=f"export {name}=… before running sdglod publish",
        )
    return value


def _user_password(value: str, where: str) -> Credentials:
    user, colon, password = value.partition(":")
    if not colon or not user:
        raise PublishError(f"{where} is not USER:PASSWORD", hint="e.g. editor:… (the password)")
    return Credentials(user, password)


@dataclass(frozen=True)
class Target:
    """Where to publish: the query URL (for counting) and either a Graph Store URL or an
    update URL (for writing). Build it with :meth:`create`, which checks the URLs."""

    endpoint: str
    graph_store: str | None = None
    update: str | None = None
    credentials: Credentials | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def create(
        cls,
        endpoint: str,
        graph_store: str | None = None,
        update: str | None = None,
        credentials: Credentials | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> Target:
        """Check the URLs; user information in a URL becomes its credentials (and leaves the
        URL, so no message can show it)."""
        if bool(graph_store) == bool(update):
            raise PublishError(
                "give either --graph-store URL or --update URL"
                + (", not both" if graph_store else ""),
                hint=_STORE_HINT,
            )
        urls: dict[str, str | None] = {
            "--endpoint": endpoint,
            "--graph-store": graph_store,
            "--update": update,
        }
        for option, url in urls.items():
            if url is None:
                continue
            urls[option], found = _split_user_info(url, option)
            if found is not None:
                if credentials is not None and found != credentials:
                    raise PublishError(f"{option} carries other credentials than the ones given")
                credentials = found
        return cls(
            urls["--endpoint"] or endpoint,
            urls["--graph-store"],
            urls["--update"],
            credentials,
            timeout,
        )

    @property
    def method(self) -> str:
        """How graphs are written: ``graph-store`` (PUT) or ``update`` (SPARQL Update)."""
        return "graph-store" if self.graph_store else "update"

    @property
    def write_url(self) -> str:
        return self.graph_store or self.update or ""


def _split_user_info(url: str, option: str) -> tuple[str, Credentials | None]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PublishError(
            f"{option} {redact(url)!r} is not an http(s) URL",
            hint="e.g. --endpoint http://127.0.0.1:7878/query --graph-store "
            "http://127.0.0.1:7878/store",
        )
    if parts.username is None and parts.password is None:
        return url, None
    found = Credentials(unquote(parts.username or ""), unquote(parts.password or ""))
    return redact(url), found


@dataclass(frozen=True)
class GraphChange:
    """One graph's publish: remote triples before and after, and the triples that changed."""

    graph: str
    before: int
    after: int
    added: int
    removed: int
    written: bool = True  # False: the store already held exactly this graph


@dataclass(frozen=True)
class PublishReport:
    """What a publish did (or, in a dry run, would do), graph by graph."""

    changes: tuple[GraphChange, ...]
    target: str  # the URL written to (without credentials)
    method: str
    dry_run: bool

    @property
    def triples(self) -> int:
        return sum(change.after for change in self.changes)


def publish(
    project: Project,
    target: Target,
    graphs: Sequence[str] = (),
    *,
    dry_run: bool = False,
    allow_unvalidated: bool = False,
    progress: Progress | None = None,
    on_graph: Callable[[GraphChange], None] | None = None,
) -> PublishReport:
    """Replace each named graph of ``project``'s current build (or only ``graphs``: names from
    ``sdglod.toml`` or IRIs) on ``target``, verify the counts, and report the changes.

    ``dry_run`` compares and writes nothing. ``on_graph`` is called after each graph is done.
    Raises :class:`PublishIncomplete` naming the graphs written and not written when a request
    fails or a count does not match.
    """
    build = current_build(project)
    if "validation" not in build.manifest and not allow_unvalidated:
        raise PublishError(
            "the current build was made with --skip-validation: it is not validated",
            hint="run `sdglod build`, or pass --allow-unvalidated to publish it all the same",
        )
    chosen = select_graphs(project, build.manifest["graphs"], graphs)
    store = build.open_store()
    done: list[GraphChange] = []
    with _Client(target) as client:
        for position, (graph, size) in enumerate(chosen.items()):
            try:
                change = _publish_graph(client, store, graph, size, dry_run, progress)
            except _Failed as failure:
                pending = list(chosen)[position:]
                raise _incomplete(target, failure, graph, done, pending, dry_run) from None
            done.append(change)
            if on_graph is not None:
                on_graph(change)
    return PublishReport(tuple(done), target.write_url, target.method, dry_run)


def select_graphs(
    project: Project, built: Mapping[str, int], names: Sequence[str]
) -> dict[str, int]:
    """The graphs to publish, IRI → triples in the build: all, or those ``names`` choose."""
    if not names:
        return dict(built)
    by_name = {area.name: area.iri for area in project.areas if area.iri in built}
    wanted = set()
    for name in names:
        iri = by_name.get(name, name)
        if iri not in built:
            raise PublishError(
                f"--graph {name!r}: the current build has no such graph",
                hint=f"choose from {', '.join(by_name) or 'none'} (or their IRIs)",
            )
        wanted.add(iri)
    return {iri: size for iri, size in built.items() if iri in wanted}


class _Failed(Exception):
    """A graph could not be published; ``state`` says what became of it."""

    def __init__(self, message: str, hint: str | None = None, state: str = "untouched"):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.state = state  # untouched | partial (stopped while writing) | unverified


def _publish_graph(
    client: _Client,
    store: Store,
    graph: str,
    size: int,
    dry_run: bool,
    progress: Progress | None,
) -> GraphChange:
    before = client.count(graph)
    fetched, added, removed = count_changes(
        _graph_triples(store, graph), client.fetch(graph, before), max(size, before)
    )
    if fetched != before:
        raise _Failed(
            f"the store sent {fetched} triples of graph <{graph}>, but counts {before}",
            hint="does the store cut its answers at a size limit (e.g. Virtuoso's "
            "ResultSetMaxRows)? Raise it",
        )
    if dry_run:
        return GraphChange(graph, before, size, added, removed)
    if before == size and added == removed == 0 and not _has_blank_nodes(store, graph):
        # Triples without blank nodes compare exactly: the store holds this graph already.
        return GraphChange(graph, before, before, 0, 0, written=False)
    bar = progress(graph, size) if progress else _no_progress()
    try:
        with bar as advance:
            client.replace(graph, _graph_triples(store, graph), advance)
    except _Failed as failure:
        failure.state = "partial"
        raise
    after = client.count(graph)
    if after != size:
        raise _Failed(
            f"graph <{graph}> holds {after} triples on the store after writing, "
            f"the build has {size}",
            hint="did another writer change the graph meanwhile, or does the store not keep "
            "every triple as sent (some merge literals of equal value)?",
            state="unverified",
        )
    return GraphChange(graph, before, after, added, removed)


@contextmanager
def _no_progress() -> Iterator[Callable[[int], None]]:
    yield lambda _sent: None


def _has_blank_nodes(store: Store, graph: str) -> bool:
    answer = store.query(_HAS_BLANK_NODES, substitutions={Variable("g"): NamedNode(graph)})
    return bool(answer)


def _graph_triples(store: Store, graph: str) -> Iterator[Triple]:
    """The triples of one named graph of the build, streamed from its store."""
    rows = store.query(_GRAPH_TRIPLES, substitutions={Variable("g"): NamedNode(graph)})
    for row in rows:  # type: ignore[union-attr]
        yield Triple(row[0], row[1], row[2])


def _incomplete(
    target: Target,
    failure: _Failed,
    graph: str,
    done: Sequence[GraphChange],
    pending: Sequence[str],
    dry_run: bool,
) -> PublishIncomplete:
    verb = "comparing with" if dry_run else "publishing to"
    lines = [f"{verb} {redact(target.write_url)} stopped at graph <{graph}>: {failure.message}"]
    if not dry_run:
        lines.append(f"  written and verified ({len(done)}):")
        lines += [f"    {change.graph}" for change in done] or ["    none"]
        lines.append(f"  not written ({len(pending)}):")
        state = {
            "partial": "  (stopped while writing it: may be incomplete)",
            "unverified": "  (written, but its count does not match)",
        }.get(failure.state, "")
        lines += [f"    {pending[0]}{state}", *(f"    {iri}" for iri in pending[1:])]
    hint = failure.hint or ""
    if not dry_run:
        rerun = "run the same publish again: each graph is replaced whole, so a re-run completes it"
        joint = " Then " if hint.endswith(("?", ".")) else ". Then "
        hint = f"{hint}{joint}{rerun}" if hint else rerun
    return PublishIncomplete("\n".join(lines), done=done, pending=pending, hint=hint or None)


# --- Comparing a remote graph with the build's ----------------------------------------------


def count_changes(
    ours: Iterable[Triple], theirs: Iterable[Triple], size: int
) -> tuple[int, int, int]:
    """``(triples in theirs, added, removed)`` when ``theirs`` is replaced by ``ours``.

    Each triple is reduced to a 16-byte digest of its N-Triples form. Up to ``BUCKET_TRIPLES``
    (``size`` is the larger side's expected count) the digests are compared in memory; beyond,
    they are first spread by digest over bucket files in a temporary folder (16 bytes per triple
    on disk) and compared one bucket at a time — so memory stays bounded by a bucket, whatever
    the graph's size, and both sides are read once, as streams.

    Blank nodes are relabelled by every store, so all blank nodes count as one: the comparison
    is of multisets of triples with blank nodes masked, which gives 0 added and 0 removed for an
    unchanged graph, and exact counts for changes to triples without blank nodes.
    """
    buckets = min(MAX_BUCKETS, max(1, math.ceil(size / BUCKET_TRIPLES)))
    if buckets == 1:
        before = Counter(map(_digest, theirs))
        after = Counter(map(_digest, ours))
        return before.total(), (after - before).total(), (before - after).total()
    with tempfile.TemporaryDirectory(prefix="sdglod-publish-") as folder:
        theirs_files = _spread(theirs, Path(folder) / "theirs", buckets)
        ours_files = _spread(ours, Path(folder) / "ours", buckets)
        fetched = added = removed = 0
        for theirs_file, ours_file in zip(theirs_files, ours_files, strict=True):
            before, after = _read_digests(theirs_file), _read_digests(ours_file)
            fetched += before.total()
            added += (after - before).total()
            removed += (before - after).total()
        return fetched, added, removed


def _digest(triple: Triple) -> bytes:
    subject, value = triple.subject, triple.object
    key = (
        f"{'_:' if isinstance(subject, BlankNode) else subject} {triple.predicate} "
        f"{'_:' if isinstance(value, BlankNode) else value}"
    )
    return hashlib.blake2b(key.encode("utf-8"), digest_size=_DIGEST_BYTES).digest()


def _spread(triples: Iterable[Triple], prefix: Path, buckets: int) -> list[Path]:
    paths = [prefix.with_name(f"{prefix.name}-{n}") for n in range(buckets)]
    with ExitStack() as stack:
        files = [stack.enter_context(path.open("wb", buffering=1 << 16)) for path in paths]
        for triple in triples:
            digest = _digest(triple)
            files[int.from_bytes(digest[:4], "big") % buckets].write(digest)
    return paths


def _read_digests(path: Path) -> Counter[bytes]:
    data = path.read_bytes()
    path.unlink()  # the disk is given back bucket by bucket
    return Counter(data[n : n + _DIGEST_BYTES] for n in range(0, len(data), _DIGEST_BYTES))


# --- HTTP -----------------------------------------------------------------------------------


class _Client:
    """The requests of a publish, with one set of credentials, timeouts and error messages."""

    def __init__(self, target: Target):
        self.target = target
        credentials = target.credentials
        self._secrets = credentials.secrets() if credentials else ()
        self._http = httpx.Client(
            auth=credentials.httpx_auth() if credentials else None,
            timeout=httpx.Timeout(target.timeout, connect=CONNECT_TIMEOUT),
            headers={"User-Agent": f"sdglod/{__version__}"},
        )

    def __enter__(self) -> _Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._http.close()

    def count(self, graph: str) -> int:
        """The triples in ``graph`` on the store, by a query on its SPARQL endpoint."""
        url = self.target.endpoint
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {NamedNode(graph)} {{ ?s ?p ?o }} }}"
        with self._guard(url):
            response = self._http.post(
                url,
                content=query.encode("utf-8"),
                headers={
                    "Content-Type": "application/sparql-query",
                    "Accept": "application/sparql-results+json",
                },
            )
        self._check(response, url, "its query URL")
        try:
            binding = response.json()["results"]["bindings"][0]
            return int(binding["n"]["value"])
        except (ValueError, KeyError, IndexError, TypeError):
            raise _Failed(
                f"{redact(url)} did not answer a COUNT query with SPARQL JSON results: "
                f"{self._scrub(response.text)}",
                hint="is --endpoint the store's query URL?",
            ) from None

    def fetch(self, graph: str, expected: int) -> Iterator[Triple]:
        """The triples of ``graph`` on the store, streamed (none if it does not exist); it
        counts ``expected`` triples."""
        what = "its Graph Store URL" if self.target.graph_store else "its query URL"
        if self.target.graph_store:
            url = self.target.graph_store
            request = self._http.build_request(
                "GET", url, params={"graph": graph}, headers={"Accept": _ACCEPT_GRAPH}
            )
        else:
            url = self.target.endpoint
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {NamedNode(graph)} {{ ?s ?p ?o }} }}"
            request = self._http.build_request(
                "POST",
                url,
                content=query.encode("utf-8"),
                headers={"Content-Type": "application/sparql-query", "Accept": _ACCEPT_GRAPH},
            )
        with self._guard(url):
            response = self._http.send(request, stream=True)
            try:
                if response.status_code == 404 and self.target.graph_store and not expected:
                    return  # the Graph Store Protocol's answer for a graph that does not exist
                self._check(response, url, what)
                media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
                rdf_format = RdfFormat.from_media_type(media_type) if media_type else None
                if rdf_format is None:
                    raise _Failed(f"{redact(url)} sent graph <{graph}> as {media_type!r}, not RDF")
                body = io.BufferedReader(_ChunkReader(response.iter_bytes()))
                for quad in parse(body, rdf_format, base_iri=graph):
                    yield quad.triple
            except SyntaxError as err:
                raise _Failed(
                    f"{redact(url)} sent graph <{graph}> in RDF that does not parse: "
                    f"{self._scrub(str(err))}"
                ) from None
            finally:
                response.close()

    def replace(
        self, graph: str, triples: Iterator[Triple], advance: Callable[[int], None]
    ) -> None:
        """Make ``graph`` on the store hold exactly ``triples``."""
        if self.target.graph_store:
            self._put(graph, triples, advance)
        else:
            self._update_replace(graph, triples, advance)

    def _put(self, graph: str, triples: Iterator[Triple], advance: Callable[[int], None]) -> None:
        # A generator body goes out with chunked transfer encoding: the graph is never one
        # string in memory, whatever its size.
        url = self.target.graph_store or ""

        def body() -> Iterator[bytes]:
            for chunk, count in _chunks(triples, BODY_CHUNK_BYTES):
                yield chunk
                advance(count)

        with self._guard(url):
            response = self._http.put(
                url,
                params={"graph": graph},
                content=body(),
                headers={"Content-Type": "application/n-triples"},
            )
        self._check(response, url, "its Graph Store URL")

    def _update_replace(
        self, graph: str, triples: Iterator[Triple], advance: Callable[[int], None]
    ) -> None:
        # Each request's blank node labels are fresh on the store, so triples with blank nodes
        # go together in one last request (spooled to disk if there are many); the others go in
        # chunks. The first request drops the graph: a re-run starts the graph afresh.
        name = NamedNode(graph)
        drop = f"DROP SILENT GRAPH {name} ;\n"
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as blank:
            blanks = 0

            def ground() -> Iterator[Triple]:
                nonlocal blanks
                for triple in triples:
                    if isinstance(triple.subject, BlankNode) or isinstance(
                        triple.object, BlankNode
                    ):
                        blank.write(f"{triple} .\n".encode())
                        blanks += 1
                    else:
                        yield triple

            for chunk, count in _chunks(ground(), BODY_CHUNK_BYTES * 16, UPDATE_CHUNK_TRIPLES):
                self._update(_insert(name, [chunk], drop))
                drop = ""
                advance(count)
            if blanks:
                blank.seek(0)
                self._update(_insert(name, iter(lambda: blank.read(BODY_CHUNK_BYTES), b""), drop))
                drop = ""
                advance(blanks)
        if drop:  # the graph is empty in the build
            self._update(iter([drop.encode()]))

    def _update(self, body: Iterator[bytes]) -> None:
        url = self.target.update or ""
        with self._guard(url):
            response = self._http.post(
                url, content=body, headers={"Content-Type": "application/sparql-update"}
            )
        self._check(response, url, "its update URL")

    @contextmanager
    def _guard(self, url: str) -> Iterator[None]:
        """Requests that fail on the way (refused, reset, timed out) as :class:`_Failed`."""
        try:
            yield
        except httpx.TimeoutException:
            raise _Failed(
                f"{redact(url)} did not answer within {self.target.timeout:g} s",
                hint="is the store overloaded? give it more time with --timeout",
            ) from None
        except httpx.HTTPError as err:
            reason = self._scrub(str(err)) or type(err).__name__
            failed = (
                "cannot reach" if isinstance(err, httpx.ConnectError) else "lost the connection to"
            )
            raise _Failed(
                f"{failed} {redact(url)}: {reason}",
                hint="is the store running and reachable?",
            ) from None

    def _check(self, response: httpx.Response, url: str, what: str) -> None:
        if response.is_success:
            return
        response.read()
        status = response.status_code
        hint = None
        if status in (401, 403):
            hint = "check the credentials (--auth-env, --token-env, $SDGLOD_PUBLISH_AUTH)"
        elif status in (400, 404, 405, 415):
            hint = f"is this {what}? " + (_STORE_HINT if "Graph Store" in what else "")
        raise _Failed(
            f"{redact(url)} answered HTTP {status}: {self._scrub(response.text)}",
            hint=hint.strip() if hint else None,
        )

    def _scrub(self, text: str) -> str:
        """``text`` in one line of at most 300 characters, without any secret in it."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return " ".join(text.split())[:300]


def _chunks(
    triples: Iterable[Triple], max_bytes: int, max_triples: int | None = None
) -> Iterator[tuple[bytes, int]]:
    """``triples`` as N-Triples, in pieces of about ``max_bytes`` (or ``max_triples``) each."""
    lines: list[str] = []
    size = 0
    for triple in triples:
        line = f"{triple} .\n"
        lines.append(line)
        size += len(line)
        if size >= max_bytes or (max_triples is not None and len(lines) >= max_triples):
            yield "".join(lines).encode("utf-8"), len(lines)
            lines, size = [], 0
    if lines:
        yield "".join(lines).encode("utf-8"), len(lines)


def _insert(graph: NamedNode, body: Iterable[bytes], prefix: str = "") -> Iterator[bytes]:
    """A streamed ``INSERT DATA`` of N-Triples ``body`` into ``graph`` (N-Triples lines are
    valid SPARQL triples: the same IRI, literal and escape syntax)."""
    yield f"{prefix}INSERT DATA {{ GRAPH {graph} {{\n".encode()
    yield from body
    yield b"} }\n"


class _ChunkReader(io.RawIOBase):
    """A file-like view of an iterator of byte strings, for pyoxigraph's streaming parser."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._rest:
            try:
                self._rest = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size

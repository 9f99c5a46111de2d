"""The HTTP requests of a publish: counting, fetching and replacing one graph on the store
(Graph Store Protocol or SPARQL Update).

Requests are the ones every store takes: queries as URL-encoded forms (Virtuoso 7 drops a
query POSTed as ``application/sparql-query``), and bodies written to a spooled file first and
sent with a ``Content-Length`` — never one string in memory, and never chunked (Virtuoso 7
answers 201 to a chunked PUT and stores nothing) — so that a body can also go again when a
store asks for digest authentication.

Credentials never reach a message: URLs are shown without their user information
(:func:`~sdglod.query.remote.redact`) and the secrets are scrubbed from whatever a server
answers.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import httpx
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from ..query.remote import redact
from ..version import __version__
from .report import GraphFailed
from .target import STORE_HINT, Target

CONNECT_TIMEOUT = 10.0
_SPOOL_BYTES = 8 * 1024 * 1024  # blank-node triples held in memory before spilling to disk
_ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
N_TRIPLES = "application/n-triples"
PART_TRIPLES = 100_000  # triples per request when a store gives up a large PUT


class StoreClient:
    """The requests of a publish, with one set of credentials, timeouts and error messages.

    A streamed body goes out in pieces of about ``body_bytes``; SPARQL Update sends at most
    ``update_triples`` triples per ``INSERT DATA``. Failures raise :class:`GraphFailed`."""

    def __init__(
        self,
        target: Target,
        *,
        body_bytes: int,
        update_triples: int,
        part_triples: int = PART_TRIPLES,
    ):
        self.target = target
        self._body_bytes = body_bytes
        self._update_triples = update_triples
        self._part_triples = part_triples
        credentials = target.credentials
        self._secrets = credentials.secrets() if credentials else ()
        self._http = httpx.Client(
            auth=credentials.httpx_auth() if credentials else None,
            timeout=httpx.Timeout(target.timeout, connect=CONNECT_TIMEOUT),
            headers={"User-Agent": f"sdglod/{__version__}"},
        )

    def __enter__(self) -> StoreClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._http.close()

    def count(self, graph: str) -> int:
        """The triples in ``graph`` on the store, by a query on its SPARQL endpoint."""
        url = self.target.endpoint
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {NamedNode(graph)} {{ ?s ?p ?o }} }}"
        with self._guard(url):
            response = self._http.post(
                url, data={"query": query}, headers={"Accept": "application/sparql-results+json"}
            )
        self._check(response, url, "its query URL")
        try:
            binding = response.json()["results"]["bindings"][0]
            return int(binding["n"]["value"])
        except (ValueError, KeyError, IndexError, TypeError):
            raise GraphFailed(
                f"{redact(url)} did not answer a COUNT query with SPARQL JSON results: "
                f"{self._scrub(response.text)}",
                hint="is --endpoint the store's query URL?",
            ) from None

    def graphs_under(self, namespace: str) -> dict[str, int]:
        """The graphs on the store whose IRIs start with ``namespace``, with their triples."""
        url = self.target.endpoint
        query = (
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(STRSTARTS(STR(?g), {Literal(namespace)})) }} GROUP BY ?g"
        )
        with self._guard(url):
            response = self._http.post(
                url, data={"query": query}, headers={"Accept": "application/sparql-results+json"}
            )
        self._check(response, url, "its query URL")
        try:
            rows = response.json()["results"]["bindings"]
            return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
        except (ValueError, KeyError, TypeError):
            raise GraphFailed(
                f"{redact(url)} did not answer a query for its graphs with SPARQL JSON results: "
                f"{self._scrub(response.text)}",
                hint="is --endpoint the store's query URL?",
            ) from None

    def drop(self, graph: str) -> None:
        """Remove ``graph`` from the store."""
        if self.target.graph_store:
            url = self.target.graph_store
            with self._guard(url):
                response = self._http.delete(url, params={"graph": graph})
            if response.status_code != 404:  # already gone
                self._check(response, url, "its Graph Store URL")
        else:
            self._update(iter([(f"DROP SILENT GRAPH {NamedNode(graph)}".encode(), 0)]), _no_count)

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
                "POST", url, data={"query": query}, headers={"Accept": _ACCEPT_GRAPH}
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
                    raise GraphFailed(
                        f"{redact(url)} sent graph <{graph}> as {media_type!r}, not RDF"
                    )
                body = io.BufferedReader(_ChunkReader(response.iter_bytes()))
                for quad in parse(body, rdf_format, base_iri=graph):
                    yield quad.triple
            except SyntaxError as err:
                raise GraphFailed(
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
        url = self.target.graph_store or ""
        with _SpooledBody(_chunks(triples, self._body_bytes), advance) as body:
            response = self._send_body("PUT", url, {"graph": graph}, N_TRIPLES, body)
            if _deadlocked(response) and body.triples > self._part_triples:
                # Virtuoso 7 gives up a PUT of a large graph (980k triples) as a deadlock of
                # its own (SR172) after storing part of it: the graph goes again in parts,
                # each a transaction it finishes.
                self.put_in_parts(graph, body.lines())
                return
        self._check(response, url, "its Graph Store URL")

    def put_in_parts(self, graph: str, lines: Iterator[bytes]) -> None:
        """Replace ``graph`` with the N-Triples ``lines`` in several requests: a PUT of the
        first ``part_triples`` lines, then POSTs (which add) of as many each. Lines with blank
        nodes go together in the last request: each request's labels are fresh on the store."""
        url = self.target.graph_store or ""
        method = "PUT"
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as blank:
            part: list[bytes] = []
            for line in lines:
                if b"_:" in line:  # a blank node (or text that looks like one: no harm)
                    blank.write(line)
                    continue
                part.append(line)
                if len(part) >= self._part_triples:
                    self._send_part(method, url, graph, [b"".join(part)], len(part))
                    method, part = "POST", []
            if part or method == "PUT":
                self._send_part(method, url, graph, [b"".join(part)], len(part))
                method = "POST"
            if blank.tell():
                blank.seek(0)
                pieces = iter(lambda: blank.read(self._body_bytes), b"")
                self._send_part(method, url, graph, pieces, 0)

    def _send_part(
        self, method: str, url: str, graph: str, pieces: Iterable[bytes], triples: int
    ) -> None:
        with _SpooledBody(((piece, 0) for piece in pieces), _no_count) as body:
            response = self._send_body(method, url, {"graph": graph}, N_TRIPLES, body)
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

            for chunk, count in _chunks(ground(), self._body_bytes * 16, self._update_triples):
                self._insert_halving(name, chunk, count, drop, advance)
                drop = ""
            if blanks:
                blank.seek(0)
                pieces = ((piece, 0) for piece in iter(lambda: blank.read(self._body_bytes), b""))
                self._update(_insert(name, pieces, drop), advance)
                advance(blanks)
                drop = ""
        if drop:  # the graph is empty in the build
            self._update(iter([(drop.encode(), 0)]), advance)

    def _insert_halving(
        self, name: NamedNode, chunk: bytes, count: int, drop: str, advance: Callable[[int], None]
    ) -> None:
        """``INSERT DATA`` of ``chunk``; if the store refuses a request that large (a 400 or
        413 — Virtuoso 7's SPARQL compiler runs out of memory at a few thousand triples), the
        two halves in turn, and so on. A refused request changed nothing, so each half is
        sent as the whole was; a store that refuses even one triple stops the publish."""
        try:
            self._update(_insert(name, [(chunk, count)], drop), advance)
        except GraphFailed as failure:
            if failure.status not in (400, 413) or count < 2:
                raise
            lines = chunk.splitlines(keepends=True)
            half = len(lines) // 2
            self._insert_halving(name, b"".join(lines[:half]), half, drop, advance)
            self._insert_halving(name, b"".join(lines[half:]), len(lines) - half, "", advance)

    def _update(self, pieces: Iterator[tuple[bytes, int]], advance: Callable[[int], None]) -> None:
        url = self.target.update or ""
        with _SpooledBody(pieces, advance) as body:
            response = self._send_body("POST", url, None, "application/sparql-update", body)
        self._check(response, url, "its update URL")

    def _send_body(
        self, method: str, url: str, params: dict | None, media_type: str, body: _SpooledBody
    ) -> httpx.Response:
        request = self._http.build_request(
            method,
            url,
            params=params,
            headers={"Content-Type": media_type, "Content-Length": str(body.size)},
        )
        request.stream = body  # sent as it is read from the file, again if asked
        with self._guard(url):
            return self._http.send(request)

    @contextmanager
    def _guard(self, url: str) -> Iterator[None]:
        """Requests that fail on the way (refused, reset, timed out) as :class:`GraphFailed`."""
        try:
            yield
        except httpx.TimeoutException:
            raise GraphFailed(
                f"{redact(url)} did not answer within {self.target.timeout:g} s",
                hint="is the store overloaded? give it more time with --timeout",
            ) from None
        except httpx.HTTPError as err:
            reason = self._scrub(str(err)) or type(err).__name__
            failed = (
                "cannot reach" if isinstance(err, httpx.ConnectError) else "lost the connection to"
            )
            raise GraphFailed(
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
            hint = f"is this {what}? " + (STORE_HINT if "Graph Store" in what else "")
        failure = GraphFailed(
            f"{redact(url)} answered HTTP {status}: {self._scrub(response.text)}",
            hint=hint.strip() if hint else None,
        )
        failure.status = status
        raise failure

    def _scrub(self, text: str) -> str:
        """``text`` in one line of at most 300 characters, without any secret in it."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return " ".join(text.split())[:300]


def _deadlocked(response: httpx.Response) -> bool:
    """Whether the store gave up a request as a deadlock of its own (Virtuoso: SR172)."""
    if response.status_code < 500:
        return False
    response.read()
    text = response.text.lower()
    return "sr172" in text or "deadlock" in text


def _no_count(_triples: int) -> None:
    """Progress of a request that carries no triples."""


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


def _insert(
    graph: NamedNode, body: Iterable[tuple[bytes, int]], prefix: str = ""
) -> Iterator[tuple[bytes, int]]:
    """An ``INSERT DATA`` of N-Triples ``body`` (pieces and their triples) into ``graph``
    (N-Triples lines are valid SPARQL triples: the same IRI, literal and escape syntax)."""
    yield f"{prefix}INSERT DATA {{ GRAPH {graph} {{\n".encode(), 0
    yield from body
    yield b"} }\n", 0


class _SpooledBody(httpx.SyncByteStream):
    """A request body written to a spooled file (memory, then disk) before it is sent, so that
    it has a length and can be sent again; ``advance`` hears of the triples as they go out
    (once, even if the body is sent twice)."""

    def __init__(self, pieces: Iterable[tuple[bytes, int]], advance: Callable[[int], None]):
        # Closed by __exit__: the body lives as long as its request.
        self._file = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
        self._marks: list[tuple[int, int]] = []  # (end of a piece, its triples)
        for piece, count in pieces:
            self._file.write(piece)
            self._marks.append((self._file.tell(), count))
        self.size = self._file.tell()
        self.triples = sum(count for _, count in self._marks)
        self._advance = advance
        self._reported = 0  # pieces whose triples were reported

    def __iter__(self) -> Iterator[bytes]:
        self._file.seek(0)
        start = 0
        for number, (end, count) in enumerate(self._marks):
            yield self._file.read(end - start)
            start = end
            if number >= self._reported:
                self._reported = number + 1
                self._advance(count)

    def lines(self) -> Iterator[bytes]:
        """The body again, line by line (N-Triples: a triple each)."""
        self._file.seek(0)
        yield from self._file

    def __enter__(self) -> _SpooledBody:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._file.close()


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

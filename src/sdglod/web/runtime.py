"""What a running server holds (the build, the query pool, an answer cache) and how a query job
becomes an HTTP answer: cache, ETag/304, time limit, row limit, errors."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Generic, Protocol, TypeVar
from urllib.parse import quote, urlencode

from pyoxigraph import NamedNode, Triple
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..build import Build, current_build, prune_unless_building
from ..errors import NoBuildError
from ..manifest import DumpRecord
from ..project import Project, load_project
from ..query.backends import (
    PUBLICATION_QUERY,
    project_graphs,
    project_vocabulary,
    publication_graph,
)
from ..query.canned import CannedQuery
from ..query.catalogue import load_queries
from ..query.results import GraphResult, SelectResult, from_sparql_json, graph_from_bytes
from ..rdf.formats import ResultSerialisation
from ..rdf.names import Vocabulary, compact_iri
from .config import ServerConfig
from .errors import HttpError
from .execution.executor import WorkerSetup, pool_for
from .execution.jobs import QueryAnswer, QueryJob, QueryRunner
from .execution.lanes import current_lane
from .execution.remote_pool import remote_pool_for
from .limits import RUNNER_ERRORS, runner_error
from .replay import Reply, replayable

GRAPHS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
MIN_TIMEOUT = 0.5  # seconds: the lowest time limit a request can ask for
RUNTIME_KEY = "sdglod.runtime"  # where a request's scope holds the runtime it is pinned to
TEXT_TYPES = ("text/", "application/sparql-results+xml", "application/rdf+xml")


class _HasBody(Protocol):
    @property
    def body(self) -> bytes: ...


_Kept = TypeVar("_Kept", bound=_HasBody)


class AnswerCache(Generic[_Kept]):
    """Answers (anything with a ``body``) by key, least recently used out first, within a
    number of entries and bytes.

    The data of a build never changes, so an answer stays right for as long as the server
    serves that build.
    """

    def __init__(self, entries: int, max_bytes: int = 64 << 20):
        self.entries = entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._bytes = 0

    def get(self, key: Hashable) -> _Kept | None:
        answer = self._items.get(key)
        if answer is not None:
            self._items.move_to_end(key)
        return answer

    def put(self, key: Hashable, answer: _Kept) -> None:
        size = _size(key, answer)
        if self.entries <= 0 or size > self.max_bytes // 8:
            return
        if key in self._items:
            return
        self._items[key] = answer
        self._bytes += size
        while len(self._items) > self.entries or self._bytes > self.max_bytes:
            old_key, old = self._items.popitem(last=False)
            self._bytes -= _size(old_key, old)


def _size(key: Hashable, answer: _HasBody) -> int:
    """Bytes an entry holds: its body and its key (a client chooses the key's text, a query
    of up to a megabyte: it counts against the budget too)."""
    parts = key if isinstance(key, tuple) else (key,)
    return len(answer.body) + sum(len(part) for part in parts if isinstance(part, (str, bytes)))


@dataclass
class Runtime:
    """One server's state: configuration, project, build, canned queries, pool and cache."""

    config: ServerConfig
    project: Project
    build: Build | None  # None: served from a remote store without a build here
    queries: dict[str, CannedQuery]
    vocabulary: Vocabulary
    pool: QueryRunner
    cache: AnswerCache[QueryAnswer]
    tag: str  # identifies the data's content, for ETags
    publication: str | None = None  # a remote store's publish mark, when it started
    graph_sizes: dict[str, int] = field(default_factory=dict)
    users: int = 0  # requests in flight on this runtime (see follow.PinRuntime)
    query_examples: dict[str, str] | None = None  # the query page's examples (workbench)
    # The names the workbench's lookup searches, made once per build (workbench.label_index).
    label_index: asyncio.Future | None = None
    replies: AnswerCache[Reply] = field(init=False)  # whole answers (replay.py), as many

    def __post_init__(self) -> None:
        self.replies = AnswerCache(self.config.cache_entries)

    @classmethod
    def load(cls, config: ServerConfig) -> Runtime:
        project = load_project(config.project_root, config.base)
        if config.backend:
            return cls._remote(config, project)
        build = current_build(project)
        manifest = build.manifest
        vocabulary = Vocabulary(manifest.prefixes, manifest.context)
        setup = WorkerSetup(
            store=str(build.store_path),
            in_memory=config.in_memory,
            prefixes=dict(manifest.prefixes),
            context=dict(manifest.context),
        )
        content = "".join(manifest.content_digests())
        return cls(
            config=config,
            project=project,
            build=build,
            queries=load_queries(project),
            vocabulary=vocabulary,
            pool=pool_for(setup, config),
            cache=AnswerCache(config.cache_entries),
            tag=hashlib.sha256(content.encode()).hexdigest()[:16],
            graph_sizes=dict(manifest.graphs),
        )

    @classmethod
    def _remote(cls, config: ServerConfig, project: Project) -> Runtime:
        assert config.backend is not None
        try:
            build: Build | None = current_build(project)
        except NoBuildError:
            build = None  # a front end needs no build: the store has the data
        vocabulary = project_vocabulary(project)
        return cls(
            config=config,
            project=project,
            build=build,
            queries=load_queries(project),
            vocabulary=vocabulary,
            pool=remote_pool_for(config.backend, vocabulary, config, project_graphs(project)),
            cache=AnswerCache(config.cache_entries),
            tag="",  # set in start(), from what the store holds
        )

    async def start(self) -> None:
        """Start the query pool; for a remote store, learn what it holds."""
        await self.pool.start()
        if self.config.backend:
            self.publication = await self.read_publication()
            counts = await self.select(GRAPHS_QUERY, timeout=60)
            self.graph_sizes = {
                row[0].value: int(row[1].value) for row in counts.rows if row[0] is not None
            }
            # The ETags follow what the store holds: its last publish's mark (the follower
            # starts a new runtime when it changes), and the counts for stores without one.
            content = json.dumps(
                [sorted(self.graph_sizes.items()), self.publication, self.config.backend]
            )
            self.tag = hashlib.sha256(content.encode()).hexdigest()[:16]

    async def read_publication(self) -> str | None:
        """The mark the last ``sdglod publish`` left on the remote store (None without one),
        read past the cache: one point query."""
        graph = NamedNode(publication_graph(self.project))
        job = QueryJob(PUBLICATION_QUERY.format(graph=graph), "json", 1, base=self.base)
        answer = await self.pool.run(job, 10.0)
        if not answer.ok:
            return None
        result = from_sparql_json(answer.body)
        first = result.rows[0][0] if isinstance(result, SelectResult) and result.rows else None
        return first.value if first is not None else None

    async def close(self) -> None:
        """Stop the query pool and let this runtime's build go: removed at once if nobody
        else uses it and no build is running (else by the next build)."""
        await self.pool.close()
        if self.build is not None:
            self.build.release()
            await asyncio.to_thread(prune_unless_building, self.project)

    @property
    def build_id(self) -> str | None:
        """The served build's id (its folder's name); none for a remote store alone."""
        return self.build.id if self.build is not None else None

    @property
    def dumps(self) -> Mapping[str, DumpRecord]:
        """The files of the local build's ``dist/`` by name; none when serving a remote store
        alone."""
        return self.build.manifest.dumps if self.build is not None else {}

    @property
    def triples(self) -> int:
        if self.build is not None:
            return self.build.manifest.triples
        return sum(self.graph_sizes.values())

    def dist_file(self, name: str) -> Path | None:
        """A file of the build's ``dist/`` (a plain name, nothing else), if there is one."""
        if self.build is None or "/" in name or name.startswith("."):
            return None
        path = self.build.dist_path / name
        return path if path.is_file() else None

    @property
    def base(self) -> str:
        return self.project.base

    def etag(self, job: QueryJob) -> str:
        return self.key_etag(job.key())

    def key_etag(self, key: str) -> str:
        """The ETag of the answer kept under ``key`` for this build."""
        digest = hashlib.sha256(f"{self.tag}\n{key}".encode()).hexdigest()[:32]
        # Weak: the same answer may go out gzipped or not.
        return f'W/"{digest}"'

    def validators(self, request: Request, etag: str, vary: str) -> tuple[dict, Response | None]:
        """The caching headers of an answer, and the 304 if the client already has it."""
        headers = {
            "ETag": etag,
            "Cache-Control": f"public, max-age={self.config.max_age}",
            "Vary": vary,
        }
        if etag in request.headers.get("if-none-match", ""):
            return headers, Response(status_code=304, headers=headers)
        return headers, None

    def time_limit(self, asked: str | None) -> float:
        """The time limit of a request: the server's, or a lower one the request asks for."""
        if asked is None or asked == "":
            return self.config.timeout
        try:
            seconds = float(asked)
        except ValueError:
            raise HttpError(
                "bad-request",
                f"timeout={asked!r} is not a number of seconds",
                hint=f"give a number up to {self.config.timeout:g}",
            ) from None
        if not seconds > 0:
            raise HttpError("bad-request", "timeout must be more than 0 seconds")
        # A floor, because every query stopped costs a worker restart: tiny limits would let a
        # client keep the pool restarting.
        return min(max(seconds, MIN_TIMEOUT), self.config.timeout)

    async def answer(self, job: QueryJob, timeout: float) -> QueryAnswer:
        """The answer to ``job``: from the cache, or run within ``timeout`` seconds."""
        # The server's rule for federated queries holds for every job, whichever route made it.
        if job.allowed_services != self.config.allowed_services:
            job = replace(job, allowed_services=self.config.allowed_services)
        key = job.key()
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        try:
            # The lane: /sparql's queries (limits.user_query) apart from the server's own.
            answer = await self.pool.run(job, timeout, lane=current_lane())
        except RUNNER_ERRORS as err:
            raise runner_error(err, timeout) from None
        if not answer.ok:
            raise HttpError(
                answer.code or "query-failed",
                answer.message,
                hint="fix the query at this position" if answer.line else None,
                line=answer.line,
                column=answer.column,
            )
        if answer.result is None:  # a result handed over as it is has no body to keep
            self.cache.put(key, answer)
        return answer

    async def graph(
        self,
        query: str,
        timeout: float | None = None,
        bounded: bool = False,
        rows: int | None = None,
    ) -> list[Triple]:
        """The triples of a CONSTRUCT or DESCRIBE ``query``, cut at ``rows`` (the row limit
        unless the server's own query needs another); ``bounded``: a lookup of given resources
        (see :attr:`QueryJob.bounded`)."""
        limit = rows or self.config.row_limit
        job = QueryJob(query, "nt", limit, base=self.base, bounded=bounded, keep_result=True)
        answer = await self.answer(job, timeout or self.config.timeout)
        if isinstance(answer.result, GraphResult):
            return list(answer.result.triples)
        return list(graph_from_bytes(answer.body, "application/n-triples").triples)

    async def select(
        self,
        query: str,
        timeout: float | None = None,
        bounded: bool = False,
        rows: int | None = None,
    ) -> SelectResult:
        """The solutions of a SELECT ``query``, cut at ``rows``; ``bounded`` and ``rows`` as
        for :meth:`graph`."""
        limit = rows or self.config.row_limit
        job = QueryJob(query, "json", limit, base=self.base, bounded=bounded, keep_result=True)
        answer = await self.answer(job, timeout or self.config.timeout)
        result = answer.result if answer.result is not None else from_sparql_json(answer.body)
        assert isinstance(result, SelectResult)
        return result

    def local_path(self, iri: str) -> str | None:
        """Where this server serves ``iri``: the base IRI maps to the server's root."""
        if iri.startswith(self.base) and len(iri) > len(self.base):
            return "/" + iri[len(self.base) :]
        return None

    def link(self, iri: str, lang: str | None = None) -> str:
        """Where a page links to for ``iri``: the HTML document here for the dataset's IRIs
        (in ``lang`` if the reader chose one), else the IRI itself."""
        local = self.local_path(iri)
        if local is None:
            return iri
        path, hash_mark, fragment = local.partition("#")
        anchor = f"#{fragment}" if hash_mark else ""
        if self.config.static_site:
            # Files on a plain web host: one per language (see export.py).
            return f"{quote(path)}{'.en' if lang == 'en' else ''}.html{anchor}"
        return f"{quote(path)}.html{'?lang=' + lang if lang else ''}{anchor}"

    def browse_link(
        self, type_iri: str, lang: str | None = None, static: bool | None = None
    ) -> str:
        """The page that lists every resource of a type (as a file of a static site, or a
        page of this server, whichever the server is unless ``static`` says)."""
        if self.config.static_site if static is None else static:
            slug = re.sub(
                r"[^a-z0-9]+", "-", compact_iri(type_iri, self.vocabulary.prefixes).lower()
            )
            return f"/browse/{slug.strip('-')}{'.en' if lang == 'en' else ''}.html"
        query = {"type": type_iri, **({"lang": lang} if lang else {})}
        return "/browse?" + urlencode(query)

    async def page(
        self,
        request: Request,
        lang: str,
        make: Callable[[], Awaitable[HTMLResponse]],
        headers: dict[str, str] | None = None,
    ) -> Response:
        """The page ``make`` renders for this request, kept in the answer cache (a build's pages
        never change, and a resource page costs several queries and a template), with an ETag
        for 304s. Only pages that rendered with 200 are kept."""
        key = f"page\n{request.url.path}\n{request.url.query}\n{lang}"
        etag = self.key_etag(key)
        validators, unchanged = self.validators(request, etag, "Accept, Accept-Language")
        headers = {**(headers or {}), **validators}
        if unchanged is not None:
            unchanged.headers.update(headers)
            return unchanged
        cached = self.cache.get(key)
        if cached is None:
            response = await make()
            if response.status_code != 200:
                return response
            cached = QueryAnswer(True, bytes(response.body), kind="html")
            self.cache.put(key, cached)
        replayable(request.scope)
        return HTMLResponse(cached.body, headers=headers)

    async def respond(
        self,
        request: Request,
        job: QueryJob,
        fmt: ResultSerialisation,
        timeout: float,
        answer: QueryAnswer | None = None,
    ) -> Response:
        """The HTTP answer to ``job`` in ``fmt``: 304 if the client has it, else the result
        (``answer``, if the caller already has it: with no cache it would run again)."""
        headers, unchanged = self.validators(request, self.etag(job), "Accept")
        if unchanged is not None:
            return unchanged
        if answer is None:
            answer = await self.answer(job, timeout)
        headers["Sdglod-Result-Size"] = str(answer.size)
        if answer.truncated:
            headers["Sdglod-Truncated"] = "true"
            headers["Sdglod-Row-Limit"] = str(job.limit)
        replayable(request.scope)
        return Response(answer.body, media_type=content_type(fmt.media_type), headers=headers)


def content_type(media_type: str) -> str:
    """The Content-Type for ``media_type``, with ``charset=utf-8`` for text formats."""
    if media_type.startswith(TEXT_TYPES) and "charset" not in media_type:
        return f"{media_type}; charset=utf-8"
    return media_type

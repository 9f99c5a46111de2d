"""What a running server holds (the build, the query pool, an answer cache) and how a query job
becomes an HTTP answer: cache, ETag/304, time limit, row limit, errors."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response

from ..build import Build, current_build
from ..formats import ResultSerialisation
from ..project import Project, load_project
from ..queries import CannedQuery, load_queries
from ..results import Vocabulary
from .config import ServerConfig
from .errors import HttpError
from .executor import (
    PoolBusy,
    QueryAnswer,
    QueryJob,
    QueryPool,
    QueryTimeout,
    WorkerFailed,
    WorkerSetup,
)

MIN_TIMEOUT = 0.5  # seconds: the lowest time limit a request can ask for
TEXT_TYPES = ("text/", "application/sparql-results+xml", "application/rdf+xml")


class AnswerCache:
    """Answers by job, least recently used out first, within a number of entries and bytes.

    The data of a build never changes, so an answer stays right for as long as the server
    serves that build.
    """

    def __init__(self, entries: int, max_bytes: int = 64 << 20):
        self.entries = entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, QueryAnswer] = OrderedDict()
        self._bytes = 0

    def get(self, key: str) -> QueryAnswer | None:
        answer = self._items.get(key)
        if answer is not None:
            self._items.move_to_end(key)
        return answer

    def put(self, key: str, answer: QueryAnswer) -> None:
        if self.entries <= 0 or len(answer.body) > self.max_bytes // 8:
            return
        if key in self._items:
            return
        self._items[key] = answer
        self._bytes += len(answer.body)
        while len(self._items) > self.entries or self._bytes > self.max_bytes:
            _, old = self._items.popitem(last=False)
            self._bytes -= len(old.body)


@dataclass
class Runtime:
    """One server's state: configuration, project, build, canned queries, pool and cache."""

    config: ServerConfig
    project: Project
    build: Build
    queries: dict[str, CannedQuery]
    vocabulary: Vocabulary
    pool: QueryPool
    cache: AnswerCache
    tag: str  # identifies the build's content, for ETags
    graph_sizes: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, config: ServerConfig) -> Runtime:
        project = load_project(config.project_root, config.base)
        build = current_build(project)
        manifest = build.manifest
        vocabulary = Vocabulary(manifest["prefixes"], manifest["context"])
        setup = WorkerSetup(
            store=str(build.store_path),
            in_memory=config.in_memory,
            prefixes=manifest["prefixes"],
            context=manifest["context"],
        )
        content = "".join(d["sha256"] for _, d in sorted(manifest["dumps"].items()))
        return cls(
            config=config,
            project=project,
            build=build,
            queries=load_queries(project),
            vocabulary=vocabulary,
            pool=QueryPool(setup, config.query_workers),
            cache=AnswerCache(config.cache_entries),
            tag=hashlib.sha256(content.encode()).hexdigest()[:16],
            graph_sizes=dict(manifest["graphs"]),
        )

    @property
    def base(self) -> str:
        return self.project.base

    def etag(self, job: QueryJob) -> str:
        digest = hashlib.sha256(f"{self.tag}\n{job.key()}".encode()).hexdigest()[:32]
        # Weak: the same answer may go out gzipped or not.
        return f'W/"{digest}"'

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
        key = job.key()
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        try:
            answer = await self.pool.run(job, timeout)
        except QueryTimeout:
            raise HttpError(
                "timeout",
                f"the query ran for more than {timeout:g} s and was stopped",
                hint="narrow the query (fewer variables, a LIMIT, more specific patterns)",
                headers={"Retry-After": "10"},
            ) from None
        except PoolBusy:
            raise HttpError(
                "busy",
                f"no query worker became free within {timeout:g} s",
                hint="try again in a moment",
                headers={"Retry-After": "5"},
            ) from None
        except WorkerFailed as err:
            raise HttpError("internal", str(err)) from None
        if not answer.ok:
            raise HttpError(
                answer.code or "query-failed",
                answer.message,
                hint="fix the query at this position" if answer.line else None,
                line=answer.line,
                column=answer.column,
            )
        self.cache.put(key, answer)
        return answer

    async def respond(
        self, request: Request, job: QueryJob, fmt: ResultSerialisation, timeout: float
    ) -> Response:
        """The HTTP answer to ``job`` in ``fmt``: 304 if the client has it, else the result."""
        etag = self.etag(job)
        headers = {
            "ETag": etag,
            "Cache-Control": f"public, max-age={self.config.max_age}",
            "Vary": "Accept",
        }
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        answer = await self.answer(job, timeout)
        headers["Sdglod-Result-Size"] = str(answer.size)
        if answer.truncated:
            headers["Sdglod-Truncated"] = "true"
            headers["Sdglod-Row-Limit"] = str(job.limit)
        return Response(answer.body, media_type=content_type(fmt.media_type), headers=headers)


def content_type(media_type: str) -> str:
    """The Content-Type for ``media_type``, with ``charset=utf-8`` for text formats."""
    if media_type.startswith(TEXT_TYPES) and "charset" not in media_type:
        return f"{media_type}; charset=utf-8"
    return media_type

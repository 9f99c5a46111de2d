"""What an operator can set about the server, with safe defaults."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SdglodError

DEFAULT_TIMEOUT = 10.0
DEFAULT_ROW_LIMIT = 10_000
DEFAULT_BODY_LIMIT = 1 << 20  # 1 MiB: ample for any query a person writes
DEFAULT_MAX_AGE = 300
DEFAULT_WORKER_MEMORY = 2048  # MB of heap per query worker: 2 GB × 3 workers on a 24 GB machine
DEFAULT_REQUEST_TIMEOUT = 15.0  # seconds a client has to send a whole request
MIN_WORKER_MEMORY = 64  # MB: below this a worker cannot even hold Python and a small store


@dataclass(frozen=True)
class ServerConfig:
    """Settings of one server; every limit applies to every request."""

    project_root: Path
    timeout: float = DEFAULT_TIMEOUT  # seconds a query may run; requests may ask for less
    row_limit: int = DEFAULT_ROW_LIMIT  # solutions or triples in one answer
    body_limit: int = DEFAULT_BODY_LIMIT  # bytes of a request body
    query_workers: int = 2  # processes that run queries (each holds a copy of the store)
    in_memory: bool = True  # copy the store into memory in each worker: faster aggregates
    cache_entries: int = 1024  # answers kept per build (0: no cache)
    max_age: int = DEFAULT_MAX_AGE  # Cache-Control max-age of query answers, seconds
    allowed_services: tuple[str, ...] = field(default_factory=tuple)  # SERVICE endpoints
    base: str | None = None  # override of the project's base IRI
    backend: str | None = None  # a remote store's query URL to serve instead of the build
    union_graph: str | None = None  # a graph of that store holding the project's graphs
    static_site: bool = False  # pages for `sdglod export-static`: links to files, no endpoint
    page_workers: int = 1  # query processes for the server's own queries (pages, canned)
    lookup_threads: int = 2  # threads of the server process for bounded lookups (0: none)
    client_queries: int = 2  # /sparql queries one client (peer address) may have at once
    query_queue: int = 16  # /sparql queries that may wait for a worker; more: 503 at once
    worker_memory: int = DEFAULT_WORKER_MEMORY  # MB of heap a query worker may use (0: no limit)
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT  # seconds to send a request, headers+body
    public_url: str | None = None  # where the site is for readers (absolute links); else base
    follow_interval: float = 5.0  # seconds between two checks of a remote store's publish mark

    def __post_init__(self) -> None:
        # A limit of 0 or less would refuse every request (a timeout of 0: every query a 503).
        for name in ("timeout", "request_timeout", "follow_interval"):
            value = getattr(self, name)
            if not (value > 0 and math.isfinite(value)):
                raise SdglodError(f"{name} {value!r}: give a positive number of seconds")
        if 0 < self.worker_memory < MIN_WORKER_MEMORY:
            raise SdglodError(
                f"worker_memory {self.worker_memory!r}: a worker needs {MIN_WORKER_MEMORY} MB "
                "or more (0: no limit)"
            )
        counts = {
            "row_limit": (self.row_limit, 1),
            "body_limit": (self.body_limit, 1),
            "query_workers": (self.query_workers, 1),
            "cache_entries": (self.cache_entries, 0),
            "max_age": (self.max_age, 0),
            "page_workers": (self.page_workers, 1),
            "lookup_threads": (self.lookup_threads, 0),
            "client_queries": (self.client_queries, 1),
            "query_queue": (self.query_queue, 0),
            "worker_memory": (self.worker_memory, 0),
        }
        for name, (value, least) in counts.items():
            if value < least:
                raise SdglodError(f"{name} {value!r}: give a whole number of {least} or more")

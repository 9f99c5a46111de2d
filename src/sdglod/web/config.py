"""What an operator can set about the server, with safe defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_TIMEOUT = 10.0
DEFAULT_ROW_LIMIT = 10_000
DEFAULT_BODY_LIMIT = 1 << 20  # 1 MiB: ample for any query a person writes
DEFAULT_MAX_AGE = 300


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
    static_site: bool = False  # pages for `sdglod export-static`: links to files, no endpoint

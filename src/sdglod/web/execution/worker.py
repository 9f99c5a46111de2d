"""A query worker: a child process that holds the store and runs one query at a time.

pyoxigraph cannot cancel a running query, so the server runs queries in workers like this one
and kills a worker whose query outlives its time limit (then starts a fresh one): the CPU is
free again the moment the client gets its timeout answer.

Protocol on stdin/stdout, in frames (:mod:`.frames`): first an ``init`` JSON frame from the
server (answered by a ``ready`` frame), then per query one JSON frame from the server (a
:class:`~.jobs.QueryJob`), answered by one JSON frame (the answer's metadata) and one body
frame (the serialised result).

The worker bounds its own heap (``RLIMIT_DATA``, once the store is loaded) and lowers its own
CPU priority if the server asks: a query that needs more memory ends the worker — Rust aborts
on a failed allocation, and a Python ``MemoryError`` exits with :data:`OUT_OF_MEMORY` — and the
server, seeing how it ended, answers that the query needed too much memory.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path

from ...query.embedded import EmbeddedBackend
from ...rdf.names import Vocabulary
from ...rdf.store import Store
from .frames import read_frame, write_frame
from .jobs import QueryJob, answer_job

OUT_OF_MEMORY = 75  # the exit status after a MemoryError (EX_TEMPFAIL)


def open_store(path: str, in_memory: bool) -> Store:
    """The build's store, copied into memory if asked: 3–6× faster for scans and aggregates."""
    on_disk = Store.open(Path(path))
    if not in_memory:
        return on_disk
    return Store.in_memory(on_disk.quads())


def heap_in_use() -> int:
    """Bytes of this process's data segment now (what ``RLIMIT_DATA`` counts)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmData:"):
            return int(line.split()[1]) * 1024
    return 0


def bound_memory(megabytes: int) -> str | None:
    """Let this process's heap grow to ``megabytes`` at most; why not, if the store alone
    already takes more."""
    if megabytes <= 0:
        return None
    limit = megabytes << 20
    used = heap_in_use()
    if used >= limit * 0.9:
        return f"the store alone takes {used >> 20} MB of the {megabytes} MB a worker may use"
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    return None


def main() -> None:
    """Serve query jobs on stdin/stdout until the server closes stdin or kills us."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    init = read_frame(stdin)
    if init is None:
        return
    config = json.loads(init)
    if config.get("nice"):
        os.nice(config["nice"])
    store = open_store(config["store"], config["in_memory"])
    backend = EmbeddedBackend(store)
    vocabulary = Vocabulary(config["prefixes"], config["context"])
    refused = bound_memory(config.get("memory_mb", 0))
    ready = {"ready": True, "triples": len(store)} if refused is None else {"error": refused}
    write_frame(stdout, json.dumps(ready).encode())
    stdout.flush()
    while refused is None and (frame := read_frame(stdin)) is not None:
        try:
            answer = answer_job(backend, QueryJob.from_payload(json.loads(frame)), vocabulary)
            write_frame(stdout, json.dumps(answer.meta()).encode())
            write_frame(stdout, answer.body)
            stdout.flush()
        except MemoryError:
            os._exit(OUT_OF_MEMORY)  # at once: the heap may be too full to say more


if __name__ == "__main__":
    main()

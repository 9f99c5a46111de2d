"""A query worker: a child process that holds the store and runs one query at a time.

pyoxigraph cannot cancel a running query, so the server runs queries in workers like this one
and kills a worker whose query outlives its time limit (then starts a fresh one): the CPU is
free again the moment the client gets its timeout answer.

Protocol on stdin/stdout, in frames (:mod:`.frames`): first an ``init`` JSON frame from the
server (answered by a ``ready`` frame), then per query one JSON frame from the server (a
:class:`~.jobs.QueryJob`), answered by one JSON frame (the answer's metadata) and one body
frame (the serialised result).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ...query.embedded import EmbeddedBackend
from ...rdf.names import Vocabulary
from ...rdf.store import Store
from .frames import read_frame, write_frame
from .jobs import QueryJob, answer_job


def open_store(path: str, in_memory: bool) -> Store:
    """The build's store, copied into memory if asked: 3–6× faster for scans and aggregates."""
    on_disk = Store.open(Path(path))
    if not in_memory:
        return on_disk
    return Store.in_memory(on_disk.quads())


def main() -> None:
    """Serve query jobs on stdin/stdout until the server closes stdin or kills us."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    init = read_frame(stdin)
    if init is None:
        return
    config = json.loads(init)
    store = open_store(config["store"], config["in_memory"])
    backend = EmbeddedBackend(store)
    vocabulary = Vocabulary(config["prefixes"], config["context"])
    write_frame(stdout, json.dumps({"ready": True, "triples": len(store)}).encode())
    stdout.flush()
    while (frame := read_frame(stdin)) is not None:
        answer = answer_job(backend, QueryJob.from_payload(json.loads(frame)), vocabulary)
        write_frame(stdout, json.dumps(answer.meta()).encode())
        write_frame(stdout, answer.body)
        stdout.flush()


if __name__ == "__main__":
    main()

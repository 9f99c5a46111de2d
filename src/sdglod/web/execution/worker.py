"""A query worker: a child process that holds the store and runs one query at a time.

pyoxigraph cannot cancel a running query, so the server runs queries in workers like this one
and kills a worker whose query outlives its time limit (then starts a fresh one): the CPU is
free again the moment the client gets its timeout answer.

Protocol on stdin/stdout, in frames of a 4-byte big-endian length and a payload: first an
``init`` JSON frame from the server (answered by a ``ready`` frame), then per query one JSON
frame from the server, answered by one JSON frame (what came out) and one body frame (the
serialised result).
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import QueryBoolean, QuerySolutions, Variable

from ...query.results import (
    AskResult,
    Result,
    SelectResult,
    Vocabulary,
    graph_result,
    serialize_result,
)
from ...query.sparql_text import split_position
from ...rdf.formats import result_format
from ...rdf.store import Store
from ...rdf.terms import term_from_ntriples

_LENGTH = struct.Struct(">I")


def read_frame(stream: BinaryIO) -> bytes | None:
    """The next frame, or ``None`` at the end of the stream."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    return stream.read(size)


def write_frame(stream: BinaryIO, payload: bytes) -> None:
    stream.write(_LENGTH.pack(len(payload)) + payload)


def open_store(path: str, in_memory: bool) -> Store:
    """The build's store, copied into memory if asked: 3–6× faster for scans and aggregates."""
    on_disk = Store.open(Path(path))
    if not in_memory:
        return on_disk
    return Store.in_memory(on_disk.quads())


def execute(store: Store, job: dict, vocabulary: Vocabulary) -> tuple[dict, bytes]:
    """Run one query job; the answer's metadata and body."""
    substitutions = {Variable(n): term_from_ntriples(t) for n, t in job["bindings"].items()}
    try:
        raw = store.query(
            job["query"],
            default_graphs=job.get("default_graphs"),
            named_graphs=job.get("named_graphs"),
            substitutions=substitutions or None,
            base_iri=job.get("base"),
        )
        result, truncated = _limited(raw, job["limit"])
    except SyntaxError as err:
        line, column, text = split_position(str(err.msg or err))
        return {
            "ok": False,
            "code": "malformed-query",
            "message": text,
            "line": line,
            "column": column,
        }, b""
    except (RuntimeError, OSError, ValueError) as err:
        return {"ok": False, "code": "query-failed", "message": str(err)}, b""
    body = serialize_result(result, result_format(job["format"]), vocabulary)
    meta = {
        "ok": True,
        "kind": result.kind,
        "size": len(result) if not isinstance(result, AskResult) else 1,
        "truncated": truncated,
    }
    return meta, body


def _limited(raw: object, limit: int) -> tuple[Result, bool]:
    """The result with at most ``limit`` solutions or triples, and whether some were cut."""
    if isinstance(raw, QueryBoolean):
        return AskResult(bool(raw)), False
    if isinstance(raw, QuerySolutions):
        names = tuple(v.value for v in raw.variables)
        rows = []
        for solution in raw:
            if len(rows) == limit:
                return SelectResult(names, tuple(rows)), True
            rows.append(tuple(solution[n] for n in names))
        return SelectResult(names, tuple(rows)), False
    triples = []
    for triple in raw:  # type: ignore[attr-defined]
        if len(triples) == limit:
            return graph_result(triples), True
        triples.append(triple)
    return graph_result(triples), False


def main() -> None:
    """Serve query jobs on stdin/stdout until the server closes stdin or kills us."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    init = read_frame(stdin)
    if init is None:
        return
    config = json.loads(init)
    store = open_store(config["store"], config["in_memory"])
    vocabulary = Vocabulary(config["prefixes"], config["context"])
    write_frame(stdout, json.dumps({"ready": True, "triples": len(store)}).encode())
    stdout.flush()
    while (frame := read_frame(stdin)) is not None:
        meta, body = execute(store, json.loads(frame), vocabulary)
        write_frame(stdout, json.dumps(meta).encode())
        write_frame(stdout, body)
        stdout.flush()


if __name__ == "__main__":
    main()

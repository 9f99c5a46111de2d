"""Comparing a remote graph with the build's: triples reduced to digests and counted as
multisets, in memory or spread over temporary bucket files."""

from __future__ import annotations

import hashlib
import tempfile
from collections import Counter
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path

from pyoxigraph import BlankNode, Triple

_DIGEST_BYTES = 16


def compare_triples(
    ours: Iterable[Triple], theirs: Iterable[Triple], buckets: int
) -> tuple[int, int, int]:
    """``(triples in theirs, added, removed)`` when ``theirs`` is replaced by ``ours``.

    Each triple is reduced to a 16-byte digest of its N-Triples form. With one bucket the
    digests are compared in memory; with more, they are first spread by digest over bucket files
    in a temporary folder (16 bytes per triple on disk) and compared one bucket at a time — so
    memory stays bounded by a bucket, whatever the graph's size, and both sides are read once,
    as streams.

    Blank nodes are relabelled by every store, so all blank nodes count as one: the comparison
    is of multisets of triples with blank nodes masked, which gives 0 added and 0 removed for an
    unchanged graph, and exact counts for changes to triples without blank nodes.
    """
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

"""The embedded Oxigraph store: write a new one, open one read-only, query it.

This is the only module that creates or opens a pyoxigraph ``Store``. Queries of a build's
:class:`Store` see the union of all named graphs as their default graph; a
:class:`ScratchStore` (working sets of validation) is an ordinary writable store in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
)
from pyoxigraph import Store as _OxStore

from ..errors import NoBuildError
from .sources import ParsedSource, Sources

QueryResult = QuerySolutions | QueryBoolean | QueryTriples


class Store:
    """A read-only view of a built store."""

    def __init__(self, oxstore: _OxStore, path: Path | None = None, keep: object = None):
        self._store = oxstore
        self.path = path
        self._keep = keep  # lives as long as the store: the lease that keeps its files on disk

    @classmethod
    def open(cls, path: Path, keep: object = None) -> Store:
        """Open the store at ``path`` read-only; ``keep`` (a build's lease) is held as long as
        the store is."""
        if not path.is_dir():
            raise NoBuildError(f"no store at {path}", hint="run `sdglod build` first")
        return cls(_OxStore.read_only(str(path)), path, keep)

    @classmethod
    def in_memory(cls, quads: Iterable[Quad]) -> Store:
        """A store held in memory, for quick checks that need no files."""
        store = _OxStore()
        store.extend(quads)
        return cls(store)

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        union: bool = True,
        **options: object,
    ) -> QueryResult:
        """Run a SPARQL query (``options`` as pyoxigraph's) on a dataset.

        If ``default_graphs`` or ``named_graphs`` is given (the SPARQL protocol's
        ``default-graph-uri``/``named-graph-uri``), the dataset is exactly those graphs: the
        default graph is the merge of ``default_graphs`` (empty if none), the named graphs are
        ``named_graphs`` (none if none). Otherwise, with ``union``, the default graph is the
        union of all named graphs; without, the query's own ``FROM``/``FROM NAMED`` say.
        """
        if default_graphs is None and named_graphs is None:
            if union:
                return self._store.query(sparql, use_default_graph_as_union=True, **options)
            return self._store.query(sparql, **options)
        return self._store.query(
            sparql,
            default_graph=[NamedNode(iri) for iri in default_graphs or ()],
            named_graphs=[NamedNode(iri) for iri in named_graphs or ()],
            **options,
        )

    def quads(self) -> Iterator[Quad]:
        """Every quad of every named graph, in the store's own order."""
        return self._store.quads_for_pattern(None, None, None, None)

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph, by graph IRI."""
        counts = self._store.query(
            "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
        return {row["g"].value: int(row["n"].value) for row in counts}

    def __len__(self) -> int:
        return len(self._store)


def write_store(path: Path, quads: Iterable[Quad] | Sources) -> None:
    """Create a new on-disk store at ``path`` (which must not exist) holding ``quads``.

    Given parsed :class:`Sources`, files without blank nodes are loaded from their bytes by
    pyoxigraph's own bulk loader (a third faster than handing it the parsed quads); the same
    parser with the same base IRI gives the same quads.
    """
    with StoreWriter(path) as writer:
        if isinstance(quads, Sources):
            for parsed in quads.files:
                writer.add(parsed)
        else:
            writer.add_quads(quads)


class StoreWriter:
    """Writes a new on-disk store, one parsed file at a time, in a thread of its own.

    pyoxigraph releases the GIL while it loads, so the store is written while Python goes on
    parsing the next file (``load_sources(project, writer.add)``), validating or writing dumps:
    a build waits for the store only as long as loading takes, not parsing *and* loading.
    Files without blank nodes are loaded from their bytes (see :func:`write_store`). Used as a
    context manager: leaving it normally waits for the loads, then flushes and closes the store
    (a load's error is raised there); leaving it by an exception waits for the loads and closes
    the store, so that the caller can delete the folder.
    """

    def __init__(self, path: Path):
        if path.exists():
            raise FileExistsError(path)
        self._store: _OxStore | None = _OxStore(str(path))
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._pending: list[Future] = []

    def add(self, parsed: ParsedSource) -> None:
        """Load one parsed file (in the background)."""
        self._pending.append(self._pool.submit(_load, self._store, parsed))

    def add_quads(self, quads: Iterable[Quad]) -> None:
        """Load quads (in the background; the iterable must not change meanwhile)."""
        self._pending.append(self._pool.submit(self._store.bulk_extend, quads))  # type: ignore[union-attr]

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        try:
            for pending in self._pending:
                if kind is None:
                    pending.result()
                else:
                    pending.exception()  # wait; the error being raised matters more
        finally:
            self._pool.shutdown(wait=True)
            if kind is None:
                self._store.flush()  # type: ignore[union-attr]
                self._store.optimize()  # type: ignore[union-attr]
            # Dropping the last reference closes RocksDB, so the folder can be opened
            # read-only, or deleted.
            self._store = None


def _load(store: _OxStore, parsed: ParsedSource) -> None:
    if parsed.data and not parsed.blank_nodes:
        graph = NamedNode(parsed.source.graph.iri)
        store.bulk_load(parsed.data, parsed.format, base_iri=parsed.base, to_graph=graph)
    else:
        store.bulk_extend(parsed.quads)


def canonical_literals(literals: Iterable[Literal]) -> dict[Literal, Literal]:
    """The literals that a store keeps in another (canonical) form, mapped to that form.

    Oxigraph stores typed literals of the XSD types it knows by value: ``"01"^^xsd:integer``
    comes back as ``"1"``, ``"1"^^xsd:boolean`` as ``"true"``. Asking a store is the only way
    to know its canonical form exactly.
    """
    given = list(dict.fromkeys(literals))
    if not given:
        return {}
    store = _OxStore()
    predicate = NamedNode("urn:x-sdglod:value")
    store.extend(
        Quad(NamedNode(f"urn:x-sdglod:literal:{n}"), predicate, literal)
        for n, literal in enumerate(given)
    )
    changed = {}
    for quad in store.quads_for_pattern(None, predicate, None, None):
        original = given[int(quad.subject.value.rsplit(":", 1)[1])]
        if quad.object != original:
            changed[original] = quad.object
    return changed  # type: ignore[return-value]


class ScratchStore:
    """A writable in-memory store for working sets, validation and checks.

    Unlike :class:`Store`, queries see the default graph only, not the union of the named
    graphs: the SPARQL validation engine keeps its working sets in a named graph that queries
    of the data must not see.
    """

    def __init__(self) -> None:
        self._store = _OxStore()

    def load(self, data: bytes, fmt: RdfFormat, base_iri: str | None = None) -> None:
        """Parse ``data`` into the default graph."""
        self._store.load(data, fmt, base_iri=base_iri)

    def extend(self, quads: Iterable[Quad]) -> None:
        self._store.extend(quads)

    def update(self, sparql: str) -> None:
        """Run a SPARQL update."""
        self._store.update(sparql)

    def query(self, sparql: str, **options: object) -> QueryResult:
        """Run a SPARQL query (``options`` as pyoxigraph's, e.g. ``prefixes``)."""
        return self._store.query(sparql, **options)  # type: ignore[arg-type]

    def __len__(self) -> int:
        return len(self._store)

"""The embedded Oxigraph store: write a new one, open one read-only, query it.

This is the only module that creates or opens a pyoxigraph ``Store``. Queries see the union of
all named graphs as their default graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from pyoxigraph import NamedNode, Quad, QueryBoolean, QuerySolutions, QueryTriples
from pyoxigraph import Store as _OxStore

from .errors import NoBuildError

QueryResult = QuerySolutions | QueryBoolean | QueryTriples


class Store:
    """A read-only view of a built store."""

    def __init__(self, oxstore: _OxStore, path: Path | None = None):
        self._store = oxstore
        self.path = path

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open the store at ``path`` read-only."""
        if not path.is_dir():
            raise NoBuildError(f"no store at {path}", hint="run `sdglod build` first")
        return cls(_OxStore.read_only(str(path)), path)

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
        **options: object,
    ) -> QueryResult:
        """Run a SPARQL query (``options`` as pyoxigraph's).

        The default graph is the union of all named graphs, unless the SPARQL protocol's
        ``default_graphs``/``named_graphs`` name the dataset: then exactly those graphs (an
        empty default graph if only named graphs are given).
        """
        if default_graphs is None and named_graphs is None:
            return self._store.query(sparql, use_default_graph_as_union=True, **options)
        return self._store.query(
            sparql,
            default_graph=[NamedNode(iri) for iri in default_graphs or []] or None,
            named_graphs=None if named_graphs is None else [NamedNode(i) for i in named_graphs],
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


def write_store(path: Path, quads: Iterable[Quad]) -> None:
    """Create a new on-disk store at ``path`` (which must not exist) holding ``quads``."""
    if path.exists():
        raise FileExistsError(path)
    store = _OxStore(str(path))
    store.bulk_extend(quads)
    store.flush()
    store.optimize()
    # Dropping the last reference closes RocksDB, so the directory can be opened read-only.
    del store

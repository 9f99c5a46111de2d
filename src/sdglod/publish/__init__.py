"""Publish the current build to a remote SPARQL 1.1 store: one named graph per source area.

Each graph of the build replaces the remote graph of the same IRI as a whole — with an HTTP
``PUT`` on a SPARQL 1.1 Graph Store endpoint, or, for stores without one, with SPARQL Update
(``DROP SILENT GRAPH`` and ``INSERT DATA`` in chunks) — so publishing twice leaves the store as
publishing once did, and running a publish that stopped midway again completes it. Per graph:

1. count the remote graph's triples (a query on the SPARQL endpoint);
2. read the remote graph (Graph Store ``GET``, or a ``CONSTRUCT``) and compare it with the
   build's, to report the triples added and removed (:func:`count_changes`: streamed, in
   bounded memory);
3. replace it, the body streamed from the build's store in chunks — unless nothing changed and
   the graph has no blank nodes (whose links the comparison cannot see): then it is left as is;
4. count again: any count other than the build's is an error that names the graph.

Its requests go through httpx, as the queries of :mod:`sdglod.query.remote` do, but with a
client of their own: streamed request bodies, credentials from options or the environment, and
errors of a publish. The modules:
:mod:`.target` (URLs and credentials), :mod:`.client` (the requests), :mod:`.compare` (change
counting), :mod:`.report` (results and errors); the publish loop is here, with the sizes it
passes down, so that they can be tuned (and shrunk by tests) in one place.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager

from pyoxigraph import Literal, NamedNode, Triple, Variable

from ..build import current_build
from ..project import Project
from ..query.backends import publication_graph
from ..query.remote import redact
from ..rdf.namespaces import DCT
from ..rdf.store import Store
from .client import CONNECT_TIMEOUT, StoreClient
from .compare import compare_triples
from .report import GraphChange, GraphFailed, PublishError, PublishIncomplete, PublishReport
from .target import AUTH_ENV, DEFAULT_TIMEOUT, TOKEN_ENV, Credentials, Target, read_credentials

BODY_CHUNK_BYTES = 256 * 1024  # a streamed request body is sent in pieces of about this size
UPDATE_CHUNK_TRIPLES = 10_000  # triples per INSERT DATA request
BUCKET_TRIPLES = 100_000  # triples compared in memory at once (about 15 MB per side)
MAX_BUCKETS = 256  # open files while comparing; beyond 25.6M triples the buckets grow instead
# A SELECT, not a CONSTRUCT: pyoxigraph's CONSTRUCT holds every triple it made (to drop
# duplicates), 700 MB for a graph of 1M triples; the solutions of a SELECT are streamed.
_GRAPH_TRIPLES = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_HAS_BLANK_NODES = "ASK { GRAPH ?g { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } }"

#: Called with a graph IRI and its triple count when writing the graph starts; the context it
#: returns yields a function that is called with the number of triples sent since its last call.
Progress = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]

__all__ = [
    "AUTH_ENV",
    "BODY_CHUNK_BYTES",
    "BUCKET_TRIPLES",
    "CONNECT_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "MAX_BUCKETS",
    "PUBLICATION_QUERY",
    "TOKEN_ENV",
    "UPDATE_CHUNK_TRIPLES",
    "Credentials",
    "GraphChange",
    "Progress",
    "PublishError",
    "PublishIncomplete",
    "PublishReport",
    "Target",
    "count_changes",
    "graph_namespace",
    "publication_graph",
    "publish",
    "read_credentials",
    "select_graphs",
]


def publish(
    project: Project,
    target: Target,
    graphs: Sequence[str] = (),
    *,
    dry_run: bool = False,
    allow_unvalidated: bool = False,
    keep_stale: bool = False,
    progress: Progress | None = None,
    on_graph: Callable[[GraphChange], None] | None = None,
) -> PublishReport:
    """Replace each named graph of ``project``'s current build (or only ``graphs``: names from
    ``sdglod.toml`` or IRIs) on ``target``, verify the counts, and report the changes.

    A whole publish (no ``graphs``) makes the store hold exactly the build: graphs under the
    project's graph namespace (``{base}graph/``) that the build does not have — a graph
    renamed or removed in ``sdglod.toml`` — are removed (``keep_stale`` keeps them), and at
    the end every graph of the build is counted again. ``dry_run`` compares and writes
    nothing. ``on_graph`` is called after each graph is done. Raises
    :class:`PublishIncomplete` naming the graphs written and not written when a request
    fails or a count does not match.
    """
    build = current_build(project)
    if not build.manifest.validated and not allow_unvalidated:
        raise PublishError(
            "the current build was made with --skip-validation: it is not validated",
            hint="run `sdglod build`, or pass --allow-unvalidated to publish it all the same",
        )
    chosen = select_graphs(project, build.manifest.graphs, graphs)
    store = build.open_store()
    done: list[GraphChange] = []
    client = StoreClient(target, body_bytes=BODY_CHUNK_BYTES, update_triples=UPDATE_CHUNK_TRIPLES)
    with client:
        for position, (graph, size) in enumerate(chosen.items()):
            try:
                change = _publish_graph(client, store, graph, size, dry_run, progress)
            except GraphFailed as failure:
                pending = list(chosen)[position:]
                raise _incomplete(target, failure, graph, done, pending, dry_run) from None
            done.append(change)
            if on_graph is not None:
                on_graph(change)
        whole = not graphs
        try:
            if whole:
                for change in _stale_graphs(client, project, chosen, keep_stale, dry_run):
                    done.append(change)
                    if on_graph is not None:
                        on_graph(change)
            if not dry_run:
                _verify(client, chosen, whole and not keep_stale, project)
                if any(change.written for change in done):
                    _mark_publication(client, project)
        except GraphFailed as failure:
            raise _incomplete(target, failure, failure.graph, done, [], dry_run) from None
    return PublishReport(tuple(done), target.write_url, target.method, dry_run)


def _mark_publication(client: StoreClient, project: Project) -> None:
    graph = NamedNode(publication_graph(project))
    mark = Triple(graph, NamedNode(DCT + "identifier"), Literal(uuid.uuid4().hex))
    try:
        client.replace(graph.value, iter([mark]), lambda _sent: None)
    except GraphFailed as failure:
        failure.graph = graph.value
        failure.hint = (
            "the graphs are published; front ends may serve cached answers until restarted"
        )
        raise


def graph_namespace(project: Project) -> str:
    """Where the project's graphs are named by default: a graph on a store under it that the
    build does not have is stale."""
    return f"{project.base}graph/"


def _stale_graphs(
    client: StoreClient, project: Project, built: Mapping[str, int], keep: bool, dry_run: bool
) -> Iterator[GraphChange]:
    """Remove (unless ``keep``) the graphs under the project's namespace that the build lacks;
    in a dry run, say what would become of them."""
    for graph, before in sorted(client.graphs_under(graph_namespace(project)).items()):
        if graph in built:
            continue
        if keep or dry_run:
            after, removed = (before, 0) if keep else (0, before)
            yield GraphChange(graph, before, after, 0, removed, written=False, stale=True)
            continue
        try:
            client.drop(graph)
        except GraphFailed as failure:
            failure.graph = graph
            raise
        yield GraphChange(graph, before, client.count(graph), 0, before, stale=True)


def _verify(
    client: StoreClient, built: Mapping[str, int], no_stale: bool, project: Project
) -> None:
    """Count every graph of the build on the store once more (and, unless stale graphs are
    kept, that none is left): the store holds exactly what was published."""
    for graph, size in built.items():
        found = client.count(graph)
        if found != size:
            raise GraphFailed(
                f"graph <{graph}> holds {found} triples on the store, the build has {size}",
                hint="did another writer change the store meanwhile?",
                state="unverified",
                graph=graph,
            )
    if no_stale:
        left = set(client.graphs_under(graph_namespace(project))) - set(built)
        if left:
            graph = sorted(left)[0]
            raise GraphFailed(
                f"graph <{graph}> is still on the store after it was removed",
                hint="did another writer add it meanwhile?",
                state="unverified",
                graph=graph,
            )


def select_graphs(
    project: Project, built: Mapping[str, int], names: Sequence[str]
) -> dict[str, int]:
    """The graphs to publish, IRI → triples in the build: all, or those ``names`` choose."""
    if not names:
        return dict(built)
    by_name = {area.name: area.iri for area in project.areas if area.iri in built}
    wanted = set()
    for name in names:
        iri = by_name.get(name, name)
        if iri not in built:
            raise PublishError(
                f"--graph {name!r}: the current build has no such graph",
                hint=f"choose from {', '.join(by_name) or 'none'} (or their IRIs)",
            )
        wanted.add(iri)
    return {iri: size for iri, size in built.items() if iri in wanted}


def count_changes(
    ours: Iterable[Triple], theirs: Iterable[Triple], size: int
) -> tuple[int, int, int]:
    """``(triples in theirs, added, removed)`` when ``theirs`` is replaced by ``ours``.

    Up to ``BUCKET_TRIPLES`` (``size`` is the larger side's expected count) the triples are
    compared in memory; beyond, in up to ``MAX_BUCKETS`` bucket files
    (:func:`~.compare.compare_triples`, which also says how blank nodes count).
    """
    buckets = min(MAX_BUCKETS, max(1, math.ceil(size / BUCKET_TRIPLES)))
    return compare_triples(ours, theirs, buckets)


def _publish_graph(
    client: StoreClient,
    store: Store,
    graph: str,
    size: int,
    dry_run: bool,
    progress: Progress | None,
) -> GraphChange:
    before = client.count(graph)
    if before == 0:
        # Nothing there: every triple of the build's graph (a set) is added, and the build
        # need not be read twice (once to compare, once to send). The store is still asked
        # for the graph: a wrong Graph Store URL is told before anything is written.
        fetched, added, removed = sum(1 for _ in client.fetch(graph, 0)), size, 0
    else:
        fetched, added, removed = count_changes(
            _graph_triples(store, graph), client.fetch(graph, before), max(size, before)
        )
    if fetched != before:
        raise GraphFailed(
            f"the store sent {fetched} triples of graph <{graph}>, but counts {before}",
            hint="does the store cut its answers at a size limit (e.g. Virtuoso's "
            "ResultSetMaxRows)? Raise it",
        )
    if dry_run:
        return GraphChange(graph, before, size, added, removed)
    if before == size and added == removed == 0 and not _has_blank_nodes(store, graph):
        # Triples without blank nodes compare exactly: the store holds this graph already.
        return GraphChange(graph, before, before, 0, 0, written=False)
    bar = progress(graph, size) if progress else _no_progress()
    try:
        with bar as advance:
            client.replace(graph, _graph_triples(store, graph), advance)
    except GraphFailed as failure:
        failure.state = "partial"
        raise
    after = client.count(graph)
    if after != size:
        raise GraphFailed(
            f"graph <{graph}> holds {after} triples on the store after writing, "
            f"the build has {size}",
            hint="did another writer change the graph meanwhile, or does the store not keep "
            "every triple as sent (some merge literals of equal value)?",
            state="unverified",
        )
    return GraphChange(graph, before, after, added, removed)


@contextmanager
def _no_progress() -> Iterator[Callable[[int], None]]:
    yield lambda _sent: None


def _has_blank_nodes(store: Store, graph: str) -> bool:
    answer = store.query(_HAS_BLANK_NODES, substitutions={Variable("g"): NamedNode(graph)})
    return bool(answer)


def _graph_triples(store: Store, graph: str) -> Iterator[Triple]:
    """The triples of one named graph of the build, streamed from its store."""
    rows = store.query(_GRAPH_TRIPLES, substitutions={Variable("g"): NamedNode(graph)})
    for row in rows:  # type: ignore[union-attr]
        yield Triple(row[0], row[1], row[2])


def _incomplete(
    target: Target,
    failure: GraphFailed,
    graph: str,
    done: Sequence[GraphChange],
    pending: Sequence[str],
    dry_run: bool,
) -> PublishIncomplete:
    verb = "comparing with" if dry_run else "publishing to"
    lines = [f"{verb} {redact(target.write_url)} stopped at graph <{graph}>: {failure.message}"]
    if not dry_run:
        lines.append(f"  written and verified ({len(done)}):")
        lines += [f"    {change.graph}" for change in done] or ["    none"]
        lines.append(f"  not written ({len(pending)}):")
        state = {
            "partial": "  (stopped while writing it: may be incomplete)",
            "unverified": "  (written, but its count does not match)",
        }.get(failure.state, "")
        if pending:
            lines += [f"    {pending[0]}{state}", *(f"    {iri}" for iri in pending[1:])]
        else:
            lines += ["    none (the build's graphs are written; the last check failed)"]
    hint = failure.hint or ""
    if not dry_run:
        rerun = "run the same publish again: each graph is replaced whole, so a re-run completes it"
        joint = " Then " if hint.endswith(("?", ".")) else ". Then "
        hint = f"{hint}{joint}{rerun}" if hint else rerun
    return PublishIncomplete("\n".join(lines), done=done, pending=pending, hint=hint or None)

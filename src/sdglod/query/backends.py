"""Where queries run for a project: the embedded store of its current build
(:mod:`.embedded`), or a remote SPARQL endpoint (:mod:`.remote`), and how to write the IRIs of
their results.

Both kinds are a :class:`~sdglod.query.execute.Backend`: they evaluate a
:class:`~sdglod.query.execute.QueryRequest` into the same typed results
(:mod:`sdglod.query.results`), so every output format, the CLI and the HTTP app work with
either, and every query reaches them through :func:`~sdglod.query.execute.run_query`.
"""

from __future__ import annotations

from ..build import current_build
from ..errors import NoBuildError
from ..project import Project
from ..rdf.jsonld import build_context
from ..rdf.names import Vocabulary
from ..rdf.sources import load_sources
from .embedded import EmbeddedBackend
from .execute import Backend


def project_vocabulary(project: Project) -> Vocabulary:
    """The prefixes and JSON-LD context of ``project``: from its current build if there is one,
    else read from the sources (a project queried only remotely need not be built)."""
    try:
        manifest = current_build(project).manifest
        return Vocabulary(manifest.prefixes, manifest.context)
    except NoBuildError:
        prefixes = load_sources(project).prefixes
        return Vocabulary(prefixes, build_context(prefixes, project.vocab))


def project_graphs(project: Project) -> tuple[str, ...]:
    """The named graphs of ``project`` (``sdglod.toml``'s ``[[graphs]]``): what a remote store
    is asked about, whatever else it holds."""
    return tuple(area.iri for area in project.areas)


def publication_graph(project: Project) -> str:
    """The graph where a publish leaves its mark: one triple whose value changes with every
    publish that changed the store, so that front ends (``serve --backend``) see, with one
    cheap query, that what they cached is stale. Not under the graph namespace, so never a
    stale graph itself."""
    return f"{project.base}publication"


# The mark, asked of the publication graph alone (the project's graphs are a query's dataset
# otherwise); ``{graph}`` is the graph's IRI written by pyoxigraph.
PUBLICATION_QUERY = (
    "SELECT ?mark FROM NAMED {graph} WHERE {{ GRAPH {graph} {{ "
    "{graph} <http://purl.org/dc/terms/identifier> ?mark }} }} LIMIT 1"
)


def open_backend(
    project: Project | None, endpoint: str | None = None, union_graph: str | None = None
) -> Backend:
    """The remote endpoint at ``endpoint`` if given (``union_graph``: its graph that holds
    the union of the project's graphs, see :class:`~.remote.RemoteBackend`), else the store of
    ``project``'s current build."""
    if endpoint:
        from .remote import RemoteBackend

        graphs = project_graphs(project) if project else ()
        return RemoteBackend(endpoint, graphs=graphs, union_graph=union_graph)
    if project is None:
        raise ValueError("a project or an endpoint is needed")
    return EmbeddedBackend(current_build(project).open_store())

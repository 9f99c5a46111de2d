"""The embedded Oxigraph store of a build as a query backend.

Kept apart from :mod:`.backends` (which finds a project's current build) so that a query
worker process, which only needs this, starts without loading the build and validation
stages.
"""

from __future__ import annotations

from pyoxigraph import Variable

from ..rdf.store import Store
from .execute import Backend, QueryOutcome, QueryRequest
from .results import from_oxigraph
from .sparql_text import dataset_clauses, without_dataset_clauses


class EmbeddedBackend(Backend):
    """Queries the embedded Oxigraph store; parameters are bound with its ``substitutions``."""

    def __init__(self, store: Store):
        self.store = store

    def evaluate(self, request: QueryRequest) -> QueryOutcome:
        substitutions = {Variable(name): term for name, term in request.bindings.items()}
        text, union = request.text, True
        if request.default_graphs is not None or request.named_graphs is not None:
            text = without_dataset_clauses(text)  # the request's dataset wins over the query's
        elif dataset_clauses(text):
            union = False  # the query's FROM / FROM NAMED give the dataset
        raw = self.store.query(
            text,
            default_graphs=_listed(request.default_graphs),
            named_graphs=_listed(request.named_graphs),
            union=union,
            substitutions=substitutions or None,
            base_iri=request.base,
        )
        # Solutions stream from the engine: reading stops at the limit.
        return QueryOutcome(*from_oxigraph(raw, request.limit))


def _listed(graphs: tuple[str, ...] | None) -> list[str] | None:
    return None if graphs is None else list(graphs)

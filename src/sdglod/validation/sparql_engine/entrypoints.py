"""The engine's entry points: the data into an in-memory store, the literals checked for forms
that the store and rdflib would read differently, then the engine run."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import Literal, Quad
from rdflib import Graph
from rdflib import Literal as RdfLiteral
from rdflib.namespace import SH, XSD

from ...rdf.namespaces import XSD_STRING
from ...rdf.sources import Sources
from ...rdf.store import ScratchStore, canonical_literals
from ..report import ValidationResult, nt, to_rdflib
from .base import ox_term
from .engine import Engine
from .model import ShapesModel, Unsupported


def validate_sources(
    sources: Sources, shapes: Graph, require_messages: bool = False
) -> tuple[list[ValidationResult], int]:
    """Validate parsed sources against a shapes graph; the results and the number of triples.

    Raises :class:`Unsupported` when pyshacl must do it (``require_messages``: also when a
    shape that reports results has no ``sh:message``: only pyshacl writes its own wording).
    """
    model = ShapesModel(shapes)
    if require_messages and not model.has_messages():
        raise Unsupported("a shape without sh:message (only pyshacl writes its generic messages)")
    originals = _originals(sources.typed_literals() | _shape_literals(shapes))
    _check_lexical(model, originals)
    store = store_of_sources(sources)
    triples = len(store)
    results = Engine(store, model, _rdflib_namespaces(), originals).run()
    del store
    _give_back_memory()
    return results, triples


def validate_quads(
    quads: Iterable[Quad], shapes: Graph, namespaces: dict[str, str] | None = None
) -> list[ValidationResult]:
    """Validate quads (their union) against a shapes graph, as
    ``pyshacl_engine.validate_graphs`` validates the rdflib graph of the same quads;
    ``namespaces``: the prefixes that graph binds (default: those of a new rdflib graph)."""
    model = ShapesModel(shapes)
    quads = list(quads)
    typed = {
        q.object
        for q in quads
        if type(q.object) is Literal
        and q.object.language is None
        and q.object.datatype.value != XSD_STRING
    }
    originals = _originals(typed | _shape_literals(shapes))
    _check_lexical(model, originals)
    store = ScratchStore()
    store.extend(Quad(q.subject, q.predicate, q.object) for q in quads)
    namespaces = _rdflib_namespaces() if namespaces is None else namespaces
    return Engine(store, model, namespaces, originals).run()


def store_of_sources(sources: Sources) -> ScratchStore:
    """An in-memory store with the union of the sources in its default graph."""
    store = ScratchStore()
    for parsed in sources.files:
        # (load, not bulk_load: faster for an in-memory store)
        if parsed.data and not parsed.blank_nodes:
            store.load(parsed.data, parsed.format, base_iri=parsed.base)
        else:
            store.extend(Quad(q.subject, q.predicate, q.object) for q in parsed.quads)
    return store


def _originals(literals: Iterable[Literal]) -> dict[Literal, Literal]:
    """The literals that the store keeps in another (canonical) form, by that form.

    pyshacl sees each literal as rdflib reads it; the store may keep another form
    (``"4.0"^^xsd:decimal`` as ``"4"``). Results are reported in the original form. Raises
    :class:`Unsupported` where the two would not agree on which literals are the same term:
    two literals rdflib keeps apart that the store makes one, or the other way round.
    """
    given = list(literals)
    stored = canonical_literals(given)
    seen_as: dict[Literal, str] = {}
    for literal in given:
        form = stored.get(literal, literal)
        rdflib_form = nt(to_rdflib(literal))
        if seen_as.setdefault(form, rdflib_form) != rdflib_form:
            raise Unsupported(f"the store keeps two literals as one: {literal} and another")
    if len(set(seen_as.values())) != len(seen_as):
        raise Unsupported("rdflib reads two literals as one that the store keeps apart")
    for literal, form in stored.items():
        if form.datatype != literal.datatype:
            raise Unsupported(f"the store keeps {literal} with another datatype: {form}")
    return {form: literal for literal, form in stored.items()}


def _shape_literals(shapes: Graph) -> set[Literal]:
    """The typed literals of the shapes that become data terms (focus nodes, sh:in and
    sh:hasValue values that queries compare with data)."""
    found = set()
    for predicate in (SH.hasValue, SH["in"], SH.targetNode):
        for value in shapes.objects(None, predicate):
            items = list(shapes.items(value)) if predicate == SH["in"] else [value]
            for item in items:
                if isinstance(item, RdfLiteral) and item.datatype not in (None, XSD.string):
                    found.add(ox_term(item))
    return found  # type: ignore[return-value]


def _check_lexical(model: ShapesModel, originals: dict) -> None:
    """Queries that read lexical forms (string lengths, SPARQL) would read the stored form."""
    if not originals:
        return
    lexical = {SH.minLength, SH.maxLength, SH.sparql}
    for shape in model.shapes.values():
        if lexical & set(shape.params) or any(kind == "sparql" for kind, _ in shape.targets):
            example = next(iter(originals.values()))
            raise Unsupported(f"the store keeps {example} in another form, and a query reads it")


def _rdflib_namespaces() -> dict[str, str]:
    return {name: str(iri) for name, iri in Graph().namespaces()}


def _give_back_memory() -> None:
    """Return the memory the store freed to the operating system.

    glibc keeps freed heap memory for later, and the Python objects a build makes next (the
    sorted dumps) do not reuse it: without this a 1M-triple build peaks 0.2 GB higher.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to do

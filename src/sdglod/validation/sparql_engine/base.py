"""What every component check builds on: the store with its working sets, the query pieces
of a shape, and the rows and checks that a check gives back.

:class:`EngineBase` is the part of the :class:`~.engine.Engine` that the component checkers
(one module per SHACL section) use; :meth:`EngineBase.conforms`, which evaluates nested shapes,
is the engine's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import count

from pyoxigraph import BlankNode, Literal, NamedNode, Quad
from rdflib import BNode, URIRef
from rdflib import Literal as RdfLiteral

from ...rdf.namespaces import RDF_TYPE, RDFS
from ...rdf.store import ScratchStore
from ..report import to_rdflib
from .model import Shape, ShapesModel, Unsupported

WORK = NamedNode("urn:x-sdglod:shacl-work")  # the named graph of working sets
MEMBER = "<urn:x-sdglod:member>"
# The SPARQL path from an instance to each of its classes (rdf:type/rdfs:subClassOf*).
INSTANCE_OF = f"<{RDF_TYPE}>/<{RDFS}subClassOf>*"


@dataclass
class Row:
    """One violation found by a check."""

    focus: object
    value: object | None = None
    path: object | None = None  # a path other than the shape's (sh:closed, SPARQL ?path)
    bindings: dict | None = None  # SPARQL-based constraints: for message templates


@dataclass
class Check:
    """One constraint of a shape, ready to run: a SPARQL SELECT that projects ``?this`` (and
    ``?v`` for the value) of each violation, or rows found in Python."""

    component: URIRef
    query: str | None = None
    rows: list[Row] | None = None
    has_value: bool = True
    constraint: object | None = None
    extra_messages: list[RdfLiteral] = field(default_factory=list)


def ox_term(term: object) -> NamedNode | BlankNode | Literal:
    """The pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return NamedNode(str(term))
    if isinstance(term, BNode):
        return BlankNode(str(term))
    if isinstance(term, RdfLiteral):
        if term.language:
            return Literal(str(term), language=term.language)
        if term.datatype is not None:
            return Literal(str(term), datatype=NamedNode(str(term.datatype)))
        return Literal(str(term))
    raise Unsupported(f"not an RDF term: {term!r}")


def sparql_term(term: object) -> str:
    """A constant of the shapes graph written in SPARQL."""
    if isinstance(term, BNode):
        raise Unsupported("a blank node as a constraint parameter")
    return str(ox_term(term))


Checker = Callable[["EngineBase", Shape, str], Iterator[Check]]
"""A component checker: the checks of one constraint component (or family of components) of a
shape over the focus nodes in a working set; nothing if the shape does not use it."""


class EngineBase:
    """The data in a store, the shapes, and the working sets of an evaluation."""

    def __init__(
        self,
        store: ScratchStore,
        model: ShapesModel,
        namespaces: dict[str, str],
        originals: dict[Literal, Literal] | None = None,
    ):
        self.store = store
        self.model = model
        # Literals the store keeps in canonical form, mapped back to how they were written
        # (which is what pyshacl sees and reports).
        self.originals = originals or {}
        # Prefixes a SPARQL query may use undeclared: pyshacl runs it on an rdflib graph,
        # whose bindings rdflib adds as initial namespaces.
        self.namespaces = namespaces
        self._ids = count()
        # The working sets made for nested shapes (see Engine.conforms), to make each once.
        self._candidates: dict[tuple[object, str], str] = {}
        self._failing: dict[tuple[object, str], str] = {}

    def rdflib(self, term: object) -> object:
        """The rdflib term pyshacl would see for a term of the store."""
        return to_rdflib(self.originals.get(term, term))  # type: ignore[call-overload, arg-type]

    # --- working sets ------------------------------------------------------------------------

    def new_set(self) -> str:
        return f"<urn:x-sdglod:set:{next(self._ids)}>"

    def fill(self, target: str, where: str, variable: str = "?this") -> None:
        """Add the bindings of ``variable`` in the group ``where`` to the set ``target``."""
        self.store.update(
            f"INSERT {{ GRAPH <{WORK.value}> {{ {target} {MEMBER} {variable} }} }} "
            f"WHERE {{ {where} }}"
        )

    def fill_terms(self, target: str, terms: Iterable[object]) -> None:
        subject, member = NamedNode(target[1:-1]), NamedNode(MEMBER[1:-1])
        self.store.extend(Quad(subject, member, term, WORK) for term in terms)  # type: ignore[arg-type]

    @staticmethod
    def in_set(target: str, variable: str = "?this") -> str:
        """A pattern binding ``variable`` to each member of the set ``target``."""
        return f"GRAPH <{WORK.value}> {{ {target} {MEMBER} {variable} }}"

    def select(self, query: str) -> Iterator:
        return iter(self.store.query(query))  # type: ignore[arg-type]

    # --- query pieces of a shape -------------------------------------------------------------

    def values(self, shape: Shape, focus: str, value: str = "?v") -> str:
        """A group pattern binding ``?this`` to each focus node and ``value`` to its values."""
        if shape.is_property:
            return f"{self.in_set(focus)} ?this {shape.path_sparql} {value} ."
        return f"{self.in_set(focus)} BIND(?this AS {value})"

    def violating(self, shape: Shape, focus: str, condition: str) -> str:
        """A SELECT of the (focus, value) pairs whose value does not meet ``condition``."""
        values = self.values(shape, focus)
        return f"SELECT DISTINCT ?this ?v WHERE {{ {values} FILTER(!({condition})) }}"

    def python_check(
        self,
        shape: Shape,
        focus: str,
        component: URIRef,
        test: Callable[[object], bool],
        condition: str = "true",
    ) -> Check:
        """A check whose test is Python (pyshacl's semantics), run once per distinct value."""
        values = [
            row["v"]
            for row in self.select(
                f"SELECT DISTINCT ?v WHERE {{ {self.values(shape, focus)} FILTER({condition}) }}"
            )
        ]
        failing = [v for v in values if not test(self.rdflib(v))]
        if not failing:
            return Check(component, rows=[])
        bad = self.new_set()
        self.fill_terms(bad, failing)
        query = (
            f"SELECT DISTINCT ?this ?v WHERE {{ {self.values(shape, focus)} "
            f"{self.in_set(bad, '?v')} }}"
        )
        return Check(component, query)

    def conforms(self, nested: Shape, outer: Shape, focus: str, variable: str = "?v") -> str:
        """A SPARQL expression: the value in ``variable`` (a value of ``outer`` for a focus node
        in ``focus``) conforms to ``nested``. The engine's own (it evaluates nested shapes)."""
        raise NotImplementedError

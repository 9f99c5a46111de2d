"""Marks: statements about the statements a page shows.

A resource that names a statement with ``rdf:subject`` and, narrowing it, ``rdf:predicate``,
``rdf:object`` or ``schema:inLanguage`` marks that statement: the editors' translations,
identifications and wording (``sdglod:EditorialStatement``), a verbatim text and its rights
(``sdglod:VerbatimText``), any RDF reification. So does a qualified link that the UI
vocabulary names (``ui:qualifiedBy``): an outcome's ``sdglod:hasTargetLink`` marks its
``sdglod:servesTarget`` of the link's ``sdglod:target`` as the editors' proposal. Pages show
each mark next to what it marks, and list a property's values in the order of their marks'
``schema:position`` (the rank of an SDG target).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from ..rdf.namespaces import OWL, RDF, RDF_TYPE, SCHEMA

Node = NamedNode | BlankNode
Term = NamedNode | BlankNode | Literal

_SUBJECT, _PREDICATE, _OBJECT = RDF + "subject", RDF + "predicate", RDF + "object"
_LANGUAGE, _POSITION = SCHEMA + "inLanguage", SCHEMA + "position"
UNRANKED = 1 << 30


@dataclass(frozen=True)
class Mark:
    """One mark: the node that says it, the statement it names, its kinds and its rank."""

    node: Node
    subject: Node
    predicate: str | None  # None: all the data says of the subject
    object: Term | None  # None: every value (or those in ``language``)
    language: str | None
    kinds: tuple[str, ...]
    position: int | None
    withdrawn: bool = False  # owl:deprecated: what it names is no longer said

    def covers(self, obj: Term) -> bool:
        """Whether the mark names the statement whose object is ``obj`` (its property and
        subject already matched)."""
        if self.object is not None:
            return self.object == obj
        if self.language is not None:
            tag = obj.language.lower() if isinstance(obj, Literal) and obj.language else ""
            wanted = self.language.lower()
            return tag == wanted or tag.startswith(wanted + "-")
        return False


class Marks:
    """The marks among a page's statements, by the subject of the statement they mark."""

    def __init__(self, triples: Iterable[Triple], qualified: Mapping[str, tuple[str, str]]):
        said: dict[Node, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        for triple in triples:
            said[triple.subject][triple.predicate.value].append(triple.object)
        self._by_subject: dict[Node, list[Mark]] = defaultdict(list)
        self._nodes: dict[Node, Mark] = {}
        for node, statements in said.items():
            subjects = [s for s in statements.get(_SUBJECT, ()) if not isinstance(s, Literal)]
            if len(subjects) != 1:
                continue  # not a mark, or one that names no single statement
            predicates = [p for p in statements.get(_PREDICATE, ()) if isinstance(p, NamedNode)]
            objects = statements.get(_OBJECT, [])
            languages = [v for v in statements.get(_LANGUAGE, ()) if isinstance(v, Literal)]
            self._add(
                Mark(
                    node,
                    subjects[0],  # type: ignore[arg-type]
                    predicates[0].value if len(predicates) == 1 else None,
                    objects[0] if len(objects) == 1 else None,
                    languages[0].value if len(languages) == 1 else None,
                    _kinds(statements),
                    _position(statements),
                    Literal(True) in statements.get(OWL + "deprecated", ()),
                )
            )
        for prop, (link, value) in qualified.items():
            for subject, statements in said.items():
                for node in statements.get(link, ()):
                    if isinstance(node, Literal) or node in self._nodes:
                        continue
                    own = said.get(node, {})
                    for obj in own.get(value, ())[:1]:
                        self._add(Mark(node, subject, prop, obj, None, _kinds(own), _position(own)))

    def _add(self, mark: Mark) -> None:
        self._by_subject[mark.subject].append(mark)
        self._nodes[mark.node] = mark

    def __contains__(self, node: object) -> bool:
        return node in self._nodes

    def get(self, node: object) -> Mark | None:
        """The mark ``node`` is, if it is one."""
        return self._nodes.get(node)  # type: ignore[arg-type]

    def of_value(self, subject: Node, predicate: str, obj: Term) -> list[Mark]:
        """The marks of one statement."""
        return [
            m
            for m in self._by_subject.get(subject, ())
            if m.predicate == predicate and m.covers(obj)
        ]

    def of_property(self, subject: Node, predicate: str) -> list[Mark]:
        """The marks of all of ``subject``'s values of ``predicate``."""
        return [
            m
            for m in self._by_subject.get(subject, ())
            if m.predicate == predicate and m.object is None and m.language is None
        ]

    def of_resource(self, subject: Node) -> list[Mark]:
        """The marks of everything the data says of ``subject``."""
        return [m for m in self._by_subject.get(subject, ()) if m.predicate is None]

    def rank(self, subject: Node, predicate: str, obj: Term) -> int:
        """Where a value comes among its property's values: by its marks' rank, or its own
        if it is a ranked mark (an outcome's SDG target links)."""
        ranks = [m.position for m in self.of_value(subject, predicate, obj) if m.position]
        itself = self._nodes.get(obj)  # type: ignore[arg-type]
        if itself is not None and itself.position:
            ranks.append(itself.position)
        return min(ranks) if ranks else UNRANKED


def _kinds(statements: Mapping[str, list[Term]]) -> tuple[str, ...]:
    return tuple(sorted(t.value for t in statements.get(RDF_TYPE, ()) if isinstance(t, NamedNode)))


def _position(statements: Mapping[str, list[Term]]) -> int | None:
    for value in statements.get(_POSITION, ()):
        if isinstance(value, Literal):
            try:
                return int(value.value)
            except ValueError:
                return None
    return None

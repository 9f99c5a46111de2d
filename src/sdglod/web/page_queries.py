"""What a page asks the store, and what it learns: ``describe_query`` gets what the dataset says
about a resource (its statements, those of its ``#parts``, the statements that point at it and
the marks of all of these); ``context_queries`` get what a page needs to name the things those
statements mention (labels, types, SDG codes and colours), read into a :class:`Context`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from ..query.labels import LABEL_PROPERTIES
from ..rdf.namespaces import RDF, RDF_TYPE, RDFS, SCHEMA, SDGO, SKOS
from .security import safe_colour

COMPACT_CODE = SDGO + "SDGCodeCompact"
_BATCH = 400


def describe_query(iri: str) -> str:
    """CONSTRUCT what the dataset says about ``iri``: its statements, those of its
    ``#parts`` (resources whose IRI is ``iri#…`` that it links to or that link to it, such as
    the terms of a vocabulary, ``rdfs:isDefinedBy`` it), and statements about it.

    With them come the marks of those statements: resources that name a statement of or to
    ``iri`` with ``rdf:subject`` or ``rdf:object`` (as a Concise Bounded Description includes
    reifications), such as the editors' identification of an event's partner, shown on the
    partner's page too."""
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {describe_pattern(iri)} }}"


def describe_pattern(iri: str) -> str:
    """The graph pattern of :func:`describe_query`, whose solutions bind ``?s ?p ?o`` to each
    statement: for queries that keep some of them (a profile of the description)."""
    node = str(NamedNode(iri))  # checked and written by pyoxigraph: data cannot steer the text
    prefix = str(Literal(iri + "#"))
    part = f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {prefix})) ?s ?p ?o"
    return (
        f"{{ VALUES ?s {{ {node} }} ?s ?p ?o }} UNION "
        f"{{ {node} ?link ?s . {part} }} UNION "
        f"{{ ?s ?linked {node} . {part} }} UNION "
        f"{{ VALUES ?o {{ {node} }} ?s ?p ?o }} UNION "
        f"{{ ?s <{RDF}subject>|<{RDF}object> {node} . ?s ?p ?o }}"
    )


def context_queries(iris: Iterable[str]) -> list[str]:
    """CONSTRUCT queries (one per batch) for the labels, types and SDG codes and colours of
    ``iris`` — what a page needs to name them."""
    ordered = sorted(set(iris))
    labels = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    queries = []
    for start in range(0, len(ordered), _BATCH):
        values = " ".join(str(NamedNode(i)) for i in ordered[start : start + _BATCH])
        queries.append(
            "CONSTRUCT { ?x a ?type . ?x ?lp ?label . ?x <" + SKOS + "notation> ?code . "
            "?x <" + SDGO + "isTargetOf> ?goal . ?goal <" + SCHEMA + "color> ?color . "
            "?goal <" + SKOS + "notation> ?goalCode . ?x <" + SCHEMA + "color> ?own } WHERE { "
            f"VALUES ?x {{ {values} }} "
            "{ ?x a ?type } UNION "
            f"{{ VALUES ?lp {{ {labels} }} ?x ?lp ?label }} UNION "
            "{ ?x <" + SKOS + "notation> ?code } UNION "
            "{ ?x <" + SCHEMA + "color> ?own } UNION "
            "{ ?x <" + SDGO + "isTargetOf> ?goal "
            "OPTIONAL { ?goal <" + SCHEMA + "color> ?color } "
            "OPTIONAL { ?goal <" + SKOS + "notation> ?goalCode } } }"
        )
    return queries


def mentioned_iris(triples: Iterable[Triple]) -> set[str]:
    """Every IRI in ``triples`` (subjects, predicates, objects)."""
    found: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, NamedNode):
                found.add(term.value)
    return found


@dataclass
class Context:
    """What the store says about the things a page mentions."""

    labels: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # iri→prop→lang
    types: dict[str, set[str]] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    goal_of: dict[str, str] = field(default_factory=dict)
    colours: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, triples: Iterable[Triple]) -> Context:
        context = cls()
        for triple in triples:
            subject, predicate, obj = triple.subject.value, triple.predicate.value, triple.object
            if predicate == RDF_TYPE:
                context.types.setdefault(subject, set()).add(obj.value)
            elif predicate in LABEL_PROPERTIES and isinstance(obj, Literal):
                by_lang = context.labels.setdefault(subject, {}).setdefault(predicate, {})
                language = obj.language or ""
                if language not in by_lang or obj.value < by_lang[language]:
                    by_lang[language] = obj.value
            elif predicate == SKOS + "notation" and isinstance(obj, Literal):
                if obj.datatype is not None and obj.datatype.value == COMPACT_CODE:
                    context.codes[subject] = obj.value
                else:
                    context.codes.setdefault(subject, obj.value)
            elif predicate == SDGO + "isTargetOf":
                context.goal_of[subject] = obj.value
            elif predicate == SCHEMA + "color" and isinstance(obj, Literal):
                context.colours[subject] = obj.value
        return context

    def label(self, iri: str, lang: str) -> str | None:
        """The name of ``iri`` in ``lang`` (else English, else any), by the first label
        property that has one."""
        for prop in LABEL_PROPERTIES:
            by_lang = self.labels.get(iri, {}).get(prop)
            if by_lang:
                for choice in (lang, "en", ""):
                    if choice in by_lang:
                        return by_lang[choice]
                return by_lang[sorted(by_lang)[0]]
        return None

    def store_labels(self, iri: str) -> dict[str, str]:
        """``rdfs:label`` by language (for vocabulary terms of the data's own ontology)."""
        return self.labels.get(iri, {}).get(RDFS + "label", {})

    def sdg(self, iri: str) -> Sdg | None:
        """The badge of an SDG goal or target: its code and its goal's colour."""
        types = self.types.get(iri, set())
        if SDGO + "Target" in types:
            goal = self.goal_of.get(iri)
            return Sdg(self.codes.get(iri, ""), self.colours.get(goal or "", ""), "target")
        if SDGO + "Goal" in types:
            return Sdg(self.codes.get(iri, ""), self.colours.get(iri, ""), "goal")
        return None


@dataclass(frozen=True)
class Sdg:
    """An SDG badge: the code (4.7), the goal's official colour, and goal or target."""

    code: str
    colour: str
    kind: str

    @property
    def text_colour(self) -> str:
        """Black or white, whichever reads better on the badge colour (WCAG contrast)."""
        hex_colour = safe_colour(self.colour).lstrip("#")
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"

"""A resource as people read it: the model of a resource page, built from two query results.

``describe_query`` gets what the dataset says about a resource (its statements, those of its
``#parts``, and the statements that point at it); ``context_query`` gets what a page needs to
name the things those statements mention (labels, types, SDG codes and colours). The page model
(:class:`ResourcePage`) is built from the two without further queries, so the server (through
its query pool) and the static export (straight from the store) make the same pages.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from ..rdf.jsonld import write_jsonld
from ..rdf.names import compact_iri
from ..rdf.namespaces import RDF, RDF_TYPE, RDFS, SCHEMA, SDGO, SKOS, XSD
from .i18n import word
from .marks import Mark, Marks
from .pages import datatype_title
from .security import link_target, safe_colour, script_json
from .vocabulary import UiVocabulary

LABEL_PROPERTIES = (
    SCHEMA + "name",
    SKOS + "prefLabel",
    RDFS + "label",
    "http://purl.org/dc/terms/title",
)
COMPACT_CODE = SDGO + "SDGCodeCompact"
_BATCH = 400

Link = Callable[[str], str | None]  # where a page points for an IRI (None: no link)


def describe_query(iri: str) -> str:
    """CONSTRUCT what the dataset says about ``iri``: its statements, those of its
    ``#parts`` (resources whose IRI is ``iri#…`` that it links to or that link to it, such as
    the terms of a vocabulary, ``rdfs:isDefinedBy`` it), and statements about it.

    With them come the marks of those statements: resources that name a statement of or to
    ``iri`` with ``rdf:subject`` or ``rdf:object`` (as a Concise Bounded Description includes
    reifications), such as the editors' identification of an event's partner, shown on the
    partner's page too."""
    node = str(NamedNode(iri))  # checked and written by pyoxigraph: data cannot steer the text
    prefix = str(Literal(iri + "#"))
    part = f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {prefix})) ?s ?p ?o"
    return (
        "CONSTRUCT { ?s ?p ?o } WHERE { "
        f"{{ VALUES ?s {{ {node} }} ?s ?p ?o }} UNION "
        f"{{ {node} ?link ?s . {part} }} UNION "
        f"{{ ?s ?linked {node} . {part} }} UNION "
        f"{{ VALUES ?o {{ {node} }} ?s ?p ?o }} UNION "
        f"{{ ?s <{RDF}subject>|<{RDF}object> {node} . ?s ?p ?o }} }}"
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


@dataclass(frozen=True)
class Value:
    """One value on a page: its text, a link for resources, the language of a text."""

    text: str
    href: str | None = None
    lang: str | None = None
    title: str | None = None
    sdg: Sdg | None = None
    marks: tuple[Value, ...] = ()  # what marks this value: "editors' translation" …


@dataclass(frozen=True)
class Row:
    """A property and its values (other languages of the same text apart)."""

    property: str
    label: str
    values: tuple[Value, ...]
    other_languages: tuple[Value, ...] = ()
    marks: tuple[Value, ...] = ()  # what marks all of its values


@dataclass(frozen=True)
class Group:
    """Rows of properties that belong together ("When", "People and organisations"…)."""

    name: str
    label: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Part:
    """A ``#part`` of the resource (an address, a qualified link), shown within its page."""

    iri: str
    anchor: str
    title: str
    types: tuple[Value, ...]
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class ResourcePage:
    """Everything a resource page shows."""

    iri: str
    title: str
    title_lang: str | None
    types: tuple[Value, ...]
    groups: tuple[Group, ...]
    parts: tuple[Part, ...]
    incoming: tuple[Group, ...]
    sdg: Sdg | None
    jsonld: str
    marks: tuple[Value, ...] = ()  # what marks everything the page says


class PageBuilder:
    """Builds pages in one language, for one dataset's prefixes, context and links."""

    def __init__(
        self,
        vocabulary: UiVocabulary,
        lang: str,
        prefixes: dict[str, str],
        jsonld_context: dict[str, str],
        link: Link,
    ):
        self.vocabulary = vocabulary
        self.lang = lang
        self.prefixes = prefixes
        self.jsonld_context = jsonld_context
        self.place = link  # where an IRI is: a page of this site, or the IRI itself
        # Every link a page makes from the data goes through the one rule of what may be one.
        self.link: Link = lambda iri: link_target(link(iri))

    def page(self, iri: str, described: list[Triple], context: Context) -> ResourcePage | None:
        """The page of ``iri``; ``None`` if the dataset says nothing about it."""
        node = NamedNode(iri)
        own = [t for t in described if t.subject == node]
        if not own:
            return None
        parts = sorted(
            {
                t.subject.value
                for t in described
                if isinstance(t.subject, NamedNode) and t.subject.value.startswith(iri + "#")
            }
        )
        marks = Marks(described, self.vocabulary.qualified)
        # What points here, but not the page's own parts (shown as parts) nor marks (shown
        # next to what they mark).
        incoming = [
            t
            for t in described
            if t.object == node
            and t.subject != node
            and not t.subject.value.startswith(iri + "#")
            and t.subject not in marks
        ]
        title = context.label(iri, self.lang)
        return ResourcePage(
            iri=iri,
            title=title or compact_iri(iri, self.prefixes),
            title_lang=self._label_language(iri, context, title),
            types=self._types(own, context),
            groups=self._groups(own, context, marks),
            parts=tuple(
                sorted(
                    (self._part(p, described, context, marks) for p in parts),
                    key=lambda part: (_position(part.iri, described), part.iri),
                )
            ),
            incoming=self._incoming(node, incoming, context, marks),
            sdg=context.sdg(iri),
            jsonld=self._jsonld(
                [t for t in described if t.subject.value == iri or t.subject.value in parts]
            ),
            marks=self._marks(marks.of_resource(node), context),
        )

    # --- building blocks -----------------------------------------------------------------

    def _label_language(self, iri: str, context: Context, title: str | None) -> str | None:
        for prop in LABEL_PROPERTIES:
            for language, text in context.labels.get(iri, {}).get(prop, {}).items():
                if text == title:
                    return language or None
        return None

    def value(self, term: object, context: Context) -> Value:
        if isinstance(term, NamedNode):
            iri = term.value
            label = context.label(iri, self.lang)
            if label is None and iri in self.vocabulary.labels:
                label = self.vocabulary.label(iri, self.lang)  # a term such as schema:Online…
            if label is None and "#" in iri and self.place(iri) != iri:
                label = iri.rsplit("#", 1)[1]  # a part of one of our resources: its name
            return Value(
                text=label or compact_iri(iri, self.prefixes),
                href=self.link(iri),
                lang=self._label_language(iri, context, label) if label else None,
                title=iri,
                sdg=context.sdg(iri),
            )
        if isinstance(term, BlankNode):
            return Value(f"_:{term.value}")
        if isinstance(term, Literal):
            datatype = term.datatype.value if term.datatype else ""
            if datatype == XSD + "boolean":
                return Value(word("true" if term.value == "true" else "false", self.lang))
            title = datatype_title(term, self.prefixes)
            return Value(term.value, lang=term.language or None, title=title)
        return Value(str(term))

    def _types(self, own: list[Triple], context: Context) -> tuple[Value, ...]:
        found = []
        for triple in own:
            if triple.predicate.value == RDF_TYPE and isinstance(triple.object, NamedNode):
                iri = triple.object.value
                found.append(
                    Value(
                        self.vocabulary.label(iri, self.lang, {iri: context.store_labels(iri)}),
                        href=self.link(iri),
                        lang=self.lang,
                        title=iri,
                    )
                )
        return tuple(sorted(found, key=lambda v: v.text))

    def _marks(self, marks: Iterable[Mark], context: Context) -> tuple[Value, ...]:
        """How the page names marks: by what their kind says, linked to the mark."""
        return tuple(
            Value(
                self._mark_label(mark, context),
                href=self.link(mark.node.value) if isinstance(mark.node, NamedNode) else None,
                lang=self.lang,
                title=mark.node.value if isinstance(mark.node, NamedNode) else None,
            )
            for mark in marks
        )

    def _mark_label(self, mark: Mark, context: Context) -> str:
        # A kind the UI vocabulary words as a mark first (sdglod:TargetLink: "proposed by…").
        kinds = sorted(mark.kinds, key=lambda k: k not in self.vocabulary.mark_labels)
        if not kinds:
            return word("mark", self.lang)
        return self.vocabulary.mark_label(
            kinds[0], self.lang, {kinds[0]: context.store_labels(kinds[0])}
        )

    def _row(
        self,
        prop: str,
        objects: list[object],
        context: Context,
        label: str,
        marks: Callable[[object], list[Mark]] = lambda _: [],
        row_marks: tuple[Value, ...] = (),
        mark_node: Callable[[object], Mark | None] = lambda _: None,
    ) -> Row:
        values = []
        for obj in objects:
            value = self._marked(self.value(obj, context), marks(obj), context)
            # A link to a mark (an outcome's SDG target link) reads as what the mark says.
            title = self._mark_title(mark_node(obj), context)
            values.append(replace(value, text=title, lang=self.lang) if title else value)
        texts = [v for v in values if v.lang is not None and v.href is None]
        if len(texts) > 1:
            # A text in several languages: the reader's first, the others apart.
            preferred = (
                [v for v in texts if v.lang == self.lang]
                or [v for v in texts if v.lang == "en"]
                or texts[:1]
            )
            main = [v for v in values if v not in texts] + preferred[:1]
            others = [v for v in texts if v is not preferred[0]]
            others = sorted(others, key=lambda v: v.lang or "")
            return Row(prop, label, tuple(main), tuple(others), row_marks)
        return Row(prop, label, tuple(values), marks=row_marks)

    def _marked(self, value: Value, marks: list[Mark], context: Context) -> Value:
        return replace(value, marks=self._marks(marks, context)) if marks else value

    def _groups(self, own: list[Triple], context: Context, marks: Marks) -> tuple[Group, ...]:
        by_property: dict[str, list[object]] = {}
        for triple in own:
            prop = triple.predicate.value
            if prop == RDF_TYPE:
                continue
            by_property.setdefault(prop, []).append(triple.object)
        subject = own[0].subject if own else None
        rows = [
            (prop, objects, self._property_label(prop, context))
            for prop, objects in by_property.items()
        ]
        return self._grouped(
            rows,
            context,
            lambda prop, obj: marks.of_value(subject, prop, obj),  # type: ignore[arg-type]
            lambda prop: marks.of_property(subject, prop),  # type: ignore[arg-type]
            lambda prop, obj: marks.rank(subject, prop, obj),  # type: ignore[arg-type]
            marks.get,
        )

    def _grouped(
        self,
        rows: Iterable[tuple[str, list[object], str]],
        context: Context,
        marks_of: Callable[[str, object], list[Mark]],
        row_marks_of: Callable[[str], list[Mark]] = lambda _: [],
        rank: Callable[[str, object], int] = lambda _p, _o: 0,
        mark_node: Callable[[object], Mark | None] = lambda _: None,
    ) -> tuple[Group, ...]:
        """Rows in their groups; a row's values in the order of their marks' rank (an SDG
        target's), then by value, each with the marks that mark it."""
        groups: dict[str, list[Row]] = {}
        for prop, objects, label in rows:
            objects = sorted(objects, key=lambda o, p=prop: (rank(p, o), _object_key(o)))
            groups.setdefault(self.vocabulary.group(prop), []).append(
                self._row(
                    prop,
                    objects,
                    context,
                    label,
                    lambda o, p=prop: marks_of(p, o),
                    self._marks(row_marks_of(prop), context),
                    mark_node,
                )
            )
        return tuple(
            Group(
                name,
                self.vocabulary.group_label(name, self.lang),
                tuple(sorted(rows, key=lambda r: (self.vocabulary.position(r.property), r.label))),
            )
            for name, rows in sorted(
                groups.items(), key=lambda g: self.vocabulary.group_order(g[0])
            )
        )

    def _property_label(self, prop: str, context: Context) -> str:
        return self.vocabulary.label(prop, self.lang, {prop: context.store_labels(prop)})

    def _incoming(
        self, node: NamedNode, triples: list[Triple], context: Context, marks: Marks
    ) -> tuple[Group, ...]:
        by_property: dict[str, list[object]] = {}
        # The marks of a statement pointing here, by what the page shows for its subject.
        marked: dict[tuple[str, object], list[Mark]] = {}
        for triple in triples:
            shown: object = triple.subject
            if isinstance(triple.subject, NamedNode) and "#" in triple.subject.value:
                # A part of another resource points here: show the resource it belongs to.
                shown = NamedNode(triple.subject.value.split("#", 1)[0])
            prop = triple.predicate.value
            by_property.setdefault(prop, []).append(shown)
            found = marks.of_value(triple.subject, prop, node)
            marked.setdefault((prop, shown), []).extend(found)
        rows = []
        for prop, subjects in by_property.items():
            unique = list({str(s): s for s in subjects}.values())
            label = self.vocabulary.inverse_label(
                prop, self.lang, {prop: context.store_labels(prop)}
            )
            rows.append((prop, unique, label))
        return self._grouped(rows, context, lambda prop, obj: marked.get((prop, obj), []))

    def _part(self, iri: str, described: list[Triple], context: Context, marks: Marks) -> Part:
        own = [t for t in described if t.subject.value == iri]
        title = context.label(iri, self.lang) or self._mark_title(
            marks.get(NamedNode(iri)), context
        )
        return Part(
            iri=iri,
            anchor=iri.split("#", 1)[1],
            title=title or iri.split("#", 1)[1],
            types=self._types(own, context),
            groups=self._groups(own, context, marks),
        )

    def _mark_title(self, mark: Mark | None, context: Context) -> str | None:
        """A mark's title: what it says, of which statement ("editors' translation: text,
        en"; "proposed by the sdglod editors: SDG target 4.7")."""
        if mark is None or mark.predicate is None:
            return None
        what = word("withdrawn", self.lang) if mark.withdrawn else self._mark_label(mark, context)
        if mark.object is not None:
            return f"{what}: {self.value(mark.object, context).text}"
        label = self._property_label(mark.predicate, context)
        return f"{what}: {label}, {mark.language}" if mark.language else f"{what}: {label}"

    def _jsonld(self, triples: list[Triple]) -> str:
        ordered = sorted(
            triples,
            key=lambda t: (
                t.subject.value,
                t.predicate.value != RDF_TYPE,
                t.predicate.value,
                str(t.object),
            ),
        )
        out = io.StringIO()
        write_jsonld(ordered, out, self.jsonld_context)
        return script_json(out.getvalue())


def _position(iri: str, described: list[Triple]) -> int:
    """A part's ``schema:position`` (its rank among the parts), else a large number."""
    for triple in described:
        if triple.subject.value == iri and triple.predicate.value == SCHEMA + "position":
            try:
                return int(triple.object.value)
            except ValueError:
                break
    return 1 << 30


def _object_key(term: object) -> tuple:
    if isinstance(term, Literal):
        return (1, term.language or "", term.value)
    return (0, "", str(term))

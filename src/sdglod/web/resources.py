"""A resource as people read it: the model of a resource page, built from two query results.

The page model (:class:`ResourcePage`) is built from what ``page_queries.describe_query`` and
``page_queries.context_queries`` return, without further queries, so the server (through its
query pool) and the static export (straight from the store) make the same pages.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from ..rdf.jsonld import write_jsonld
from ..rdf.names import compact_iri
from ..rdf.namespaces import RDF_TYPE, SCHEMA, XSD
from .i18n import word
from .marks import Mark, Marks
from .page_queries import LABEL_PROPERTIES, Context, Sdg
from .pages import datatype_title
from .security import link_target, script_json
from .vocabulary import UiVocabulary

Link = Callable[[str], str | None]  # where a page points for an IRI (None: no link)


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

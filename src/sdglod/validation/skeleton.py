"""What the shapes demand of a new resource: the plan behind ``sdglod new KIND SLUG``.

Start from what validation demands. The kinds are the classes the shapes target
(``sh:targetClass schema:Event`` is the kind ``event``). The node shapes that apply to a new
resource are found by trying their targets on the resource itself (its class with the
ontology's super-classes, the properties written so far; SPARQL targets are run on it) until
no shape asks for more. Each property with ``sh:minCount`` ≥ 1 or a ``sh:qualifiedMinCount``
(a name in ``lv`` and one in ``en``) gets placeholders (``placeholders.py``) of the kind of
value the shapes expect; a property the shapes only check gets a commented-out line. Each line
carries the messages of the shapes it answers. A property that ``sh:equals`` a path through a
part (an outcome's SDG targets and the targets of its links) brings the part along.

Two choices are the project's, not the shapes': every resource is named (data/README.md:
"every resource has schema:name"; the shapes then say in which languages, and that a named
resource needs a source), and where each kind is written and how its IRI is made
(``skeleton_file.PLACES``). ``skeleton_file.py`` writes the plan as Turtle.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from ..rdf.namespaces import RDF_LANG_STRING, RDF_TYPE, SCHEMA, XSD, XSD_STRING
from ..rdf.sources import Sources
from .placeholders import placeholder_iri, placeholder_literal
from .validate import Shapes

LABEL = SCHEMA + "name"  # every resource is named (data/README.md)
_HINTS = {  # what a value of the datatype looks like, in the placeholder's text
    "date": "YYYY-MM-DD",
    "dateTime": "YYYY-MM-DDThh:mm:ss",
    "time": "hh:mm:ss",
    "gYear": "YYYY",
    "gYearMonth": "YYYY-MM",
    "boolean": "true or false",
    "anyURI": "an address",
}
_LINKS = (SH["class"], SH.node, SH["in"], SH["or"], SH.hasValue)


@dataclass
class Need:
    """What the shapes ask of one property of the new resource."""

    path: str
    order: tuple[int, int]
    count: int = 0  # values required (a warning's sh:minCount too: a placeholder shows it)
    languages: list[str] = field(default_factory=list)  # one value in each
    language_in: list[str] = field(default_factory=list)
    datatype: str | None = None
    iri: bool | None = None  # True: a link; False: a literal; None: the shapes do not say
    fixed: list[NamedNode] = field(default_factory=list)  # sh:hasValue
    classes: list[str] = field(default_factory=list)
    # (the language a message is about, if only one; whether its shape requires a value; it)
    messages: list[tuple[str | None, bool, dict[str, str]]] = field(default_factory=list)

    @property
    def required(self) -> bool:
        return self.count > 0 or bool(self.languages)


@dataclass(frozen=True)
class Tie:
    """``sh:equals``: the values of ``path`` are those of ``link`` then ``through``."""

    path: str
    link: str
    through: str
    messages: dict[str, str]


@dataclass(frozen=True)
class Line:
    """One statement of a skeleton: a placeholder or a given value, or a commented-out one."""

    predicate: str
    value: object  # a pyoxigraph term
    messages: tuple[dict[str, str], ...]
    optional: bool = False
    placeholder: bool = True


@dataclass
class Block:
    """One resource of a skeleton: its IRI, classes and lines."""

    subject: str
    types: list[str]
    lines: list[Line]
    part_of: str | None = None  # the resource this one is a part of
    languages: list[str] = field(default_factory=list)  # of its texts


def plan(cls: str, iri: str, shapes: Shapes, sources: Sources) -> list[Block]:
    """The blocks of a new resource ``iri`` of the class ``cls``: the resource, then any part
    that the shapes tie to it."""
    analysis = _Analysis(shapes, sources)
    types = analysis.types(cls)
    needs, ties = analysis.needs(iri, types)
    blocks = [analysis.block(iri, types, needs)]
    for tie in ties:
        link, tied = needs.get(tie.link), needs.get(tie.path)
        if link is None or not link.classes or tied is None or not tied.required:
            continue
        part = f"{iri}#TODO"
        part_types = analysis.types(link.classes[0])
        part_needs, _ = analysis.needs(part, part_types, named=False)
        blocks.append(analysis.block(part, part_types, part_needs, part_of=blocks[0]))
        messages = (*(m for _, _, m in link.messages), tie.messages)
        lines = [line for line in blocks[0].lines if line.predicate != tie.link]
        first_optional = next((n for n, line in enumerate(lines) if line.optional), len(lines))
        lines.insert(first_optional, Line(tie.link, NamedNode(part), messages))
        blocks[0].lines = lines
    return blocks


class _Analysis:
    """The shapes graph as it bears on new resources of one project."""

    def __init__(self, shapes: Shapes, sources: Sources):
        self.graph: Graph = shapes.graph
        self.sources = sources
        self.order: dict[str, int] = {}
        for number, quad in enumerate(shapes.quads):
            self.order.setdefault(quad.subject.value, number)
        targets = (SH.targetClass, SH.targetSubjectsOf, SH.target)
        shapes_with_targets = {s for p in targets for s in self.graph.subjects(p, None)}
        self.node_shapes = sorted(shapes_with_targets, key=self._position)
        self._super: dict[str, list[str]] | None = None
        self._usage: Counter | None = None

    def _position(self, node: object) -> int:
        return self.order.get(str(node), len(self.order))

    def types(self, cls: str) -> list[str]:
        """``cls`` and its super-classes in the project's ontology: the data states them too,
        for consumers without inference (``a sdglod:Outcome, schema:CreativeWork``)."""
        if self._super is None:
            self._super, subclass = {}, str(RDFS.subClassOf)
            for parsed in self.sources.files:
                for quad in parsed.quads:
                    if quad.predicate.value == subclass and isinstance(quad.object, NamedNode):
                        parents = self._super.setdefault(quad.subject.value, [])
                        parents.append(quad.object.value)
        found = [cls]
        for current in found:
            found += [p for p in self._super.get(current, []) if p not in found]
        return found

    def needs(
        self, iri: str, types: list[str], named: bool = True
    ) -> tuple[dict[str, Need], list[Tie]]:
        """What the shapes ask of a resource ``iri`` of ``types``, by property, and the ties
        of its properties to paths through parts. ``types`` grows by the classes the shapes
        require (``sh:hasValue`` on ``rdf:type``); ``named``: whether the resource is named
        (a part of another is not)."""
        mentioned = (None, SH.path, URIRef(LABEL)) in self.graph
        written = {LABEL} if named and mentioned else set()
        while True:
            candidate = self._candidate(iri, types, written)
            needs: dict[str, Need] = {}
            ties: list[Tie] = []
            for shape, group, applies in self._shapes_for(URIRef(iri), types, candidate):
                for prop in self._properties(shape):
                    self._read(prop, (group, self._position(prop)), applies, needs, ties)
            more = {p for p, need in needs.items() if need.required or need.fixed} - written
            fixed_types = [t.value for t in needs.get(RDF_TYPE, Need("", (0, 0))).fixed]
            new_types = [t for t in fixed_types if t not in types]
            if not more and not new_types:
                return needs, ties
            written |= more
            types.extend(new_types)

    def _candidate(self, iri: str, types: list[str], written: set[str]) -> Graph:
        """The new resource as the targets see it: its classes and a value of each property."""
        graph = Graph()
        subject = URIRef(iri)
        for cls in types:
            graph.add((subject, RDF.type, URIRef(cls)))
        for path in written - {RDF_TYPE}:
            graph.add((subject, URIRef(path), URIRef(placeholder_iri("value").value)))
        return graph

    def _shapes_for(self, focus: URIRef, types: list[str], candidate: Graph) -> list[tuple]:
        """(node shape, 1 if it applies by class else 2, whether it applies) for the node
        shapes that apply to ``focus`` and those that would if it had a property they
        target (their properties are offered, not required)."""
        graph, found = self.graph, []
        for shape in self.node_shapes:
            if str(graph.value(shape, SH.deactivated)) == "true":
                continue
            subjects_of = list(graph.objects(shape, SH.targetSubjectsOf))
            if any(str(c) in types for c in graph.objects(shape, SH.targetClass)):
                found.append((shape, 1, True))
            elif any((focus, p, None) in candidate for p in subjects_of) or any(
                self._selects(target, focus, candidate)
                for target in graph.objects(shape, SH.target)
            ):
                found.append((shape, 2, True))
            elif subjects_of:
                found.append((shape, 2, False))
        return found

    def _selects(self, target: object, focus: URIRef, candidate: Graph) -> bool:
        """Whether the SPARQL target ``target`` selects ``focus`` in ``candidate``."""
        query = self.graph.value(target, SH.select)
        if query is None:
            return False
        namespaces = {}
        for prefixes in self.graph.objects(target, SH.prefixes):
            for declaration in self.graph.objects(prefixes, SH.declare):
                name = self.graph.value(declaration, SH.prefix)
                namespace = self.graph.value(declaration, SH.namespace)
                if name is not None and namespace is not None:
                    namespaces[str(name)] = str(namespace)
        try:
            rows = candidate.query(str(query), initNs=namespaces)
            return any(focus in tuple(row) for row in rows)  # type: ignore[arg-type]
        except Exception:  # a query rdflib cannot run: the target is left out, not a crash
            return False

    def _properties(self, shape: object) -> list:
        props = list(self.graph.objects(shape, SH.property))
        if (shape, SH.path, None) in self.graph:
            props.append(shape)  # a property shape with targets of its own
        return sorted(props, key=self._position)

    # long: one reading per constraint a property shape can have on a new value
    def _read(
        self, prop: object, order: tuple, applies: bool, needs: dict[str, Need], ties: list[Tie]
    ) -> None:
        """Add what the property shape ``prop`` asks to ``needs`` (or to ``ties``)."""
        graph = self.graph
        if str(graph.value(prop, SH.deactivated)) == "true":
            return
        messages = {m.language or "": str(m) for m in graph.objects(prop, SH.message)}
        path = graph.value(prop, SH.path)
        sequence = _sequence(graph, path)
        equals = graph.value(prop, SH.equals)
        if len(sequence) == 2 and isinstance(equals, URIRef):
            ties.append(Tie(str(equals), sequence[0], sequence[1], messages))
            return
        direct = _direct(graph, path)
        if direct is None:
            return
        need = needs.setdefault(direct, Need(direct, order))
        need.order = min(need.order, order)
        minimum = _integer(graph.value(prop, SH.minCount))
        qualified = graph.value(prop, SH.qualifiedValueShape)
        language = None
        if qualified is not None and _integer(graph.value(prop, SH.qualifiedMinCount)):
            languages = _list(graph, graph.value(qualified, SH.languageIn))
            language = languages[0] if languages else None
            minimum = max(minimum, 0 if language else 1)
            need.classes += [str(c) for c in graph.objects(qualified, SH["class"])]
        requires = applies and bool(minimum or language)
        if requires:
            need.count = max(need.count, minimum)
            need.languages += [language] if language and language not in need.languages else []
        self._constraints(prop, need)
        if messages and (language, requires, messages) not in need.messages:
            need.messages.append((language, requires, messages))

    def _constraints(self, prop: object, need: Need) -> None:
        """What ``prop`` says about the values: datatype, languages, link or literal."""
        graph = self.graph
        datatype = graph.value(prop, SH.datatype)
        if datatype is not None:
            need.datatype = need.datatype or str(datatype)
            need.iri = False
        language_in = _list(graph, graph.value(prop, SH.languageIn))
        if language_in:
            need.language_in = need.language_in or language_in
            need.iri = False
        kind = graph.value(prop, SH.nodeKind)
        if kind in (SH.IRI, SH.BlankNodeOrIRI):
            need.iri = True if need.iri is None else need.iri
        elif kind in (SH.Literal, SH.BlankNodeOrLiteral, SH.IRIOrLiteral):
            need.iri = False
        if any((prop, p, None) in graph for p in _LINKS) and need.iri is None:
            need.iri = True
        for cls in graph.objects(prop, SH["class"]):
            need.classes.append(str(cls))
        for value in graph.objects(prop, SH.hasValue):
            if isinstance(value, URIRef) and NamedNode(str(value)) not in need.fixed:
                need.fixed.append(NamedNode(str(value)))

    def block(
        self, iri: str, types: list[str], needs: dict[str, Need], part_of: Block | None = None
    ) -> Block:
        """The lines of a resource: placeholders for what is required, then the properties
        the shapes check, commented out. Texts are in the languages of the names (of the
        resource ``part_of``, for a part)."""
        if part_of is not None:
            languages = part_of.languages
        elif LABEL in needs:
            languages = _languages(needs[LABEL], [], 1)
        else:
            languages = []
        required: list[Line] = []
        optional: list[Line] = []
        for need in sorted(needs.values(), key=lambda n: (n.path != LABEL, n.order, n.path)):
            if need.path == RDF_TYPE:
                continue
            if need.fixed:
                messages = tuple(m for _, _, m in need.messages)
                required += [Line(need.path, v, messages, placeholder=False) for v in need.fixed]
            elif need.required:
                required += self._placeholders(need, languages)
            else:
                optional += [
                    Line(line.predicate, line.value, line.messages, optional=True)
                    for line in self._placeholders(need, languages)
                ]
        owner = None if part_of is None else part_of.subject
        return Block(iri, types, required + optional, owner, languages)

    def _placeholders(self, need: Need, languages: list[str]) -> list[Line]:
        """The lines of placeholders for ``need``: one per value the shapes require (or one
        for an optional property; text in each language of the names)."""
        what = _local(need.path)
        # What requires a value first, then what the value must be like.
        ordered = sorted(need.messages, key=lambda message: not message[1])
        general = tuple(m for lang, _, m in ordered if lang is None)
        count = max(need.count, 1)
        if self._is_text(need):
            lines = []
            for n, language in enumerate(_languages(need, languages, count)):
                about = (language, None) if n == 0 else (language,)  # the first has the rest
                messages = (m for lang, _, m in ordered if lang in about)
                value = placeholder_literal(what, language=language)
                lines.append(Line(need.path, value, tuple(messages)))
            return lines
        values = [self._value(need, f"{what}-{n}" if n > 1 else what) for n in range(1, count + 1)]
        return [Line(need.path, v, general if n == 0 else ()) for n, v in enumerate(values)]

    def _is_text(self, need: Need) -> bool:
        if need.languages or need.language_in or need.datatype == RDF_LANG_STRING:
            return True
        return need.datatype is None and need.iri is None and self._used_as(need.path) == "text"

    def _value(self, need: Need, what: str) -> object:
        """A placeholder of the kind of value ``need`` asks for (else the kind the data uses
        for the property, else a link)."""
        datatype = need.datatype
        iri = need.iri
        if datatype is None and iri is None:
            used = self._used_as(need.path)
            iri = used in ("link", None)
            datatype = None if used in ("link", None, "string") else used
        if iri:
            return placeholder_iri(what)
        if datatype is None or datatype == XSD_STRING:
            return placeholder_literal(what)
        hint = _HINTS.get(datatype.removeprefix(XSD))
        if hint is None and datatype.startswith(XSD) and "nteger" in datatype:
            hint = "a whole number"
        return placeholder_literal(f"{what}, {hint}" if hint else what, datatype=datatype)

    def _used_as(self, path: str) -> str | None:
        """How the project's data writes values of ``path``: "link", "text" (language-tagged),
        "string" or a datatype IRI, whichever is most common; None if it has none."""
        if self._usage is None:
            self._usage = Counter()
            for parsed in self.sources.files:
                for quad in parsed.quads:
                    self._usage[quad.predicate.value, _form(quad.object)] += 1
        forms = [(n, form) for (p, form), n in self._usage.items() if p == path]
        return max(forms)[1] if forms else None


def _languages(need: Need, languages: list[str], count: int) -> list[str]:
    """The languages of the texts to write: those required, else those of the names (that
    the shapes allow); more up to the count, from those the shapes allow."""
    allowed = need.language_in
    wanted = [*need.languages] or [lang for lang in languages if not allowed or lang in allowed]
    for language in [*allowed, *languages, "en"]:
        if len(wanted) >= count:
            break
        if language not in wanted:
            wanted.append(language)
    order = allowed or languages
    return sorted(wanted, key=lambda lang: order.index(lang) if lang in order else len(order))


def _form(term: object) -> str:
    if not isinstance(term, Literal):
        return "link"
    if term.language:
        return "text"
    return "string" if term.datatype.value == XSD_STRING else term.datatype.value


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1] or iri


def _integer(term: object) -> int:
    try:
        return int(str(term)) if term is not None else 0
    except ValueError:
        return 0


def _list(graph: Graph, node: object) -> list[str]:
    return [str(item) for item in Collection(graph, node)] if node is not None else []


def _sequence(graph: Graph, path: object) -> list[str]:
    if path is None or isinstance(path, URIRef) or graph.value(path, RDF.first) is None:
        return []
    steps = list(Collection(graph, path))
    return [str(s) for s in steps] if all(isinstance(s, URIRef) for s in steps) else []


def _direct(graph: Graph, path: object) -> str | None:
    """The property a path names directly: itself, or the first of alternatives."""
    if isinstance(path, URIRef):
        return str(path)
    alternatives = graph.value(path, SH.alternativePath) if path is not None else None
    if alternatives is not None:
        first = next(iter(Collection(graph, alternatives)), None)
        return str(first) if isinstance(first, URIRef) else None
    return None

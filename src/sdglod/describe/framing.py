"""The framed JSON-LD dump: every event as one tree, for aggregators that want documents.

A tree holds an event and, nested in it, its organisers and partners (with their addresses),
the people who organised it (with their affiliations), its parts, place and funding, the
events it marks, and the outcomes it generated (``prov:wasGeneratedBy``, written under
``@reverse``) with the SDG targets they serve, each inside the editors' proposal of it (the
``sdglod:TargetLink``: rank, rationale, grounding, who proposed it), and the goals of those
targets. Every node comes with the marks of its statements (``rdf:subject``, under
``@reverse``: the editors' translations and identifications, verbatim texts and their
rights). Every node in a tree carries all of its own statements; a link the frame does not
follow, or to a node already written in the same tree, is a reference (``{"@id": …}``), as
JSON-LD framing's ``@embed: @once`` does. So the file, read as RDF, is exactly the subgraph
the frame selects: the statements of every node it reaches.

Keys are those of the project's JSON-LD context (``build_context``): ``"name"``,
``"organizer"``, ``"sdglod:partner"``. Trees, nodes, keys and values are sorted: the same
data gives the same bytes.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from ..rdf.jsonld import Compactor
from ..rdf.namespaces import DCT, PROV, RDF, RDF_TYPE, SCHEMA, SDGLOD, SDGO

FRAMED_FILE = "events.framed.jsonld"
FRAMED_DUMP = "events-framed"  # its name in the build manifest

Term = NamedNode | BlankNode | Literal


@dataclass(frozen=True)
class Frame:
    """What to nest inside a node of one kind: the objects of ``embed`` properties and the
    subjects that point at the node with a ``reverse`` property, each as a node of the kind
    named. Everything else the node says is written too, with other nodes as references."""

    embed: Mapping[str, str] = field(default_factory=dict)
    reverse: Mapping[str, str] = field(default_factory=dict)


# Every node is written with the marks of its statements (the editors' translations…).
_MARKS = {RDF + "subject": "leaf"}

# The frame, by kind of node; the root of every tree is an "event".
EVENT_FRAME: Mapping[str, Frame] = {
    "event": Frame(
        embed={
            SCHEMA + "organizer": "agent",
            SDGLOD + "partner": "agent",
            SDGLOD + "organisingPerson": "person",
            SCHEMA + "subEvent": "event",
            SCHEMA + "location": "leaf",
            SCHEMA + "funding": "leaf",
            SDGLOD + "marksAnniversaryOf": "event",
        },
        # A part that names its whole (schema:superEvent) without the whole naming it.
        reverse={PROV + "wasGeneratedBy": "outcome", SCHEMA + "superEvent": "event", **_MARKS},
    ),
    "agent": Frame(embed={SCHEMA + "address": "leaf"}, reverse=_MARKS),
    "person": Frame(embed={SCHEMA + "affiliation": "agent"}, reverse=_MARKS),
    # The SDG targets are written inside the editors' proposals of them, not as plain facts:
    # sdglod:servesTarget only refers to them.
    "outcome": Frame(embed={SDGLOD + "hasTargetLink": "proposal"}, reverse=_MARKS),
    "proposal": Frame(
        embed={SDGLOD + "target": "target", DCT + "creator": "agent"}, reverse=_MARKS
    ),
    "target": Frame(embed={SDGO + "isTargetOf": "leaf"}, reverse=_MARKS),
    "leaf": Frame(reverse=_MARKS),
}
ROOT_KIND = "event"
_EVENT = NamedNode(SCHEMA + "Event")
_SUPER_EVENT = SCHEMA + "superEvent"
_SUB_EVENT = SCHEMA + "subEvent"


class _Graph:
    """The statements by subject, and the subjects that point at a node with one of the
    frame's reverse properties, over triples grouped by subject (the dumps' order).

    Only where each subject's statements start and end is kept, not a copy of them: at a
    million triples the index is small, and reading the build's triples is several times
    faster than asking the store again for most of them.
    """

    def __init__(self, triples: Sequence[Triple], frame: Mapping[str, Frame]):
        self.triples = triples
        self.frame = frame
        reverse = {p for f in frame.values() for p in f.reverse}
        self.span: dict[NamedNode | BlankNode, tuple[int, int]] = {}
        self.pointing: dict[tuple[Term, str], list[NamedNode]] = defaultdict(list)
        events: list[NamedNode] = []
        parts: set[NamedNode | BlankNode] = set()
        current, start = None, 0
        for i, triple in enumerate(triples):
            subject = triple.subject
            if subject != current:
                if current is not None:
                    self.span[current] = (start, i)
                if subject in self.span:
                    raise ValueError(f"the triples of {subject} are not together")
                current, start = subject, i
            predicate = triple.predicate.value
            if predicate in reverse and isinstance(subject, NamedNode):
                self.pointing[(triple.object, predicate)].append(subject)
            if predicate == RDF_TYPE and triple.object == _EVENT:
                events.append(subject)  # type: ignore[arg-type]
            elif predicate == _SUPER_EVENT:
                parts.add(subject)
            elif predicate == _SUB_EVENT and isinstance(triple.object, NamedNode):
                # A part named only from its whole is a part too: it is nested there.
                parts.add(triple.object)
        if current is not None:
            self.span[current] = (start, len(triples))
        # Trees start at the events that are not part of another event (the rule of
        # ``events.TOP_LEVEL_EVENT``, which the descriptions and pages use).
        self.events = [e for e in events if isinstance(e, NamedNode)]
        self.roots = [e for e in self.events if e not in parts]

    def out(self, node: NamedNode) -> list[tuple[str, Term]]:
        """What ``node`` says: (predicate, object), in the order of the triples."""
        start, end = self.span.get(node, (0, 0))
        return [(t.predicate.value, t.object) for t in self.triples[start:end]]


class _Compact(Compactor):
    """The project's compactor, remembering node IRIs: the same organisations and SDG targets
    come back in tree after tree."""

    def __init__(self, context: dict[str, str]):
        super().__init__(context)
        self._ids: dict[str, str] = {}

    def id_iri(self, iri: str) -> str:
        found = self._ids.get(iri)
        if found is None:
            found = self._ids[iri] = super().id_iri(iri)
        return found


class _Tree:
    """One event's tree: where each node is written in full (its first place, breadth first)."""

    def __init__(self, graph: _Graph, compactor: _Compact, root: NamedNode, kind: str):
        self.graph = graph
        self.compactor = compactor
        self.out: dict[NamedNode, list[tuple[str, Term]]] = {}  # of the nodes reached
        # node → (parent, predicate, reverse?) of the one place it is written in full.
        self.place: dict[NamedNode, tuple[NamedNode | None, str, bool]] = {root: (None, "", False)}
        self.kinds: dict[NamedNode, set[str]] = defaultdict(set)
        queue = deque([(root, kind)])
        self.kinds[root].add(kind)
        while queue:
            node, k = queue.popleft()
            frame = graph.frame[k]
            if node not in self.out:
                self.out[node] = graph.out(node)
            links = [(p, o, False) for p, o in self.out[node] if p in frame.embed]
            for predicate in sorted(frame.reverse):
                links.extend(
                    (predicate, s, True) for s in graph.pointing.get((node, predicate), ())
                )
            for predicate, child, reverse in links:
                if not isinstance(child, NamedNode):
                    continue
                child_kind = (frame.reverse if reverse else frame.embed)[predicate]
                self.place.setdefault(child, (node, predicate, reverse))
                if child_kind not in self.kinds[child]:
                    self.kinds[child].add(child_kind)
                    queue.append((child, child_kind))
        self.root = root

    def node(self, node: NamedNode, parent: tuple[NamedNode, str] | None = None) -> dict:
        """``node`` in full, with the nodes placed in it nested; ``parent`` is the node and
        predicate of an ``@reverse`` link it is nested under (that statement is implied)."""
        compactor = self.compactor
        types: list[str] = []
        properties: dict[str, list[object]] = defaultdict(list)
        for predicate, obj in self.out[node]:
            if predicate == RDF_TYPE and isinstance(obj, NamedNode):
                types.append(compactor.vocab_iri(obj.value))
                continue
            if parent is not None and (obj, predicate) == parent:
                continue
            if isinstance(obj, NamedNode) and self.place.get(obj) == (node, predicate, False):
                value: object = self.node(obj)
            else:
                value = compactor.value(obj)
            properties[compactor.vocab_iri(predicate)].append(value)
        written: dict[str, object] = {"@id": compactor.id_iri(node.value)}
        if types:
            written["@type"] = types[0] if len(types) == 1 else types
        for key in sorted(properties):
            values = properties[key]  # in the order of the triples: already sorted
            written[key] = values[0] if len(values) == 1 else values
        reverse: dict[str, list[object]] = {}
        for predicate in sorted({p for k in self.kinds[node] for p in self.graph.frame[k].reverse}):
            nested = [
                self.node(s, (node, predicate))
                for s in self.graph.pointing.get((node, predicate), ())
                if self.place.get(s) == (node, predicate, True)
            ]
            if nested:
                reverse[compactor.vocab_iri(predicate)] = nested
        if reverse:
            written["@reverse"] = {k: v[0] if len(v) == 1 else v for k, v in reverse.items()}
        return written


def event_trees(
    triples: Sequence[Triple], context: dict[str, str], frame: Mapping[str, Frame] = EVENT_FRAME
) -> Iterator[dict]:
    """One tree per event that is not part of another, in the order of their IRIs (then one
    per circle of events that are parts of each other), so that every event is in a tree.

    ``triples`` are the distinct triples of the union of all graphs in the dumps' order
    (:attr:`Dumper.triples <sdglod.rdf.writer.Dumper.triples>`): grouped by subject and
    sorted, which makes the trees, and the order of their keys and values, the same for the
    same data.
    """
    graph = _Graph(triples, frame)
    compactor = _Compact(context)
    reached: set[NamedNode] = set()
    for root in graph.roots:
        tree = _Tree(graph, compactor, root, ROOT_KIND)
        reached.update(node for node, kinds in tree.kinds.items() if ROOT_KIND in kinds)
        yield tree.node(root)
    # Parts no whole leads to (parts of each other, in a circle): the first of them is a tree,
    # so that every event is in the dump.
    for event in graph.events:
        if event not in reached:
            tree = _Tree(graph, compactor, event, ROOT_KIND)
            reached.update(node for node, kinds in tree.kinds.items() if ROOT_KIND in kinds)
            yield tree.node(event)


def framed_events(
    triples: Sequence[Triple], context: dict[str, str], frame: Mapping[str, Frame] = EVENT_FRAME
) -> dict:
    """The framed document: ``@context`` and the trees of :func:`event_trees`."""
    return {"@context": context, "@graph": list(event_trees(triples, context, frame))}


def write_framed(triples: Sequence[Triple], context: dict[str, str], folder: Path) -> Path:
    """Write the framed dump of ``triples`` (as :func:`event_trees` wants them) into
    ``folder`` as ``events.framed.jsonld``, a tree at a time."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FRAMED_FILE
    # Laid out like the JSON-LD dump: the context indented, then one tree per line (written
    # by json's fast C encoder; an indented tree takes the slow pure-Python one).
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write('{\n  "@context": ')
        out.write(json.dumps(context, ensure_ascii=False, indent=2).replace("\n", "\n  "))
        out.write(',\n  "@graph": [')
        separator = "\n"
        for tree in event_trees(triples, context):
            out.write(separator + "    " + json.dumps(tree, ensure_ascii=False))
            separator = ",\n"
        out.write("\n  ]\n}\n")
    return path

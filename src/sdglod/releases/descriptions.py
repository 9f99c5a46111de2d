"""A resource's description in a canonical form, and its digest.

A resource's description is what the data says about it: the statements whose subject is the
resource, and those of the blank nodes they reach (a Concise Bounded Description). Written in
a canonical form, two builds that say the same thing give the same text, whatever the order of
the sources or the labels of their blank nodes:

- one line per statement, in N-Triples syntax, sorted;
- an IRI under the base IRI written relative to it (``<id/event/x>``), so that a project
  built under another base (``--base``) has the same descriptions;
- a blank node labelled by a digest of what it says (its statements, those of the blank
  nodes it reaches in turn), so its label does not depend on the parser. A blank node that
  repeats another one of the same description exactly is written once: the two say nothing
  more than one (the graphs are equivalent).

The lines are Turtle too: read back with the base IRI (:func:`read_lines`), they give the
statements again.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple, parse

Subject = NamedNode | BlankNode

# Where an IRI's first segment ends; a ':' before it would read as a scheme.
_FIRST_SEGMENT = re.compile(r"[/?#]")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CYCLE = "_:cycle"  # what a blank node that reaches itself says of that reference


@dataclass(frozen=True)
class Description:
    """The canonical description of one resource (``iri`` is absolute)."""

    iri: str
    lines: tuple[str, ...]

    @cached_property
    def digest(self) -> str:
        return lines_digest(self.lines)


def lines_digest(lines: Iterable[str]) -> str:
    """SHA-256 (hex) of canonical lines, each ended by a newline."""
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


class IriForms:
    """IRIs written relative to ``base`` where that is exact, and read back."""

    def __init__(self, base: str):
        self.base = base
        # Relative references resolve exactly (RFC 3986) only against a base that ends in '/'
        # and has no query: any other base leaves every IRI absolute.
        self._relative = base.endswith("/") and "?" not in base

    def write(self, iri: str) -> str:
        """``iri`` relative to the base if that reads back exactly, else as it is."""
        if not (self._relative and iri.startswith(self.base)):
            return iri
        rest = iri[len(self.base) :]
        if rest.startswith("/") or any(s in (".", "..") for s in rest.split("/")):
            return iri  # a path that resolution would change
        if ":" in _FIRST_SEGMENT.split(rest, maxsplit=1)[0]:
            return "./" + rest  # "a:b" would read as an IRI of the scheme "a"
        return rest

    def read(self, written: str) -> str:
        """The absolute IRI of what :meth:`write` gave."""
        if written.startswith("./"):
            return self.base + written[2:]
        return written if _SCHEME.match(written) else self.base + written


def describe_resources(triples: Iterable[Triple], base: str) -> dict[str, Description]:
    """The canonical description of every IRI that is the subject of a statement."""
    by_subject: dict[Subject, list[Triple]] = defaultdict(list)
    for triple in triples:
        by_subject[triple.subject].append(triple)
    writer = _LineWriter(IriForms(base), by_subject)
    found = {}
    for subject, own in by_subject.items():
        if isinstance(subject, NamedNode):
            lines = {writer.line(t) for t in _closure(own, by_subject)}
            found[subject.value] = Description(subject.value, tuple(sorted(lines)))
    return dict(sorted(found.items()))


def _closure(own: list[Triple], by_subject: dict[Subject, list[Triple]]) -> Iterator[Triple]:
    """``own`` and the statements of every blank node they reach, transitively."""
    stack = list(own)
    seen: set[BlankNode] = set()
    while stack:
        triple = stack.pop()
        yield triple
        obj = triple.object
        if isinstance(obj, BlankNode) and obj not in seen:
            seen.add(obj)
            stack.extend(by_subject.get(obj, ()))


class _LineWriter:
    """Writes statements as canonical lines, labelling blank nodes by what they say."""

    def __init__(self, forms: IriForms, by_subject: dict[Subject, list[Triple]]):
        self.forms = forms
        self.by_subject = by_subject
        self.labels: dict[BlankNode, str] = {}

    def line(self, triple: Triple) -> str:
        return (
            f"{self.term(triple.subject)} {self.term(triple.predicate)} "
            f"{self.term(triple.object)} ."
        )

    def term(self, term: object) -> str:
        if isinstance(term, NamedNode):
            return f"<{self.forms.write(term.value)}>"
        if isinstance(term, BlankNode):
            return self.label(term)
        return str(term)  # a literal (or a quoted triple) in its N-Triples form

    def label(self, node: BlankNode) -> str:
        """``_:b`` and a digest of the node's statements, with the blank nodes they reach
        labelled the same way first (depth first, without recursion: an RDF list may be
        long). A reference back to a node on the way (a cycle, which Turtle's ``[ ]`` cannot
        write) counts as a mark: such labels depend on where the walk began."""
        if node in self.labels:
            return self.labels[node]
        on_path = {node}
        stack = [(node, self._blank_objects(node))]
        while stack:
            current, children = stack[-1]
            for child in children:
                if child not in self.labels and child not in on_path:
                    on_path.add(child)
                    stack.append((child, self._blank_objects(child)))
                    break
            else:
                stack.pop()
                self.labels[current] = self._signature(current, on_path)
                on_path.discard(current)
        return self.labels[node]

    def _blank_objects(self, node: BlankNode) -> Iterator[BlankNode]:
        for triple in self.by_subject.get(node, ()):
            if isinstance(triple.object, BlankNode):
                yield triple.object

    def _signature(self, node: BlankNode, on_path: set[BlankNode]) -> str:
        lines = []
        for triple in self.by_subject.get(node, ()):
            obj = triple.object
            if isinstance(obj, BlankNode):
                written = _CYCLE if obj in on_path else self.labels[obj]
            else:
                written = self.term(obj)
            lines.append(f"{self.term(triple.predicate)} {written}")
        return "_:b" + lines_digest(sorted(set(lines)))[:32]  # a statement counts once


def read_lines(lines: Iterable[str], base: str) -> list[Triple]:
    """The statements of canonical lines (relative IRIs resolved against ``base``)."""
    text = "\n".join(lines).encode("utf-8")
    return [quad.triple for quad in parse(text, format=RdfFormat.TURTLE, base_iri=base)]

"""A result's property path back as SHACL path nodes, for ``sh:resultPath`` in the Turtle report.

Results keep a complex path as SPARQL property-path text (:func:`.report.path_text`: IRIs in
``<…>``, every inner path that is not an IRI in parentheses). This reads that text back into the
SHACL path syntax — ``rdf:first``/``rdf:rest`` lists for sequences, ``sh:alternativePath``,
``sh:inversePath``, ``sh:zeroOrMorePath``, ``sh:oneOrMorePath``, ``sh:zeroOrOnePath`` — so a
report consumer sees the same path the shape gave.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pyoxigraph import BlankNode, NamedNode

from ..rdf.namespaces import RDF, SH

_UNARY = {"*": SH + "zeroOrMorePath", "+": SH + "oneOrMorePath", "?": SH + "zeroOrOnePath"}
_TOKEN = re.compile(r"<[^>]*>|[()|/^*+?]")

Term = NamedNode | BlankNode
Add = Callable[[Term, str, object], None]  # (subject, predicate IRI, object)


class PathSyntaxError(ValueError):
    """The text is not a path as :func:`.report.path_text` writes one."""


def path_node(text: str, label: str, add: Add) -> Term:
    """The SHACL path of ``text``: an IRI (a predicate path), or a blank node whose triples
    go to ``add`` (the nodes labelled ``label``, ``label-2``, ``label-3``, …)."""
    if text[:1] not in ("<", "^", "("):
        return NamedNode(text)  # a predicate path: results keep it as the bare IRI
    tokens = _TOKEN.findall(text)
    if "".join(tokens) != re.sub(r"\s+", "", text):
        raise PathSyntaxError(f"not a property path: {text!r}")
    reader = _Reader(tokens, label, add)
    node = reader.alternatives()
    if reader.position != len(tokens):
        raise PathSyntaxError(f"unexpected {tokens[reader.position]!r} in {text!r}")
    return node


class _Reader:
    def __init__(self, tokens: list[str], label: str, add: Add):
        self.tokens = tokens
        self.position = 0
        self.label = label
        self.add = add
        self.count = 0

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> str:
        token = self._peek()
        if token is None:
            raise PathSyntaxError("the path ends too early")
        self.position += 1
        return token

    def _blank(self) -> BlankNode:
        self.count += 1
        return BlankNode(self.label if self.count == 1 else f"{self.label}-{self.count}")

    def _list(self, items: list[Term]) -> Term:
        head: Term = NamedNode(RDF + "nil")
        cells = [self._blank() for _ in items]
        for cell, item, rest in zip(cells, items, [*cells[1:], head], strict=True):
            self.add(cell, RDF + "first", item)
            self.add(cell, RDF + "rest", rest)
        return cells[0]

    def alternatives(self) -> Term:
        options = [self.sequence()]
        while self._peek() == "|":
            self._take()
            options.append(self.sequence())
        if len(options) == 1:
            return options[0]
        node = self._blank()
        self.add(node, SH + "alternativePath", self._list(options))
        return node

    def sequence(self) -> Term:
        steps = [self.unary()]
        while self._peek() == "/":
            self._take()
            steps.append(self.unary())
        return steps[0] if len(steps) == 1 else self._list(steps)

    def unary(self) -> Term:
        if self._peek() == "^":
            self._take()
            node = self._blank()
            self.add(node, SH + "inversePath", self.primary())
            return node
        inner = self.primary()
        if self._peek() in _UNARY:
            node = self._blank()
            self.add(node, _UNARY[self._take()], inner)
            return node
        return inner

    def primary(self) -> Term:
        token = self._take()
        if token.startswith("<"):
            return NamedNode(token[1:-1])
        if token != "(":
            raise PathSyntaxError(f"unexpected {token!r}")
        node = self.alternatives()
        if self._take() != ")":
            raise PathSyntaxError("a parenthesis is not closed")
        return node

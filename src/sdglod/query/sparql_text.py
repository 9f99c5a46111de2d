"""A lexical look at SPARQL text: the query form, variables, and where the WHERE group starts.

Not a parser (the engine parses); a tokenizer that knows comments, strings and IRIs well enough
to tell a keyword or a brace of the query from the same characters inside a literal. It answers
what the tools around the engine need before the engine runs: is this an update (refused), which
variables does the text use, which does a SELECT project, and where can a ``VALUES`` block go
to bind parameters on an endpoint that has no substitution API.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from ..memo import remembered

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
PAGED_AWAY = ("LIMIT", "OFFSET", "VALUES")  # top-level keywords after WHERE that paging avoids
UPDATE_KEYWORDS = (
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "WITH",
)

_VARCHARS = (
    r"A-Za-z0-9_\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF"
    r"\u200C-\u200D\u203F-\u2040\u2070-\uFFFF"
)
_LOCAL = r"A-Za-z0-9_\-.:%\\\u00B7\u00C0-\uFFFF"
_TOKEN = re.compile(
    rf"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
               |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'
               |"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][{_VARCHARS}]+)
    | (?P<word>(?:[A-Za-z_][A-Za-z0-9_\-.]*)?:[{_LOCAL}]*|[A-Za-z_][A-Za-z0-9_\-]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


# The server tokenized each canned or page query two or three times a request (0.5 ms a
# query): the readings of the last 256 texts of up to 8 KB (~2 MiB of each) are remembered.
_remembered = remembered(max_length=8192)


class SparqlTextError(ValueError):
    """The text cannot be handled lexically (an unclosed string, no WHERE group, …)."""

    def __init__(self, message: str, offset: int | None = None):
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Token:
    """A significant piece of SPARQL text and where it is."""

    kind: str  # string, iri, var, word, other (whitespace and comments are dropped)
    text: str
    start: int
    depth: int  # brace depth before this token


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of ``text`` with their brace depth."""
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        value = match.group()
        if kind in ("ws", "comment"):
            continue
        if kind == "other" and value in "'\"":
            raise SparqlTextError("a string is not closed", match.start())
        yield Token(kind, value, match.start(), depth)
        if value == "{" and kind == "other":
            depth += 1
        elif value == "}" and kind == "other":
            depth = max(0, depth - 1)


def _keyword(token: Token) -> str | None:
    return token.text.upper() if token.kind == "word" and ":" not in token.text else None


@_remembered
def _after_prologue(text: str) -> Token | None:
    """The first token after the ``BASE`` and ``PREFIX`` declarations."""
    expect_iri = False
    for token in tokens(text):
        if expect_iri:
            expect_iri = token.kind != "iri"
            continue
        if _keyword(token) in ("BASE", "PREFIX"):
            expect_iri = True
            continue
        return token
    return None


def operation(text: str) -> str | None:
    """The first keyword after the prologue: a query form, an update keyword, or ``None``."""
    token = _after_prologue(text)
    return _keyword(token) if token is not None else None


def prologue(text: str) -> str:
    """The text before the query form: comments and the ``BASE``/``PREFIX`` declarations, for
    other queries that use the same prefixes."""
    token = _after_prologue(text)
    return text[: token.start] if token is not None else text


def check_group(text: str) -> None:
    """Raise :class:`SparqlTextError` unless ``text`` can go inside braces as one group: its
    braces balance and it has no comment (a ``#`` would hide the rest of a joined line)."""
    depth = 0
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "comment":
            raise SparqlTextError("a '#' comment (it would hide what follows)", match.start())
        if kind == "other" and value in "'\"":
            raise SparqlTextError("a string is not closed", match.start())
        if kind == "other" and value in "{}":
            depth += 1 if value == "{" else -1
            if depth < 0:
                raise SparqlTextError("a '}' closes a group it did not open", match.start())
    if depth:
        raise SparqlTextError("a '{' is not closed")


@_remembered
def is_update(text: str) -> bool:
    """Whether ``text`` is a SPARQL Update request rather than a query."""
    return operation(text) in UPDATE_KEYWORDS


def variables(text: str) -> list[Token]:
    """Every variable token (``?x`` and ``$x``) in order of appearance."""
    return [token for token in tokens(text) if token.kind == "var"]


def projection(text: str) -> set[str] | None:
    """Names of the variables the outermost SELECT projects; ``None`` for ``SELECT *`` or a
    query form without a projection (ASK, CONSTRUCT, DESCRIBE)."""
    names: set[str] = set()
    in_select = False
    parens = 0
    after_as = False
    for token in tokens(text):
        if token.depth > 0:
            break
        word = _keyword(token)
        if not in_select:
            if word in QUERY_FORMS:
                if word != "SELECT":
                    return None
                in_select = True
            continue
        if token.text == "{" or word in ("WHERE", "FROM"):
            break
        if token.text == "*" and parens == 0:
            return None
        if token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
        elif word == "AS":
            after_as = True
        elif token.kind == "var" and (parens == 0 or after_as):
            names.add(token.text[1:])
            after_as = False
    return names


@_remembered
def where_group_start(text: str) -> int:
    """Offset just after the ``{`` that opens the outermost WHERE group."""
    stream = tokens(text)
    form = None
    for token in stream:
        word = _keyword(token)
        if token.depth == 0 and word in QUERY_FORMS + UPDATE_KEYWORDS:
            form = word
            break
    if form not in QUERY_FORMS:
        raise SparqlTextError("no SELECT, CONSTRUCT, DESCRIBE or ASK query form")
    if form == "CONSTRUCT":
        # CONSTRUCT { template } WHERE { pattern }: taking the template's brace here leaves
        # the pattern's as the next one at depth 0.
        following = next(stream, None)
        if following is not None and _keyword(following) == "WHERE":
            raise SparqlTextError(
                "CONSTRUCT WHERE { … } (the short form) has no separate WHERE group",
                following.start,
            )
    for token in stream:
        if token.depth == 0 and token.text == "{" and token.kind == "other":
            return token.start + 1
    raise SparqlTextError(f"the {form} query has no WHERE {{ … }} group")


def insert_values(text: str, bindings: Mapping[str, str]) -> str:
    """``text`` with ``VALUES (?a ?b) { (t1 t2) }`` at the start of its outermost WHERE group.

    ``bindings`` maps variable names to terms already written in N-Triples syntax, which is also
    SPARQL syntax. At the start of the group the values join the pattern exactly as the engine's
    substitution does; a trailing ``VALUES`` clause would join after GROUP BY instead. The block
    goes on the brace's own line, so line numbers in error messages stay those of the file.
    """
    if not bindings:
        return text
    at = where_group_start(text)
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(bindings.values())
    return f"{text[:at]} VALUES ({names}) {{ ({terms}) }} {text[at:]}"


def insert_binds(text: str, bindings: Mapping[str, str]) -> str:
    """``text`` with ``BIND(t AS ?a)`` for each binding at the start of its outermost WHERE
    group, on the brace's own line (terms written as for :func:`insert_values`).

    With nothing in scope yet, the BINDs give the same one solution as a one-row ``VALUES``
    block there, so the pattern's answers are the same; it is the form sent to remote stores,
    because Virtuoso 7.2 stops answering anyone when a ``VALUES`` block comes before a
    sub-select with ``ORDER BY``.
    """
    if not bindings:
        return text
    at = where_group_start(text)
    binds = " ".join(f"BIND({term} AS ?{name})" for name, term in bindings.items())
    return f"{text[:at]} {binds} {text[at:]}"


def inline_bindings(text: str, bindings: Mapping[str, str]) -> str | None:
    """``text`` with each bound variable written as its term (N-Triples syntax, as for
    :func:`insert_values`) wherever it occurs, or ``None`` where that would not mean the same.

    A projected variable becomes ``(term AS ?v)``, one in ``GROUP BY`` or ``ORDER BY``
    ``(term)``: the answers are those of the query with the variable bound, and so are the
    columns. Remote stores plan constants best, and some mishandle bound variables (Virtuoso
    7.2 ignores one in an ``OPTIONAL``'s ``FILTER`` unless it is projected). ``None`` — so the
    caller binds another way — where the query gives the variable a value itself (``AS ?v``,
    ``VALUES ?v``), asks ``BOUND(?v)``, uses it in a sub-select (a scope of its own), or
    projects ``*``.
    """
    if not bindings:
        return text
    pieces: list[str] = []
    done = 0
    mode = None  # select, group, order, values: the clause the tokens are in
    parens = 0
    previous: Token | None = None
    before: Token | None = None  # the token before ``previous``
    subqueries: list[int] = []  # brace depths of the sub-selects the tokens are in
    for token in tokens(text):
        word = _keyword(token)
        brace = token.kind == "other" and token.text in ("{", "}")
        if brace and token.text == "}" and subqueries and token.depth == subqueries[-1]:
            subqueries.pop()
        if word == "SELECT":
            if token.depth > 0:
                subqueries.append(token.depth)
            mode, parens = "select", 0
        elif word == "BY" and previous is not None and _keyword(previous) in ("GROUP", "ORDER"):
            mode, parens = ("group" if _keyword(previous) == "GROUP" else "order"), 0
        elif word == "VALUES":
            mode = "values"
        elif word in ("WHERE", "FROM", "HAVING", "LIMIT", "OFFSET") or brace:
            mode = None
        elif token.text == "*" and mode == "select" and parens == 0:
            return None
        elif token.text == "(" and token.kind == "other":
            parens += 1
        elif token.text == ")" and token.kind == "other":
            parens -= 1
        if token.kind == "var" and token.text[1:] in bindings:
            name = token.text[1:]
            if subqueries or mode == "values" or (previous and _keyword(previous) == "AS"):
                return None
            if previous and previous.text == "(" and before and _keyword(before) == "BOUND":
                return None  # BOUND takes a variable, never a term
            term = bindings[name]
            if mode == "select" and parens == 0:
                term = f"({term} AS ?{name})"
            elif mode in ("group", "order") and parens == 0:
                term = f"({term})"
            pieces.append(text[done : token.start])
            pieces.append(term)
            done = token.start + len(token.text)
        before, previous = previous, token
    pieces.append(text[done:])
    return "".join(pieces)


_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
# Virtuoso's parser gives a line only: "Virtuoso 37000 Error SP030: SPARQL compiler, line 2: …"
_VIRTUOSO_LINE = re.compile(r"\bSPARQL compiler, line (\d+):")


def split_position(message: str) -> tuple[int | None, int | None, str]:
    """Split a parser message into line, column and text: Oxigraph's ``error at L:C: what``,
    or Virtuoso's ``SPARQL compiler, line L: what`` (no column)."""
    match = _POSITION.match(message.strip())
    if match:
        return int(match.group(1)), int(match.group(2)), match.group(3)
    line = _VIRTUOSO_LINE.search(message)
    return (int(line.group(1)) if line else None), None, message.strip()


def service_endpoints(text: str) -> list[str | None]:
    """The endpoints of every ``SERVICE`` clause in ``text``: an IRI (prefixed names expanded
    by the query's own ``PREFIX`` declarations), or ``None`` where a variable or anything else
    names it — a federated query makes the engine send requests of its own."""
    return [endpoint for endpoint, _ in service_clauses(text)]


@_remembered
def service_clauses(text: str) -> tuple[tuple[str | None, int], ...]:
    """Each ``SERVICE`` clause's endpoint (as :func:`service_endpoints`) and the offset of
    its keyword in ``text``."""
    found: list[tuple[str | None, int]] = []
    stream = list(tokens(text))
    prefixes = _prefixes(stream)
    for index, token in enumerate(stream):
        word = _keyword(token)
        if word != "SERVICE":
            continue
        following = stream[index + 1 : index + 3]
        if following and _keyword(following[0]) == "SILENT":
            following = following[1:]
        target = following[0] if following else None
        endpoint = None
        if target is not None and target.kind == "iri":
            endpoint = target.text[1:-1]
        elif target is not None and target.kind == "word" and ":" in target.text:
            name, _, local = target.text.partition(":")
            endpoint = prefixes[name] + local if name in prefixes else None
        found.append((endpoint, token.start))
    return tuple(found)


class DatasetClause(NamedTuple):
    """A ``FROM`` or ``FROM NAMED`` clause: where it is, and the graph it names (prefixed
    names expanded; ``None`` for a prefix the query does not declare)."""

    start: int
    end: int
    named: bool
    graph: str | None


@_remembered
def dataset_clauses(text: str) -> tuple[DatasetClause, ...]:
    """The ``FROM`` and ``FROM NAMED`` clauses of a query. (Only a query's top level has them:
    a sub-query cannot.)"""
    stream = list(tokens(text))
    prefixes = _prefixes(stream)
    found = []
    for index, token in enumerate(stream):
        if token.depth or _keyword(token) != "FROM":
            continue
        following = stream[index + 1 : index + 3]
        named = bool(following) and _keyword(following[0]) == "NAMED"
        target = following[1 if named else 0] if len(following) > named else None
        if target is None:
            continue
        if target.kind == "iri":
            graph: str | None = target.text[1:-1]
        elif target.kind == "word" and ":" in target.text:
            name, _, local = target.text.partition(":")
            graph = prefixes[name] + local if name in prefixes else None
        else:
            continue
        found.append(DatasetClause(token.start, target.start + len(target.text), named, graph))
    return tuple(found)


def _prefixes(stream: list[Token]) -> dict[str, str]:
    """The ``PREFIX`` declarations among ``stream``."""
    prefixes = {}
    for index, token in enumerate(stream[:-2]):
        if _keyword(token) == "PREFIX":
            name, iri = stream[index + 1], stream[index + 2]
            if name.kind == "word" and name.text.endswith(":") and iri.kind == "iri":
                prefixes[name.text[:-1]] = iri.text[1:-1]
    return prefixes


def without_dataset_clauses(text: str) -> str:
    """``text`` with its ``FROM``/``FROM NAMED`` clauses blanked out: the protocol's
    ``default-graph-uri``/``named-graph-uri`` replace them (SPARQL 1.1 Protocol §2.1.4).
    Blanked with spaces, so that every other position — and so every error's line and column —
    stays where the user wrote it."""
    for start, end, _, _ in reversed(dataset_clauses(text)):
        blank = "".join(c if c in "\r\n" else " " for c in text[start:end])
        text = text[:start] + blank + text[end:]
    return text


def with_offset(text: str, offset: int) -> str:
    """``text`` with ``OFFSET offset`` after its solution modifiers, for paging through its
    solutions (the row cap of the job gives the page's size). A query with its own top-level
    ``LIMIT``/``OFFSET``, or a ``VALUES`` block after its WHERE group, is not paged this way."""
    where = where_group_start(text)
    for token in tokens(text):
        if token.depth == 0 and token.start >= where and _keyword(token) in PAGED_AWAY:
            raise SparqlTextError(
                f"the query has its own {token.text.upper()}, so it is not paged", token.start
            )
    return f"{text}\nOFFSET {int(offset)}" if offset else text


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of ``offset`` in ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1

"""Where in a Turtle file a resource is described, for messages that name file and line.

RDF parsers do not report positions of triples, so :class:`PositionIndex` reads the text: the
data in ``data/`` is written one resource per block, the block starting at column 0 with the
subject. The index maps each such subject to its line and, within its block, each predicate to
the line and column where it is written. For text written otherwise it falls back to the first
line that mentions the resource. :class:`Locator` uses the indexes of the parsed sources to
place each validation result at the file, line and column of its focus node (and path).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from urllib.parse import urljoin

from pyoxigraph import BlankNode

from ..project import Project
from ..rdf.namespaces import RDF_TYPE
from ..rdf.sources import Sources
from .report import ValidationResult

# A subject or predicate token: <iri>, a prefixed name, or `a`.
_TOKEN = re.compile(r"<[^>\s]*>|[A-Za-z][\w.-]*?:[^\s;,()\[\]]*|:[^\s;,()\[\]]*|\ba\b")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_DIRECTIVE = re.compile(r"^\s*(@prefix|@base|PREFIX|BASE)\b", re.IGNORECASE)
_BASE = re.compile(r"^\s*(?:@base|BASE)\s+<([^>]*)>", re.IGNORECASE)


def resolve_iri(base: str, reference: str) -> str:
    """``reference`` resolved against ``base`` (an absolute IRI stays exactly as written)."""
    return reference if _SCHEME.match(reference) else urljoin(base, reference)


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass
class _Block:
    start: Position
    end_line: int = 0
    predicates: dict[str, Position] = field(default_factory=dict)


class PositionIndex:
    """Positions of the resources and their predicates in one Turtle file."""

    def __init__(self, text: str, prefixes: dict[str, str], base: str):
        self._prefixes = prefixes
        self._base = base
        self._lines = text.splitlines()
        self._blocks: dict[str, _Block] = {}
        self._scan(base)

    @classmethod
    def of_file(cls, path: Path, prefixes: dict[str, str], base: str) -> PositionIndex:
        return cls(path.read_text(encoding="utf-8", errors="replace"), prefixes, base)

    def _expand(self, token: str, base: str) -> str | None:
        if token == "a":
            return RDF_TYPE
        if token.startswith("<"):
            return resolve_iri(base, token[1:-1])
        name, _, local = token.partition(":")
        namespace = self._prefixes.get(name)
        return None if namespace is None else namespace + local.replace("\\", "")

    def _scan(self, base: str) -> None:
        current: _Block | None = None
        expect_predicate = False  # the previous line ended a predicate-object pair with ';'
        for number, line in enumerate(self._lines, 1):
            if _DIRECTIVE.match(line):
                if found := _BASE.match(line):
                    base = resolve_iri(base, found.group(1))
                continue
            code = _strip_comment(line)
            if not code.strip():
                continue
            tokens = list(_TOKEN.finditer(code))
            if code[0] not in " \t" and tokens and tokens[0].start() == 0:
                subject = self._expand(tokens[0].group(), base)
                if current is not None:
                    current.end_line = number - 1
                current = _Block(Position(number, 1))
                if subject is not None:
                    self._blocks.setdefault(subject, current)
                predicates = tokens[1:2]
                subject_only = not predicates
            else:
                subject_only = False
                predicates = (
                    [tokens[0]] if current is not None and tokens and expect_predicate else []
                )
            if current is not None:
                # Predicates after a ';' on the same line.
                predicates += [t for t in tokens[1:] if code[: t.start()].rstrip().endswith(";")]
                for token in predicates:
                    predicate = self._expand(token.group(), base)
                    if predicate is not None:
                        position = Position(number, token.start() + 1)
                        current.predicates.setdefault(predicate, position)
                expect_predicate = subject_only or _ends_pair(code)
        if current is not None:
            current.end_line = len(self._lines)

    def find(
        self, resource: str, predicate: str | None = None, value: str | None = None
    ) -> Position | None:
        """Where ``resource`` is described: at ``value`` (an N-Triples term) if written in its
        block, else at ``predicate`` if written there, else where the block starts."""
        block = self._blocks.get(resource)
        if block is None and resource.startswith("_:") and value is not None:
            # A blank node written inline ([ sh:pattern "(" ]): where its value is written.
            return self._search(self._forms(value), 1, len(self._lines))
        if block is None:
            return self._mention(resource)
        if value is not None:
            found = self._search(self._forms(value), block.start.line, block.end_line)
            if found is not None:
                return found
        if predicate is not None and predicate in block.predicates:
            return block.predicates[predicate]
        return block.start

    def _forms(self, term: str) -> list[str]:
        """How an N-Triples term can be written in Turtle (enough of it to be recognised)."""
        if term.startswith("<") and term.endswith(">"):
            iri = term[1:-1]
            forms = [term]
            if self._base and iri.startswith(self._base):
                forms.append(f"<{iri[len(self._base) :]}>")
            forms += [
                f"{name}:{iri[len(namespace) :]}"
                for name, namespace in self._prefixes.items()
                if iri.startswith(namespace) and len(iri) > len(namespace)
            ]
            return forms
        if term.startswith('"'):
            lexical = term[1 : term.rindex('"')]
            return ['"' + lexical[:60]]
        return [term]

    def _search(self, forms: list[str], first: int, last: int) -> Position | None:
        for number in range(first, last + 1):
            line = _strip_comment(self._lines[number - 1])
            for form in forms:
                column = line.find(form)
                if column >= 0:
                    return Position(number, column + 1)
        return None

    def _mention(self, resource: str) -> Position | None:
        return self._search(self._forms(f"<{resource}>"), 1, len(self._lines))


def _strip_comment(line: str) -> str:
    """The line without a trailing comment (a '#' outside strings and IRIs)."""
    in_string = in_iri = False
    for index, char in enumerate(line):
        if char == '"' and not in_iri and (index == 0 or line[index - 1] != "\\"):
            in_string = not in_string
        elif char == "<" and not in_string:
            in_iri = True
        elif char == ">" and not in_string:
            in_iri = False
        elif char == "#" and not in_string and not in_iri:
            return line[:index]
    return line


def _ends_pair(code: str) -> bool:
    return code.rstrip().endswith(";")


class Locator:
    """Finds the file, line and column where a result's focus node (and path) is written.

    ``prefer``: files to place a result in when its focus node is described there and in
    others too. ``written``: for a value as validated (N-Triples), how the sources write it
    where that differs (a literal the store keeps in another form).
    """

    def __init__(
        self,
        project: Project,
        sources: Sources,
        prefer: Iterable[str] = (),
        written: dict[str, str] | None = None,
    ):
        self._project = project
        self._sources = sources
        self._indexes: dict[str, PositionIndex] = {}
        preferred = set(prefer)
        self._preferred = {
            n for n, parsed in enumerate(sources.files) if parsed.source.relpath in preferred
        }
        self._written = written or {}

    @cached_property
    def _statements(self) -> dict[str, list[tuple[int, str]]]:
        """For each subject IRI: the (file number, predicate IRI) pairs that describe it."""
        found: dict[str, list[tuple[int, str]]] = {}
        for number, parsed in enumerate(self._sources.files):
            for quad in parsed.quads:
                found.setdefault(_term_id(quad.subject), []).append((number, quad.predicate.value))
        return found

    @cached_property
    def _mentions(self) -> dict[str, int]:
        """For each object IRI: the first file that mentions it (a preferred one if any)."""
        found: dict[str, int] = {}
        files = self._sources.files
        for number in sorted(range(len(files)), key=lambda n: n not in self._preferred):
            for quad in files[number].quads:
                found.setdefault(_term_id(quad.object), number)
        return found

    def _index(self, number: int) -> tuple[str, PositionIndex]:
        parsed = self._sources.files[number]
        rel = parsed.source.relpath
        if rel not in self._indexes:
            self._indexes[rel] = PositionIndex.of_file(
                parsed.source.path, self._sources.prefixes, self._project.base
            )
        return rel, self._indexes[rel]

    def locate(self, result: ValidationResult) -> ValidationResult:
        """``result`` with its file, line and column (unchanged if no source describes it)."""
        statements = self._statements.get(result.focus_node, [])
        if self._preferred and any(n in self._preferred for n, _ in statements):
            statements = [(n, p) for n, p in statements if n in self._preferred]
        with_path = [n for n, p in statements if p == result.path]
        if with_path:
            number = with_path[0]
        elif statements:
            number = statements[0][0]
        elif result.focus_node in self._mentions:
            number = self._mentions[result.focus_node]
        else:
            return result
        rel, index = self._index(number)
        value = self._written.get(result.value or "", result.value)
        position = index.find(result.focus_node, result.path, value)
        return replace(
            result,
            file=rel,
            line=position.line if position else None,
            column=position.column if position else None,
        )


def _term_id(term: object) -> str:
    return f"_:{term.value}" if isinstance(term, BlankNode) else term.value  # type: ignore[attr-defined]

"""Parse the project's source files, keeping file and position for error messages.

Every file is parsed on its own with its own blank-node scope, and blank nodes get labels
derived from the file's path and their order of appearance, so two builds of the same sources
give the same labels (pyoxigraph would otherwise invent random ones).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, parse

from ..errors import Location, SdglodError, SourceSyntaxError
from ..project import RDF_SUFFIXES, GraphArea, Project, SourceFile
from .namespaces import XSD_STRING

_FORMATS = {".ttl": RdfFormat.TURTLE, ".nt": RdfFormat.N_TRIPLES}


@dataclass(frozen=True)
class ParsedSource:
    """The quads of one source file, in its named graph, and the prefixes it declared.

    ``data`` and ``base`` are the bytes parsed and the base IRI they were parsed against, so
    the store can load exactly those bytes with pyoxigraph's own loader when the file has no
    blank nodes (whose labels only the quads here make stable). ``typed_literals`` lets a
    caller check whether a store would keep every literal as written (see
    :func:`sdglod.rdf.store.canonical_literals`).
    """

    source: SourceFile
    quads: list[Quad]
    prefixes: dict[str, str]
    data: bytes = field(default=b"", repr=False)
    base: str = ""
    blank_nodes: bool = True
    typed_literals: frozenset[Literal] = frozenset()  # distinct, not xsd:string nor tagged

    @property
    def format(self) -> RdfFormat:
        return _FORMATS[self.source.path.suffix]


@dataclass(frozen=True)
class Sources:
    """Every parsed source of a project and the prefixes they agree on."""

    files: list[ParsedSource]
    prefixes: dict[str, str]

    def quads(self) -> list[Quad]:
        return [quad for parsed in self.files for quad in parsed.quads]

    def __len__(self) -> int:
        return sum(len(parsed.quads) for parsed in self.files)

    def typed_literals(self) -> set[Literal]:
        """Every distinct typed literal (neither a plain string nor language-tagged)."""
        return {literal for parsed in self.files for literal in parsed.typed_literals}


def parse_source(source: SourceFile, base: str) -> ParsedSource:
    """Parse one file into quads of its graph; relative IRIs resolve against ``base``."""
    try:
        data = source.path.read_bytes()
    except OSError as err:
        raise SourceSyntaxError(
            f"cannot read the file: {err.strerror}", Location(Path(source.relpath))
        ) from err
    graph = NamedNode(source.graph.iri)
    file_key = hashlib.sha256(source.relpath.encode()).hexdigest()[:8]
    labels: dict[BlankNode, BlankNode] = {}

    def stable(node: BlankNode) -> BlankNode:
        if node not in labels:
            labels[node] = BlankNode(f"b{file_key}n{len(labels)}")
        return labels[node]

    quads: list[Quad] = []
    typed: set[Literal] = set()
    append = quads.append  # this loop runs once per triple: no attribute look-ups in it
    try:
        parser = parse(data, format=_FORMATS[source.path.suffix], base_iri=base)
        for triple in parser:
            subject, obj = triple.subject, triple.object
            if type(subject) is BlankNode:
                subject = stable(subject)
            kind = type(obj)
            if kind is BlankNode:
                obj = stable(obj)
            elif kind is Literal and obj.language is None and obj.datatype.value != XSD_STRING:
                typed.add(obj)
            append(Quad(subject, triple.predicate, obj, graph))
    except SyntaxError as err:
        raise _syntax_error(source, err) from None
    return ParsedSource(
        source, quads, dict(parser.prefixes), data, base, bool(labels), frozenset(typed)
    )


def _syntax_error(source: SourceFile, err: SyntaxError) -> SourceSyntaxError:
    message = str(err.msg) if err.msg else str(err)
    # pyoxigraph prefixes its message with the position, which we report separately.
    if message.startswith("Parser error at line"):
        message = message.split(": ", 1)[-1]
    return SourceSyntaxError(
        f"syntax error: {message}",
        Location(Path(source.relpath), err.lineno, err.offset),
        "fix the Turtle at this position (a missing '.', ';' or '>' is the usual cause)",
    )


def load_sources(project: Project, each: Callable[[ParsedSource], None] | None = None) -> Sources:
    """Parse every source file of ``project``; stop at the first syntax error.

    ``each`` is called with every file as soon as it is parsed (a store writer loads it while
    the next one is parsed: see :class:`sdglod.rdf.store.StoreWriter`).
    """
    files = []
    for source in project.source_files():
        files.append(parse_source(source, project.base))
        if each is not None:
            each(files[-1])
    return _combine(project, files)


def _combine(project: Project, files: list[ParsedSource]) -> Sources:
    prefixes: dict[str, str] = {}
    origin: dict[str, str] = {}
    for parsed in files:
        for name, iri in parsed.prefixes.items():
            if name in prefixes and prefixes[name] != iri:
                raise SourceSyntaxError(
                    f"prefix {name}: means <{iri}> here but <{prefixes[name]}> in {origin[name]}",
                    Location(Path(parsed.source.relpath)),
                    "use one meaning per prefix name across the project",
                )
            prefixes.setdefault(name, iri)
            origin.setdefault(name, parsed.source.relpath)
    prefixes.update(project.prefixes)
    return Sources(files, dict(sorted(prefixes.items())))


def load_paths(project: Project, paths: list[Path]) -> Sources:
    """Parse only ``paths`` (files or folders of RDF files), for validating part of a project.

    Files the configuration assigns to a graph keep it; others go into a graph of their own.
    """
    configured = {source.path: source for source in project.source_files()}
    outside = GraphArea("unassigned", f"{project.base}graph/unassigned", ())
    chosen: dict[Path, SourceFile] = {}
    for given in paths:
        path = given.resolve()
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in RDF_SUFFIXES)
        elif path.is_file():
            files = [path]
        else:
            raise SdglodError("no such file or folder", Location(given), "check the path")
        for file in files:
            rel = os.path.relpath(file, project.root)
            chosen.setdefault(file, configured.get(file) or SourceFile(file, rel, outside))
    return _combine(project, [parse_source(source, project.base) for source in chosen.values()])

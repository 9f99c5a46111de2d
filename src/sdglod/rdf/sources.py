"""Parse the project's source files, keeping file and position for error messages.

Every file is parsed on its own with its own blank-node scope, and blank nodes get labels
derived from the file's path and their order of appearance, so two builds of the same sources
give the same labels (pyoxigraph would otherwise invent random ones).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
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

    def with_literals(self, forms: dict[Literal, Literal]) -> ParsedSource:
        """This file with each literal that is a key of ``forms`` replaced by its value."""
        if self.typed_literals.isdisjoint(forms):
            return self
        quads = [
            Quad(q.subject, q.predicate, forms[q.object], q.graph_name)  # type: ignore[index]
            if q.object in forms
            else q
            for q in self.quads
        ]
        typed = frozenset(forms.get(literal, literal) for literal in self.typed_literals)
        return replace(self, quads=quads, typed_literals=typed)


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

    def with_literals(self, forms: dict[Literal, Literal]) -> Sources:
        """These sources with each literal that is a key of ``forms`` replaced by its value
        (the form a store keeps it in: see :func:`sdglod.rdf.store.canonical_literals`)."""
        if not forms:
            return self
        return Sources([parsed.with_literals(forms) for parsed in self.files], self.prefixes)


def parse_source(source: SourceFile, base: str) -> ParsedSource:
    """Parse one file into quads of its graph; relative IRIs resolve against ``base``."""
    if source.path.suffix not in _FORMATS:
        raise _not_rdf(Path(source.relpath))
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


def load_paths(project: Project, paths: list[Path]) -> tuple[Sources, tuple[str, ...]]:
    """Parse the project's sources and ``paths`` (files or folders of RDF files), to validate
    those files in the context of the whole project; also the relative paths of those files.

    Files the configuration assigns to a graph keep it; others go into a graph of their own.
    """
    configured = {source.path: source for source in project.source_files()}
    outside = GraphArea("unassigned", f"{project.base}graph/unassigned", ())
    chosen = dict(configured)
    given: dict[str, None] = {}
    for path in paths:
        for file in rdf_files(path):
            rel = os.path.relpath(file, project.root)
            source = chosen.setdefault(file, SourceFile(file, rel, outside))
            given[source.relpath] = None
    files = [parse_source(source, project.base) for source in chosen.values()]
    return _combine(project, files), tuple(given)


def rdf_files(path: Path) -> list[Path]:
    """The RDF files a path names: the file itself, or the .ttl and .nt files under a folder
    (resolved); an error naming the path if it is missing, not RDF, or a folder without any."""
    resolved = path.resolve()
    if resolved.is_dir():
        files = sorted(p for p in resolved.rglob("*") if p.suffix in RDF_SUFFIXES and p.is_file())
        if not files:
            raise SdglodError(
                "no Turtle (.ttl) or N-Triples (.nt) files in this folder",
                Location(path),
                "name a folder with RDF files, or the files themselves",
            )
        return files
    if not resolved.is_file():
        raise SdglodError("no such file or folder", Location(path), "check the path")
    if resolved.suffix not in _FORMATS:
        raise _not_rdf(path)
    return [resolved]


def _not_rdf(path: Path) -> SourceSyntaxError:
    return SourceSyntaxError(
        "not a Turtle (.ttl) or N-Triples (.nt) file",
        Location(path),
        "give RDF files (a Turtle file must be named *.ttl)",
    )

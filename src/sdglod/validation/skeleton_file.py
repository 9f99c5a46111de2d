"""``sdglod new KIND SLUG``: write the skeleton of a new resource into its data file.

The plan comes from the shapes (``skeleton.py``); here it becomes Turtle in the style of
``data/``: one block per resource, appended to the file of its kind (data/README.md: one file
per kind), with the file's own prefixes (and any it lacks added to its prefix lines). Nothing is
ever overwritten: a slug that is not a stable ASCII slug, or a resource that some file already
describes, is refused before anything is written, and a file the project would not read is
left as it was.
"""

from __future__ import annotations

import os
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

from pyoxigraph import Literal
from rdflib import URIRef
from rdflib.namespace import SH

from ..errors import Location, SdglodError, os_error
from ..project import Project
from ..rdf.names import compact_iri
from ..rdf.namespaces import XSD_STRING
from ..rdf.sources import Sources, load_sources
from .positions import PositionIndex, resolve_iri
from .skeleton import Block, Line, plan
from .validate import Shapes, load_shapes

# data/README.md says where each kind of resource is written and how its IRI is made; neither
# the shapes nor the ontology say it, so this table is the one place that does: kind -> (IRI
# folder under the base, file). Another class the shapes target gets id/<kind>/ in
# data/<kind>s.ttl.
PLACES: dict[str, tuple[str, str]] = {
    "event": ("id/event/", "data/events.ttl"),
    "campaign": ("id/campaign/", "data/campaigns.ttl"),
    "organization": ("id/organization/", "data/organizations.ttl"),
    "person": ("id/person/", "data/people.ttl"),
    "outcome": ("id/outcome/", "data/outcomes.ttl"),
    "creative-work": ("id/work/", "data/works.ttl"),
    "source-document": ("id/work/", "data/works.ttl"),
    "news-article": ("id/work/", "data/works.ttl"),
    "quotation": ("id/work/", "data/works.ttl"),
    "item-list": ("id/work/", "data/works.ttl"),
    "grant": ("id/grant/", "data/grants.ttl"),
    "country": ("id/place/", "data/places.ttl"),
    "dataset": ("id/dataset/", "data/dataset.ttl"),
}
_PART = "it is a part of another resource (<resource>#<part>), written in that resource's block"
_UN = (
    "SDG goals and targets have the UN's own IRIs (http://metadata.un.org/sdg/4.7): add them "
    "to data/sdg.ttl"
)
_TERM = "vocabulary terms belong in ontology/ (see ontology/README.md)"
# Classes the shapes target whose resources `sdglod new` does not make, and why.
NOT_NEW: dict[str, str] = {
    "postal-address": _PART,
    "target-link": f"{_PART}; `sdglod new outcome` writes one with the outcome",
    "goal": _UN,
    "target": _UN,
    "class": _TERM,
    "object-property": _TERM,
    "datatype-property": _TERM,
}

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Letters that Unicode does not decompose into a Latin letter and a mark.
_LETTERS = {"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "þ": "th"}
_DIRECTIVE = re.compile(r"^\s*(@prefix|@base|PREFIX|BASE)\b", re.IGNORECASE)
_BASE = re.compile(r"^\s*(@base|BASE)\b", re.IGNORECASE)
_WIDTH = 100
_WORD = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@dataclass(frozen=True)
class Kind:
    """A kind of resource ``sdglod new`` makes: a class the shapes target."""

    name: str
    cls: str
    folder: str  # IRI folder under the base, such as id/event/
    file: str  # the data file its resources are written in, relative to the project


class SkeletonError(SdglodError):
    """``sdglod new`` cannot write this skeleton (exit code 2)."""


@dataclass(frozen=True)
class Placeholder:
    """A placeholder written: its line, property and value as written."""

    line: int
    predicate: str
    value: str


@dataclass(frozen=True)
class Skeleton:
    """What ``sdglod new`` wrote (or would write): where, and the placeholders to fill in."""

    kind: Kind
    iri: str
    name: str  # the resource as the file writes it (event:slug)
    path: Path
    relpath: str
    first_line: int
    text: str  # the lines added to the file: prefixes it lacked, then the blocks
    placeholders: tuple[Placeholder, ...]
    created: bool  # whether the file is new


def kind_name(cls: str) -> str:
    """The kind of a class: its local name in lowercase words (``CreativeWork`` →
    ``creative-work``)."""
    local = re.split(r"[#/]", cls.rstrip("/#"))[-1]
    return _WORD.sub("-", local).lower()


def kinds(shapes: Shapes) -> dict[str, Kind]:
    """The kinds ``sdglod new`` makes: the classes the shapes target with ``sh:targetClass``
    but those of :data:`NOT_NEW`, by name."""
    found: dict[str, Kind] = {}
    targeted = {str(c) for c in shapes.graph.objects(None, SH.targetClass) if isinstance(c, URIRef)}
    for cls in sorted(targeted):
        name = kind_name(cls)
        if name not in NOT_NEW and name not in found:
            folder, file = PLACES.get(name, (f"id/{name}/", f"data/{name}s.ttl"))
            found[name] = Kind(name, cls, folder, file)
    return dict(sorted(found.items()))


def not_new(shapes: Shapes) -> dict[str, str]:
    """The kinds the shapes target that ``sdglod new`` does not make, and why."""
    names = {kind_name(str(c)) for c in shapes.graph.objects(None, SH.targetClass)}
    return {name: why for name, why in NOT_NEW.items() if name in names}


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` is not a stable ASCII slug, or None if it is one."""
    if SLUG.match(slug):
        return None
    if not slug:
        return "it is empty"
    if slug != slug.strip():
        return "it has spaces around it"
    if not slug.isascii():
        return "it has letters outside ASCII"
    if slug.lower() != slug:
        return "it has capital letters"
    return "it has characters other than a-z, 0-9 and single '-' between words"


def suggest_slug(text: str) -> str:
    """``text`` as a slug: diacritics dropped, lowercase, words joined by ``-`` ('' if no
    letter or digit is left)."""
    text = "".join(_LETTERS.get(char, char) for char in text.lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", text))


def check_slug(slug: str) -> str:
    """``slug`` if it is a stable ASCII slug; else an error with a suggestion."""
    problem = slug_problem(slug)
    if problem is None:
        return slug
    suggestion = suggest_slug(slug)
    hint = f"use {suggestion!r}" if suggestion else "use lowercase letters a-z and digits"
    raise SkeletonError(
        f"{slug!r} is not a slug: {problem}",
        hint=f"{hint} (lowercase ASCII, words joined by '-': it becomes part of a published "
        "IRI, which never changes)",
    )


def new_resource(
    project: Project, kind_name: str, slug: str, file: Path | None = None, write: bool = True
) -> Skeleton:
    """Add the skeleton of a new resource of ``kind_name`` named ``slug`` to its data file (or
    ``file``); with ``write=False``, only say what would be added."""
    check_slug(slug)
    shapes = load_shapes(project)
    kind = _kind(kinds(shapes), not_new(shapes), kind_name)
    sources = load_sources(project)
    iri = f"{project.base}{kind.folder}{slug}"
    _refuse_existing(project, sources, iri)
    path = (file if file is not None else project.root / kind.file).absolute()
    relpath = os.path.relpath(path, project.root)
    blocks = plan(kind.cls, iri, shapes, sources)
    text = _read(path, relpath)
    names = _Names(project, sources, shapes.prefixes, text, kind.folder)
    body = _Text(names, f"sdglod new {kind.name} {slug}")
    for block in blocks:
        body.block(block)
    new_text, first = _combine(text, names, body.lines, kind)
    declarations = [names.declaration(name) for name in sorted(names.added)]
    declarations += [""] if declarations else []
    placeholders = tuple(
        Placeholder(first + n, predicate, value) for n, predicate, value in body.placeholders
    )
    skeleton = Skeleton(
        kind=kind,
        iri=iri,
        name=names.iri(iri),
        path=path,
        relpath=relpath,
        first_line=first,
        text="\n".join([*declarations, *body.lines]) + "\n",
        placeholders=placeholders,
        created=text is None,
    )
    if write:
        _write(project, path, text, new_text)
    return skeleton


def _kind(available: dict[str, Kind], refused: dict[str, str], name: str) -> Kind:
    if name in available:
        return available[name]
    where = Location(Path("shapes"))
    if name in refused:
        raise SkeletonError(f"`sdglod new` does not make a {name}: {refused[name]}", where)
    close = get_close_matches(name, list(available), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise SkeletonError(
        f"no kind {name!r}: the shapes target no such class",
        where,
        f"{hint}kinds (the classes the shapes target): {', '.join(available) or 'none'}",
    )


def _refuse_existing(project: Project, sources: Sources, iri: str) -> None:
    for parsed in sources.files:
        if any(quad.subject.value == iri for quad in parsed.quads):
            index = PositionIndex.of_file(parsed.source.path, sources.prefixes, project.base)
            position = index.find(iri)
            raise SkeletonError(
                f"<{iri}> is already described here",
                Location(Path(parsed.source.relpath), position.line if position else None),
                "choose another slug, or edit the resource where it is: an IRI, once "
                "published, never changes (and `sdglod new` never overwrites)",
            )


class _Names:
    """IRIs as the file writes them: its prefixes first, then those of the project, the
    shapes and the kinds' folders (added to the file when used)."""

    def __init__(
        self, project: Project, sources: Sources, shapes: dict, text: str | None, folder: str
    ):
        self.base = project.base
        lines = (text or "").splitlines()
        # Relative IRIs, as data/ writes them, resolve against the base only if the file sets
        # none of its own and the base is a folder (against "…#", "<id/x>" loses the "#…").
        self.relative = project.base.endswith("/") and not any(_BASE.match(ln) for ln in lines)
        self.declared = _declared(project, text)
        folders = {
            f.strip("/").split("/")[-1]: project.base + f
            for f in [*(f for f, _ in PLACES.values()), folder]
        }
        known = {**folders, **shapes, **sources.prefixes}  # the project's meaning wins
        taken = set(self.declared.values())
        usable = {n: ns for n, ns in known.items() if n not in self.declared and ns not in taken}
        self.names = {**self.declared, **usable}  # the file's own first
        self.added: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        names = self.names
        compact = compact_iri(iri, names)
        if compact != iri:
            name = compact.split(":", 1)[0]
            if name not in self.declared:
                self.added[name] = self.declared[name] = names[name]
            return compact
        if self.relative and iri.startswith(self.base) and len(iri) > len(self.base):
            return f"<{iri[len(self.base) :]}>"
        return f"<{iri}>"

    def term(self, term: object) -> str:
        if not isinstance(term, Literal):
            return self.iri(term.value)  # type: ignore[attr-defined]
        text = '"' + _escape(term.value) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype.value == XSD_STRING:
            return text
        return f"{text}^^{self.iri(term.datatype.value)}"

    def declaration(self, name: str) -> str:
        namespace = self.added[name]
        if self.relative and namespace.startswith(self.base):
            namespace = namespace[len(self.base) :]
        return f"@prefix {name}: <{namespace}> ."


def _declared(project: Project, text: str | None) -> dict[str, str]:
    """The prefixes a file's text declares (resolved against the base)."""
    found = {}
    for line in (text or "").splitlines():
        match = re.match(r"^\s*(?:@prefix|PREFIX)\s+([^\s:]*):\s*<([^>]*)>", line, re.I)
        if match:
            found[match.group(1)] = resolve_iri(project.base, match.group(2))
    return found


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class _Text:
    """The lines of a skeleton, and where its placeholders are among them."""

    def __init__(self, names: _Names, command: str):
        self.names = names
        self.command = command
        self.lines: list[str] = []
        self.placeholders: list[tuple[int, str, str]] = []

    def block(self, block: Block) -> None:
        names, lines = self.names, self.lines
        subject = names.iri(block.subject)
        if block.part_of is None:
            lines += _wrap(
                f"# Written by `{self.command}`: replace each TODO, as the comment above it "
                "says; uncomment an optional line only if a source gives its value.",
                "",
            )
        else:
            owner = names.iri(block.part_of)
            lines += _wrap(
                f"# A part of {owner}, linked from its block above: give it a name of its own "
                "(after what it stands for) instead of #TODO, here and there.",
                "",
            )
        lines.append(subject)
        lines.append(f"    a {', '.join(names.iri(t) for t in block.types)} ;")
        optional = [line for line in block.lines if line.optional]
        for line in block.lines:
            if optional and line is optional[0]:
                lines += _wrap("# Optional: what the shapes check when it is given.", "    ")
            self._line(line)
        lines.append("    .")
        lines.append("")

    def _line(self, line: Line) -> None:
        for messages in line.messages:
            for language in sorted(messages, key=_language_order):
                label = f"{language}: " if language else ""
                self.lines += _wrap(f"# {label}{messages[language]}", "    ")
        predicate = self.names.iri(line.predicate)
        value = self.names.term(line.value)
        if line.optional:
            self.lines.append(f"    # {predicate} {value} ;")
            return
        if line.placeholder:
            self.placeholders.append((len(self.lines), predicate, value))
        self.lines.append(f"    {predicate} {value} ;")


def _language_order(language: str) -> tuple:
    return ({"lv": 0, "en": 1}.get(language, 2), language)


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text,
        width=_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "#   ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def _combine(text: str | None, names: _Names, body: list[str], kind: Kind) -> tuple[str, int]:
    """The file's new text, and the line (from 1) where the body starts in it."""
    declarations = [names.declaration(name) for name in sorted(names.added)]
    if text is None:
        head = [
            f"# Resources of the kind {kind.name} (<{kind.cls}>), one block each: see "
            "data/README.md.",
            "",
            *declarations,
            "",
        ]
        return "\n".join(head + body).rstrip("\n") + "\n", len(head) + 1
    newline = "\r\n" if "\r\n" in text else "\n"  # the file's own
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    directives = [n for n, line in enumerate(lines) if _DIRECTIVE.match(line)]
    at = directives[-1] + 1 if directives else 0
    if not directives and declarations:
        declarations.append("")
    lines[at:at] = declarations
    while lines and not lines[-1].strip():
        lines.pop()
    lines.append("")
    first = len(lines) + 1
    return newline.join(lines + body).rstrip(newline) + newline, first


def _read(path: Path, relpath: str) -> str | None:
    """The text of the file to add to (None if there is none yet)."""
    if not path.exists():
        return None
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise SkeletonError(
            "the file is not UTF-8 text", Location(Path(relpath)), "save it as UTF-8"
        ) from None
    except OSError as err:
        raise os_error(err, path, "read") from None


def _write(project: Project, path: Path, old: str | None, new: str) -> None:
    """Write ``new`` over ``path`` whole (through a file renamed over it); undo it if the
    project does not read that file."""
    temporary = path.with_name(f".{path.name}.partial")
    try:
        temporary.write_bytes(new.encode("utf-8"))
        temporary.replace(path)
    except OSError as err:
        temporary.unlink(missing_ok=True)
        raise os_error(err, path) from None
    try:
        read = {source.path for source in project.source_files()}
    except SdglodError:
        read = set()
    if path.resolve() not in read:
        if old is None:
            path.unlink()
        else:
            path.write_bytes(old.encode("utf-8"))
        raise SkeletonError(
            "the project does not read this file: no [[graphs]] entry of sdglod.toml lists it",
            Location(Path(os.path.relpath(path, project.root))),
            "write into data/ (leave out --file), or add the file to a [[graphs]] entry",
        )

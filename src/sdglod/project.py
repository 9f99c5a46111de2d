"""Find a project and read its configuration (``sdglod.toml``).

A project is a folder with ``sdglod.toml`` and, by convention, ``ontology/``, ``data/``,
``shapes/`` and ``queries/``. The configuration names the base IRI and says which source file
goes into which named graph.
"""

from __future__ import annotations

import glob
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pyoxigraph import NamedNode

from .errors import Location, ProjectError
from .rdf.namespaces import SCHEMA

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_NAME = "sdglod.toml"
DEFAULT_BASE = "https://w3id.org/sdglod/"
DEFAULT_VOCAB = SCHEMA
BASE_ENV = "SDGLOD_BASE"
DEFAULT_RELEASE_LOG = "releases.jsonl"
DEFAULT_PAGE_MEMBERS = 500  # members of the event stream per page: bounded, whatever a release
# Folders whose RDF files must each belong to a graph: a file nobody assigned is a mistake.
SOURCE_FOLDERS = ("ontology", "data")
RDF_SUFFIXES = (".ttl", ".nt")

_GRAPH_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
# Turtle's PN_PREFIX: a letter first, no '.' last (or empty: the default prefix).
_PREFIX_NAME = re.compile(r"^(?:[^\W\d_](?:[\w.-]*[\w-])?)?$")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
BASE_HINT = "the base IRI is published: give a web address such as https://w3id.org/sdglod/"


@dataclass(frozen=True)
class GraphArea:
    """A named graph and the file patterns whose triples go into it."""

    name: str
    iri: str
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class SourceFile:
    """One RDF source file and the named graph it is loaded into."""

    path: Path
    relpath: str
    graph: GraphArea


@dataclass(frozen=True)
class Project:
    """A project on disk and its configuration."""

    root: Path
    base: str
    areas: tuple[GraphArea, ...]
    vocab: str = DEFAULT_VOCAB
    prefixes: dict[str, str] = field(default_factory=dict)
    releases: str = DEFAULT_RELEASE_LOG  # the release log, relative to the root
    page_members: int = DEFAULT_PAGE_MEMBERS  # the event stream's members per page at most

    @property
    def release_log(self) -> Path:
        """The release log (``sdglod release`` appends to it; kept under version control)."""
        return self.root / self.releases

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def state_dir(self) -> Path:
        """Builds and the pointer to the current one live here (not under version control)."""
        return self.root / ".sdglod"

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist"

    def source_files(self) -> list[SourceFile]:
        """Every source file with its graph, in a stable order; each file in exactly one graph."""
        chosen: dict[Path, SourceFile] = {}
        for area in self.areas:
            for pattern in area.patterns:
                matches = sorted(glob.glob(str(self.root / pattern), recursive=True))
                if not matches and not _is_glob(pattern):
                    raise ProjectError(
                        f"graph {area.name!r} lists {pattern!r}, which does not exist",
                        Location(self.config_path),
                        "create the file or remove it from the graph's `files`",
                    )
                for match in matches:
                    path = Path(match).resolve()
                    if path.is_file() and path not in chosen:
                        rel = os.path.relpath(path, self.root)
                        chosen[path] = SourceFile(path, rel, area)
        for folder in SOURCE_FOLDERS:
            for path in sorted((self.root / folder).rglob("*")):
                if path.suffix in RDF_SUFFIXES and path.resolve() not in chosen:
                    raise ProjectError(
                        f"{path.relative_to(self.root)} is in no graph",
                        Location(self.config_path),
                        "add a pattern that matches it to a [[graphs]] entry's `files`",
                    )
        return sorted(chosen.values(), key=lambda s: (self.areas.index(s.graph), s.relpath))


def _is_glob(pattern: str) -> bool:
    return any(char in pattern for char in "*?[")


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` that holds ``sdglod.toml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ProjectError(
        f"no {CONFIG_NAME} in {here} or any folder above it",
        hint="run sdglod inside a project, or pass --project DIR",
    )


def iri_problem(value: str) -> str | None:
    """Why ``value`` is not an absolute IRI, or ``None`` if it is one."""
    if not _ABSOLUTE_IRI.match(value):
        return "it is not an absolute IRI"
    try:
        NamedNode(value)
    except ValueError as err:  # the engine's own check: what it refuses, we refuse first
        return str(err)
    return None


def web_address_problem(value: str) -> str | None:
    """Why ``value`` is not an http(s) address with a host, or ``None`` if it is one."""
    if not value.startswith(("http://", "https://")):
        return "it does not start with http:// or https://"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (reading it checks the port: a number up to 65535)
    except ValueError as err:
        return str(err)
    if not parts.hostname:
        return "it names no host"
    return iri_problem(value)


def check_base(base: str, where: Location | None = None, given_as: str = "base IRI") -> str:
    """Return ``base`` if it is an http(s) address ending in ``/`` or ``#``; raise otherwise.

    ``given_as`` names where it came from (``--base``, ``$SDGLOD_BASE``, the config's key)."""
    problem = web_address_problem(base)
    if problem is None and not base.endswith(("/", "#")):
        problem = "it does not end in '/' or '#'"
    if problem is None and "@" in urlsplit(base).netloc:
        problem = "it holds a user name or password, which every IRI would publish"
    if problem is not None:
        raise ProjectError(
            f"{given_as} {base!r} is not an http(s) address ending in '/' or '#': {problem}",
            where,
            BASE_HINT,
        )
    return base


def load_project(root: Path | None = None, base: str | None = None) -> Project:
    """Read ``sdglod.toml`` of the project at (or above) ``root``.

    The base IRI comes from ``base`` if given, else ``$SDGLOD_BASE``, else the config file.
    A configuration an editor got wrong (bad TOML, a value of the wrong type) is a
    :class:`ProjectError` naming the file, the line where it can tell, and the fix.
    """
    root = find_root(root)
    config = _Config.read(root / CONFIG_NAME)
    if base is not None:
        chosen_base = check_base(base)
    elif os.environ.get(BASE_ENV):
        chosen_base = check_base(os.environ[BASE_ENV], given_as=f"${BASE_ENV}")
    else:
        from_file = config.get("base", str, DEFAULT_BASE)
        chosen_base = check_base(from_file, config.where("base"), "`base`")
    areas = tuple(_area(config, n, entry, chosen_base) for n, entry in enumerate(config.graphs()))
    if not areas:
        raise ProjectError("no [[graphs]] entries", config.where(), "see README.md for an example")
    if len({a.name for a in areas}) != len(areas):
        raise ProjectError("two [[graphs]] entries share a name", config.where("graphs"))
    vocab = config.get("vocab", str, DEFAULT_VOCAB, config.table("jsonld"))
    problem = iri_problem(vocab)
    if problem:
        raise ProjectError(
            f"`vocab` {vocab!r} is not an absolute IRI ({problem})",
            config.where("vocab"),
            f"give the namespace of the JSON-LD terms, e.g. {DEFAULT_VOCAB}",
        )
    return Project(
        root=root,
        base=chosen_base,
        areas=areas,
        vocab=vocab,
        prefixes=_prefixes(config),
        releases=_release_log(config),
        page_members=_page_members(config),
    )


def _release_log(config: _Config) -> str:
    """``log`` of ``[releases]``: a file of the project, given relative to its folder."""
    value = config.get("log", str, DEFAULT_RELEASE_LOG, config.table("releases"))
    parts = Path(value).parts
    if not value or Path(value).is_absolute() or ".." in parts or "\0" in value:
        raise ProjectError(
            f"`log` of [releases] is {value!r}, not a file inside the project",
            config.where("log"),
            f'give a path relative to the project folder, e.g. log = "{DEFAULT_RELEASE_LOG}"',
        )
    return value


def _page_members(config: _Config) -> int:
    """``page_members`` of ``[releases]``: how many members a page of the stream holds."""
    value = config.get("page_members", int, DEFAULT_PAGE_MEMBERS, config.table("releases"))
    if isinstance(value, bool) or not 1 <= value <= 100_000:
        raise ProjectError(
            f"`page_members` of [releases] is {value!r}, not a number from 1 to 100000",
            config.where("page_members"),
            f"leave it out (the default is {DEFAULT_PAGE_MEMBERS}) or give a number of members",
        )
    return value


def _prefixes(config: _Config) -> dict[str, str]:
    """The ``[prefixes]`` table, each a Turtle prefix name and a namespace IRI."""
    prefixes = config.table("prefixes")
    for name, value in prefixes.items():
        if not isinstance(value, str):
            raise config.wrong(f"prefix {name!r}", value, "a namespace IRI in quotes", name)
        if not _PREFIX_NAME.match(name):
            raise ProjectError(
                f"prefix name {name!r} cannot be written in Turtle",
                config.where(name),
                "start it with a letter; then letters, digits, '_', '-' or '.' (not last)",
            )
        problem = iri_problem(value)
        if problem:
            raise ProjectError(
                f"prefix {name!r} is {value!r}, not an absolute IRI ({problem})",
                config.where(name),
                'give the namespace, e.g. ex = "https://example.org/ns#"',
            )
    return dict(prefixes)


def _area(config: _Config, number: int, entry: dict, base: str) -> GraphArea:
    """The ``[[graphs]]`` entry ``number`` (from 0), checked."""
    name = config.get("name", str, "", entry, number)
    if not _GRAPH_NAME.match(name):
        raise ProjectError(
            f"graph name {name!r} is not a lowercase slug",
            config.where("name", number),
            "name each [[graphs]] entry with letters, digits and '-'",
        )
    files = entry.get("files")
    if not files or not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise ProjectError(
            f"graph {name!r} has no `files` list",
            config.where("files", number),
            'list the files as patterns in quotes, e.g. files = ["data/*.ttl"]',
        )
    iri = config.get("iri", str, f"{base}graph/{name}", entry, number)
    problem = iri_problem(iri)
    if problem:
        raise ProjectError(
            f"graph {name!r} has iri {iri!r}, which is not an absolute IRI ({problem})",
            config.where("iri", number),
            "leave `iri` out (the graph is then named {base}graph/{name}) or give an IRI",
        )
    return GraphArea(name, iri, tuple(files))


@dataclass(frozen=True)
class _Config:
    """The parsed ``sdglod.toml``, with its text to find the line a key is on."""

    path: Path
    text: str
    data: dict

    @classmethod
    def read(cls, path: Path) -> _Config:
        where = Location(path)
        try:
            data = path.read_bytes()
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            line = data.count(b"\n", 0, err.start) + 1
            raise ProjectError(
                f"{CONFIG_NAME} is not UTF-8 text (byte {err.start})",
                Location(path, line),
                "save it as UTF-8",
            ) from None
        except OSError as err:
            raise ProjectError(f"cannot read {CONFIG_NAME}: {err.strerror}", where) from None
        try:
            return cls(path, text, tomllib.loads(text))
        except tomllib.TOMLDecodeError as err:
            at = _TOML_POSITION.search(str(err))
            if at:
                where = Location(path, int(at.group(1)), int(at.group(2)))
            what = _TOML_POSITION.sub("", str(err)).strip()
            raise ProjectError(f"{CONFIG_NAME} is not valid TOML: {what}", where) from None

    def where(self, key: str | None = None, entry: int | None = None) -> Location:
        """The file, at the line that sets ``key`` (in the [[graphs]] entry ``entry``, if
        given) where it can be found."""
        start = 0
        if entry is not None:
            headers = list(re.finditer(r"^\s*\[\[\s*graphs\s*\]\]", self.text, re.MULTILINE))
            start = headers[entry].start() if entry < len(headers) else 0
        if key is not None:
            key_text = rf"[\"']?{re.escape(key)}[\"']?"  # bare or quoted
            pattern = re.compile(rf"^\s*\[*\s*{key_text}\s*[=\]]", re.MULTILINE)
            found = pattern.search(self.text, start)
            if found:
                return Location(self.path, self.text.count("\n", 0, found.start()) + 1)
        return Location(self.path)

    def wrong(
        self, what: str, value: object, expected: str, key: str, entry: int | None = None
    ) -> ProjectError:
        return ProjectError(f"{what} is {value!r}, not {expected}", self.where(key, entry))

    def get(
        self,
        key: str,
        kind: type,
        default: object,
        table: dict | None = None,
        entry: int | None = None,
    ) -> Any:
        """``key`` of ``table`` (default: the top level), which must be of type ``kind``."""
        value = (self.data if table is None else table).get(key, default)
        if not isinstance(value, kind):
            expected = "text in quotes" if kind is str else f"a {kind.__name__}"
            raise self.wrong(f"`{key}`", value, expected, key, entry)
        return value

    def table(self, key: str) -> dict:
        return self.get(key, dict, {})

    def graphs(self) -> list[dict]:
        entries = self.get("graphs", list, [])
        if not all(isinstance(entry, dict) for entry in entries):
            raise ProjectError(
                "`graphs` must be a list of [[graphs]] tables",
                self.where("graphs"),
                "write each graph as a [[graphs]] table with name and files",
            )
        return entries

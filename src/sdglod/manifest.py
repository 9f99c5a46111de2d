"""The build manifest (``build.json``): what went into a build and what came out, typed.

The build writes it once, at the end; everything else (CLI, server, publish) reads it through
:func:`read_manifest`. Only content-derived values go in, so two builds of the same sources
give the same manifest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import Location, NoBuildError

MANIFEST_FILE = "build.json"


@dataclass(frozen=True)
class SourceRecord:
    """One source file of the build: its named graph, triples and SHA-256."""

    graph: str
    triples: int
    sha256: str


@dataclass(frozen=True)
class DumpRecord:
    """One file the build wrote to ``dist/``: its name, size and SHA-256."""

    file: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class ReleaseRecord:
    """A release of the release log, as the build's event stream holds it."""

    number: int
    time: str
    members: int
    pages: int = 1  # of the stream: the members at most ``page_members`` a page


@dataclass(frozen=True)
class ValidationRecord:
    """The outcome of the validation that let the build through."""

    conforms: bool
    violations: int
    warnings: int
    shapes: Mapping[str, str]  # shapes file -> SHA-256


@dataclass(frozen=True)
class BuildManifest:
    """What a build holds: base IRI, sources, prefixes, JSON-LD context, graphs, dumps."""

    sdglod: str  # the version that built it
    base: str
    sources: Mapping[str, SourceRecord]
    prefixes: Mapping[str, str]
    context: Mapping[str, str]
    graphs: Mapping[str, int] = field(default_factory=dict)  # graph IRI -> triples
    triples: int = 0  # of the union of all graphs
    dumps: Mapping[str, DumpRecord] = field(default_factory=dict)
    validation: ValidationRecord | None = None  # None: built with --skip-validation
    releases: tuple[ReleaseRecord, ...] = ()  # of the event stream, oldest first

    @property
    def validated(self) -> bool:
        return self.validation is not None

    def content_digests(self) -> list[str]:
        """The SHA-256 of every dump, by dump name: what the build's content is."""
        return [record.sha256 for _, record in sorted(self.dumps.items())]

    def to_json(self) -> str:
        """The manifest as written to ``build.json`` (keys in a fixed order)."""
        document: dict = {
            "sdglod": self.sdglod,
            "base": self.base,
            "sources": {path: asdict(s) for path, s in self.sources.items()},
            "prefixes": dict(self.prefixes),
            "context": dict(self.context),
        }
        if self.validation is not None:
            document["validation"] = asdict(self.validation)
        document["graphs"] = dict(self.graphs)
        document["triples"] = self.triples
        document["dumps"] = {name: asdict(d) for name, d in self.dumps.items()}
        document["releases"] = [asdict(r) for r in self.releases]
        return json.dumps(document, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> BuildManifest:
        """Read a manifest written by :meth:`to_json`; ``ValueError`` if it is not one."""
        try:
            data = json.loads(text)
            validation = data.get("validation")
            return cls(
                sdglod=str(data["sdglod"]),
                base=str(data["base"]),
                sources={p: SourceRecord(**s) for p, s in data["sources"].items()},
                prefixes=dict(data["prefixes"]),
                context=dict(data["context"]),
                graphs={g: int(n) for g, n in data["graphs"].items()},
                triples=int(data["triples"]),
                dumps={n: DumpRecord(**d) for n, d in data["dumps"].items()},
                validation=None if validation is None else ValidationRecord(**validation),
                releases=tuple(ReleaseRecord(**r) for r in data.get("releases", [])),
            )
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
            raise ValueError(f"not a build manifest: {err}") from None

    def write(self, folder: Path) -> Path:
        path = folder / MANIFEST_FILE
        path.write_text(self.to_json(), "utf-8")
        return path


def read_manifest(folder: Path) -> BuildManifest:
    """The manifest of the build in ``folder``; :class:`NoBuildError` if it is missing or
    unreadable (a build folder damaged by hand, or written by an incompatible version)."""
    path = folder / MANIFEST_FILE
    try:
        return BuildManifest.from_json(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise NoBuildError(
            f"the current build's manifest cannot be read: {err}",
            Location(path),
            "run `sdglod build` again",
        ) from None

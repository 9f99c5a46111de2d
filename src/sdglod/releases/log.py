"""The release log: one JSON line per release, appended by ``sdglod release``.

A line holds the release's number (1, 2, …), its time (UTC, to the second) and what changed
since the release before: for each resource, its canonical description and the digest of it,
or ``"deleted": true`` for a resource that is no longer described. Resources are named as
in their descriptions (relative to the base IRI where that is exact). A release adds only what
changed, so the state at any release is the log read up to it, and a release of an unchanged
build adds nothing.

The log is kept under version control with the data: it is what lets any later build write
the same event stream. It is checked when read; a line that was edited by hand or damaged
(a merge gone wrong) is an error that names the line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pyoxigraph import NamedNode

from ..errors import Location, ProjectError
from .descriptions import Description, IriForms, lines_digest

_RESTORE = "restore the release log from version control (git checkout -- FILE)"


@dataclass(frozen=True)
class Change:
    """A resource's new description in a release (``lines`` empty and ``deleted`` set for a
    resource that went away). ``iri`` is absolute."""

    iri: str
    lines: tuple[str, ...] = ()
    digest: str | None = None
    deleted: bool = False


@dataclass(frozen=True)
class Release:
    number: int
    time: str  # xsd:dateTime in UTC, "2026-11-27T10:00:00Z"
    changes: tuple[Change, ...]
    line: int | None = None  # where the log holds it (None: not written yet)


def format_time(moment: datetime) -> str:
    """An aware ``moment`` as a release time: UTC, to the second."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime | None:
    """A release time (``2026-11-27T10:00:00Z``) as an aware datetime, or None if it is not
    one."""
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        return None
    return moment.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class ReleaseLog:
    """The releases of a project, read from ``path`` (none if the file does not exist)."""

    path: Path
    base: str
    releases: tuple[Release, ...]

    @classmethod
    def read(cls, path: Path, base: str) -> ReleaseLog:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return cls(path, base, ())
        except OSError as err:
            raise ProjectError(
                f"cannot read the release log: {err.strerror}", Location(path)
            ) from None
        forms = IriForms(base)
        releases: list[Release] = []
        for number, raw in enumerate(data.split(b"\n"), start=1):
            if raw.strip():
                releases.append(_read_release(raw, Location(path, number), forms, releases))
        return cls(path, base, tuple(releases))

    def state(self) -> dict[str, tuple[str, Release]]:
        """Each resource described at the last release: its digest and the release of it."""
        current: dict[str, tuple[str, Release]] = {}
        for release in self.releases:
            for change in release.changes:
                if change.deleted:
                    current.pop(change.iri, None)
                else:
                    assert change.digest is not None
                    current[change.iri] = (change.digest, release)
        return current

    def next_release(self, descriptions: Mapping[str, Description], time: str) -> Release | None:
        """The release that records ``descriptions`` at ``time``, or None if nothing changed."""
        current = self.state()
        changes = [
            Change(iri, d.lines, d.digest)
            for iri, d in sorted(descriptions.items())
            if current.get(iri, ("",))[0] != d.digest
        ]
        changes += [Change(iri, deleted=True) for iri in sorted(current) if iri not in descriptions]
        if not changes:
            return None
        changes.sort(key=lambda change: change.iri)
        if self.releases:
            last = self.releases[-1].time
            if time <= last:
                raise ProjectError(
                    f"the release time {time} is not after the last release ({last})",
                    Location(self.path),
                    "give a later --time (UTC), or check the machine's clock",
                )
        return Release(len(self.releases) + 1, time, tuple(changes))

    def append(self, release: Release) -> None:
        """Add ``release`` as the log's last line, on disk before this returns."""
        if release.number != len(self.releases) + 1:
            raise ProjectError(
                f"the release log changed while release {release.number} was made",
                Location(self.path),
                "run `sdglod release` again",
            )
        forms = IriForms(self.base)
        record: dict[str, object] = {
            "release": release.number,
            "time": release.time,
            "changes": [_change_record(change, forms) for change in release.changes],
        }
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self.path.open("a+b") as out:
            if out.tell():  # a log whose last line lost its newline (an editor's save)
                out.seek(-1, os.SEEK_END)
                if out.read(1) != b"\n":
                    out.write(b"\n")
            out.write(line.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())


def _change_record(change: Change, forms: IriForms) -> dict[str, object]:
    resource = forms.write(change.iri)
    if change.deleted:
        return {"resource": resource, "deleted": True}
    return {"resource": resource, "sha256": change.digest, "description": list(change.lines)}


def _read_release(raw: bytes, where: Location, forms: IriForms, before: list[Release]) -> Release:
    """One line of the log, checked: its number follows, its time is later, its digests
    match its descriptions."""
    try:
        record = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ProjectError(f"the release log's line is not JSON ({err})", where, _RESTORE) from None
    if not isinstance(record, dict):
        raise ProjectError("the release log's line is not a JSON object", where, _RESTORE)
    number, time, changes = record.get("release"), record.get("time"), record.get("changes")
    if number != len(before) + 1 or isinstance(number, bool):
        raise ProjectError(
            f"release {number!r} where release {len(before) + 1} was expected", where, _RESTORE
        )
    if not isinstance(time, str) or parse_time(time) is None:
        raise ProjectError(f"release {number} has no valid time: {time!r}", where, _RESTORE)
    if before and time <= before[-1].time:
        raise ProjectError(f"release {number} is not later than the one before", where, _RESTORE)
    if not isinstance(changes, list):
        raise ProjectError(f"release {number} has no list of changes", where, _RESTORE)
    found = tuple(_read_change(c, where, forms) for c in changes)
    return Release(number, time, found, where.line)


def _read_change(record: object, where: Location, forms: IriForms) -> Change:
    resource = record.get("resource") if isinstance(record, dict) else None
    if not isinstance(resource, str) or not resource:
        raise ProjectError("a change names no resource", where, _RESTORE)
    assert isinstance(record, dict)
    iri = forms.read(resource)
    try:
        NamedNode(iri)
    except ValueError:
        raise ProjectError(f"the change names {resource!r}, not an IRI", where, _RESTORE) from None
    if record.get("deleted") is True:
        return Change(iri, deleted=True)
    lines, digest = record.get("description"), record.get("sha256")
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        raise ProjectError(f"the change of <{iri}> has no description", where, _RESTORE)
    if digest != lines_digest(lines):
        raise ProjectError(
            f"the description of <{iri}> does not match its digest: the log was edited or damaged",
            where,
            _RESTORE,
        )
    return Change(iri, tuple(lines), digest)

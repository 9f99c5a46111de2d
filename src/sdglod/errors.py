"""Domain errors with a location and a hint, and the exit codes the CLI maps them to.

Errors are raised in the library and translated once, at the edge (CLI or HTTP app).
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Exit codes of every sdglod command (a contract, pinned by tests)."""

    OK = 0
    VIOLATIONS = 1
    BAD_INPUT = 2
    INTERNAL = 3


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, optionally a line and column (1-based)."""

    path: Path
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = str(self.path)
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


class SdglodError(Exception):
    """An error a user can fix: what went wrong, where, and what to do."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


def printable(text: str) -> str:
    """``text`` with control characters other than newline and tab shown as escapes, for a
    terminal: a value quoted in a message (a path, an IRI, the engine's words) cannot drive
    it."""
    return "".join(
        char if char.isprintable() or char in "\n\t" else char.encode("unicode_escape").decode()
        for char in text
    )


class ProjectError(SdglodError):
    """The project layout or its configuration (sdglod.toml) is wrong."""


class SourceSyntaxError(SdglodError):
    """A source file does not parse."""


class NoBuildError(SdglodError):
    """An operation needs a built store and there is none yet."""


class QueryError(SdglodError):
    """A query, its header or a parameter value is wrong; or the query refuses to run."""


class RemoteError(SdglodError):
    """A remote SPARQL endpoint cannot be reached or answered with an error."""


class OutputError(SdglodError):
    """A file, folder or socket the command was asked to write to or listen on cannot be used."""


# What the operating system says, and what the person at the keyboard can do about it.
_OS_HINTS = {
    errno.ENOENT: "create the folder first, or choose one that exists",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "give a file name, not a folder",
    errno.EACCES: "choose a place you may write to, or change its permissions",
    errno.EPERM: "choose a place you may write to, or change its permissions",
    errno.EROFS: "the file system is read-only: choose another place",
    errno.ENOSPC: "free some disk space and run it again",
    errno.EDQUOT: "free some disk space (the quota is used up) and run it again",
    errno.EFBIG: "the file is too large for this file system: choose another place",
    errno.EIO: "the disk reported an error: check it, or choose another place",
}
# Errors of the machine and its disks, never of sdglod's logic: a message, not a traceback.
ENVIRONMENT_ERRNOS = frozenset(_OS_HINTS) - {errno.ENOENT, errno.ENOTDIR, errno.EISDIR}


def os_error(err: OSError, what: object | None = None, doing: str = "write") -> OutputError:
    """``err`` (from writing ``what``, by default the file it names) as an error that names
    the file and says what to do."""
    target = what if what is not None else err.filename
    reason = err.strerror or str(err)
    message = f"cannot {doing} {target}: {reason}" if target is not None else reason
    return OutputError(message, hint=_OS_HINTS.get(err.errno or 0))

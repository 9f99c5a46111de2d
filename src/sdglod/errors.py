"""Domain errors with a location and a hint, and the exit codes the CLI maps them to.

Errors are raised in the library and translated once, at the edge (CLI or HTTP app).
"""

from __future__ import annotations

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

"""What a publish ends with: the change to each graph, the whole report, and the errors that
stop a publish before it starts or midway."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import RemoteError


@dataclass(frozen=True)
class GraphChange:
    """One graph's publish: remote triples before and after, and the triples that changed."""

    graph: str
    before: int
    after: int
    added: int
    removed: int
    written: bool = True  # False: the store already held exactly this graph
    # Not in the build, though under the project's graph namespace on the store: removed, or
    # kept (after == before) with --keep-stale or in a dry run.
    stale: bool = False


@dataclass(frozen=True)
class PublishReport:
    """What a publish did (or, in a dry run, would do), graph by graph."""

    changes: tuple[GraphChange, ...]
    target: str  # the URL written to (without credentials)
    method: str
    dry_run: bool

    @property
    def triples(self) -> int:
        """The build's triples on the store (stale graphs not counted)."""
        return sum(change.after for change in self.changes if not change.stale)


class PublishError(RemoteError):
    """Publishing cannot start: a bad option, URL or credentials, or no build to publish."""


class PublishIncomplete(PublishError):
    """Publishing stopped midway: ``done`` graphs were written and verified, ``pending`` not."""

    def __init__(
        self,
        message: str,
        *,
        done: Sequence[GraphChange],
        pending: Sequence[str],
        hint: str | None = None,
    ):
        super().__init__(message, hint=hint)
        self.done = tuple(done)
        self.pending = tuple(pending)


class GraphFailed(Exception):
    """A graph could not be published; ``state`` says what became of it. The publish loop
    turns it into :class:`PublishIncomplete`, which also names the other graphs."""

    def __init__(
        self, message: str, hint: str | None = None, state: str = "untouched", graph: str = ""
    ):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.state = state  # untouched | partial (stopped while writing) | unverified
        self.graph = graph  # the graph it is about, where the publish loop does not know
        self.status: int | None = None  # the HTTP status the store answered, if it did

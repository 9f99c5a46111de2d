"""Build: parse the sources, write a new store and its dumps, then swap them in atomically.

Layout under the project's state folder ``.sdglod/``::

    builds/<id>/store/      the Oxigraph store
    builds/<id>/dist/       the dumps
    builds/<id>/build.json  what went in and what came out (written last)
    builds/<id>/lease       locked (shared) by every process that reads the build
    current -> builds/<id>  switched with one atomic rename

and ``dist -> .sdglod/current/dist`` at the project root. A build that fails at any step
removes its own folder and leaves ``current`` (so the previous store and dumps) as it was.

Every :class:`Build` a process gets holds a shared lock on the build's ``lease`` file until it
is released (or collected, or the process dies, even by ``kill -9``). A build removes every
folder but ``current`` that nobody holds: older builds no reader uses any more, and the partial
folders of builds that were killed. So a running server keeps its build for as long as it
serves it, however many builds come after, and the disk holds only builds in use.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from pyoxigraph import RdfFormat, serialize

from .describe.facts import ReleaseFacts, stream_file
from .describe.framing import FRAMED_DUMP, write_framed
from .describe.write import write_descriptions
from .errors import NoBuildError, ProjectError
from .manifest import (
    MANIFEST_FILE,
    BuildManifest,
    DumpRecord,
    ReleaseRecord,
    SourceRecord,
    ValidationRecord,
    read_manifest,
)
from .project import Project
from .rdf.formats import rdf_format
from .rdf.jsonld import build_context
from .rdf.sources import Sources, load_sources
from .rdf.store import Store, StoreWriter
from .rdf.writer import Dumper, file_digest
from .releases.descriptions import describe_resources
from .releases.log import Release, ReleaseLog
from .releases.stream import STREAM_PREFIXES, stream_documents, write_stream
from .validation.report import Report, ValidationFailed
from .validation.report_formats import render, write_published_report
from .validation.validate import Shapes, load_shapes, validate
from .version import __version__

LEASE_FILE = "lease"
STREAM_FOLDER = "ldes"  # the event stream's documents, beside the store and dist/
STREAM_DUMP = "ldes"  # dist/ldes.ttl: the whole stream in one document
LEASE_ATTEMPTS = 20  # times to follow ``current`` while builds replace it under a reader


class Lease:
    """A shared lock on a build's ``lease`` file: while one is held, no build removes the
    folder. Released by :meth:`release`, when collected, or when the process ends."""

    def __init__(self, folder: Path):
        fd = os.open(folder / LEASE_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)  # waits while a build is removing the folder
        except BaseException:
            os.close(fd)
            raise
        self._release = weakref.finalize(self, os.close, fd)

    def release(self) -> None:
        self._release()


@dataclass(frozen=True)
class Build:
    """A finished build on disk and its manifest (and, when read as the current build, a lease
    that keeps its folder on disk for as long as this object is held)."""

    folder: Path
    manifest: BuildManifest
    lease: Lease | None = field(default=None, compare=False, repr=False)
    recorded: Release | None = field(default=None, compare=False)  # the release it made

    @property
    def stream_path(self) -> Path:
        """The event stream's documents (``ldes/``), if the project has releases."""
        return self.folder / STREAM_FOLDER

    @property
    def id(self) -> str:
        """The build's folder name: unique per build, shown in ``/health`` and logs."""
        return self.folder.name

    def release(self) -> None:
        """Let later builds remove this build's folder (a no-op without a lease)."""
        if self.lease is not None:
            self.lease.release()

    @property
    def store_path(self) -> Path:
        return self.folder / "store"

    @property
    def dist_path(self) -> Path:
        return self.folder / "dist"

    def open_store(self) -> Store:
        """The build's store, read-only; it holds the build's lease while it is open."""
        return Store.open(self.store_path, keep=self.lease)

    def dumper(self, store: Store) -> Dumper:
        """A dumper over the whole content of ``store`` (an open store of this build)."""
        manifest = self.manifest
        return Dumper(store.quads(), dict(manifest.prefixes), dict(manifest.context))


def build(
    project: Project,
    validate_first: bool = True,
    strict: bool = False,
    release_time: str | None = None,
) -> Build:
    """Validate and build ``project``, and make the result the current build.

    With ``release_time`` the build is also a release (``sdglod release``): what changed since
    the last release is recorded at that time, in the build's event stream and, once the build
    is the current one, in the project's release log. ``Build.recorded`` is then that release,
    or None if nothing changed.

    Violations of the shapes (and warnings too if ``strict``) stop the build before anything is
    published, raising :class:`ValidationFailed`; ``validate_first=False`` skips validation (for
    benchmarks and emergencies), and the build then publishes no validation report.
    """
    _check_dist_link(project)
    builds = project.state_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    with _lock(project.state_dir):
        # Folders of killed builds go first: a failing build must not add to them.
        prune(project)
        folder = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%dT%H%M%S-"), dir=builds))
        try:
            new = _build_into(project, folder, validate_first, strict, release_time)
            new = Build(folder, new.manifest, Lease(folder), new.recorded)
            if new.recorded is not None:
                # Only a finished build records its release, and just before it is published:
                # the log is what every later build makes the stream from, so a switch that
                # failed now would only delay the release to the next build, never lose it.
                ReleaseLog.read(project.release_log, project.base).append(new.recorded)
            _switch_current(project.state_dir, folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        _link_dist(project)
        prune(project)
    return new


# long: the build's steps in order, each a call
def _build_into(
    project: Project,
    folder: Path,
    validate_first: bool,
    strict: bool,
    release_time: str | None = None,
) -> Build:
    """Write the store, dumps, descriptions and manifest of a build into ``folder``."""
    dist = folder / "dist"
    # The log first: a damaged one stops the build before the work.
    log = ReleaseLog.read(project.release_log, project.base)
    sources, checked, dumper, dumps = _store_and_dumps(project, folder, validate_first, strict)
    store = Store.open(folder / "store")
    validation = None
    if checked is not None:
        dumps.update(_publish_report(*checked, dist))
        report = checked[0]
        validation = ValidationRecord(
            report.conforms, report.violations, report.warnings, report.shapes
        )
    graphs = store.graph_sizes()
    dumps[FRAMED_DUMP] = write_framed(dumper.triples, dumper.context, dist)
    release = None
    if release_time is not None:
        descriptions = describe_resources(dumper.triples, project.base)
        release = log.next_release(descriptions, release_time)
        if release is not None:
            log = replace(log, releases=(*log.releases, release))
    releases, stream_dump = _write_stream(log, dumper, project, folder)
    released = None
    if stream_dump is not None:
        dumps[STREAM_DUMP] = stream_dump
        stream = stream_file(STREAM_DUMP, stream_dump)
        released = ReleaseFacts(releases[0].time, releases[-1].time, stream)
    dumps.update(
        write_descriptions(
            store,
            dumper.triples,
            base=project.base,
            prefixes=dumper.prefixes,
            graphs=graphs,
            dumps=dumps,
            folder=dist,
            framed=FRAMED_DUMP,
            releases=released,
        )
    )
    manifest = BuildManifest(
        sdglod=__version__,
        base=project.base,
        sources={
            parsed.source.relpath: SourceRecord(
                parsed.source.graph.iri, len(parsed.quads), file_digest(parsed.source.path)
            )
            for parsed in sources.files
        },
        prefixes=dumper.prefixes,
        context=dumper.context,
        graphs=graphs,
        triples=len(dumper.triples),
        dumps={
            name: DumpRecord(path.name, path.stat().st_size, file_digest(path))
            for name, path in dumps.items()
        },
        validation=validation,
        releases=releases,
    )
    del dumper, store  # closes the store, so that readers can open it
    manifest.write(folder)
    return Build(folder, manifest, recorded=release)


def _write_stream(
    log: ReleaseLog, dumper: Dumper, project: Project, folder: Path
) -> tuple[tuple[ReleaseRecord, ...], Path | None]:
    """The event stream of ``log`` into ``folder/ldes`` and, as one document, into
    ``dist/ldes.ttl``: its releases and the dump (nothing without releases)."""
    documents = stream_documents(log, project.page_members)
    if documents is None:
        return (), None
    write_stream(documents, dumper.prefixes, project.vocab, project.base, folder / STREAM_FOLDER)
    path = folder / "dist" / f"{STREAM_DUMP}.ttl"
    with path.open("wb") as out:
        prefixes = {**dumper.prefixes, **STREAM_PREFIXES}
        serialize(documents.all_triples(), out, RdfFormat.TURTLE, prefixes=prefixes)
    records = tuple(
        ReleaseRecord(r.number, r.time, len(r.changes), documents.pages[r.number])
        for r in log.releases
    )
    return records, path


def _store_and_dumps(
    project: Project, folder: Path, validate_first: bool, strict: bool
) -> tuple[Sources, tuple[Report, Shapes] | None, Dumper, dict[str, Path]]:
    """Parse, validate, write the store and the dumps: the sources, the validation (if it
    ran), the dumper over the sources and the dumps written."""
    # The store is written in a thread, file by file as they are parsed (pyoxigraph releases
    # the GIL), while Python parses, validates and writes the dumps from the parsed quads, in
    # the canonical form the store keeps.
    with StoreWriter(folder / "store") as writer:
        sources = load_sources(project, writer.add)
        checked = None
        if validate_first:
            shapes = load_shapes(project)
            report = validate(project, sources, shapes)
            if report.fails(strict):
                raise ValidationFailed(report, render(report, "text"))
            checked = (report, shapes)
        context = build_context(sources.prefixes, project.vocab)
        dumper = Dumper(sources.quads(), sources.prefixes, context, True)
        return sources, checked, dumper, dumper.write_all(folder / "dist")


def _publish_report(report: Report, shapes: Shapes, dist: Path) -> dict[str, Path]:
    """The validation report and the shapes it used, for harvesters to see what was checked."""
    written = write_published_report(report, dist)
    shapes_dump = Dumper(shapes.quads, shapes.prefixes, {})
    written["shapes"] = shapes_dump.write_file(rdf_format("ttl"), dist, "shapes")
    return written


def current_build(project: Project) -> Build:
    """The build that ``current`` points at, leased: its folder stays until the returned
    object is released or collected, whatever builds come after."""
    link = project.state_dir / "current"
    for _ in range(LEASE_ATTEMPTS):
        folder = current_folder(project)
        try:
            lease = Lease(folder)
        except FileNotFoundError:
            continue  # removed between reading the link and locking: read the link again
        if (folder / MANIFEST_FILE).is_file():
            return Build(folder, read_manifest(folder), lease)
        lease.release()  # a build removed it while we waited for the lock
    raise NoBuildError(f"{link} keeps changing: builds are replacing it too fast to read")


def current_folder(project: Project) -> Path:
    """The folder ``current`` points at now (one read of the link; nothing is opened)."""
    link = project.state_dir / "current"
    try:
        target = os.readlink(link)
    except FileNotFoundError:
        raise NoBuildError(
            "the project has not been built yet", hint="run `sdglod build`"
        ) from None
    except OSError as err:
        if err.errno != errno.EINVAL:
            raise
        raise NoBuildError(f"{link} is not a link to a build", hint="run `sdglod build`") from None
    return (link.parent / target).resolve()


@contextmanager
def _lock(state_dir: Path) -> Iterator[None]:
    """One build at a time per project."""
    with (state_dir / "lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _switch_current(state_dir: Path, folder: Path) -> None:
    temporary = state_dir / f"current.{os.getpid()}"
    if temporary.is_symlink():
        temporary.unlink()
    temporary.symlink_to(folder.relative_to(state_dir))
    os.replace(temporary, state_dir / "current")  # atomic: readers see old or new, never none


def _check_dist_link(project: Project) -> None:
    dist = project.dist_dir
    if dist.exists() and not dist.is_symlink():
        raise ProjectError(
            f"{dist} is a real folder, but sdglod keeps dist/ as a link to the current build",
            hint="move or delete that folder, then build again",
        )


def _link_dist(project: Project) -> None:
    target = Path(project.state_dir.name) / "current" / "dist"
    dist = project.dist_dir
    if dist.is_symlink() and Path(os.readlink(dist)) == target:
        return
    if dist.is_symlink():
        dist.unlink()
    dist.symlink_to(target)


def prune(project: Project) -> list[Path]:
    """Remove every build folder but the current one that no process holds a lease on (older
    builds and the partial folders of killed builds); the folders removed. Call it only while
    holding the build lock, so that no build is being written."""
    builds = project.state_dir / "builds"
    try:
        keep = current_folder(project)
    except NoBuildError:
        keep = None
    removed = []
    for folder in sorted(builds.iterdir()) if builds.is_dir() else []:
        if folder.is_dir() and folder != keep and _remove_unless_leased(folder):
            removed.append(folder)
    return removed


def prune_unless_building(project: Project, patience: float = 5.0) -> list[Path]:
    """:func:`prune` once no build is running, for a reader that has just let a build go, so
    that the disk holds only builds in use. Waits up to ``patience`` seconds for a running
    build: one that is just ending may have pruned before the reader let go; one that goes on
    longer prunes when it ends."""
    try:
        handle = (project.state_dir / "lock").open("w")
    except OSError:
        return []
    deadline = time.monotonic() + patience
    with handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return []
                time.sleep(0.1)
        try:
            return prune(project)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_unless_leased(folder: Path) -> bool:
    try:
        fd = os.open(folder / LEASE_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        return False  # not ours to judge (no permission, vanished): leave it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return False  # a reader holds it
    try:
        # The manifest first: a reader that was waiting for the lease sees no build and
        # reads ``current`` again.
        with contextlib.suppress(FileNotFoundError):
            (folder / MANIFEST_FILE).unlink()
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        os.close(fd)
    return True

"""Build: parse the sources, write a new store and its dumps, then swap them in atomically.

Layout under the project's state folder ``.sdglod/``::

    builds/<id>/store/      the Oxigraph store
    builds/<id>/dist/       the dumps
    builds/<id>/build.json  what went in and what came out
    current -> builds/<id>  switched with one atomic rename

and ``dist -> .sdglod/current/dist`` at the project root. A build that fails at any step
removes its own folder and leaves ``current`` (so the previous store and dumps) as it was.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .describe.framing import FRAMED_DUMP, write_framed
from .describe.write import write_descriptions
from .errors import NoBuildError, ProjectError
from .manifest import BuildManifest, DumpRecord, SourceRecord, ValidationRecord, read_manifest
from .project import Project
from .rdf.formats import rdf_format
from .rdf.jsonld import build_context
from .rdf.sources import Sources, load_sources
from .rdf.store import Store, StoreWriter
from .rdf.writer import Dumper, file_digest
from .validation.report import Report, ValidationFailed
from .validation.report_formats import render, write_published_report
from .validation.validate import Shapes, load_shapes, validate
from .version import __version__

KEEP_PREVIOUS = 1  # builds kept besides the current one, for readers that still have it open


@dataclass(frozen=True)
class Build:
    """A finished build on disk and its manifest."""

    folder: Path
    manifest: BuildManifest

    @property
    def store_path(self) -> Path:
        return self.folder / "store"

    @property
    def dist_path(self) -> Path:
        return self.folder / "dist"

    def open_store(self) -> Store:
        return Store.open(self.store_path)

    def dumper(self, store: Store) -> Dumper:
        """A dumper over the whole content of ``store`` (an open store of this build)."""
        manifest = self.manifest
        return Dumper(store.quads(), dict(manifest.prefixes), dict(manifest.context))


def build(project: Project, validate_first: bool = True, strict: bool = False) -> Build:
    """Validate and build ``project``, and make the result the current build.

    Violations of the shapes (and warnings too if ``strict``) stop the build before anything is
    published, raising :class:`ValidationFailed`; ``validate_first=False`` skips validation (for
    benchmarks and emergencies), and the build then publishes no validation report.
    """
    _check_dist_link(project)
    builds = project.state_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    with _lock(project.state_dir):
        folder = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%dT%H%M%S-"), dir=builds))
        try:
            new = _build_into(project, folder, validate_first, strict)
            _switch_current(project.state_dir, folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        _link_dist(project)
        _prune(builds, keep=folder)
    return new


def _build_into(project: Project, folder: Path, validate_first: bool, strict: bool) -> Build:
    """Write the store, dumps, descriptions and manifest of a build into ``folder``."""
    dist = folder / "dist"
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
    )
    del dumper, store  # closes the store, so that readers can open it
    manifest.write(folder)
    return Build(folder, manifest)


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
    """The build that ``current`` points at."""
    link = project.state_dir / "current"
    if not link.is_symlink():
        raise NoBuildError("the project has not been built yet", hint="run `sdglod build`")
    folder = link.resolve()
    return Build(folder, read_manifest(folder))


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


def _prune(builds: Path, keep: Path) -> None:
    older = sorted(
        (p for p in builds.iterdir() if p.is_dir() and p != keep),
        key=lambda p: p.stat().st_mtime,
    )
    for folder in older[: max(0, len(older) - KEEP_PREVIOUS)]:
        shutil.rmtree(folder, ignore_errors=True)

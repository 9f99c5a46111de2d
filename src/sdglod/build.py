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
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .describe.descriptions import write_descriptions
from .describe.framing import FRAMED_DUMP, write_framed
from .errors import NoBuildError, ProjectError
from .project import Project
from .rdf.formats import rdf_format
from .rdf.jsonld import build_context
from .rdf.sources import Sources, load_sources
from .rdf.store import Store, StoreWriter
from .rdf.writer import Dumper, file_digest
from .validation.report_formats import render, write_published_report
from .validation.validate import ValidationFailed, load_shapes, validate
from .version import __version__

MANIFEST = "build.json"
KEEP_PREVIOUS = 1  # builds kept besides the current one, for readers that still have it open


@dataclass(frozen=True)
class Build:
    """A finished build on disk and its manifest."""

    folder: Path
    manifest: dict

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
        return Dumper(store.quads(), self.manifest["prefixes"], self.manifest["context"])


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
            # The store is written in a thread, file by file as they are parsed (pyoxigraph
            # releases the GIL), while Python parses, validates and writes the dumps from the
            # parsed quads, in the canonical form the store keeps. Any failure removes it all.
            with StoreWriter(folder / "store") as writer:
                sources = load_sources(project, writer.add)
                report, shapes = None, None
                if validate_first:
                    shapes = load_shapes(project)
                    report = validate(project, sources, shapes)
                    if report.fails(strict):
                        raise ValidationFailed(report, render(report, "text"))
                new = Build(folder, _manifest(project, sources))
                manifest = new.manifest
                dumper = Dumper(sources.quads(), manifest["prefixes"], manifest["context"], True)
                dumps = dumper.write_all(new.dist_path)
            store = new.open_store()
            if report is not None and shapes is not None:
                dumps.update(write_published_report(report, new.dist_path))
                shapes_dump = Dumper(shapes.quads, shapes.prefixes, {})
                dumps["shapes"] = shapes_dump.write_file(rdf_format("ttl"), new.dist_path, "shapes")
                manifest["validation"] = {
                    "conforms": report.conforms,
                    "violations": report.violations,
                    "warnings": report.warnings,
                    "shapes": report.shapes,
                }
            manifest["graphs"] = store.graph_sizes()
            manifest["triples"] = len(dumper.triples)
            # Dataset descriptions and the framed dump (framing.py, descriptions.py).
            dumps[FRAMED_DUMP] = write_framed(dumper.triples, manifest["context"], new.dist_path)
            dumps.update(
                write_descriptions(
                    store,
                    dumper.triples,
                    base=manifest["base"],
                    prefixes=manifest["prefixes"],
                    graphs=manifest["graphs"],
                    dumps=dumps,
                    folder=new.dist_path,
                    framed=FRAMED_DUMP,
                )
            )
            manifest["dumps"] = {
                name: {"file": path.name, "bytes": path.stat().st_size, "sha256": file_digest(path)}
                for name, path in dumps.items()
            }
            del dumper, store
            (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
            _switch_current(project.state_dir, folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        _link_dist(project)
        _prune(builds, keep=folder)
    return new


def current_build(project: Project) -> Build:
    """The build that ``current`` points at."""
    link = project.state_dir / "current"
    if not link.is_symlink():
        raise NoBuildError("the project has not been built yet", hint="run `sdglod build`")
    folder = link.resolve()
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    return Build(folder, manifest)


def _manifest(project: Project, sources: Sources) -> dict:
    # Only content-derived values: two builds of the same sources give the same manifest.
    return {
        "sdglod": __version__,
        "base": project.base,
        "sources": {
            parsed.source.relpath: {
                "graph": parsed.source.graph.iri,
                "triples": len(parsed.quads),
                "sha256": file_digest(parsed.source.path),
            }
            for parsed in sources.files
        },
        "prefixes": sources.prefixes,
        "context": build_context(sources.prefixes, project.vocab),
    }


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

"""The ``sdglod`` command line: a thin shell over the library.

Domain errors (:class:`SdglodError`) become a message on stderr and their exit code; anything
unexpected prints a traceback and exits with 3, so a crash is never mistaken for a result.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

import click

from . import __version__
from .build import build as run_build
from .build import current_build
from .errors import ExitCode, SdglodError
from .formats import RDF_FORMATS, rdf_format
from .project import Project, load_project


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (`sdglod dump | head`): not an error of ours. Point stdout at
            # /dev/null so the interpreter's final flush does not fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(ExitCode.OK)
        except SdglodError as err:
            click.secho(f"error: {err}", fg="red", err=True)
            ctx.exit(err.exit_code)
        except Exception:
            traceback.print_exc()
            click.secho("internal error: this is a bug in sdglod, please report it", err=True)
            ctx.exit(ExitCode.INTERNAL)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="sdglod")
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Project folder (default: the nearest folder with sdglod.toml).",
)
@click.option("--base", help="Base IRI for minted IRIs (overrides sdglod.toml and $SDGLOD_BASE).")
@click.pass_context
def cli(ctx: click.Context, project_dir: Path | None, base: str | None) -> None:
    """Publish a validated linked-data knowledge graph from Turtle sources."""
    ctx.obj = (project_dir, base)


def _project(ctx: click.Context) -> Project:
    project_dir, base = ctx.obj
    return load_project(project_dir, base)


@cli.command()
@click.pass_context
def build(ctx: click.Context) -> None:
    """Parse the sources, build a new store and write the dumps to dist/."""
    project = _project(ctx)
    started = time.perf_counter()
    manifest = run_build(project).manifest
    seconds = time.perf_counter() - started
    click.echo(
        f"built {manifest['triples']} triples from {len(manifest['sources'])} files "
        f"in {seconds:.2f} s (base {manifest['base']})"
    )
    for graph, count in manifest["graphs"].items():
        click.echo(f"  {count:>8}  {graph}")
    for dump in manifest["dumps"].values():
        click.echo(f"  dist/{dump['file']}  ({dump['bytes']} bytes)")


@cli.command()
@click.option(
    "--format",
    "format_name",
    type=click.Choice(list(RDF_FORMATS)),
    default="ttl",
    show_default=True,
    help="Serialisation to write.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
@click.pass_context
def dump(ctx: click.Context, format_name: str, output: Path | None) -> None:
    """Write the current store as one dump."""
    current = current_build(_project(ctx))
    dumper = current.dumper(current.open_store())
    fmt = rdf_format(format_name)
    if output is None:
        dumper.write(fmt, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    temporary = output.with_name(f".{output.name}.partial")
    with temporary.open("wb") as out:
        dumper.write(fmt, out)
    temporary.replace(output)


@cli.command()
@click.pass_context
def info(ctx: click.Context) -> None:
    """Show the current build: base IRI, graphs and their sizes, sources, dumps."""
    current = current_build(_project(ctx))
    manifest = current.manifest
    click.echo(f"build   {current.folder}")
    click.echo(f"base    {manifest['base']}")
    click.echo(f"triples {manifest['triples']} (union of all graphs)")
    click.echo("graphs")
    for graph, count in manifest["graphs"].items():
        click.echo(f"  {count:>8}  {graph}")
    click.echo("sources")
    for path, source in manifest["sources"].items():
        click.echo(f"  {source['triples']:>8}  {path}  -> {source['graph']}")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sdglod")

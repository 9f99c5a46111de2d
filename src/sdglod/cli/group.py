"""The ``sdglod`` command group and its one edge handler.

Domain errors (:class:`SdglodError`) become a message on stderr and their exit code; anything
unexpected prints a traceback and exits with 3, so a crash is never mistaken for a result.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from ..errors import ExitCode, SdglodError
from ..project import Project, load_project
from ..version import __version__


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


def project_of(ctx: click.Context) -> Project:
    """The project the command runs on (``--project``, else the nearest ``sdglod.toml``)."""
    project_dir, base = ctx.obj
    return load_project(project_dir, base)


def base_option(ctx: click.Context) -> str | None:
    """The ``--base`` given to the group, if any."""
    return ctx.obj[1]

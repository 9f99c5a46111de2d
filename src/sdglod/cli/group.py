"""The ``sdglod`` command group and its one edge handler.

Domain errors (:class:`SdglodError`) become a message on stderr and their exit code, and so do
errors of the machine (a full disk, a folder one may not write to); anything else is
unexpected: it prints a traceback and exits with 3, so a crash is never mistaken for a result.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

import click

from ..errors import ENVIRONMENT_ERRNOS, ExitCode, SdglodError, os_error, printable
from ..project import Project, check_base, load_project
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
            _fail(ctx, err)
        except Exception as err:
            if isinstance(err, OSError) and err.errno in ENVIRONMENT_ERRNOS:
                # A full disk or a folder one may not write to is the machine's state, not a
                # bug: the file (or standard output) and what to do, without a traceback.
                where = err.filename or "standard output"
                _fail(ctx, os_error(err, where, "use" if err.filename else "write to"))
            traceback.print_exc()
            click.secho("internal error: this is a bug in sdglod, please report it", err=True)
            ctx.exit(ExitCode.INTERNAL)


def _fail(ctx: click.Context, err: SdglodError) -> NoReturn:
    click.secho(f"error: {printable(str(err))}", fg="red", err=True)
    ctx.exit(err.exit_code)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="sdglod")
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False),
    help="Project folder (default: the nearest folder with sdglod.toml).",
)
@click.option("--base", help="Base IRI for minted IRIs (overrides sdglod.toml and $SDGLOD_BASE).")
@click.pass_context
def cli(ctx: click.Context, project_dir: str | None, base: str | None) -> None:
    """Publish a validated linked-data knowledge graph from Turtle sources."""
    if project_dir == "":  # `--project "$DIR"` with DIR unset: not the current folder
        raise click.BadParameter("is empty: give the project's folder", param_hint="--project")
    if base is not None:
        # Checked here, not when a project is loaded: every command refuses it alike.
        check_base(base, given_as="--base")
    ctx.obj = (None if project_dir is None else Path(project_dir), base)


def project_of(ctx: click.Context) -> Project:
    """The project the command runs on (``--project``, else the nearest ``sdglod.toml``)."""
    project_dir, base = ctx.obj
    return load_project(project_dir, base)


def base_option(ctx: click.Context) -> str | None:
    """The ``--base`` given to the group, if any."""
    return ctx.obj[1]

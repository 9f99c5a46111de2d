"""``sdglod new``: start a new resource from what validation demands."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import click

from ..validation.skeleton_file import new_resource
from .group import cli, project_of


@cli.command()
@click.argument("kind")
@click.argument("slug")
@click.option(
    "--file",
    "file_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Add it to this Turtle file (default: the kind's file in data/, such as data/events.ttl).",
)
@click.option("--dry-run", is_flag=True, help="Print the skeleton; write nothing.")
@click.pass_context
def new(ctx: click.Context, kind: str, slug: str, file_path: Path | None, dry_run: bool) -> None:
    """Add the skeleton of a new resource to data/: KIND (event, outcome, organization,
    person, … — the classes the shapes target) named SLUG (lowercase ASCII words joined by
    '-', part of its IRI).

    \b
    Every property the shapes require gets a placeholder marked TODO, with the shapes'
    messages (lv, en) as a comment above it; the properties they only check are there
    commented out. `sdglod validate FILE` then lists each placeholder left, at its line.
    An existing resource is never overwritten.
    """
    project = project_of(ctx)
    skeleton = new_resource(project, kind, slug, file_path, write=not dry_run)
    if dry_run:
        click.echo(skeleton.text, nl=False)
        return
    where = _shown(skeleton.path)
    action = "created" if skeleton.created else "added to"
    count = len(skeleton.placeholders)
    click.echo(
        f"{action} {where}: {skeleton.name} at line {skeleton.first_line}, "
        f"{count} placeholder{'s' * (count != 1)} (TODO) to fill in:"
    )
    for placeholder in skeleton.placeholders:
        click.echo(f"  {where}:{placeholder.line}  {placeholder.predicate}  {placeholder.value}")
    project_option = "" if ctx.obj[0] is None else f"--project {shlex.quote(str(ctx.obj[0]))} "
    click.echo(
        "next: write the values (each comment says what is needed), then check the file in "
        f"the context of the whole project:\n  sdglod {project_option}validate {shlex.quote(where)}"
    )


def _shown(path: Path) -> str:
    """``path`` as the user would type it: relative to the current folder where it is under
    it."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else relative

"""``sdglod validate``: check sources against the shapes, report in a format for people or CI."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..errors import SdglodError
from ..validation.report_formats import FORMATS as REPORT_FORMATS
from ..validation.report_formats import render, render_error
from ..validation.validate import ENGINES, validate_project
from .group import cli, project_of
from .output import OUTPUT_FILE, write_output


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--shapes",
    "shapes_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Shapes file or folder (repeatable; default: the project's shapes/).",
)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="Report format: text for people, json, junit (CI test reports), github "
    "(workflow annotations), sarif (code scanning), turtle (the SHACL report graph).",
)
@click.option(
    "--lang", type=click.Choice(["en", "lv"]), default="en", show_default=True, help="Messages in."
)
@click.option("--strict", is_flag=True, help="Fail on warnings too (exit 1).")
@click.option(
    "-o",
    "--output",
    type=OUTPUT_FILE,
    help="Write the report to this file (default: standard output).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="auto",
    show_default=True,
    help="pyshacl (the reference), sparql (the shapes as SPARQL on Oxigraph, much faster) "
    "or auto (sparql where it gives pyshacl's results, else pyshacl).",
)
@click.pass_context
def validate(
    ctx: click.Context,
    paths: tuple[Path, ...],
    shapes_paths: tuple[Path, ...],
    format_name: str,
    lang: str,
    strict: bool,
    output: Path | None,
    engine: str,
) -> None:
    """Check the sources (default: ontology/ and data/, or PATHS) against the SHACL shapes.

    \b
    Exit codes: 0 the data conforms (warnings allowed unless --strict),
                1 violations (or warnings with --strict),
                2 bad input (syntax error, missing file, unusable shapes),
                3 internal error (a bug in sdglod).
    """
    try:
        report = validate_project(project_of(ctx), list(paths), list(shapes_paths), engine)
    except SdglodError as err:
        if format_name == "text":
            raise
        _write_report(render_error(err, format_name), output)
        ctx.exit(err.exit_code)
    color = output is None and format_name == "text" and _colour_wanted()
    _write_report(render(report, format_name, lang=lang, strict=strict, color=color), output)
    ctx.exit(report.exit_code(strict))


def _colour_wanted() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _write_report(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, lambda out: out.write(text.encode("utf-8")))

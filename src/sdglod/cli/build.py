"""``sdglod build``, ``release``, ``dump`` and ``info``: make a build (and a release), and
read what it holds."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

import click

from ..build import build as run_build
from ..build import current_build
from ..rdf.formats import RDF_FORMATS, rdf_format
from ..releases.log import format_time, parse_time
from .group import cli, project_of
from .output import OUTPUT_FILE, standard_output, write_output


@cli.command()
@click.option("--strict", is_flag=True, help="Refuse to build on SHACL warnings too.")
@click.option(
    "--skip-validation",
    is_flag=True,
    help="Build without validating (no validation report is published).",
)
@click.pass_context
def build(ctx: click.Context, strict: bool, skip_validation: bool) -> None:
    """Validate the sources, build a new store and write the dumps to dist/.

    On violations nothing is written: the previous store and dumps stay as they were.
    """
    project = project_of(ctx)
    started = time.perf_counter()
    manifest = run_build(project, validate_first=not skip_validation, strict=strict).manifest
    seconds = time.perf_counter() - started
    click.echo(
        f"built {manifest.triples} triples from {len(manifest.sources)} files "
        f"in {seconds:.2f} s (base {manifest.base})"
    )
    for graph, count in manifest.graphs.items():
        click.echo(f"  {count:>8}  {graph}")
    for dump in manifest.dumps.values():
        click.echo(f"  dist/{dump.file}  ({dump.bytes} bytes)")
    validation = manifest.validation
    if validation is not None:
        click.echo(
            f"validated against {len(validation.shapes)} shapes files: "
            f"{validation.violations} violations, {validation.warnings} warnings"
        )
    else:
        click.secho("not validated (--skip-validation): no validation report published", err=True)


@cli.command()
@click.option("--strict", is_flag=True, help="Refuse to release on SHACL warnings too.")
@click.option(
    "--time",
    "moment",
    metavar="YYYY-MM-DDTHH:MM:SSZ",
    help="The release's time, in UTC (default: now). Must be after the last release.",
)
@click.pass_context
def release(ctx: click.Context, strict: bool, moment: str | None) -> None:
    """Build, and record what changed since the last release in the release log.

    The release log (releases.jsonl, kept under version control) gives the event stream at
    /ldes its members and the sitemap its dates. A release of an unchanged build adds nothing.
    """
    project = project_of(ctx)
    if moment is None:
        when = format_time(datetime.now(timezone.utc))
    elif parse_time(moment) is None:
        raise click.BadParameter(
            f"{moment!r} is not a time in UTC such as 2026-11-27T10:00:00Z", param_hint="--time"
        )
    else:
        when = moment
    made = run_build(project, strict=strict, release_time=when)
    recorded = made.recorded
    log = project.release_log.relative_to(project.root)
    if recorded is None:
        last = made.manifest.releases[-1] if made.manifest.releases else None
        since = f" since release {last.number} ({last.time})" if last else ""
        click.echo(f"nothing changed{since}: {log} is unchanged")
        return
    deleted = sum(change.deleted for change in recorded.changes)
    click.echo(
        f"release {recorded.number} at {recorded.time}: {len(recorded.changes) - deleted} "
        f"resources changed or new, {deleted} gone; added to {log}"
    )
    click.echo(f"commit {log} with the data: the event stream is made from it")


@cli.command()
@click.option(
    "--format",
    "format_name",
    type=click.Choice(list(RDF_FORMATS)),
    default="ttl",
    show_default=True,
    help="Serialisation to write.",
)
@click.option("-o", "--output", type=OUTPUT_FILE, help="File to write (default: standard output).")
@click.pass_context
def dump(ctx: click.Context, format_name: str, output: Path | None) -> None:
    """Write the current store as one dump."""
    current = current_build(project_of(ctx))
    dumper = current.dumper(current.open_store())
    fmt = rdf_format(format_name)
    if output is None:
        out = standard_output()
        dumper.write(fmt, out)
        out.flush()
        return
    write_output(output, lambda out: dumper.write(fmt, out))


@cli.command()
@click.pass_context
def info(ctx: click.Context) -> None:
    """Show the current build: base IRI, graphs and their sizes, sources, dumps."""
    current = current_build(project_of(ctx))
    manifest = current.manifest
    click.echo(f"build   {current.folder}")
    click.echo(f"base    {manifest.base}")
    click.echo(f"triples {manifest.triples} (union of all graphs)")
    click.echo("graphs")
    for graph, count in manifest.graphs.items():
        click.echo(f"  {count:>8}  {graph}")
    click.echo("sources")
    for path, source in manifest.sources.items():
        click.echo(f"  {source.triples:>8}  {path}  -> {source.graph}")
    if manifest.releases:
        last = manifest.releases[-1]
        click.echo(f"releases {len(manifest.releases)} (the last, {last.number}, at {last.time})")
    else:
        click.echo("releases none (`sdglod release` records one)")

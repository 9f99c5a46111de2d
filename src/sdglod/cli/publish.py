"""``sdglod publish``: push the current build to a SPARQL 1.1 store."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from ..query.results import format_table
from .group import cli, project_of
from .options import SECONDS, WEB_ADDRESS

if TYPE_CHECKING:
    from ..publish import GraphChange, PublishReport


@cli.command("publish")
@click.option(
    "--endpoint",
    required=True,
    type=WEB_ADDRESS,
    metavar="URL",
    help="The store's SPARQL query URL.",
)
@click.option(
    "--graph-store",
    type=WEB_ADDRESS,
    metavar="URL",
    help="Its SPARQL 1.1 Graph Store URL: each graph is replaced with PUT "
    "(Oxigraph: /store, Fuseki: /DATASET/data).",
)
@click.option(
    "--update",
    "update_url",
    type=WEB_ADDRESS,
    metavar="URL",
    help="Its SPARQL Update URL, for stores without the Graph Store Protocol.",
)
@click.option(
    "--auth",
    metavar="USER[:PASSWORD]",
    help="HTTP Basic credentials; the password is asked for if left out. A password given "
    "here shows in process listings: prefer --auth-env or $SDGLOD_PUBLISH_AUTH.",
)
@click.option("--auth-env", metavar="VAR", help="Read USER:PASSWORD from this variable.")
@click.option("--token-env", metavar="VAR", help="Read a bearer token from this variable.")
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    metavar="NAME",
    help="Publish only this graph (its name in sdglod.toml, or its IRI); repeatable.",
)
@click.option("--dry-run", is_flag=True, help="Compare with the store and report; write nothing.")
@click.option(
    "--keep-stale",
    is_flag=True,
    help="Keep graphs under the project's graph namespace that the build no longer has "
    "(a graph renamed in sdglod.toml); by default a whole publish removes them.",
)
@click.option(
    "--allow-unvalidated", is_flag=True, help="Publish a build made with --skip-validation."
)
@click.option(
    "--timeout",
    type=SECONDS,
    default=300.0,
    show_default=True,
    help="Seconds to wait for an answer.",
)
@click.pass_context
def publish_command(
    ctx: click.Context,
    endpoint: str,
    graph_store: str | None,
    update_url: str | None,
    auth: str | None,
    auth_env: str | None,
    token_env: str | None,
    graphs: tuple[str, ...],
    dry_run: bool,
    keep_stale: bool,
    allow_unvalidated: bool,
    timeout: float,
) -> None:
    """Push the current build to a SPARQL 1.1 store, one named graph per source area.

    Each graph replaces the store's graph of the same IRI, so publishing again changes nothing
    and completes a publish that stopped midway. A whole publish also removes the graphs under
    the project's graph namespace ({base}graph/) that the build no longer has (--keep-stale
    keeps them). The counts of every graph are verified after writing, and a table shows the
    triples added and removed per graph. Credentials also come from
    $SDGLOD_PUBLISH_AUTH (USER:PASSWORD) or $SDGLOD_PUBLISH_TOKEN.

    \b
    Exit codes: 0 published and verified (or compared, with --dry-run),
                2 bad options, no build, or a failed request or count: the message says
                  which graphs were written and which were not; run it again to complete.
    """
    from .. import publish as publishing

    credentials = publishing.read_credentials(_password(auth), auth_env, token_env)
    target = publishing.Target.create(endpoint, graph_store, update_url, credentials, timeout)
    how = "Graph Store Protocol" if target.method == "graph-store" else "SPARQL Update"
    doing = "comparing with" if dry_run else "publishing to"
    click.echo(f"{doing} {target.write_url} ({how})")
    started = time.perf_counter()
    try:
        report = publishing.publish(
            project_of(ctx),
            target,
            graphs,
            dry_run=dry_run,
            allow_unvalidated=allow_unvalidated,
            keep_stale=keep_stale,
            progress=_progress if sys.stderr.isatty() else None,
        )
    except publishing.PublishIncomplete as err:
        if err.done:
            click.echo(_table(err.done, dry_run), nl=False)
        raise
    click.echo(_table(report.changes, dry_run), nl=False)
    click.echo(_summary(report, dry_run, time.perf_counter() - started))


def _password(auth: str | None) -> str | None:
    """``--auth`` with its password: asked for if left out, with a warning if given."""
    if auth and ":" not in auth:
        return auth + ":" + click.prompt(f"password for {auth}", hide_input=True, err=True)
    if auth:
        click.secho(
            "warning: a password in --auth shows in process listings; "
            "prefer --auth-env VAR or $SDGLOD_PUBLISH_AUTH",
            err=True,
        )
    return auth


@contextmanager
def _progress(graph: str, total: int) -> Iterator[Callable[[int], None]]:
    with click.progressbar(length=total, label=graph, file=sys.stderr) as bar:
        yield bar.update


def _table(changes: Sequence[GraphChange], dry_run: bool) -> str:
    rows = [
        [_graph_cell(c, dry_run), *(str(n) for n in (c.before, c.after, c.added, c.removed))]
        for c in changes
    ]
    header = ("graph", "before", "after" if not dry_run else "would be", "added", "removed")
    return format_table(header, rows, max_width=None, right=(False, True, True, True, True))


def _graph_cell(change: GraphChange, dry_run: bool) -> str:
    if not change.stale:
        return change.graph
    if change.after:
        return f"{change.graph} (not in the build: kept)"
    return f"{change.graph} (not in the build: {'would be removed' if dry_run else 'removed'})"


def _summary(report: PublishReport, dry_run: bool, seconds: float) -> str:
    built = [c for c in report.changes if not c.stale]
    stale = [c for c in report.changes if c.stale]
    added = sum(c.added for c in built)
    removed = sum(c.removed for c in built)
    done = "compared (dry run: nothing written)" if dry_run else "published and verified"
    kept = sum(not c.written for c in built)
    gone = [c for c in stale if c.after == 0]
    return (
        f"{done}: {len(built)} graph{'s' * (len(built) != 1)}, "
        f"{report.triples} triples, "
        f"{added} added, {removed} removed"
        + (f", {kept} unchanged and not rewritten" if kept and not dry_run else "")
        + (f", {len(gone)} stale graph(s) {'would be ' * dry_run}removed" if gone else "")
        + (f", {len(stale) - len(gone)} stale graph(s) kept" if len(stale) > len(gone) else "")
        + f", in {seconds:.2f} s"
    )

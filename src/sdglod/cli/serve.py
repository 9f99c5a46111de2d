"""``sdglod serve`` and ``export-static``: the server over the current build, or its pages as
files."""

from __future__ import annotations

from pathlib import Path

import click

from ..build import build as run_build
from ..build import current_build
from ..errors import NoBuildError
from .group import base_option, cli, project_of
from .options import SECONDS, WEB_ADDRESS, allow_service_option

MAX_ROWS = 1_000_000_000  # answers are cut with islice, which takes at most a machine word


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="HTTP worker processes.",
)
@click.option(
    "--query-workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Processes that run queries, per HTTP worker (each holds a copy of the store).",
)
@click.option(
    "--timeout",
    type=SECONDS,
    default=10.0,
    show_default=True,
    help="Seconds a query may run before it is stopped.",
)
@click.option(
    "--row-limit",
    type=click.IntRange(1, MAX_ROWS),
    default=10_000,
    show_default=True,
    help="Solutions or triples in one answer.",
)
@allow_service_option
@click.option("--disk", is_flag=True, help="Query the store on disk instead of a copy in memory.")
@click.option(
    "--cache-entries",
    type=click.IntRange(min=0),
    default=1024,
    show_default=True,
    help="Answers cached per build (0: none).",
)
@click.option(
    "--backend",
    type=WEB_ADDRESS,
    metavar="URL",
    help="Serve a remote SPARQL 1.1 store (its query URL) instead of the build's own store.",
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    workers: int,
    query_workers: int,
    timeout: float,
    row_limit: int,
    allow_service: tuple[str, ...],
    disk: bool,
    cache_entries: int,
    backend: str | None,
) -> None:
    """Serve the current build: a read-only SPARQL endpoint, canned queries and pages.

    Builds first if the project has never been built. With --backend, the queries go to a
    remote SPARQL store (where `sdglod publish` put the data) and no build is needed.
    """
    from ..web.config import ServerConfig
    from ..web.server import check_backend, listen, run

    project = project_of(ctx)
    config = ServerConfig(
        project_root=project.root,
        timeout=timeout,
        row_limit=row_limit,
        query_workers=query_workers,
        in_memory=not disk,
        cache_entries=cache_entries,
        allowed_services=allow_service,
        base=base_option(ctx),
        backend=backend,
    )
    check_backend(config)
    # The port first: a port in use is said before a build that may take a while.
    with listen(host, port) as listener:
        if backend is None:
            try:
                current_build(project)
            except NoBuildError:
                click.echo("no build yet: building first")
                run_build(project)
        shown = f"[{host}]" if ":" in host else host
        bound = listener.getsockname()[1]
        click.echo(f"sdglod serving {project.root} at http://{shown}:{bound}/sparql")
        run(config, listener, workers)


@cli.command("export-static")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def export_static(ctx: click.Context, folder: Path) -> None:
    """Write the site of the current build as files into FOLDER.

    FOLDER is new, empty, or an earlier export (emptied first); any other folder is refused,
    never emptied. Pages (lv and en) and RDF documents per resource, the landing page, browse
    pages, canned query results, dumps, VoID, sitemap, plus .htaccess and nginx.conf for
    content negotiation.
    """
    from ..web.export import export_static as run_export

    project = project_of(ctx)
    current_build(project)  # a clear error if there is no build
    summary = run_export(project, folder)
    click.echo(f"wrote {summary.files} files for {summary.resources} resources to {summary.folder}")

"""``sdglod serve`` and ``export-static``: the server over the current build, or its pages as
files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from ..build import build as run_build
from ..build import current_build
from ..errors import NoBuildError
from ..query.remote import redact
from .group import base_option, cli, project_of
from .options import IRI, SECONDS, UNION_GRAPH_HELP, WEB_ADDRESS, allow_service_option

MAX_ROWS = 1_000_000_000  # answers are cut with islice, which takes at most a machine word


class _PublicUrl(click.ParamType):
    """An http(s) URL of a site's root: no query, fragment or password; ``/`` added at the
    end if missing (every link is the root followed by a path)."""

    name = "url"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        text = WEB_ADDRESS.convert(value, param, ctx)
        parts = urlsplit(text)
        if parts.query or parts.fragment or text.endswith(("?", "#")):
            self.fail(f"{text!r} has a query or fragment: give the site's root", param, ctx)
        if "@" in parts.netloc:
            self.fail(f"{redact(text)!r} holds a user name or password", param, ctx)
        return text if text.endswith("/") else text + "/"


PUBLIC_URL = _PublicUrl()


# long: one declaration per option, nothing to split
def limit_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options of the server's limits; each is passed on as the ServerConfig field of the
    same name (``**limits`` of :func:`serve`)."""
    options = [
        click.option(
            "--page-workers",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            help="Processes that run the server's own queries (pages, canned queries), apart "
            "from /sparql's, per HTTP worker.",
        ),
        click.option(
            "--lookup-threads",
            type=click.IntRange(min=0),
            default=2,
            show_default=True,
            help="Threads of each HTTP worker that run lookups of one resource (a page's "
            "description and labels, a canned query with its resource given) without a query "
            "process; a lookup that ever takes over 0.25 s goes to the processes from then on "
            "(0: every query in a process).",
        ),
        click.option(
            "--client-queries",
            type=click.IntRange(min=1),
            default=2,
            show_default=True,
            help="/sparql queries one client (peer address) may have at once; more: 429.",
        ),
        click.option(
            "--query-queue",
            type=click.IntRange(min=0),
            default=16,
            show_default=True,
            help="/sparql queries that may wait for a query worker; more: 503 at once.",
        ),
        click.option(
            "--worker-memory",
            type=click.IntRange(min=0),
            default=2048,
            show_default=True,
            metavar="MB",
            help="Memory a query worker may use, store included (0: no limit); a query that "
            "needs more is stopped (507).",
        ),
        click.option(
            "--follow-interval",
            type=SECONDS,
            default=5.0,
            show_default=True,
            help="With --backend: seconds between two checks of the store for a new publish "
            "(one point query); after one, caches and ETags follow the new data.",
        ),
        click.option(
            "--request-timeout",
            type=SECONDS,
            default=15.0,
            show_default=True,
            help="Seconds a client has to send a whole request; slower connections are closed.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


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
@click.option("--union-graph", type=IRI, metavar="IRI", help=UNION_GRAPH_HELP)
@click.option(
    "--public-url",
    type=PUBLIC_URL,
    metavar="URL",
    help="Where readers reach the site (behind a proxy): the root of absolute links in the "
    "sitemap, robots.txt, service description and OpenAPI document. Default: the base IRI.",
)
@limit_options
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
    union_graph: str | None,
    public_url: str | None,
    **limits: Any,
) -> None:
    """Serve the current build: a read-only SPARQL endpoint, canned queries and pages.

    Builds first if the project has never been built. With --backend, the queries go to a
    remote SPARQL store (where `sdglod publish` put the data) and no build is needed.
    """
    from ..web.config import ServerConfig
    from ..web.server import check_backend, listen, run

    if union_graph and not backend:
        raise click.UsageError("--union-graph is a graph of a remote store: give --backend too")
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
        union_graph=union_graph,
        public_url=public_url,
        **limits,
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

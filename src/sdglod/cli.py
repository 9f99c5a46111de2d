"""The ``sdglod`` command line: a thin shell over the library.

Domain errors (:class:`SdglodError`) become a message on stderr and their exit code; anything
unexpected prints a traceback and exits with 3, so a crash is never mistaken for a result.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path

import click

from .build import build as run_build
from .build import current_build
from .errors import ExitCode, NoBuildError, ProjectError, QueryError, SdglodError
from .project import Project, load_project
from .query.backends import Backend, open_backend, project_vocabulary
from .query.canned import (
    PARAM_TYPES,
    CannedQuery,
    ParameterValueError,
    find_query,
    load_queries,
    parse_value,
    run_query,
)
from .query.results import (
    DEFAULT_WIDTH,
    Result,
    TableStyle,
    Vocabulary,
    fetch_labels,
    format_table,
    iris_in,
    write_result,
)
from .rdf.formats import RDF_FORMATS, RESULT_FORMATS, rdf_format, result_format
from .validation.report_formats import FORMATS as REPORT_FORMATS
from .validation.report_formats import render, render_error
from .validation.validate import ENGINES, validate_project
from .version import __version__


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
    project = _project(ctx)
    started = time.perf_counter()
    manifest = run_build(project, validate_first=not skip_validation, strict=strict).manifest
    seconds = time.perf_counter() - started
    click.echo(
        f"built {manifest['triples']} triples from {len(manifest['sources'])} files "
        f"in {seconds:.2f} s (base {manifest['base']})"
    )
    for graph, count in manifest["graphs"].items():
        click.echo(f"  {count:>8}  {graph}")
    for dump in manifest["dumps"].values():
        click.echo(f"  dist/{dump['file']}  ({dump['bytes']} bytes)")
    if "validation" in manifest:
        validation = manifest["validation"]
        click.echo(
            f"validated against {len(validation['shapes'])} shapes files: "
            f"{validation['violations']} violations, {validation['warnings']} warnings"
        )
    else:
        click.secho("not validated (--skip-validation): no validation report published", err=True)


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
    type=click.Path(dir_okay=False, path_type=Path),
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
        report = validate_project(_project(ctx), list(paths), list(shapes_paths), engine)
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
        output.write_text(text, encoding="utf-8")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, help="HTTP worker processes.")
@click.option(
    "--query-workers",
    default=2,
    show_default=True,
    help="Processes that run queries, per HTTP worker (each holds a copy of the store).",
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    help="Seconds a query may run before it is stopped.",
)
@click.option(
    "--row-limit", default=10_000, show_default=True, help="Solutions or triples in one answer."
)
@click.option(
    "--allow-service",
    multiple=True,
    metavar="URL",
    help="An endpoint that SERVICE (federated query) may call (repeatable; default: none).",
)
@click.option("--disk", is_flag=True, help="Query the store on disk instead of a copy in memory.")
@click.option(
    "--cache-entries", default=1024, show_default=True, help="Answers cached per build (0: none)."
)
@click.option(
    "--backend",
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
    from .web.config import ServerConfig
    from .web.server import run

    project = _project(ctx)
    if backend is None:
        try:
            current_build(project)
        except NoBuildError:
            click.echo("no build yet: building first")
            run_build(project)
    config = ServerConfig(
        project_root=project.root,
        timeout=timeout,
        row_limit=row_limit,
        query_workers=query_workers,
        in_memory=not disk,
        cache_entries=cache_entries,
        allowed_services=allow_service,
        base=ctx.obj[1],
        backend=backend,
    )
    click.echo(f"sdglod serving {project.root} at http://{host}:{port}/sparql")
    run(config, host, port, workers)


@cli.command("export-static")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def export_static(ctx: click.Context, folder: Path) -> None:
    """Write the site of the current build as files into FOLDER (emptied first).

    Pages (lv and en) and RDF documents per resource, the landing page, browse pages, canned
    query results, dumps, VoID, sitemap, plus .htaccess and nginx.conf for content negotiation.
    """
    from .web.export import export_static as run_export

    project = _project(ctx)
    current_build(project)  # a clear error if there is no build
    summary = run_export(project, folder)
    click.echo(f"wrote {summary.files} files for {summary.resources} resources to {summary.folder}")


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


@cli.command("publish")
@click.option("--endpoint", required=True, metavar="URL", help="The store's SPARQL query URL.")
@click.option(
    "--graph-store",
    metavar="URL",
    help="Its SPARQL 1.1 Graph Store URL: each graph is replaced with PUT "
    "(Oxigraph: /store, Fuseki: /DATASET/data).",
)
@click.option(
    "--update",
    "update_url",
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
    "--allow-unvalidated", is_flag=True, help="Publish a build made with --skip-validation."
)
@click.option("--timeout", default=300.0, show_default=True, help="Seconds to wait for an answer.")
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
    allow_unvalidated: bool,
    timeout: float,
) -> None:
    """Push the current build to a SPARQL 1.1 store, one named graph per source area.

    Each graph replaces the store's graph of the same IRI, so publishing again changes nothing
    and completes a publish that stopped midway. The counts are verified after writing, and a
    table shows the triples added and removed per graph. Credentials also come from
    $SDGLOD_PUBLISH_AUTH (USER:PASSWORD) or $SDGLOD_PUBLISH_TOKEN.

    \b
    Exit codes: 0 published and verified (or compared, with --dry-run),
                2 bad options, no build, or a failed request or count: the message says
                  which graphs were written and which were not; run it again to complete.
    """
    from collections.abc import Callable, Iterator, Sequence
    from contextlib import contextmanager

    from . import publish as publishing

    if auth and ":" not in auth:
        auth += ":" + click.prompt(f"password for {auth}", hide_input=True, err=True)
    elif auth:
        click.secho(
            "warning: a password in --auth shows in process listings; "
            "prefer --auth-env VAR or $SDGLOD_PUBLISH_AUTH",
            err=True,
        )
    credentials = publishing.read_credentials(auth, auth_env, token_env)
    target = publishing.Target.create(endpoint, graph_store, update_url, credentials, timeout)
    how = "Graph Store Protocol" if target.method == "graph-store" else "SPARQL Update"
    doing = "comparing with" if dry_run else "publishing to"
    click.echo(f"{doing} {target.write_url} ({how})")

    @contextmanager
    def progress(graph: str, total: int) -> Iterator[Callable[[int], None]]:
        with click.progressbar(length=total, label=graph, file=sys.stderr) as bar:
            yield bar.update

    def table(changes: Sequence[publishing.GraphChange]) -> str:
        rows = [
            [c.graph, *(str(n) for n in (c.before, c.after, c.added, c.removed))] for c in changes
        ]
        header = ("graph", "before", "after" if not dry_run else "would be", "added", "removed")
        return format_table(header, rows, max_width=None, right=(False, True, True, True, True))

    started = time.perf_counter()
    try:
        report = publishing.publish(
            _project(ctx),
            target,
            graphs,
            dry_run=dry_run,
            allow_unvalidated=allow_unvalidated,
            progress=progress if sys.stderr.isatty() else None,
        )
    except publishing.PublishIncomplete as err:
        if err.done:
            click.echo(table(err.done), nl=False)
        raise
    click.echo(table(report.changes), nl=False)
    added = sum(c.added for c in report.changes)
    removed = sum(c.removed for c in report.changes)
    seconds = time.perf_counter() - started
    done = "compared (dry run: nothing written)" if dry_run else "published and verified"
    kept = sum(not c.written for c in report.changes)
    click.echo(
        f"{done}: {len(report.changes)} graph{'s' * (len(report.changes) != 1)}, "
        f"{report.triples} triples, "
        f"{added} added, {removed} removed"
        + (f", {kept} unchanged and not rewritten" if kept and not dry_run else "")
        + f", in {seconds:.2f} s"
    )


# --- Canned and ad-hoc queries -------------------------------------------------------------

_format_option = click.option(
    "--format",
    "format_name",
    type=click.Choice(list(RESULT_FORMATS)),
    help="Output format (default: table; ttl for CONSTRUCT/DESCRIBE).",
)
_endpoint_option = click.option(
    "--endpoint",
    metavar="URL",
    help="Query this SPARQL 1.1 endpoint instead of the embedded store.",
)
_lang_option = click.option(
    "--lang",
    metavar="TAG",
    help="Language of labels in tables, and of a query's `lang` parameter (e.g. lv, en).",
)
_width_option = click.option(
    "--width",
    type=click.IntRange(min=0),
    default=DEFAULT_WIDTH,
    show_default=True,
    help="Widest table cell in characters (0: no limit).",
)


@cli.command("queries")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
@_lang_option
@click.pass_context
def list_queries(ctx: click.Context, format_name: str, lang: str | None) -> None:
    """List the canned queries: name, title and parameters."""
    queries = load_queries(_project(ctx))
    if format_name == "json":
        listing = [query.to_dict() for query in queries.values()]
        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    language = _language(lang) or "en"
    rows = [
        [q.name, q.title.get(language) or q.title["en"], q.signature()] for q in queries.values()
    ]
    click.echo(format_table(("name", "title", "parameters"), rows, max_width=None), nl=False)


@cli.command("query")
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter value; repeat for more.",
)
@_lang_option
@_format_option
@_endpoint_option
@_width_option
@click.pass_context
def query_command(
    ctx: click.Context,
    name: str,
    params: tuple[str, ...],
    lang: str | None,
    format_name: str | None,
    endpoint: str | None,
    width: int,
) -> None:
    """Run the canned query NAME (see `sdglod queries`)."""
    project = _project(ctx)
    canned = find_query(load_queries(project), name)
    given = _param_values(params)
    language = _language(lang)
    if language and canned.parameter("lang") and "lang" not in given:
        given["lang"] = language
    backend = open_backend(project, endpoint)
    vocabulary = project_vocabulary(project)
    result = run_query(backend, canned, given, project.base, vocabulary.prefixes)
    label_language = language or given.get("lang") or _default_lang(canned) or "en"
    _emit(result, format_name, backend, vocabulary, label_language, width)


@cli.command("sparql")
@click.argument("query_or_file")
@_lang_option
@_format_option
@_endpoint_option
@_width_option
@click.pass_context
def sparql_command(
    ctx: click.Context,
    query_or_file: str,
    lang: str | None,
    format_name: str | None,
    endpoint: str | None,
    width: int,
) -> None:
    """Run an ad-hoc read-only query: its text, a file, or - for standard input."""
    text, source = _query_text(query_or_file)
    try:
        project: Project | None = _project(ctx)
    except ProjectError:
        if not endpoint:
            raise
        project = None  # a remote endpoint needs no project; prefixes are then unknown
    backend = open_backend(project, endpoint)
    vocabulary = project_vocabulary(project) if project else Vocabulary()
    result = backend.run(text, source=source)
    _emit(result, format_name, backend, vocabulary, _language(lang) or "en", width)


def _param_values(params: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in params:
        name, equals, value = item.partition("=")
        if not equals or not name.strip():
            raise QueryError(f"--param {item!r} is not NAME=VALUE", hint="e.g. --param lang=lv")
        if name.strip() in values:
            raise QueryError(f"--param {name.strip()} is given twice")
        values[name.strip()] = value
    return values


def _language(lang: str | None) -> str | None:
    if lang is None:
        return None
    try:
        return parse_value("lang", lang).value
    except ParameterValueError as err:
        raise QueryError(f"--lang: {err}", hint=PARAM_TYPES["lang"]) from None


def _default_lang(query: CannedQuery) -> str | None:
    parameter = query.parameter("lang")
    return parameter.default if parameter else None


def _query_text(argument: str) -> tuple[str, Path | None]:
    """The query of ``sdglod sparql``: standard input, a file, or the argument itself."""
    if argument == "-":
        return sys.stdin.read(), None
    path = Path(argument)
    if path.is_file():
        try:
            return path.read_text(encoding="utf-8"), path
        except (OSError, UnicodeDecodeError) as err:
            raise QueryError(f"cannot read the query: {err}") from None
    if not any(char.isspace() or char == "{" for char in argument):
        raise QueryError(
            f"no file named {argument!r}",
            hint="give a file, - for standard input, or the query text in quotes",
        )
    return argument, None


def _emit(
    result: Result,
    format_name: str | None,
    backend: Backend,
    vocabulary: Vocabulary,
    lang: str,
    width: int,
) -> None:
    """Write ``result`` to standard output in the chosen (or the natural) format."""
    fmt = result_format(format_name or ("ttl" if result.kind == "graph" else "table"))
    style = None
    if fmt.name == "table":
        style = TableStyle(fetch_labels(backend, iris_in(result), lang), width or None)
    out = sys.stdout.buffer
    write_result(result, fmt, out, vocabulary, style)
    out.flush()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sdglod")

"""``sdglod queries``, ``query`` and ``sparql``: canned and ad-hoc queries, on the embedded
store or a remote endpoint, as tables for people or in a results format for programs."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from ..errors import Location, ProjectError, QueryError, os_error
from ..project import Project
from ..query.backends import open_backend, project_vocabulary
from ..query.canned import (
    PARAM_TYPES,
    CannedQuery,
    ParameterValueError,
    list_values,
    parse_value,
    run_canned,
)
from ..query.catalogue import find_query, load_queries
from ..query.execute import Backend
from ..query.labels import fetch_labels, iris_in
from ..query.results import DEFAULT_WIDTH, Result, TableStyle, format_table, write_result
from ..rdf.formats import RESULT_FORMATS, result_format
from ..rdf.names import Vocabulary
from .group import cli, project_of
from .options import IRI, UNION_GRAPH_HELP, WEB_ADDRESS, allow_service_option

_format_option = click.option(
    "--format",
    "format_name",
    type=click.Choice(list(RESULT_FORMATS)),
    help="Output format (default: table; ttl for CONSTRUCT/DESCRIBE).",
)
_endpoint_option = click.option(
    "--endpoint",
    type=WEB_ADDRESS,
    metavar="URL",
    help="Query this SPARQL 1.1 endpoint instead of the embedded store.",
)
_union_graph_option = click.option("--union-graph", type=IRI, metavar="IRI", help=UNION_GRAPH_HELP)
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
    queries = load_queries(project_of(ctx))
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
@click.option(
    "--values",
    "values_of",
    metavar="PARAM",
    help="List the valid values of parameter PARAM instead of running the query.",
)
@_lang_option
@_format_option
@_endpoint_option
@_union_graph_option
@allow_service_option
@_width_option
@click.pass_context
def query_command(
    ctx: click.Context,
    name: str,
    params: tuple[str, ...],
    values_of: str | None,
    lang: str | None,
    format_name: str | None,
    endpoint: str | None,
    union_graph: str | None,
    allow_service: tuple[str, ...],
    width: int,
) -> None:
    """Run the canned query NAME (see `sdglod queries`)."""
    project = project_of(ctx)
    canned = find_query(load_queries(project), name)
    given = _param_values(params)
    language = _language(lang)
    if language and canned.parameter("lang") and "lang" not in given:
        given["lang"] = language
    backend = _backend(project, endpoint, union_graph)
    vocabulary = project_vocabulary(project)
    if values_of is not None:
        result = list_values(backend, canned, values_of, project.base, vocabulary.prefixes)
    else:
        prefixes = vocabulary.prefixes
        result = run_canned(backend, canned, given, project.base, prefixes, allow_service)
    label_language = language or given.get("lang") or _default_lang(canned) or "en"
    _emit(result, format_name, backend, vocabulary, label_language, width)


@cli.command("sparql")
@click.argument("query_or_file")
@_lang_option
@_format_option
@_endpoint_option
@_union_graph_option
@allow_service_option
@_width_option
@click.pass_context
def sparql_command(
    ctx: click.Context,
    query_or_file: str,
    lang: str | None,
    format_name: str | None,
    endpoint: str | None,
    union_graph: str | None,
    allow_service: tuple[str, ...],
    width: int,
) -> None:
    """Run an ad-hoc read-only query: its text, a file, or - for standard input.

    SERVICE (a federated query) is refused unless its endpoint is given with --allow-service.
    """
    text, source = _query_text(query_or_file)
    try:
        project: Project | None = project_of(ctx)
    except ProjectError:
        if not endpoint:
            raise
        project = None  # a remote endpoint needs no project; prefixes are then unknown
    backend = _backend(project, endpoint, union_graph)
    vocabulary = project_vocabulary(project) if project else Vocabulary()
    result = backend.run(text, source=source, allowed_services=allow_service)
    _emit(result, format_name, backend, vocabulary, _language(lang) or "en", width)


def _backend(project: Project | None, endpoint: str | None, union_graph: str | None) -> Backend:
    if union_graph and not endpoint:
        raise click.UsageError("--union-graph is a graph of a remote store: give --endpoint too")
    return open_backend(project, endpoint, union_graph)


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
    path = Path(argument)
    if argument == "-":
        if sys.stdin is None:
            raise QueryError("standard input is closed", hint="give the query or a file instead")
        text, source = _decoded(sys.stdin.buffer.read(), "standard input"), None
    elif argument.strip() and _holds(path.is_file):
        try:
            text, source = _decoded(path.read_bytes(), argument), path
        except OSError as err:
            raise os_error(err, path, "read") from None
    elif argument.strip() and _holds(path.is_dir):
        raise QueryError(f"{argument} is a folder", hint="give a query file, - or the query text")
    elif argument.strip() and not any(char.isspace() or char == "{" for char in argument):
        raise QueryError(
            f"no file named {argument!r}",
            hint="give a file, - for standard input, or the query text in quotes",
        )
    else:
        text, source = argument, None
    if not text.strip():
        where = Location(source) if source else None
        raise QueryError("the query is empty", where, hint="e.g. SELECT * WHERE { ?s ?p ?o }")
    return text, source


def _holds(check: Callable[[], bool]) -> bool:
    """``check()`` (a test of a path), false where the text cannot name a file at all."""
    try:
        return check()
    except (OSError, ValueError):  # a query longer than a file name may be, or with a NUL
        return False


def _decoded(data: bytes, where: str) -> str:
    """``data`` as UTF-8 text; an error at its line if it is not (a binary file, Latin-1)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise QueryError(
            f"the query is not UTF-8 text (byte {err.start})",
            Location(Path(where), line),
            "save the query as UTF-8",
        ) from None


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

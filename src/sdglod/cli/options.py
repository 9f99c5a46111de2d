"""Option types that refuse, by the option's name, values no command can use: a web address
that is none, a number of seconds that is not a positive number."""

from __future__ import annotations

import math

import click

from ..project import web_address_problem
from ..query.remote import redact

MAX_SECONDS = 86_400.0  # a day: a time limit longer than that is a typo, not a wish


class _WebAddress(click.ParamType):
    name = "url"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        text = str(value)
        problem = web_address_problem(text)
        if problem is not None:
            # redact: a URL may carry a password (publish --endpoint http://user:pw@…)
            self.fail(f"{redact(text)!r} is not an http(s) URL: {problem}", param, ctx)
        return text


class _Seconds(click.FloatRange):
    name = "seconds"

    def __init__(self) -> None:
        super().__init__(min=0, min_open=True, max=MAX_SECONDS)

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        seconds = super().convert(value, param, ctx)
        if math.isnan(seconds):  # nan compares false with both ends of the range
            self.fail("nan is not a number of seconds", param, ctx)
        return seconds


class _Iri(click.ParamType):
    name = "iri"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        from pyoxigraph import NamedNode

        try:
            return NamedNode(str(value)).value
        except ValueError as err:
            self.fail(f"{str(value)!r} is not an absolute IRI: {err}", param, ctx)


WEB_ADDRESS = _WebAddress()
IRI = _Iri()
UNION_GRAPH_HELP = (
    "With a remote store: its graph that holds the union of the project's graphs (such as a "
    "Virtuoso graph group), asked as the default graph instead of the list of them, which "
    "Virtuoso plans slowly. Checked at start."
)
SECONDS = _Seconds()

allow_service_option = click.option(
    "--allow-service",
    multiple=True,
    type=WEB_ADDRESS,
    metavar="URL",
    help="An endpoint that SERVICE (federated query) may call (repeatable; default: none).",
)

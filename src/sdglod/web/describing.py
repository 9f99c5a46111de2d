"""What the linked-data handlers share: a request's runtime and page language, and for pages
about resources, a resource's description, the context that names what it mentions, and the
page builder whose links keep the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin

from starlette.requests import Request

from .i18n import page_language
from .page_queries import Context, context_queries, describe_query, mentioned_iris
from .resources import PageBuilder
from .runtime import RUNTIME_KEY, Runtime
from .vocabulary import ui_vocabulary


def runtime_of(request: Request) -> Runtime:
    """The runtime this request is pinned to (its build, for the whole request)."""
    pinned = request.scope.get(RUNTIME_KEY)
    return pinned if pinned is not None else request.app.state.runtime


def public_root(runtime: Runtime) -> str:
    """The absolute URL of the site's root, for the few links that must be absolute (sitemap,
    robots.txt, the service description): ``--public-url``, else the base IRI, where the
    dataset's IRIs are dereferenced. Never a request's ``Host``: that is the client's to say."""
    root = runtime.config.public_url or runtime.base
    return root if root.endswith("/") else urljoin(root, "./")


def language_of(request: Request) -> str:
    """The page language: ``?lang=``, else the best of ``Accept-Language``."""
    return page_language(request.query_params.get("lang"), request.headers.get("accept-language"))


# Triples a batch of context_queries may give: bounded by the batch's IRIs (a few labels, types
# and codes each), so not the row limit, which an operator may set below what one batch says.
CONTEXT_ROWS = 200_000


async def describe(runtime: Runtime, iri: str) -> tuple[list, Context]:
    """What a page about ``iri`` needs: its description and the context to name things."""
    described = await runtime.graph(describe_query(iri), bounded=True)
    return described, await naming_context(runtime, mentioned_iris(described) | {iri})


async def naming_context(
    runtime: Runtime, iris: Iterable[str], timeout: float | None = None
) -> Context:
    """What the store says to name ``iris``: their labels, types, SDG codes and colours (one
    lookup per batch of :func:`~.page_queries.context_queries`, in the pages lane)."""
    triples: list = []
    for query in context_queries(iris):
        triples += await runtime.graph(query, timeout, bounded=True, rows=CONTEXT_ROWS)
    return Context.of(triples)


def link_language(request: Request, runtime: Runtime, lang: str) -> str | None:
    """The language links carry: the reader's explicit choice (``?lang=``), or on a static
    site always the page's (each language is a file of its own there)."""
    if runtime.config.static_site:
        return lang
    return lang if request.query_params.get("lang") else None


def builder(runtime: Runtime, lang: str, link_lang: str | None = None) -> PageBuilder:
    return PageBuilder(
        ui_vocabulary(),
        lang,
        dict(runtime.vocabulary.prefixes),
        dict(runtime.vocabulary.context),
        lambda iri: runtime.link(iri, link_lang),
    )

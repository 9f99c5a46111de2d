"""What the linked-data handlers share: a request's runtime and page language, and for pages
about resources, a resource's description, the context that names what it mentions, and the
page builder whose links keep the reader's language."""

from __future__ import annotations

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


async def describe(runtime: Runtime, iri: str) -> tuple[list, Context]:
    """What a page about ``iri`` needs: its description and the context to name things."""
    described = await runtime.graph(describe_query(iri), bounded=True)
    iris = mentioned_iris(described) | {iri}
    context_triples = []
    for query in context_queries(iris):
        context_triples += await runtime.graph(query, bounded=True)
    return described, Context.of(context_triples)


def merge_contexts(a: Context, b: Context) -> Context:
    """``a`` with what ``b`` says added (``b`` wins where both name a thing)."""
    a.labels.update(b.labels)
    a.types.update(b.types)
    a.codes.update(b.codes)
    a.goal_of.update(b.goal_of)
    a.colours.update(b.colours)
    return a


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

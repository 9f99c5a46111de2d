"""The files of a build for download and for crawlers: the dumps (with ETag and
Last-Modified), the VoID and DCAT-AP descriptions, the sitemap (an index of sitemaps past the
protocol's 50,000 URLs) and robots.txt."""

from __future__ import annotations

from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote

from pyoxigraph import Literal
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from ..describe.public_urls import (
    CATALOG_JSONLD_FILE,
    CATALOG_TURTLE_FILE,
    VOID_FILE,
    PublicUrls,
)
from ..rdf.formats import RDF_FORMATS, negotiate
from ..rdf.namespaces import DCT, SCHEMA
from .describing import language_of, public_root, runtime_of
from .endpoint import HTML
from .errors import HttpError
from .ldes import page_lastmod
from .pages import render
from .profiles import (
    ALTERNATES,
    Representation,
    alternates_response,
    choose_profile,
    neighbours,
    profile_headers,
)
from .runtime import Runtime, content_type

# The media type of a file of dist/: the RDF formats from their one table, plus the plain JSON
# (validation report) and XML files a build writes.
DUMP_MEDIA = {
    **{f.suffix: f.media_type for f in RDF_FORMATS.values()},
    ".json": "application/json",
    ".xml": "application/xml",
}


def dump_files(runtime: Runtime) -> list[dict]:
    """The build's dumps, by name: file, size, SHA-256 and media type."""
    files = []
    for name, entry in sorted(runtime.dumps.items()):
        suffix = Path(entry.file).suffix
        files.append(
            {
                "name": name,
                "file": entry.file,
                "bytes": entry.bytes,
                "sha256": entry.sha256,
                "media_type": DUMP_MEDIA.get(suffix, "application/octet-stream"),
            }
        )
    return files


async def dump_list(request: Request) -> Response:
    runtime = runtime_of(request)
    files = dump_files(runtime)
    if negotiate(request.headers.get("accept"), ["application/json", HTML]) == HTML:
        return render(
            "dumps.html", lang=language_of(request), request=request, runtime=runtime, dumps=files
        )
    return JSONResponse({"dumps": [{**f, "url": f"/dumps/{f['file']}"} for f in files]})


async def dump_file(request: Request) -> Response:
    """A file of the build's ``dist/``: ETag (its SHA-256), Last-Modified, 304s, media type."""
    runtime = runtime_of(request)
    name = request.path_params["name"]
    entry = next((e for e in runtime.dumps.values() if e.file == name), None)
    # Only a name the build lists reaches the file system: no other name (too long, NUL, ..)
    # can make an OSError out of a 404.
    path = runtime.dist_file(name) if entry is not None else None
    if entry is None or path is None:
        raise HttpError("not-found", f"there is no dump {name!r}", hint="the dumps are at /dumps/")
    etag = f'"{entry.sha256}"'
    modified = formatdate(path.stat().st_mtime, usegmt=True)
    headers = {
        "ETag": etag,
        "Last-Modified": modified,
        "Cache-Control": f"public, max-age={runtime.config.max_age}",
    }
    asked_etag = request.headers.get("if-none-match")
    asked_date = request.headers.get("if-modified-since")
    if (asked_etag is not None and etag in asked_etag) or (
        asked_etag is None and asked_date is not None and _not_newer(path, asked_date)
    ):
        return Response(status_code=304, headers=headers)
    media = DUMP_MEDIA.get(path.suffix, "application/octet-stream")
    return FileResponse(path, media_type=content_type(media), headers=headers)


def _not_newer(path: Path, asked: str) -> bool:
    try:
        since = parsedate_to_datetime(asked).timestamp()
    except (TypeError, ValueError):
        return False
    return int(path.stat().st_mtime) <= since


async def void(request: Request) -> Response:
    """The VoID description of the dataset (``/.well-known/void``, RFC 5785 / VoID §7)."""
    return _description(request, {"text/turtle": VOID_FILE})


CATALOG_MEDIA = {"text/turtle": CATALOG_TURTLE_FILE, "application/ld+json": CATALOG_JSONLD_FILE}


async def catalog(request: Request) -> Response:
    """The DCAT-AP catalogue record (``/catalog``): Turtle or JSON-LD by ``Accept``, in the
    DCAT-AP profile (``Content-Profile``); ``?_profile=alt`` lists its representations."""
    runtime = runtime_of(request)
    if runtime.dist_file(CATALOG_TURTLE_FILE) is None:
        raise HttpError("not-found", "this build has no such description")
    offer = {"dcat-ap": list(CATALOG_MEDIA), ALTERNATES: [*CATALOG_MEDIA, HTML]}
    token = choose_profile(request, list(offer), offer, runtime.base)
    every = [
        Representation("/catalog" + ("?_profile=alt" if t == ALTERNATES else ""), media, t)
        for t, media_types in offer.items()
        for media in media_types
    ]
    if token == ALTERNATES:
        media = negotiate(request.headers.get("accept"), offer[ALTERNATES])
        if media is None:
            raise HttpError("not-acceptable", f"offered: {', '.join(offer[ALTERNATES])}")
        here = next(r for r in every if r.token == token and r.media_type == media)
        headers = profile_headers(here, neighbours(every, here), offer, runtime.base)
        catalogue = PublicUrls(runtime.base).catalog
        return alternates_response(request, catalogue, every, media, headers)
    body, media, shown = _chosen_description(request, CATALOG_MEDIA)
    here = next(r for r in every if r.token == token and r.media_type == media)
    headers = profile_headers(here, neighbours(every, here), offer, runtime.base)
    return Response(body, media_type=content_type(shown), headers=headers)


def _description(request: Request, files: dict[str, str]) -> Response:
    body, _, shown = _chosen_description(request, files)
    return Response(body, media_type=content_type(shown), headers={"Vary": "Accept"})


def _chosen_description(request: Request, files: dict[str, str]) -> tuple[bytes, str, str]:
    """The file of ``files`` (by media type) that ``Accept`` prefers: its bytes, its media
    type and the media type it is shown as."""
    runtime = runtime_of(request)
    available = {m: f for m, f in files.items() if runtime.dist_file(f) is not None}
    if not available:
        raise HttpError("not-found", "this build has no such description")
    # Browsers get Turtle as text, which they show, rather than a download.
    accept = request.headers.get("accept")
    chosen = negotiate(accept, [*available, HTML, "text/plain"])
    if chosen is None:
        raise HttpError("not-acceptable", f"offered: {', '.join(available)}")
    media = chosen if chosen in available else "text/turtle"
    shown = "text/plain" if chosen in (HTML, "text/plain") and media == "text/turtle" else media
    found = runtime.dist_file(available.get(media, next(iter(available.values()))))
    assert found is not None
    return found.read_bytes(), media, shown


async def described_resources(runtime: Runtime) -> list[str]:
    """The IRIs under the base that the dataset describes (not their ``#parts``), in order:
    the resources that have pages. Read a page of the row limit at a time, each after the
    last IRI of the one before (keyset paging), so none is lost however many there are."""
    found: list[str] = []
    size = runtime.config.row_limit
    while True:
        after = f" && STR(?s) > {Literal(found[-1])}" if found else ""
        page = await runtime.select(
            "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "
            f'{Literal(runtime.base)}) && !CONTAINS(STR(?s), "#"){after}) }} '
            f"ORDER BY STR(?s) LIMIT {size}"
        )
        found.extend(row[0].value for row in page.rows)
        if len(page.rows) < size:
            return found


# The sitemaps protocol's limit of URLs in one sitemap; more make a sitemap index.
URLS_PER_SITEMAP = 50_000


async def _sitemap_urls(request: Request) -> list[tuple[str, str | None]]:
    """Every page a crawler should read (the landing page, the query list, each resource's
    page), each with the time it last changed: for a resource, its last release (from the
    release log); for the others, the last release. A project without releases gives the
    date of the data (the dataset's ``dct:modified``) to all."""
    runtime = runtime_of(request)
    root = public_root(runtime)
    resources = await described_resources(runtime)
    changed = page_lastmod(request)
    releases = runtime.build.manifest.releases if runtime.build is not None else ()
    if releases:
        latest: str | None = releases[-1].time
    else:
        modified = await runtime.select(
            f"SELECT (MAX(STR(?d)) AS ?m) WHERE {{ ?x a <{SCHEMA}Dataset> ; <{DCT}modified> ?d }}"
        )
        latest = modified.rows[0][0].value if modified.rows and modified.rows[0][0] else None
    urls = [(root, latest), (root + "queries", latest)]
    for iri in resources:
        url = root + quote(runtime.local_path(iri)[1:]) + ".html"
        urls.append((url, changed.get(iri) if releases else latest))
    return urls


def sitemap_parts(urls: int) -> int:
    """How many sitemaps ``urls`` URLs take: 0 if one sitemap holds them all (no index)."""
    return 0 if urls <= URLS_PER_SITEMAP else -(-urls // URLS_PER_SITEMAP)


def sitemap_part_path(number: int) -> str:
    """The path (without the leading slash) of sitemap ``number`` of an index."""
    return f"sitemap-{number}.xml"


def _xml_document(root: str, entries: list[tuple[str, str | None]], tag: str) -> Response:
    """A urlset (``tag`` "url") or a sitemap index (``tag`` "sitemap") of ``entries``: each
    a URL and when it last changed."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    lines.append(f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    for url, lastmod in entries:
        stamp = f"<lastmod>{_xml(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"  <{tag}><loc>{_xml(url)}</loc>{stamp}</{tag}>")
    lines.append(f"</{root}>")
    return Response("\n".join(lines) + "\n", media_type="application/xml; charset=utf-8")


def _latest(entries: list[tuple[str, str | None]]) -> str | None:
    return max((lastmod for _, lastmod in entries if lastmod), default=None)


async def sitemap(request: Request) -> Response:
    """Every resource page, the landing page and the query list, each with when it last
    changed; over :data:`URLS_PER_SITEMAP` URLs, a sitemap index of ``/sitemap-N.xml`` files
    instead."""
    urls = await _sitemap_urls(request)
    parts = sitemap_parts(len(urls))
    if not parts:
        return _xml_document("urlset", urls, "url")
    root = public_root(runtime_of(request))
    chunks = [
        urls[start : start + URLS_PER_SITEMAP] for start in range(0, len(urls), URLS_PER_SITEMAP)
    ]
    index = [(root + sitemap_part_path(n), _latest(c)) for n, c in enumerate(chunks, start=1)]
    return _xml_document("sitemapindex", index, "sitemap")


async def sitemap_part(request: Request) -> Response:
    """One sitemap of the index (``/sitemap-N.xml``, N from 1)."""
    number = request.path_params["number"]
    urls = await _sitemap_urls(request)
    parts = sitemap_parts(len(urls))
    if not 1 <= number <= parts:
        raise HttpError("not-found", f"there is no sitemap {number}", hint="see /sitemap.xml")
    chunk = urls[(number - 1) * URLS_PER_SITEMAP : number * URLS_PER_SITEMAP]
    return _xml_document("urlset", chunk, "url")


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


async def robots(request: Request) -> Response:
    root = public_root(runtime_of(request))
    text = (
        "User-agent: *\n"
        "Disallow: /sparql\n"  # queries cost CPU; crawlers get everything from the pages
        "Disallow: /queries/\n"
        "Allow: /\n"
        f"Sitemap: {root}sitemap.xml\n"
    )
    return Response(text, media_type="text/plain; charset=utf-8")

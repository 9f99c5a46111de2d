"""``sdglod export-static DIR``: the site as files, for hosting without a Python server.

The export asks the application itself for every page and document (in process, no socket),
so the files are exactly what the server would answer: the landing page, a page in Latvian
(``x.html``) and English (``x.en.html``) and four RDF documents per resource, every browse
page, the canned queries' results with their defaults, the dumps and descriptions, the
sitemap. The rules a web server needs for content negotiation (the 303 from an IRI to a
document) come as Apache ``.htaccess`` and an nginx snippet, for the root of a host (the pages
link to ``/id/…``); tests/test_export_servers.py runs both in the real servers. What needs a
server is left out: the SPARQL endpoint, queries with parameters of one's own and the chart of
one event.
"""

from __future__ import annotations

import asyncio
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..describe.public_urls import CATALOG_TURTLE_FILE, VOID_FILE
from ..errors import OutputError, os_error
from ..project import Project
from ..rdf.formats import RESULT_FORMATS
from .app import create_app
from .config import DEFAULT_ROW_LIMIT, ServerConfig
from .downloads import DUMP_MEDIA, described_resources, sitemap_part_path, sitemap_parts
from .i18n import LANGUAGES
from .landing import browse_page_link, browse_pages
from .linked_data import DOCUMENT_FORMATS
from .pages import STATIC, static_document
from .runtime import Runtime
from .security import apache_headers, nginx_headers


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote."""

    folder: Path
    files: int
    resources: int


async def _request(app: object, path: str, accept: str = "*/*") -> tuple[int, bytes]:
    """GET ``path`` from an ASGI app in process: the status and body."""
    target = urlsplit(path)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": target.path,
        "raw_path": target.path.encode(),
        "query_string": target.query.encode(),
        "root_path": "",
        "headers": [(b"host", b"localhost"), (b"accept", accept.encode())],
        "client": ("127.0.0.1", 0),
        "server": ("localhost", 80),
    }
    status = 0
    body = bytearray()
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, send)  # type: ignore[operator]
    return status, bytes(body)


class _Writer:
    def __init__(self, app: object, folder: Path):
        self.app = app
        self.folder = folder
        self.files = 0

    async def save(self, path: str, file: str) -> None:
        # A page is asked for as a browser asks (the dump and query lists are JSON otherwise).
        accept = "text/html" if file.endswith(".html") else "*/*"
        status, body = await _request(self.app, path, accept)
        if status != 200:
            raise RuntimeError(f"the export got HTTP {status} for {path}")
        self.write(file, body)

    def write(self, file: str, body: bytes) -> None:
        target = self.folder / file.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        self.files += 1

    async def save_pages(self, path: str, file: str) -> None:
        """The page at ``path`` (a URL path) in each language, as ``file`` (Latvian) and
        ``file.en``."""
        for lang in LANGUAGES:
            await self.save(f"{path}.html?lang={lang}", _page_file(file, lang))

    async def save_documents(self, local: str) -> None:
        """The pages and the RDF documents about one resource or named graph."""
        await self.save_pages(quote(local), local)
        for name in DOCUMENT_FORMATS:
            await self.save(f"{quote(local)}.{name}", f"{local}.{name}")


def _page_file(file: str, lang: str) -> str:
    return f"{file}{'.en' if lang == 'en' else ''}.html"


async def _export(project: Project, folder: Path, row_limit: int) -> ExportSummary:
    config = ServerConfig(
        project_root=project.root, static_site=True, query_workers=1, row_limit=row_limit
    )
    app = create_app(config)
    runtime = app.state.runtime
    writer = _Writer(app, folder)
    async with app.router.lifespan_context(app):
        for lang in LANGUAGES:
            await writer.save(f"/?lang={lang}", static_document("/", lang))
        resources = await _save_linked_data(writer, runtime)
        await _save_queries(writer, runtime)
        await _save_downloads(writer, runtime, resources)
    for asset in sorted(STATIC.iterdir()):
        if not asset.is_file():
            continue  # vendor/: the query editor, and a static site has no query page
        writer.write(f"/static/{asset.name}", asset.read_bytes())
    writer.write("/.htaccess", HTACCESS.encode())
    writer.write("/nginx.conf", NGINX.encode())
    return ExportSummary(folder, writer.files, resources)


async def _save_linked_data(writer: _Writer, runtime: Runtime) -> int:
    """Every resource's and named graph's pages and documents, and every browse page of every
    type; the number of resources."""
    resources = await described_resources(runtime)
    for iri in resources:
        await writer.save_documents(runtime.local_path(iri))
    for graph in sorted(runtime.graph_sizes):
        local = runtime.local_path(graph)
        if local is None:
            continue  # a graph named outside the base is not ours to publish
        await writer.save_documents(local)
    for type_iri, pages in await browse_pages(runtime):
        for page in range(1, pages + 1):
            for lang in LANGUAGES:
                await writer.save(
                    browse_page_link(runtime, type_iri, lang, page, static=False),
                    browse_page_link(runtime, type_iri, lang, page),
                )
    return len(resources)


async def _save_queries(writer: _Writer, runtime: Runtime) -> None:
    """The query list, and each canned query's page and results with its defaults."""
    for lang in LANGUAGES:
        await writer.save(f"/queries/?lang={lang}", static_document("/queries/", lang))
    for name, query in sorted(runtime.queries.items()):
        await writer.save_pages(f"/queries/{name}", f"/queries/{name}")
        graph = query.form not in ("SELECT", "ASK")
        for suffix in ("ttl", "jsonld", "nt", "rdf") if graph else ("json", "csv", "tsv", "xml"):
            await writer.save(f"/queries/{name}.{suffix}", f"/queries/{name}.{suffix}")


async def _save_downloads(writer: _Writer, runtime: Runtime, resources: int) -> None:
    """The dump list and files, the sitemap (with its parts, past the URLs one may hold; the
    landing page and query list are in it too), robots.txt and the VoID and DCAT-AP
    documents."""
    for lang in LANGUAGES:
        await writer.save(f"/dumps/?lang={lang}", static_document("/dumps/", lang))
    for entry in runtime.dumps.values():
        dump = runtime.dist_file(entry.file)
        if dump is not None:
            writer.write(f"/dumps/{entry.file}", dump.read_bytes())
    for path in ("/sitemap.xml", "/robots.txt"):
        await writer.save(path, path)
    for number in range(1, sitemap_parts(resources + 2) + 1):
        path = "/" + sitemap_part_path(number)
        await writer.save(path, path)
    if runtime.dist_file(VOID_FILE) is not None:
        await writer.save("/.well-known/void", "/.well-known/void")
    if runtime.dist_file(CATALOG_TURTLE_FILE) is not None:
        await writer.save("/catalog", "/catalog")  # Turtle; .htaccess gives its type
    await _save_stream(writer, runtime)


async def _save_stream(writer: _Writer, runtime: Runtime) -> None:
    """The event stream's documents, each in Turtle and JSON-LD, under ``ldes-pages/``
    (``stream``, ``view``, ``release/N/P``, ``context.jsonld``): the server rules serve them
    at ``/ldes``, ``/ldes/view`` and ``/ldes/release/N/P`` by Accept. Not in a folder ``ldes/``,
    which would make ``/ldes`` a folder's address (Apache would redirect it to ``/ldes/``)."""
    releases = runtime.build.manifest.releases if runtime.build is not None else ()
    if not releases:
        return
    names = {"/ldes": "stream", "/ldes/view": "view"}
    for r in releases:
        pages = range(1, r.pages + 1)
        names.update({f"/ldes/release/{r.number}/{p}": f"release/{r.number}/{p}" for p in pages})
    for path, name in names.items():
        for suffix in ("ttl", "jsonld"):
            await writer.save(f"{path}.{suffix}", f"{STREAM_FILES}/{name}.{suffix}")
    await writer.save("/ldes/context.jsonld", f"{STREAM_FILES}/context.jsonld")


def export_static(
    project: Project, folder: Path, *, row_limit: int = DEFAULT_ROW_LIMIT
) -> ExportSummary:
    """Write the site of ``project``'s current build into ``folder``: a new or empty folder,
    or an earlier export, which is emptied first (anything else is refused, never emptied).
    ``row_limit`` is the server's: what the pages read a query at a time (every resource is
    exported whatever it is)."""
    _empty_for_export(folder, project)
    try:
        return asyncio.run(_export(project, folder, row_limit))
    except OSError as err:
        raise os_error(err, err.filename or folder) from None


def _empty_for_export(folder: Path, project: Project) -> None:
    """Make ``folder`` an empty folder to export into, or raise an :class:`OutputError`."""
    try:
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"{folder} is a file, not a folder", hint="give a folder")
        children = sorted(folder.iterdir()) if folder.exists() else []
        if children and not _is_export(folder):
            inside = folder.resolve() in (project.root, *project.root.parents)
            raise OutputError(
                f"{folder} is not empty and holds no earlier export"
                + (" (it holds the project itself)" if inside else "")
                + ": the export empties its folder first",
                hint="give a new or empty folder, or one an earlier export-static wrote",
            )
        for child in children:
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise os_error(err, folder) from None


def _is_export(folder: Path) -> bool:
    """Whether ``folder`` holds what an earlier export wrote (its ``.htaccess`` says so)."""
    try:
        with (folder / ".htaccess").open(encoding="utf-8") as rules:
            return rules.readline() == HTACCESS.partition("\n")[0] + "\n"
    except (OSError, UnicodeDecodeError):
        return False


STREAM_FILES = "ldes-pages"  # the folder of the event stream's documents in an export

# The media type of every suffix the export writes, as `sdglod serve` sends it: the dumps' table
# (the RDF formats, the validation report's .json, .xml) and the pages and their assets. Both
# servers' rules come from it, and name every type themselves (no system mime.types needed).
MEDIA_TYPES: dict[str, str] = {
    **{suffix.lstrip("."): media for suffix, media in DUMP_MEDIA.items()},
    "html": "text/html",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "txt": "text/plain",
    "css": "text/css",
    "js": "text/javascript",
    "svg": "image/svg+xml",
}
# Under /queries/ the files are query results: there .json and .xml are SPARQL results.
QUERY_MEDIA_TYPES: dict[str, str] = {
    **MEDIA_TYPES,
    **{f.suffix.lstrip("."): f.media_type for f in RESULT_FORMATS.values()},
}
# An IRI the data mints (a path of the site with no file of its own): things under id/, the
# named graphs under graph/ and the ontology. A path with a document's suffix is a document,
# never an IRI: if it is missing it is 404, not a 303 to x.ttl.ttl (and on and on).
_IRI = "(?!.*\\.(?:{})$)(?:(?:id|graph)/.+|ontology)".format("|".join(("html", *DOCUMENT_FORMATS)))
_APACHE_IRI = f"^({_IRI})$"
_NGINX_IRI = f"^/{_IRI}$"
# Accept → the document's suffix, in order of preference; anything else gets the HTML page.
_NEGOTIATED = (
    ("text/turtle", "ttl"),
    ("application/ld\\+json", "jsonld"),
    ("application/n-triples", "nt"),
    ("application/rdf\\+xml", "rdf"),
)


def _apache_rules() -> str:
    types = "\n".join(f"AddType {media} .{suffix}" for suffix, media in MEDIA_TYPES.items())
    queries = "\n".join(
        f"  AddType {media} .{suffix}"
        for suffix, media in QUERY_MEDIA_TYPES.items()
        if MEDIA_TYPES.get(suffix) != media
    )
    charset = " ".join(f".{suffix}" for suffix in QUERY_MEDIA_TYPES)
    negotiation = "\n".join(
        "RewriteCond %{REQUEST_FILENAME} !-f\n"
        + (f"RewriteCond %{{HTTP_ACCEPT}} {accept} [NC]\n" if accept else "")
        + f"RewriteRule {_APACHE_IRI} /$1.{suffix} [R=303,L]"
        for accept, suffix in (*_NEGOTIATED, ("", "html"))
    )
    return (
        _HTACCESS.replace("{types}", types)
        .replace("{queries}", queries)
        .replace("{charset}", charset)
        .replace("{negotiation}", negotiation)
        .replace("{security}", textwrap.dedent(apache_headers()))
    )


def _nginx_types(types: dict[str, str], indent: str) -> str:
    return "\n".join(f"{indent}{media} {suffix};" for suffix, media in types.items())


def _nginx_rules() -> str:
    # The last `if` that matches wins, so the most preferred type comes last.
    negotiation = "\n".join(
        f'    if ($http_accept ~* "{accept}") {{ set $sdglod_document {suffix}; }}'
        for accept, suffix in reversed(_NEGOTIATED)
    )
    # nginx always counts text/html in, and warns when it is named.
    charset_types = sorted(set(QUERY_MEDIA_TYPES.values()) - {"text/html"})
    return (
        _NGINX.replace("{types}", _nginx_types(MEDIA_TYPES, "    "))
        .replace("{query_types}", _nginx_types(QUERY_MEDIA_TYPES, "        "))
        .replace("{charset_types}", " ".join(charset_types))
        .replace("{iri}", _NGINX_IRI)
        .replace("{negotiation}", negotiation)
        .replace("{security}", nginx_headers())
    )


# The first line says "an sdglod export" (see _is_export): keep it as it is.
_HTACCESS = r"""# Apache rules for an sdglod static export (mod_rewrite, mod_headers, mod_mime).
# IRIs name things; asking for one gives 303 See Other to a document about it, chosen by
# Accept (Cool URIs). Documents: x.html (Latvian), x.en.html (English), x.ttl, x.jsonld,
# x.nt, x.rdf. The export must be the root of its host (a virtual host of its own): its pages
# link to /id/…, /static/… and these rules redirect to /….

{types}
AddCharset utf-8 {charset}
<If "%{REQUEST_URI} =~ m#^/queries/#">
{queries}
</If>
# No suffix: the VoID and DCAT-AP descriptions (/.well-known/void, /catalog) are Turtle.
<FilesMatch "^(void|catalog)$">
  ForceType "text/turtle; charset=utf-8"
</FilesMatch>

RewriteEngine On

# The server rules are not part of the site.
RewriteRule ^(\.htaccess|nginx\.conf)$ - [R=404,L]

# ?lang=en on a page gives its English file (the address stays). Not on the English file
# itself: Apache runs these rules again on the rewritten path, which would loop.
RewriteCond %{QUERY_STRING} (^|&)lang=en(&|$)
RewriteCond %{REQUEST_URI} !\.en\.html$
RewriteRule ^(.*)\.html$ /$1.en.html [L]

# The event stream's documents are files of ldes-pages/ (stream, view, release/N/P, each .ttl
# and .jsonld), served at their own addresses by Accept: a rewrite, not a redirect, since an
# LDES client wants each page at the address the links name.
RewriteCond %{HTTP_ACCEPT} application/ld\+json [NC]
RewriteRule ^ldes$ /ldes-pages/stream.jsonld [L]
RewriteRule ^ldes$ /ldes-pages/stream.ttl [L]
RewriteCond %{HTTP_ACCEPT} application/ld\+json [NC]
RewriteRule ^ldes/(view|release/[0-9]+/[0-9]+)$ /ldes-pages/$1.jsonld [L]
RewriteRule ^ldes/(view|release/[0-9]+/[0-9]+)$ /ldes-pages/$1.ttl [L]
RewriteRule ^ldes\.(ttl|jsonld)$ /ldes-pages/stream.$1 [L]
RewriteRule ^ldes/(.+\.(?:ttl|jsonld))$ /ldes-pages/$1 [L]

# An IRI (no file of that name): 303 to the document the client accepts, the query kept
# (?lang=en). The target starts with "/": a relative one would be read from this file's
# folder on disk, and the redirect would show the server's path.
{negotiation}

# On every answer, the 303s and errors too ("always"). Not in <IfModule>: without mod_headers
# the site must fail loudly, not be served without its security headers.
Header always merge Vary Accept
Header always set Access-Control-Allow-Origin "*"
# The headers sdglod serve sends: no script but the site's own, no framing, no sniffing.
{security}
"""

_NGINX = r"""# nginx rules for an sdglod static export: include this file in the server { } block
# whose root is the export folder, at the root of its host (the pages link to /id/…,
# /static/… and the redirects go to /…). IRIs get 303 See Other to a document by Accept
# (Cool URIs).

types {
{types}
}
charset utf-8;
charset_types {charset_types};
# A redirect names the path only: behind a proxy nginx does not know the reader's scheme,
# host and port.
absolute_redirect off;
add_header Vary Accept always;
add_header Access-Control-Allow-Origin * always;
# The headers sdglod serve sends: no script but the site's own, no framing, no sniffing.
# (nginx drops these in a location that has add_header of its own: repeat them there.)
{security}

# The server rules are not part of the site.
location = /nginx.conf { return 404; }
location = /.htaccess { return 404; }
# No suffix: the VoID and DCAT-AP descriptions are Turtle.
location = /.well-known/void { default_type text/turtle; }
location = /catalog { default_type text/turtle; }
# Query results: there .json and .xml are SPARQL results.
location /queries/ {
    types {
{query_types}
    }
}

# ?lang=en on a page gives its English file. Before the IRIs: nginx tries regular
# expressions in order, and /id/x.html must reach this one.
location ~ "^(?<sdglod_page>.+?)(?:\.en)?\.html$" {
    if ($arg_lang = "en") { rewrite ^ $sdglod_page.en.html break; }
}

# The event stream's documents are files of ldes-pages/ (stream, view, release/N/P, each .ttl
# and .jsonld), served at their own addresses by Accept: a rewrite, not a redirect, since an
# LDES client wants each page at the address the links name.
location = /ldes {
    set $sdglod_stream ttl;
    if ($http_accept ~* "application/ld\+json") { set $sdglod_stream jsonld; }
    rewrite ^ /ldes-pages/stream.$sdglod_stream last;
}
location ~ "^/ldes/(?<sdglod_ldes_page>view|release/[0-9]+/[0-9]+)$" {
    set $sdglod_stream ttl;
    if ($http_accept ~* "application/ld\+json") { set $sdglod_stream jsonld; }
    rewrite ^ /ldes-pages/$sdglod_ldes_page.$sdglod_stream last;
}
location ~ "^/ldes\.(?<sdglod_ldes_suffix>ttl|jsonld)$" {
    rewrite ^ /ldes-pages/stream.$sdglod_ldes_suffix last;
}
location ~ "^/ldes/(?<sdglod_ldes_file>.+\.(?:ttl|jsonld))$" {
    rewrite ^ /ldes-pages/$sdglod_ldes_file last;
}

# An IRI: a file of that name (a document, x.ttl) is served; the IRI itself gets 303 See Other
# to the document the client accepts.
location ~ "{iri}" {
    try_files $uri @sdglod_iri;
}
location @sdglod_iri {
    # Variables, not $1: every regular expression of an `if` resets $1.
    set $sdglod_document html;
{negotiation}
    # The path as the client sent it (still percent-encoded) and its query (?lang=en).
    if ($request_uri ~ "^(?<sdglod_path>/[^?]*)") {
        return 303 $sdglod_path.$sdglod_document$is_args$args;
    }
    return 404;
}
"""

HTACCESS = _apache_rules()
NGINX = _nginx_rules()

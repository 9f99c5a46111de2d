"""``sdglod export-static DIR``: the site as files, for hosting without a Python server.

The export asks the application itself for every page and document (in process, no socket),
so the files are exactly what the server would answer: the landing page, a page in Latvian
(``x.html``) and English (``x.en.html``) and four RDF documents per resource, every browse
page, the canned queries' results with their defaults, the dumps and descriptions, the
sitemap. The rules a web server needs for content negotiation (the 303 from an IRI to a
document) come as Apache ``.htaccess`` and an nginx snippet. What needs a server is left out:
the SPARQL endpoint, queries with parameters of one's own and the chart of one event.
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..describe.public_urls import CATALOG_TURTLE_FILE, VOID_FILE
from ..errors import OutputError, os_error
from ..project import Project
from .app import create_app
from .config import DEFAULT_ROW_LIMIT, ServerConfig
from .downloads import described_resources, sitemap_part_path, sitemap_parts
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


HTACCESS = r"""# Apache rules for an sdglod static export (mod_rewrite, mod_headers, mod_mime).
# IRIs name things; asking for one gives 303 See Other to a document about it, chosen by
# Accept (Cool URIs). Documents: x.html (Latvian), x.en.html (English), x.ttl, x.jsonld,
# x.nt, x.rdf. Publish the export at the root of its host.

AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/n-triples .nt
AddType application/n-quads .nq
AddType application/trig .trig
AddType application/rdf+xml .rdf
AddType application/sparql-results+json .json
AddCharset utf-8 .html .ttl .jsonld .nt .nq .trig .rdf .csv .json .xml

<FilesMatch "^(void|catalog)$">
  ForceType text/turtle
</FilesMatch>

RewriteEngine On

# ?lang=en on a page gives its English file.
RewriteCond %{QUERY_STRING} (^|&)lang=en(&|$)
RewriteCond %{REQUEST_FILENAME} \.html$
RewriteRule ^(.*?)(\.en)?\.html$ $1.en.html [L]

# An IRI (no file of that name): 303 to the document the client accepts.
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteRule ^((id/.*)|(graph/.*)|ontology)$ $1.ttl [R=303,L]
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{HTTP_ACCEPT} application/ld\+json
RewriteRule ^((id/.*)|(graph/.*)|ontology)$ $1.jsonld [R=303,L]
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{HTTP_ACCEPT} application/n-triples
RewriteRule ^((id/.*)|(graph/.*)|ontology)$ $1.nt [R=303,L]
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{HTTP_ACCEPT} application/rdf\+xml
RewriteRule ^((id/.*)|(graph/.*)|ontology)$ $1.rdf [R=303,L]
RewriteCond %{REQUEST_FILENAME} !-f
RewriteRule ^((id/.*)|(graph/.*)|ontology)$ $1.html [R=303,L]

<IfModule mod_headers.c>
  Header append Vary Accept
  Header set Access-Control-Allow-Origin "*"
  # The headers sdglod serve sends: no script but the site's own, no framing, no sniffing.
{security}
</IfModule>
""".replace("{security}", apache_headers())

NGINX = r"""# nginx rules for an sdglod static export: put inside the server { } block whose root is
# the export folder. IRIs get 303 See Other to a document by Accept (Cool URIs).

types {
    text/html html;
    text/turtle ttl;
    application/ld+json jsonld;
    application/n-triples nt;
    application/n-quads nq;
    application/trig trig;
    application/rdf+xml rdf;
    application/sparql-results+json json;
    text/csv csv;
    application/xml xml;
    text/css css;
    application/javascript js;
    image/svg+xml svg;
    text/plain txt;
}
charset utf-8;
charset_types text/turtle application/ld+json application/n-triples text/csv;
add_header Vary Accept always;
add_header Access-Control-Allow-Origin * always;
# The headers sdglod serve sends: no script but the site's own, no framing, no sniffing.
# (nginx drops these in a location that has add_header of its own: repeat them there.)
{security}

location = /.well-known/void { default_type text/turtle; }
location = /catalog { default_type text/turtle; }

location ~ ^/((id/.*)|(graph/.*)|ontology)$ {
    # A file of that exact name wins (none has one: documents have an extension).
    if ($http_accept ~* "text/turtle") { return 303 /$1.ttl; }
    if ($http_accept ~* "application/ld\+json") { return 303 /$1.jsonld; }
    if ($http_accept ~* "application/n-triples") { return 303 /$1.nt; }
    if ($http_accept ~* "application/rdf\+xml") { return 303 /$1.rdf; }
    return 303 /$1.html;
}

location ~ ^(?<page>.*?)(\.en)?\.html$ {
    if ($arg_lang = "en") { rewrite ^ $page.en.html break; }
}
""".replace("{security}", nginx_headers())

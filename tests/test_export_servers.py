"""The static export served by real web servers: nginx 1.22 with the export's ``nginx.conf`` in
its ``server`` block, Apache 2.4 with the export's ``.htaccess`` — each started on loopback from
a configuration of its own (tests/webservers.py), over one export of the real project.

Every IRI the data mints answers 303 to the document the client accepts, on the same host; the
documents, pages, dumps and descriptions answer 200 with their media types; every answer has the
security headers; none shows where the export lies on disk; and a crawl from ``/`` finds no
broken link.
"""

from __future__ import annotations

import mimetypes
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import httpx
import pytest
from crawl import crawl, minted
from pyoxigraph import RdfFormat, parse
from webservers import SERVERS, WebServer

from sdglod.rdf.formats import RDF_FORMATS, RESULT_FORMATS
from sdglod.web.downloads import DUMP_MEDIA
from sdglod.web.export import STREAM_FILES, export_static
from sdglod.web.runtime import content_type
from sdglod.web.security import SECURITY_HEADERS

# What Firefox sends for a page.
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# Accept → the suffix of the document the 303 must lead to (None: no Accept header at all).
ACCEPTS = {
    "turtle": ("text/turtle", "ttl"),
    "json-ld": ("application/ld+json", "jsonld"),
    "n-triples": ("application/n-triples", "nt"),
    "rdf-xml": ("application/rdf+xml", "rdf"),
    "turtle-preferred": ("application/rdf+xml;q=0.5, text/turtle", "ttl"),
    "html": ("text/html", "html"),
    "browser": (FIREFOX, "html"),
    "anything": ("*/*", "html"),
    "none": (None, "html"),
}
DOCUMENT_MEDIA = {"html": "text/html", **{f.suffix[1:]: f.media_type for f in RDF_FORMATS.values()}}


# --- one export, each server once ------------------------------------------------------------


@pytest.fixture(scope="module")
def site(built) -> Iterator[Path]:
    """One export of the real project, in a folder of its own that the servers' workers (which
    run as nobody when started as root) can read; removed at the end."""
    folder = Path(tempfile.mkdtemp(prefix="sdglod-static-"))
    try:
        folder.chmod(0o755)
        export_static(built[0], folder / "site")
        yield folder / "site"
    finally:
        shutil.rmtree(folder)


@pytest.fixture(scope="module", params=sorted(SERVERS))
def server(request, site) -> Iterator[WebServer]:
    web_server = SERVERS[request.param](site, site.parent / request.param)
    try:
        web_server.binary()
    except RuntimeError as missing:
        pytest.skip(f"{missing}: the static export is not tested with {web_server.name}")
    web_server.start()
    try:
        yield web_server
    finally:
        web_server.stop()


@pytest.fixture(scope="module")
def client(server, site) -> Iterator[httpx.Client]:
    """An HTTP client of the server that follows no redirect and checks every answer: no header
    and no body may show the export's folder on disk."""
    on_disk = str(site.parent).encode()

    def no_path_on_disk(response: httpx.Response) -> None:
        response.read()
        where = f"{response.request.method} {response.request.url} ({response.status_code})"
        for name, value in response.headers.raw:
            assert on_disk not in value, f"{where}: header {name.decode()} shows the disk path"
        assert on_disk not in response.content, f"{where}: the body shows the disk path"

    with httpx.Client(
        base_url=server.base_url,
        follow_redirects=False,
        trust_env=False,  # loopback, never through a proxy
        timeout=10,
        event_hooks={"response": [no_path_on_disk]},
    ) as http:
        yield http


@pytest.fixture(scope="module")
def iris(built, store) -> list[str]:
    """Every IRI the data mints, and the named graphs under the base: the export has pages and
    documents for each."""
    base = built[0].base
    graphs = store.query("SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")
    named = {row["g"].value for row in graphs if row["g"].value.startswith(base)}
    return sorted(minted(store, base) | named)


def local(iri: str, base: str) -> str:
    """The URL path of ``iri`` on the site (its base is the host's root)."""
    return "/" + quote(iri[len(base) :])


def get(client: httpx.Client, path: str, accept: str | None = "*/*") -> httpx.Response:
    """GET ``path`` with that Accept header (``None``: none at all, not even httpx's own)."""
    request = client.build_request("GET", path)
    if accept is None:
        del request.headers["accept"]
    else:
        request.headers["accept"] = accept
    return client.send(request)


def same_site_path(response: httpx.Response) -> str:
    """The path (and query) a redirect leads to, checked to stay on the host that answered."""
    location = response.headers["location"]
    asked = response.request.url
    target = urlsplit(urljoin(str(asked), location))
    assert (target.scheme, target.netloc) == (asked.scheme, asked.netloc.decode()), location
    assert urlsplit(location).path.startswith("/") and not location.startswith("//"), location
    return target.path + (f"?{target.query}" if target.query else "")


def header_problems(response: httpx.Response) -> list[str]:
    """What is missing of the headers every answer must have."""
    problems = [
        f"{name}: {response.headers.get(name)!r}"
        for name, value in SECURITY_HEADERS.items()
        if response.headers.get(name) != value
    ]
    if response.headers.get("access-control-allow-origin") != "*":
        problems.append("no Access-Control-Allow-Origin: *")
    if "accept" not in response.headers.get("vary", "").lower():
        problems.append(f"Vary: {response.headers.get('vary')!r}")
    return [f"{response.request.url.path} ({response.status_code}): {p}" for p in problems]


def type_problems(response: httpx.Response, media: str) -> list[str]:
    """Why the answer's Content-Type is not ``media`` as sdglod serve sends it, with a charset
    wherever sdglod serve gives one (else a Latvian page or CSV file reads as Windows-1252)."""
    got = response.headers.get("content-type", "")
    media_type, _, parameters = got.partition(";")
    if media_type.strip() != media:
        return [f"{response.request.url.path}: {got!r}, not {media}"]
    if "charset" in content_type(media) and "charset=utf-8" not in parameters.lower():
        return [f"{response.request.url.path}: {got!r} has no charset=utf-8"]
    return []


# --- IRIs: 303 to the document the client accepts ---------------------------------------------


@pytest.mark.parametrize("accept", list(ACCEPTS))
def test_every_iri_gives_303_to_the_document_the_client_accepts(client, site, built, iris, accept):
    header, suffix = ACCEPTS[accept]
    base = built[0].base
    problems: list[str] = []
    for iri in iris:
        path = local(iri, base)
        redirect = get(client, path, header)
        if redirect.status_code != 303:
            problems.append(f"{path}: {redirect.status_code}, not 303")
            continue
        problems += header_problems(redirect)
        target = same_site_path(redirect)
        if target != f"{path}.{suffix}":
            problems.append(f"{path} → {target}, not {path}.{suffix}")
            continue
        document = get(client, target, header)
        if document.status_code != 200:
            problems.append(f"{target}: {document.status_code}")
            continue
        problems += header_problems(document) + type_problems(document, DOCUMENT_MEDIA[suffix])
        file = site / f"{iri[len(base) :]}.{suffix}"
        if document.content != file.read_bytes():
            problems.append(f"{target} is not the file {file.name}")
    assert iris, "the data mints no IRI"
    assert not problems, "\n".join(problems)


def test_lang_en_gives_the_english_page(client, site, built, iris):
    base = built[0].base
    for iri in iris:
        path, english = local(iri, base), (site / f"{iri[len(base) :]}.en.html").read_bytes()
        page = get(client, f"{path}.html?lang=en", FIREFOX)
        assert page.status_code == 200 and page.content == english, path
        assert b'<html lang="en">' in page.content
        # The IRI itself, asked for in English, leads to the English page.
        redirect = get(client, f"{path}?lang=en", FIREFOX)
        assert redirect.status_code == 303, path
        assert get(client, same_site_path(redirect), FIREFOX).content == english, path
    latvian = get(client, f"{local(iris[0], base)}.html", FIREFOX)
    assert b'<html lang="lv">' in latvian.content  # without ?lang the page stays Latvian
    for folder in ("/", "/queries/", "/dumps/"):
        page = get(client, f"{folder}?lang=en", FIREFOX)
        assert page.status_code == 200, folder
        assert page.content == (site / folder.lstrip("/") / "index.en.html").read_bytes()
        assert (
            get(client, folder, FIREFOX).content
            == (site / folder.lstrip("/") / "index.html").read_bytes()
        )


# --- files: dumps, descriptions, query results, assets -------------------------------------------


def expected_media(file: str) -> str:
    """The media type sdglod serve gives the page or file the export wrote as ``file``."""
    suffix = Path(file).suffix
    if file in (".well-known/void", "catalog"):
        return "text/turtle"
    if suffix == ".html":
        return "text/html"
    if file.startswith("dumps/"):
        return DUMP_MEDIA[suffix]
    if file.startswith("queries/"):
        return next(f.media_type for f in RESULT_FORMATS.values() if f.suffix == suffix)
    if file.startswith("static/"):
        return mimetypes.guess_type(file)[0] or ""  # what Starlette's StaticFiles sends
    if file.startswith("sitemap"):
        return "application/xml"
    if file == "robots.txt":
        return "text/plain"
    return DOCUMENT_MEDIA[suffix[1:]]


def test_dumps_and_descriptions_are_served_with_their_types(client, site):
    dumps = sorted(f.name for f in (site / "dumps").iterdir())
    assert "dataset.ttl" in dumps and "dataset.nq" in dumps
    problems: list[str] = []
    for name in dumps:
        answer = get(client, f"/dumps/{name}")
        assert answer.status_code == 200, name
        assert answer.content == (site / "dumps" / name).read_bytes(), name
        problems += type_problems(answer, expected_media(f"dumps/{name}"))
        problems += header_problems(answer)
    assert not problems, "\n".join(problems)
    for path, kind in (
        ("/.well-known/void", "http://rdfs.org/ns/void#Dataset"),
        ("/catalog", "http://www.w3.org/ns/dcat#Catalog"),
    ):
        answer = get(client, path, "text/turtle")
        assert answer.status_code == 200, path
        assert not type_problems(answer, "text/turtle") + header_problems(answer)
        triples = list(parse(answer.content, format=RdfFormat.TURTLE))
        assert any(t.object.value == kind for t in triples), path


def test_every_file_of_the_export_is_served_with_its_type(client, site):
    files = sorted(
        str(f.relative_to(site))
        for f in site.rglob("*")
        if f.is_file() and f.name not in (".htaccess", "nginx.conf")
    )
    assert len(files) > 400
    problems: list[str] = []
    for file in files:
        answer = get(client, "/" + quote(file))
        if answer.status_code != 200 or answer.content != (site / file).read_bytes():
            problems.append(f"{file}: {answer.status_code}, not the file")
            continue
        problems += type_problems(answer, expected_media(file)) + header_problems(answer)
    assert not problems, "\n".join(problems)


def test_the_event_stream_is_served_at_its_own_addresses_by_accept(client, site, built):
    releases = built[1].manifest.releases
    assert releases, "the project has no release: run `sdglod release` and commit the log"
    names = {"/ldes": "stream", "/ldes/view": "view"}
    for r in releases:
        pages = range(1, r.pages + 1)
        names.update({f"/ldes/release/{r.number}/{p}": f"release/{r.number}/{p}" for p in pages})
    for path, name in names.items():
        for accept, suffix in (("text/turtle", "ttl"), ("application/ld+json", "jsonld")):
            file = site / STREAM_FILES / f"{name}.{suffix}"
            for asked, how in ((path, accept), (f"{path}.{suffix}", "*/*")):
                answer = get(client, asked, how)
                assert answer.status_code == 200, (asked, how)
                assert answer.content == file.read_bytes(), (asked, how)
                problems = type_problems(answer, DOCUMENT_MEDIA[suffix]) + header_problems(answer)
                assert not problems, (asked, problems)
    context = get(client, "/ldes/context.jsonld")
    assert context.status_code == 200
    assert context.content == (site / STREAM_FILES / "context.jsonld").read_bytes()


# --- what is not the site ---------------------------------------------------------------------


def test_unknown_iris_and_server_rules_are_not_found_and_show_no_disk_path(client):
    # The client's hook checks every answer for the disk path: here the redirects and errors
    # (Apache's 303 used to lead to /<the export's folder>/id/….ttl).
    redirect = get(client, "/id/event/no-such-event", "text/turtle")
    assert redirect.status_code == 303
    assert same_site_path(redirect) == "/id/event/no-such-event.ttl"
    missing = get(client, "/id/event/no-such-event.ttl", "text/turtle")
    assert missing.status_code == 404
    assert not header_problems(missing)  # the headers come with errors too
    for rules in ("/nginx.conf", "/.htaccess"):
        answer = get(client, rules)
        assert answer.status_code in (403, 404), rules
        assert b"RewriteRule" not in answer.content and b"location" not in answer.content
    assert get(client, "/id/%00%3E").status_code in (400, 404)  # nginx: 400, Apache: 404


# --- the crawl ----------------------------------------------------------------------------------


class PathClient:
    """The client tests/crawl.py expects (paths in, a Location as a path out) over a real
    server: Apache's redirects name the host, so each is checked to stay on it and made a
    path."""

    def __init__(self, client: httpx.Client):
        self.client = client

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        response = self.client.get(path, headers=headers)
        if "location" in response.headers:
            response.headers["location"] = same_site_path(response)
        return response


def test_the_crawl_from_the_landing_page_reaches_every_resource_and_no_link_is_broken(
    client, built, store
):
    base = built[0].base
    assert minted(store, base) <= crawl(PathClient(client), base, start="/")

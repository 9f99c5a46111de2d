"""The site as a crawler sees it: the resources a project mints, the internal links of a page,
and a crawl from the landing page that fails on the first broken internal link."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from sdglod.rdf.store import Store

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def minted(store: Store, base: str) -> set[str]:
    """Every resource the dataset mints (its IRIs under the base, without #parts)."""
    rows = store.query(
        f'SELECT DISTINCT ?s {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{base}") && '
        '!CONTAINS(STR(?s), "#")) }'
    )
    return {row["s"].value for row in rows}


class Links(HTMLParser):
    """The ``href`` of every ``<a>`` and ``<link>`` of a page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("a", "link"):
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def internal(href: str, page: str) -> str | None:
    """The path (and query) of ``href`` on ``page`` if it stays on the test server."""
    absolute = urljoin("http://testserver" + page, href)
    parts = urlsplit(absolute)
    if parts.netloc != "testserver":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, base: str, start: str = "/?lang=en") -> set[str]:
    """Follow every internal link from ``start`` (a Starlette TestClient that does not follow
    redirects itself); assert that none is broken; return the IRIs whose pages were reached."""
    to_visit = [start]
    seen: set[str] = set()
    pages_of_resources: set[str] = set()
    while to_visit:
        path = to_visit.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, headers=BROWSER)
        if response.status_code == 303:
            to_visit.append(response.headers["location"])
            continue
        assert response.status_code == 200, f"broken internal link: {path}"
        if not response.headers["content-type"].startswith("text/html"):
            continue
        clean = urlsplit(path).path
        if clean.startswith(("/id/", "/ontology")) and clean.endswith(".html"):
            pages_of_resources.add(base + unquote(clean[1:-5]))
        parser = Links()
        parser.feed(response.text)
        for href in parser.links:
            target = internal(href, path)
            # The endpoint's own links (downloads of query results) are not part of the site.
            if target and not target.startswith(("/sparql", "/openapi")) and target not in seen:
                to_visit.append(target)
    return pages_of_resources

"""The event stream of the releases (``/ldes``): documents the build wrote, served with the
headers LDES clients and caches go by.

``/ldes`` is the stream, ``/ldes/view`` its root node, ``/ldes/release/N/P`` page P of release
N, ``/ldes/context.jsonld`` the JSON-LD context they name. Each is Turtle or JSON-LD by
``Accept`` (``Vary: Accept``), or by suffix (``/ldes/view.jsonld``), as the static export has
them. A page of an older release never changes: ``Cache-Control: immutable``. The stream, the
view and the newest page are revalidated (``no-cache``) against their ``ETag``: the next
release adds to the view.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from ..rdf.formats import negotiate
from .describing import runtime_of
from .endpoint import HTML
from .errors import HttpError
from .runtime import content_type

_IMMUTABLE = "public, max-age=31536000, immutable"
_REVALIDATE = "public, no-cache"
_MEDIA = {"ttl": "text/turtle", "jsonld": "application/ld+json"}
_NUMBER = "[1-9][0-9]{0,8}"
_PATH = re.compile(rf"^(?:/(view|release/({_NUMBER})/({_NUMBER})|context))?(?:\.(ttl|jsonld))?$")
_NO_RELEASES = "the publisher records releases with `sdglod release`; see /dumps/ meanwhile"


@lru_cache(maxsize=8)
def _index(folder: Path) -> dict:
    """The stream's index (file digests, pages' last changes) of one build: read once."""
    return json.loads((folder / "index.json").read_text("utf-8"))


def stream_index(request: Request) -> tuple[Path, dict] | None:
    """The folder of the stream of the request's build and its index; None without one."""
    build = runtime_of(request).build
    if build is None or not (build.stream_path / "index.json").is_file():
        return None
    return build.stream_path, _index(build.stream_path)


async def stream(request: Request) -> Response:
    """Any document of the stream, by its path under ``/ldes``."""
    rest = request.url.path[len("/ldes") :]
    found = _PATH.match(rest)
    if found is None or (found.group(1) == "context" and found.group(4) != "jsonld"):
        raise HttpError("not-found", f"there is no {request.url.path}", hint="the stream is /ldes")
    kind, number, page, suffix = found.groups()
    located = stream_index(request)
    if located is None:
        raise HttpError("not-found", "this dataset has no releases yet", hint=_NO_RELEASES)
    folder, index = located
    if kind == "context":
        return _file(request, folder, index, "context.jsonld", "application/ld+json", True)
    name = "stream" if kind is None else "view" if kind == "view" else f"release-{number}-{page}"
    releases = runtime_of(request).build.manifest.releases  # type: ignore[union-attr]
    newest = len(releases)
    if number is not None and (int(number) > newest or int(page) > releases[int(number) - 1].pages):
        raise HttpError("not-found", f"there is no {request.url.path}", hint="see /ldes/view")
    if suffix is None:
        offered = [*_MEDIA.values(), HTML, "text/plain"]
        chosen = negotiate(request.headers.get("accept"), offered)
        if chosen is None:
            raise HttpError("not-acceptable", f"offered: {', '.join(_MEDIA.values())}")
        suffix = "jsonld" if chosen == _MEDIA["jsonld"] else "ttl"
        # Browsers get Turtle as text, which they show, rather than a download.
        shown = "text/plain" if chosen in (HTML, "text/plain") else _MEDIA[suffix]
    else:
        shown = _MEDIA[suffix]
    immutable = number is not None and int(number) < newest
    return _file(request, folder, index, f"{name}.{suffix}", shown, immutable)


def _file(
    request: Request, folder: Path, index: dict, name: str, media: str, immutable: bool
) -> Response:
    digest = index["files"].get(name)
    if digest is None:
        raise HttpError("not-found", f"the stream has no {name}")
    etag = f'"{digest}"'
    headers = {
        "ETag": etag,
        "Cache-Control": _IMMUTABLE if immutable else _REVALIDATE,
        "Vary": "Accept",
    }
    asked = request.headers.get("if-none-match")
    if asked is not None and (asked.strip() == "*" or etag in asked):
        return Response(status_code=304, headers=headers)
    body = (folder / name).read_bytes()
    return Response(body, media_type=content_type(media), headers=headers)


def page_lastmod(request: Request) -> dict[str, str]:
    """Each resource page's (IRI's) time of its last change, from the release log."""
    located = stream_index(request)
    return located[1]["lastmod"] if located is not None else {}

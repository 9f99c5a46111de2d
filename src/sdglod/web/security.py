"""What keeps a page safe to open, whatever the data or a query holds: which IRIs may become
links, which colours may reach a ``style`` attribute, JSON that cannot end a ``<script>``
element, and the security headers of every response (a pure ASGI middleware, so streamed
answers stay streamed).

The headers say the same in the static export's ``.htaccess`` and ``nginx.conf``
(:func:`apache_headers`, :func:`nginx_headers`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

# Schemes a reader may follow from a page. Everything else — javascript:, data:, vbscript:,
# file:, urn:, … — is shown as text: the only way an IRI of the data cannot run script.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
DEFAULT_COLOUR = "#555555"

# No inline script, no plugins, no <base>, no framing (clickjacking), forms only to this site.
# Styles may be inline: the SDG badges carry their goal's colour in a style attribute, and only
# a colour checked by :func:`safe_colour` ever gets there (inline CSS cannot run script).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")  # a page checks hundreds of links


def link_target(href: str | None) -> str | None:
    """``href`` if a page may link to it (an http, https or mailto URL, or a path of this
    site), else ``None``: the one rule for every link made from data or a query result."""
    if not href or _CONTROL_OR_SPACE.search(href):
        return None  # browsers drop such characters before they read the scheme
    if href.startswith(("//", "\\", "/\\")):
        return None  # another host, however it is spelled
    scheme = _SCHEME.match(href)
    if scheme is None:
        return href  # a path (or a #fragment) of this site
    return href if scheme.group(1).lower() in LINK_SCHEMES else None


def safe_colour(colour: str | None) -> str:
    """``colour`` if it is ``#rrggbb``, else the default badge colour: the only text of the
    data that reaches a ``style`` attribute."""
    return colour if colour and _COLOUR.match(colour) else DEFAULT_COLOUR


def script_json(document: str) -> str:
    """JSON text made safe inside a ``<script>`` element: ``<``, ``>``, ``&`` (found only in
    its strings) as ``\\u`` escapes, so no text can end the element, open a comment in it or
    start a nested script; U+2028 and U+2029 escaped too, for older JavaScript parsers."""
    for char, escaped in _SCRIPT_ESCAPES:
        document = document.replace(char, escaped)
    return document


_SCRIPT_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("'", "\\u0027"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def to_script_json(value: object) -> str:
    """``value`` as JSON for a ``<script>`` element (see :func:`script_json`)."""
    return script_json(json.dumps(value, ensure_ascii=False, sort_keys=True))


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_INTERNAL = json.dumps(
    {
        "error": {
            "status": 500,
            "code": "internal",
            "message": "an internal error: this is a bug in sdglod, please report it",
        }
    }
).encode()


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response (pages, JSON, files, 304s, errors)
    that does not set them itself, and makes a redirect to the request's own ``Host`` (Starlette
    builds one for a path with a slash too many) relative, so no header becomes a link. Outermost
    of the app's middleware, it also answers a bug (an exception before any response) itself,
    so that even that answer has them."""

    def __init__(self, app: ASGIApp):
        self.app = app
        self.raw = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        own = _own_origins(scope)

        async def secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [_relative_location(n, v, own) for n, v in message.get("headers", [])]
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in self.raw if n not in present]
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, secured)
        except Exception:
            if started:
                raise
            # Starlette's last handler would answer with send itself, past this middleware.
            await secured(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(_INTERNAL)).encode()),
                    ],
                }
            )
            await secured({"type": "http.response.body", "body": _INTERNAL})
            raise


def _own_origins(scope: Scope) -> tuple[bytes, ...]:
    """``http://HOST`` and ``https://HOST`` for the request's ``Host`` header."""
    host = next((v for n, v in scope.get("headers", []) if n.lower() == b"host"), None)
    return (b"http://" + host, b"https://" + host) if host else ()


def _relative_location(name: bytes, value: bytes, own: tuple[bytes, ...]) -> tuple[bytes, bytes]:
    if name.lower() != b"location":
        return name, value
    for origin in own:
        rest = value[len(origin) :]
        if value.startswith(origin) and (rest == b"" or rest.startswith((b"/", b"?", b"#"))):
            path = b"/" + rest.lstrip(b"/")  # one slash: //x would be another host
            return name, path
    return name, value


def apache_headers() -> str:
    """The security headers as Apache ``Header`` lines (mod_headers)."""
    return "\n".join(
        f'  Header always set {name} "{value}"' for name, value in SECURITY_HEADERS.items()
    )


def nginx_headers() -> str:
    """The security headers as nginx ``add_header`` lines."""
    return "\n".join(
        f'add_header {name} "{value}" always;' for name, value in SECURITY_HEADERS.items()
    )

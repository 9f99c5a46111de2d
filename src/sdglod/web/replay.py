"""Whole answers replayed: a repeated request for a cached answer skips the app altogether.

The answer cache (:class:`~.runtime.AnswerCache`) spares the query of a repeated request, but
the request still passes routing, the handler, parameter checks, the ETag and the compression:
about three quarters of the time of a cached answer. :class:`Replay` keeps the answer as it
left the app (status, headers, body: compressed or not, with its CORS headers) and sends it
again for the same request to the same runtime.

Only answers that say they may be kept are: the handler marks the request
(:func:`replayable`) where the answer is a function of the runtime and of the request's path,
query string and the headers in the key (:data:`KEY_HEADERS`) alone — canned queries, query
answers and resource documents and pages, all with an ETag. A request with ``If-None-Match``
or ``Range`` goes through the app (a 304 costs no query there either).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REPLAY_KEY = "sdglod.replayable"  # set in a request's scope by a handler whose answer may be kept
# Every header an answer may depend on (a document's profile: Accept-Profile, profiles.py).
KEY_HEADERS = (b"accept", b"accept-language", b"accept-encoding", b"origin", b"accept-profile")
PASS_HEADERS = (b"if-none-match", b"if-modified-since", b"range")  # answered by the app


@dataclass(frozen=True)
class Reply:
    """An answer as it was sent: its status, headers and body."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


class Replies(Protocol):
    """Where replies are kept (the runtime's :class:`~.runtime.AnswerCache`)."""

    entries: int

    def get(self, key: Hashable) -> Reply | None: ...

    def put(self, key: Hashable, answer: Reply) -> None: ...


def replayable(scope: Scope) -> None:
    """Mark the request of ``scope``: its answer (if 200) may be replayed to the same request."""
    scope[REPLAY_KEY] = True


class Replay:
    """ASGI middleware, inside :class:`~.follow.PinRuntime` (``replies_of`` gives the replies
    of the runtime a request is pinned to, so a new build starts with none) and outside CORS
    and compression (answers are kept as sent)."""

    def __init__(self, app: ASGIApp, replies_of: Callable[[Scope], Replies]):
        self.app = app
        self.replies_of = replies_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        replies = self.replies_of(scope)
        key = _key(scope)
        if key is None or replies.entries <= 0:
            await self.app(scope, receive, send)
            return
        kept = replies.get(key)
        if kept is not None:
            start = {"type": "http.response.start", "status": kept.status, "headers": kept.headers}
            await send(start)
            await send({"type": "http.response.body", "body": kept.body})
            return
        started: Message | None = None
        chunks: list[bytes] = []

        async def recording(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                last = not message.get("more_body", False)
                if last and started is not None and keeps(started):
                    headers = tuple((bytes(n), bytes(v)) for n, v in started.get("headers", []))
                    replies.put(key, Reply(200, headers, b"".join(chunks)))
            await send(message)

        def keeps(start: Message) -> bool:
            return start["status"] == 200 and bool(scope.get(REPLAY_KEY))

        await self.app(scope, receive, recording)


def _key(scope: Scope) -> tuple | None:
    """What identifies an answer: path, query string and :data:`KEY_HEADERS` (``None``: a
    request the app must answer itself)."""
    found: dict[bytes, list[bytes]] = {}
    for name, value in scope.get("headers", []):
        lowered = name.lower()
        if lowered in PASS_HEADERS:
            return None
        if lowered in KEY_HEADERS:
            found.setdefault(lowered, []).append(value)
    headers = tuple(b",".join(found.get(name, [])) for name in KEY_HEADERS)
    return (scope.get("path", ""), scope.get("query_string", b""), *headers)

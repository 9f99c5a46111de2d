"""One error shape for every HTTP error, documented in the README and in ``/openapi.json``.

Every error answer (4xx and 5xx) of the API is ``application/json``::

    {"error": {"status": 400, "code": "malformed-query",
               "message": "…", "hint": "…", "line": 3, "column": 14}}

``line``/``column`` appear where a position is known. Browsers asking for HTML get the same
facts as a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# code -> (status, what it means); the README and the OpenAPI document list these.
ERROR_CODES: dict[str, tuple[int, str]] = {
    "malformed-query": (400, "the query does not parse; line and column say where"),
    "update-refused": (400, "SPARQL Update is refused: the endpoint is read-only"),
    "service-refused": (400, "SERVICE (federated query) to an endpoint not allowed here"),
    "bad-request": (400, "a parameter is missing, repeated or malformed"),
    "bad-parameter": (400, "a canned-query parameter is unknown, missing or of the wrong type"),
    "query-failed": (400, "the query parses but cannot be evaluated"),
    "not-found": (404, "no such page, query or resource"),
    "method-not-allowed": (405, "the method is not allowed here; see the Allow header"),
    "not-acceptable": (
        406,
        "no format that Accept allows, or no profile that Accept-Profile or _profile= names; "
        "the message lists those offered",
    ),
    "content-too-large": (413, "the request body is larger than the server's limit"),
    "unsupported-media-type": (415, "the request body's content type is not supported"),
    "too-many-requests": (429, "the client has as many queries running as it may (Retry-After)"),
    "internal": (500, "a bug in sdglod"),
    "store-unavailable": (502, "the SPARQL store behind this server (--backend) did not answer"),
    "timeout": (503, "the query ran past its time limit and was stopped"),
    "busy": (503, "every query worker stayed busy, or too many queries wait; see Retry-After"),
    "memory-limit": (507, "the query needed more memory than a query worker may use"),
}


@dataclass
class HttpError(Exception):
    """An error answer: its code (see :data:`ERROR_CODES`), message and where/what to fix."""

    code: str
    message: str
    hint: str | None = None
    line: int | None = None
    column: int | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> int:
        return ERROR_CODES[self.code][0]

    def body(self) -> dict:
        error: dict = {"status": self.status, "code": self.code, "message": self.message}
        if self.hint:
            error["hint"] = self.hint
        if self.line is not None:
            error["line"] = self.line
            error["column"] = self.column
        return {"error": error}

"""Where to publish and as whom: the store's URLs (:class:`Target`) and the credentials from
options, environment variables or the URLs themselves (:func:`read_credentials`)."""

from __future__ import annotations

import base64
import math
import os
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import httpx

from ..query.remote import redact
from .report import PublishError

AUTH_ENV = "SDGLOD_PUBLISH_AUTH"  # USER:PASSWORD, used when no credentials option is given
TOKEN_ENV = "SDGLOD_PUBLISH_TOKEN"  # a bearer token, likewise
DEFAULT_TIMEOUT = 300.0  # seconds to wait for an answer (a store may take a while to load)
STORE_HINT = (
    "give the store's Graph Store URL (Oxigraph: /store, Fuseki: /DATASET/data, GraphDB: "
    "/repositories/ID/rdf-graphs/service), or its update URL with --update"
)


@dataclass(frozen=True)
class Credentials:
    """HTTP Basic credentials or a bearer token; ``repr`` never shows the secret."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    def secrets(self) -> tuple[str, ...]:
        """Every form in which the secret could turn up in a server's answer."""
        found = [secret for secret in (self.password, self.token) if secret]
        if self.password:
            pair = f"{self.user or ''}:{self.password}".encode()
            found.append(base64.b64encode(pair).decode("ascii"))
        return tuple(found)

    def httpx_auth(self) -> httpx.Auth:
        if self.token is not None:
            return _BearerAuth(self.token)
        return _PasswordAuth(self.user or "", self.password or "")


class _PasswordAuth(httpx.Auth):
    """HTTP Basic, or Digest once a store asks for it (Virtuoso's ``sparql-graph-crud-auth``).

    Basic goes with the first request, as most stores expect. A 401 that challenges for Digest,
    or a bare 401 (Virtuoso answers Basic credentials with one, without a challenge), makes the
    request go again without credentials to hear the store's challenge; from then on every
    request uses Digest. Request bodies can go again: the client spools them to a file."""

    def __init__(self, user: str, password: str):
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._use_digest = False

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._use_digest:
            yield from self._digest.auth_flow(request)
            return
        response = yield next(self._basic.auth_flow(request))
        if response.status_code != 401:
            return
        if not _challenges_digest(response):
            del request.headers["Authorization"]
            response = yield request
            if response.status_code != 401 or not _challenges_digest(response):
                return
        self._use_digest = True
        request.headers.pop("Authorization", None)
        flow = self._digest.auth_flow(request)
        next(flow)  # the request without credentials: already answered by ``response``
        try:
            yield flow.send(response)
        except StopIteration:
            return


def _challenges_digest(response: httpx.Response) -> bool:
    return any(
        header.lower().startswith("digest ")
        for header in response.headers.get_list("www-authenticate")
    )


class _BearerAuth(httpx.Auth):
    def __init__(self, token: str):
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


def read_credentials(
    auth: str | None = None,
    auth_env: str | None = None,
    token_env: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Credentials | None:
    """The credentials that the options (or, without any, ``$SDGLOD_PUBLISH_AUTH`` or
    ``$SDGLOD_PUBLISH_TOKEN``) name; None if there are none. Messages name variables, never
    their values."""
    env = os.environ if environ is None else environ
    options = {"--auth": auth, "--auth-env": auth_env, "--token-env": token_env}
    given = [option for option, value in options.items() if value]
    if len(given) > 1:
        raise PublishError(f"{' and '.join(given)} cannot be combined", hint="give one of them")
    if auth:
        return _user_password(auth, "--auth")
    if auth_env:
        return _user_password(_variable(env, auth_env), f"${auth_env}")
    if token_env:
        return Credentials(token=_variable(env, token_env))
    if env.get(AUTH_ENV):
        return _user_password(env[AUTH_ENV], f"${AUTH_ENV}")
    if env.get(TOKEN_ENV):
        return Credentials(token=env[TOKEN_ENV])
    return None


def _variable(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name)
    if not value:
        raise PublishError(
            f"the environment variable {name} is not set or empty",
            hint=f"export {name}=… before running sdglod publish",
        )
    return value


def _user_password(value: str, where: str) -> Credentials:
    user, colon, password = value.partition(":")
    if not colon or not user:
        raise PublishError(f"{where} is not USER:PASSWORD", hint="e.g. editor:… (the password)")
    return Credentials(user, password)


@dataclass(frozen=True)
class Target:
    """Where to publish: the query URL (for counting) and either a Graph Store URL or an
    update URL (for writing). Build it with :meth:`create`, which checks the URLs."""

    endpoint: str
    graph_store: str | None = None
    update: str | None = None
    credentials: Credentials | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def create(
        cls,
        endpoint: str,
        graph_store: str | None = None,
        update: str | None = None,
        credentials: Credentials | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> Target:
        """Check the URLs and the time limit; user information in a URL becomes its
        credentials (and leaves the URL, so no message can show it)."""
        if not (timeout > 0 and math.isfinite(timeout)):
            # 0 or less would fail every request, after the first graph was compared.
            raise PublishError(
                f"--timeout {timeout!r} is not a positive number of seconds",
                hint=f"e.g. --timeout {DEFAULT_TIMEOUT:g}",
            )
        if bool(graph_store) == bool(update):
            raise PublishError(
                "give either --graph-store URL or --update URL"
                + (", not both" if graph_store else ""),
                hint=STORE_HINT,
            )
        urls: dict[str, str | None] = {
            "--endpoint": endpoint,
            "--graph-store": graph_store,
            "--update": update,
        }
        for option, url in urls.items():
            if url is None:
                continue
            urls[option], found = _split_user_info(url, option)
            if found is not None:
                if credentials is not None and found != credentials:
                    raise PublishError(f"{option} carries other credentials than the ones given")
                credentials = found
        return cls(
            urls["--endpoint"] or endpoint,
            urls["--graph-store"],
            urls["--update"],
            credentials,
            timeout,
        )

    @property
    def method(self) -> str:
        """How graphs are written: ``graph-store`` (PUT) or ``update`` (SPARQL Update)."""
        return "graph-store" if self.graph_store else "update"

    @property
    def write_url(self) -> str:
        return self.graph_store or self.update or ""


_URL_HINT = "e.g. --endpoint http://127.0.0.1:7878/query --graph-store http://127.0.0.1:7878/store"


def _split_user_info(url: str, option: str) -> tuple[str, Credentials | None]:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (reading it checks it: a port out of range raises)
    except ValueError as err:
        # Not echoed: a URL that does not parse cannot be shown without its password.
        raise PublishError(f"{option} is not a valid URL ({err})", hint=_URL_HINT) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PublishError(f"{option} {redact(url)!r} is not an http(s) URL", hint=_URL_HINT)
    if parts.username is None and parts.password is None:
        return url, None
    found = Credentials(unquote(parts.username or ""), unquote(parts.password or ""))
    return redact(url), found

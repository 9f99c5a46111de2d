"""Profiles of the RDF documents the server gives: W3C Content Negotiation by Profile
(https://www.w3.org/TR/dx-prof-conneg/), by HTTP headers and by query string.

A client names the profiles it takes with ``Accept-Profile`` (``<URI>`` or a token, with
q-values; ``*`` takes any) or ``?_profile=`` (a token or a URI), which wins over the header as
the spec's order of precedence says. The answer says which profile it conforms to
(``Content-Profile`` and ``Link: <URI>; rel="profile"``), links to its neighbours — the same
profile in the other formats, the other profiles in the same format — with ``rel="self"`` or
``rel="alternate"``, ``type`` and ``profile``, maps each token to its URI (``rel="type"``), and
varies on ``Accept-Profile``. The whole list is the alternates view (``?_profile=alt``): every
representation with its profile and media type, in the spec's vocabulary (``altr:``). A client
that names profiles takes no other (§7.1 of the spec): a profile the document cannot give,
without ``*`` beside it, is ``406 not-acceptable`` listing those it can.

:data:`PROFILES` is the one table of them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple
from starlette.requests import Request
from starlette.responses import Response

from ..describe.public_urls import CATALOG_JSONLD_FILE, CATALOG_TURTLE_FILE
from ..query.results import graph_from_bytes, graph_result, serialize_result
from ..rdf.formats import RDF_FORMATS, negotiate, result_format_for_media_type
from ..rdf.namespaces import DCAT, DCT, RDF_TYPE, RDFS, SCHEMA
from .describing import language_of, public_root, runtime_of
from .endpoint import HTML
from .errors import HttpError
from .page_queries import describe_pattern
from .pages import render
from .runtime import Runtime, content_type

ALTR = "http://www.w3.org/ns/dx/conneg/altr#"  # the spec's Alternate Representations model
PROF = "http://www.w3.org/ns/dx/prof/"  # the Profiles Vocabulary
VARY = "Accept, Accept-Profile"
MAX_PROFILE_RANGES = 32  # entries of Accept-Profile: more is no client's preference


@dataclass(frozen=True)
class Profile:
    """A profile: its token, its URI (``{base}`` stands for the project's base IRI), what it
    is, and other names clients use for it (matched, never announced)."""

    token: str
    uri: str
    title: str
    comment: str
    aliases: tuple[str, ...] = ()

    def iri(self, base: str) -> str:
        return self.uri.replace("{base}", base)

    def names(self, base: str) -> frozenset[str]:
        return frozenset((self.token, self.iri(base), *self.aliases))


PROFILES: dict[str, Profile] = {
    p.token: p
    for p in (
        Profile(
            "full",
            "{base}profile/full",  # dereferenceable: profile_document
            "Full description",
            "Every statement the dataset makes about the resource, about its #parts and to "
            "it, with the editors' marks of those statements: the default.",
        ),
        Profile(
            "schema",
            SCHEMA,  # the namespace the data uses (http, not https)
            "schema.org only",
            "Only the statements whose predicate is a schema.org property, and the rdf:type "
            "statements whose class is a schema.org class: what search engines and "
            "aggregators read.",
            aliases=("https://schema.org/",),
        ),
        Profile(
            "dcat-ap",
            # The release's own IRI, as its SHACL shapes name it (no final slash); DCAT-AP's
            # namespace (data.europa.eu/r5r/) names its terms, so it is only an alias.
            "https://semiceu.github.io/DCAT-AP/releases/3.0.1",
            "DCAT-AP 3.0.1",
            "The DCAT-AP catalogue record of the dataset, as data portals harvest it: the "
            "record the build writes (dist/catalog.ttl), also at /catalog.",
            aliases=(
                "https://semiceu.github.io/DCAT-AP/releases/3.0.1/",
                "http://data.europa.eu/r5r/",
            ),
        ),
        Profile(
            "alt",
            "http://www.w3.org/ns/dx/conneg/altr",
            "Alternate representations",
            "The list of the resource's representations, each with its profile and media type.",
            aliases=("all",),  # the token later drafts of the spec reserve for the list
        ),
    )
}
DEFAULT_PROFILE = "full"
ALTERNATES = "alt"


# --- choosing a profile ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileRange:
    """One entry of ``Accept-Profile``: a URI, a token or ``*``, its quality and place."""

    name: str
    quality: float
    order: int


def parse_accept_profile(header: str) -> list[ProfileRange]:
    """The entries of an ``Accept-Profile`` header (commas inside ``<…>`` belong to the URI);
    an entry that names nothing known simply matches nothing."""
    entries = _split_outside_brackets(header)
    if len(entries) > MAX_PROFILE_RANGES:
        raise HttpError(
            "bad-request",
            f"Accept-Profile has {len(entries)} entries",
            hint=f"name at most {MAX_PROFILE_RANGES} profiles",
        )
    ranges = []
    for order, entry in enumerate(e.strip() for e in entries):
        if entry.startswith("<"):
            name, closed, params = entry[1:].partition(">")
            if not closed:
                continue  # an unterminated <…> names no URI
        else:
            name, _, params = entry.partition(";")
        if name.strip():
            ranges.append(ProfileRange(name.strip(), _quality(params), order))
    return ranges


def _split_outside_brackets(header: str) -> list[str]:
    parts, start, inside = [], 0, False
    for position, char in enumerate(header):
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        elif char == "," and not inside:
            parts.append(header[start:position])
            start = position + 1
    parts.append(header[start:])
    return [part for part in parts if part.strip()]


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                return 0.0
            return min(max(quality, 0.0), 1.0) if math.isfinite(quality) else 0.0
    return 1.0


def best_profile(ranges: Sequence[ProfileRange], tokens: Sequence[str], base: str) -> str | None:
    """The token of ``tokens`` the ranges prefer: highest quality, then a profile named over
    one ``*`` takes, then the client's order, then the server's (``tokens``, default first)."""
    best: tuple | None = None
    chosen = None
    for position, token in enumerate(tokens):
        names = PROFILES[token].names(base)
        named = [r for r in ranges if r.name in names]
        match = max(named, key=lambda r: (r.quality, -r.order)) if named else None
        match = match or next((r for r in ranges if r.name == "*"), None)
        if match is None or match.quality <= 0:
            continue
        score = (match.quality, bool(named), -match.order, -position)
        if best is None or score > best:
            best, chosen = score, token
    return chosen


def choose_profile(
    request: Request, tokens: Sequence[str], offer: Mapping[str, Sequence[str]], base: str
) -> str:
    """The token of the profile to give, of ``tokens`` (what this document can be, the default
    first): ``?_profile=``, else ``Accept-Profile``, else the default. ``offer`` (each profile
    of the resource with its media types) is what a 406 lists."""
    asked = _asked_by_query(request)
    if not tokens:
        raise not_acceptable("no profile is offered in the format asked", offer, base)
    if asked is not None:
        token = next((t for t in tokens if asked in PROFILES[t].names(base)), None)
        if token is None:
            raise not_acceptable(f"_profile={asked[:200]!r} is not offered here", offer, base)
        return token
    header = ", ".join(request.headers.getlist("accept-profile"))
    if not header.strip():
        return tokens[0]
    chosen = best_profile(parse_accept_profile(header), tokens, base)
    if chosen is None:
        message = f"no profile that Accept-Profile: {header[:200]!r} takes is offered here"
        raise not_acceptable(message, offer, base)
    return chosen


def _asked_by_query(request: Request) -> str | None:
    values = {v.strip() for v in request.query_params.getlist("_profile") if v.strip()}
    if len(values) > 1:
        raise HttpError("bad-request", "_profile is given more than once, with other values")
    if not values:
        return None
    value = values.pop()
    return value[1:-1] if value.startswith("<") and value.endswith(">") else value


@dataclass
class ProfileNotAcceptable(HttpError):
    """A 406 whose body lists the profiles offered (token, URI, title, media types)."""

    profiles: tuple[dict[str, object], ...] = ()

    def body(self) -> dict:
        body = super().body()
        body["error"]["profiles"] = list(self.profiles)
        return body


def not_acceptable(
    message: str, offer: Mapping[str, Sequence[str]], base: str
) -> ProfileNotAcceptable:
    listed = tuple(
        {
            "token": token,
            "uri": PROFILES[token].iri(base),
            "title": PROFILES[token].title,
            "media_types": list(media),
        }
        for token, media in offer.items()
    )
    hint = "; ".join(f"{p['token']} <{p['uri']}> ({p['title']})" for p in listed)
    return ProfileNotAcceptable(
        "not-acceptable",
        message,
        hint=f"ask for one of: {hint}; or add * to Accept-Profile to take any",
        headers={"Vary": VARY},
        profiles=listed,
    )


# --- saying which ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Representation:
    """One representation of a resource: where (a path, with ``?_profile=`` unless it is the
    default profile), its media type and the token of its profile."""

    href: str
    media_type: str
    token: str


def neighbours(
    representations: Iterable[Representation], current: Representation
) -> list[Representation]:
    """Those that differ from ``current`` in one dimension: the Link header stays small (the
    alternates view lists them all)."""
    return [
        r
        for r in representations
        if r != current and (r.token == current.token or r.media_type == current.media_type)
    ]


def profile_headers(
    current: Representation,
    others: Iterable[Representation],
    tokens: Iterable[str],
    base: str,
    is_self: bool = True,
) -> dict[str, str]:
    """``Content-Profile``, ``Link`` and ``Vary`` of an answer that is ``current`` (or, with
    ``is_self`` false, of a redirect to it); ``tokens``: the profiles to map to their URIs."""
    uri = PROFILES[current.token].iri(base)
    listed = [(current, "self" if is_self else "alternate")]
    listed += [(r, "alternate") for r in others if r != current]
    links = [
        f'<{r.href}>; rel="{rel}"; type="{r.media_type}"; profile="{PROFILES[r.token].iri(base)}"'
        for r, rel in listed
    ]
    links.append(f'<{uri}>; rel="profile"')
    links += [
        f'<{PROF}Profile>; rel="type"; token="{t}"; anchor="{PROFILES[t].iri(base)}"'
        for t in tokens
    ]
    return {"Content-Profile": f"<{uri}>", "Link": ", ".join(links), "Vary": VARY}


# --- the profiles' documents -----------------------------------------------------------------


def schema_only_query(iri: str) -> str:
    """CONSTRUCT the schema.org statements of the full description of ``iri``."""
    schema = str(Literal(SCHEMA))
    return (
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {describe_pattern(iri)} "
        f"FILTER(STRSTARTS(STR(?p), {schema}) || "
        f"(?p = <{RDF_TYPE}> && isIRI(?o) && STRSTARTS(STR(?o), {schema}))) }}"
    )


CATALOG_FILES = {"ttl": CATALOG_TURTLE_FILE, "jsonld": CATALOG_JSONLD_FILE}


def catalog_record(runtime: Runtime, name: str) -> bytes | None:
    """The build's DCAT-AP record in the format called ``name``: the file the build wrote, or
    (N-Triples, RDF/XML) its Turtle written anew; ``None`` without one."""
    written = runtime.dist_file(CATALOG_FILES.get(name, CATALOG_TURTLE_FILE))
    if written is None:
        return None
    if name in CATALOG_FILES:
        return written.read_bytes()
    graph = graph_from_bytes(written.read_bytes(), RDF_FORMATS["ttl"].media_type)
    return serialize_result(graph, name, runtime.vocabulary)


def catalog_datasets(runtime: Runtime) -> frozenset[str]:
    """The datasets the build's DCAT-AP record describes (``dcat:dataset`` of its catalogue):
    the resources whose DCAT-AP profile is that record."""
    written = runtime.dist_file(CATALOG_TURTLE_FILE)
    return _datasets_in(written) if written is not None else frozenset()


@functools.lru_cache(maxsize=8)
def _datasets_in(record: Path) -> frozenset[str]:
    """Read once per build: a build's files never change (a new build is a new folder)."""
    graph = graph_from_bytes(record.read_bytes(), RDF_FORMATS["ttl"].media_type)
    return frozenset(
        t.object.value
        for t in graph.triples
        if t.predicate.value == DCAT + "dataset" and isinstance(t.object, NamedNode)
    )


def alternates_response(
    request: Request,
    resource: str,
    representations: Sequence[Representation],
    media_type: str,
    headers: Mapping[str, str],
) -> Response:
    """The alternates view of ``resource`` in ``media_type`` (HTML, or an RDF format): every
    representation with its profile and media type, the first the default."""
    runtime = runtime_of(request)
    root = public_root(runtime)
    if media_type == HTML:
        lang = language_of(request)
        rows = [(r, PROFILES[r.token], r == representations[0]) for r in representations]
        return render(
            "alternates.html",
            headers=dict(headers),
            lang=lang,
            request=request,
            runtime=runtime,
            iri=resource,
            rows=rows,
            base=runtime.base,
        )
    triples = _alternates_graph(resource, root, representations, runtime.base)
    fmt = result_format_for_media_type(media_type)
    assert fmt is not None
    body = serialize_result(graph_result(triples), fmt, runtime.vocabulary)
    return Response(body, media_type=content_type(fmt.media_type), headers=dict(headers))


def _alternates_graph(
    resource: str, root: str, representations: Sequence[Representation], base: str
) -> list[Triple]:
    """The representations in the spec's model: ``altr:hasRepresentation`` (the first also
    ``altr:hasDefaultRepresentation``), each ``dct:conformsTo`` its profile and
    ``dct:format`` its media type; each profile with its token (``prof:hasToken``)."""
    subject = NamedNode(resource)
    triples = []
    for number, r in enumerate(representations):
        node = NamedNode(root + r.href.lstrip("/"))
        profile = NamedNode(PROFILES[r.token].iri(base))
        if number == 0:
            triples.append(Triple(subject, NamedNode(ALTR + "hasDefaultRepresentation"), node))
        triples += [
            Triple(subject, NamedNode(ALTR + "hasRepresentation"), node),
            Triple(node, NamedNode(RDF_TYPE), NamedNode(ALTR + "Representation")),
            Triple(node, NamedNode(DCT + "conformsTo"), profile),
            Triple(node, NamedNode(DCT + "format"), Literal(r.media_type)),
        ]
    for token in dict.fromkeys(r.token for r in representations):
        triples += _profile_triples(PROFILES[token], base)
    return triples


def _profile_triples(profile: Profile, base: str) -> list[Triple]:
    node = NamedNode(profile.iri(base))
    return [
        Triple(node, NamedNode(RDF_TYPE), NamedNode(PROF + "Profile")),
        Triple(node, NamedNode(RDFS + "label"), Literal(profile.title, language="en")),
        Triple(node, NamedNode(RDFS + "comment"), Literal(profile.comment, language="en")),
        Triple(node, NamedNode(PROF + "hasToken"), Literal(profile.token)),
    ]


async def profile_document(request: Request) -> Response:
    """What a profile named under the base IRI is (``/profile/full``): its PROF description,
    in Turtle (as text for browsers), JSON-LD, N-Triples or RDF/XML by ``Accept``."""
    runtime = runtime_of(request)
    token = request.path_params["token"]
    profile = PROFILES.get(token)
    if profile is None or not profile.uri.startswith("{base}"):
        named = ", ".join(f"{p.token} <{p.iri(runtime.base)}>" for p in PROFILES.values())
        raise HttpError("not-found", f"no profile {token[:100]!r} here", hint=f"see {named}")
    offered = [RDF_FORMATS[n].media_type for n in ("ttl", "jsonld", "nt", "rdf")]
    chosen = negotiate(request.headers.get("accept"), [*offered, HTML, "text/plain"])
    if chosen is None:
        raise HttpError("not-acceptable", f"offered: {', '.join(offered)}")
    fmt = result_format_for_media_type(chosen if chosen in offered else offered[0])
    assert fmt is not None
    triples = _profile_triples(profile, runtime.base)
    body = serialize_result(graph_result(triples), fmt, runtime.vocabulary)
    shown = fmt.media_type if chosen in offered else "text/plain"
    return Response(body, media_type=content_type(shown), headers={"Vary": "Accept"})

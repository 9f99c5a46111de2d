"""The release log as a Linked Data Event Stream (LDES 1.0 on TREE).

The stream ``{base}ldes`` has one member per changed resource per release: a version object
``{base}ldes/release/N/P#id/event/x`` that says what the resource said at that release, with
``dct:isVersionOf`` the resource and ``prov:generatedAtTime`` the release time (the stream's
``ldes:timestampPath``). A resource that went away gets a deletion member, typed ``as:Delete``
(the stream's ``ldes:versionDeleteObject``). A release's members are on pages of a bounded size
(``tree:Node``, ``{base}ldes/release/N/P``) that never change once written; the view
``{base}ldes/view`` relates to every page with the release's time as lower and upper bound,
so a client that has replicated up to a time fetches only the pages after it. Only the view
(and the stream's own document) change with a new release.

Every document is written from the log alone, Turtle and JSON-LD (with a context served
beside them), so any build of the same log gives the same bytes.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from ..describe.authorities import LDES_SPECIFICATION
from ..describe.public_urls import PublicUrls
from ..errors import Location, ProjectError
from ..rdf.jsonld import build_context, write_jsonld
from ..rdf.namespaces import ACTIVITY_STREAMS, DCT, LDES, PROV, RDF_TYPE, TREE, XSD
from ..rdf.writer import file_digest
from .descriptions import IriForms, read_lines
from .log import Change, Release, ReleaseLog

TIMESTAMP = PROV + "generatedAtTime"
VERSION_OF = DCT + "isVersionOf"
DELETED = ACTIVITY_STREAMS + "Delete"
STREAM_PREFIXES = {
    "as": ACTIVITY_STREAMS,
    "dct": DCT,
    "ldes": LDES,
    "prov": PROV,
    "tree": TREE,
    "xsd": XSD,
}
INDEX_FILE = "index.json"
CONTEXT_FILE = "context.jsonld"
FORMATS = {"ttl": "text/turtle", "jsonld": "application/ld+json"}
# Inside a fragment, what an IRI may keep as it is; the rest (a '#' of a part) is escaped.
_FRAGMENT_SAFE = "/:@!$&'()*+,;=?-._~"


def _iri(value: str) -> NamedNode:
    return NamedNode(value)


def _time(release: Release) -> Literal:
    return Literal(release.time, datatype=NamedNode(XSD + "dateTime"))


@dataclass(frozen=True)
class StreamDocuments:
    """The stream's documents, by name (``stream``, ``view``, ``release-N``), as triples."""

    documents: dict[str, list[Triple]]
    lastmod: dict[str, str]  # each resource's page (IRI without #part) → its last change
    pages: dict[int, int]  # release number → how many pages its members fill

    def all_triples(self) -> list[Triple]:
        """Every document's statements once, in document order: the stream as one dump."""
        return list(dict.fromkeys(t for triples in self.documents.values() for t in triples))


def stream_documents(log: ReleaseLog, page_members: int) -> StreamDocuments | None:
    """The documents of the stream of ``log``, each release's members on pages of at most
    ``page_members``; None for a log without releases."""
    if not log.releases:
        return None
    urls = PublicUrls(log.base)
    head = _stream_head(urls)
    view = Triple(_iri(urls.ldes), _iri(TREE + "view"), _iri(urls.ldes_view))
    documents = {"stream": [*head, view]}
    pages = {r.number: -(-len(r.changes) // page_members) or 1 for r in log.releases}
    documents["view"] = documents["stream"] + list(_view(urls, log.releases, pages))
    lastmod: dict[str, str] = {}
    for release in log.releases:
        for page in range(1, pages[release.number] + 1):
            start = (page - 1) * page_members
            chosen = release.changes[start : start + page_members]
            triples = _page(log, release, page, chosen, start)
            documents[f"release-{release.number}-{page}"] = [*head, *triples]
        for change in release.changes:
            lastmod[change.iri.partition("#")[0]] = release.time
    return StreamDocuments(documents, lastmod, pages)


def _page(
    log: ReleaseLog, release: Release, page: int, changes: Iterable[Change], first: int
) -> list[Triple]:
    """One page of a release: a ``tree:Node`` and its members, each a version object named
    after the page (``…/release/N/P#id/event/x``) or a deletion."""
    urls, forms = PublicUrls(log.base), IriForms(log.base)
    node = _iri(urls.ldes_page(release.number, page))
    triples = [Triple(node, _iri(RDF_TYPE), _iri(TREE + "Node"))]
    where = Location(log.path, release.line)
    for number, change in enumerate(changes, start=first):
        member = _iri(f"{node.value}#{quote(forms.write(change.iri), safe=_FRAGMENT_SAFE)}")
        triples.append(Triple(_iri(urls.ldes), _iri(TREE + "member"), member))
        label = f"r{release.number}m{number}"
        triples += _member(member, change, release, label, where, log.base)
    return triples


def _stream_head(urls: PublicUrls) -> list[Triple]:
    stream = _iri(urls.ldes)
    return [
        Triple(stream, _iri(RDF_TYPE), _iri(LDES + "EventStream")),
        Triple(stream, _iri(LDES + "timestampPath"), _iri(TIMESTAMP)),
        Triple(stream, _iri(LDES + "versionOfPath"), _iri(VERSION_OF)),
        Triple(stream, _iri(LDES + "versionDeletePath"), _iri(RDF_TYPE)),
        Triple(stream, _iri(LDES + "versionDeleteObject"), _iri(DELETED)),
        Triple(stream, _iri(DCT + "conformsTo"), _iri(LDES_SPECIFICATION)),
    ]


def _view(urls: PublicUrls, releases: Iterable[Release], pages: dict[int, int]) -> Iterator[Triple]:
    """The root node: to each page of each release, the release's time as lower and upper
    bound (all its members have that time)."""
    view = _iri(urls.ldes_view)
    yield Triple(view, _iri(RDF_TYPE), _iri(TREE + "Node"))
    for release in releases:
        for page in range(1, pages[release.number] + 1):
            node = _iri(urls.ldes_page(release.number, page))
            for kind, name in (("GreaterThanOrEqualTo", "ge"), ("LessThanOrEqualTo", "le")):
                relation = BlankNode(f"release{release.number}page{page}{name}")
                yield Triple(view, _iri(TREE + "relation"), relation)
                yield Triple(relation, _iri(RDF_TYPE), _iri(f"{TREE}{kind}Relation"))
                yield Triple(relation, _iri(TREE + "path"), _iri(TIMESTAMP))
                yield Triple(relation, _iri(TREE + "value"), _time(release))
                yield Triple(relation, _iri(TREE + "node"), node)


def _member(
    member: NamedNode, change: Change, release: Release, prefix: str, where: Location, base: str
) -> list[Triple]:
    """A version object: what the resource said, said by the version, with the resource it
    is a version of and the release's time; or a deletion member."""
    resource = _iri(change.iri)
    triples = [
        Triple(member, _iri(VERSION_OF), resource),
        Triple(member, _iri(TIMESTAMP), _time(release)),
    ]
    if change.deleted:
        return [Triple(member, _iri(RDF_TYPE), _iri(DELETED)), *triples]
    try:
        said = read_lines(change.lines, base)
    except SyntaxError as err:
        message = f"the description of <{change.iri}> does not read: {err}"
        raise ProjectError(message, where) from None
    for triple in said:
        subject = member if triple.subject == resource else _relabel(triple.subject, prefix)
        if subject == member and triple.predicate.value in (VERSION_OF, TIMESTAMP):
            raise ProjectError(
                f"<{change.iri}> has a {triple.predicate.value} of its own, which the event "
                "stream uses to mark its versions",
                where,
                "leave that property out of the data, or rename it",
            )
        triples.append(Triple(subject, triple.predicate, _relabel(triple.object, prefix)))
    return triples


def _relabel(term: object, prefix: str) -> object:
    """A blank node labelled for its member, so members never share one on a page."""
    if isinstance(term, BlankNode):
        return BlankNode(f"{prefix}{term.value}")
    return term


def write_stream(
    documents: StreamDocuments, prefixes: dict[str, str], vocab: str, base: str, folder: Path
) -> dict[str, object]:
    """Write every document of the stream into ``folder`` in Turtle and JSON-LD, the JSON-LD
    context, and an index (the releases, the files' SHA-256, each page's last change);
    the index."""
    folder.mkdir(parents=True, exist_ok=True)
    prefixes = {**prefixes, **STREAM_PREFIXES}
    context = build_context(prefixes, vocab)
    urls = PublicUrls(base)
    context_path = folder / CONTEXT_FILE
    context_path.write_text(json.dumps({"@context": context}, indent=2) + "\n", "utf-8")
    files = {CONTEXT_FILE: file_digest(context_path)}
    for name, triples in documents.documents.items():
        for suffix in FORMATS:
            path = folder / f"{name}.{suffix}"
            with path.open("wb") as out:
                write_document(triples, suffix, out, prefixes, context, urls.ldes_context)
            files[path.name] = file_digest(path)
    index = {"files": files, "lastmod": dict(sorted(documents.lastmod.items()))}
    (folder / INDEX_FILE).write_text(json.dumps(index, indent=1) + "\n", "utf-8")
    return index


def write_document(
    triples: list[Triple],
    suffix: str,
    out: io.BufferedIOBase,
    prefixes: dict[str, str],
    context: dict[str, str],
    context_url: str,
) -> None:
    """One document of the stream in Turtle (``ttl``) or JSON-LD (``jsonld``)."""
    if suffix == "ttl":
        serialize(triples, out, RdfFormat.TURTLE, prefixes=prefixes)
        return
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    # Grouped by subject, as JSON-LD writes one node per subject, in the document's order.
    order: dict[object, list[Triple]] = {}
    for triple in triples:
        order.setdefault(triple.subject, []).append(triple)
    grouped = [t for group in order.values() for t in group]
    write_jsonld(grouped, text, context, context_url)
    text.flush()
    text.detach()

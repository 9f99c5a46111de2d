"""What the query page's editor asks of the server: the terms to complete (the build's prefixes,
the classes and properties of the data with their counts and labels, the endpoint's limits), a
lookup of resources by label, and the text of a canned query to open in the editor.

Completion never sends the reader's text anywhere but this server. The lookup searches an index
of every resource's names, read from the store once per build in the background (at 1M
triples, 226 000 names in about 9 s; then a search of 3 letters or more takes milliseconds,
where a SPARQL ``CONTAINS`` over the store takes a second or more). Until it is read, and for
a store with more names than it may hold, the store is searched with SPARQL, the text given as
one escaped literal (never pasted). Answers are kept per text and language for as long as the
build is served.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, RdfFormat, parse
from starlette.requests import Request
from starlette.responses import Response

from ..describe.public_urls import VOID_FILE
from ..errors import QueryError
from ..query.canned import CannedQuery
from ..query.remote import bind_in_text
from ..query.results import Term
from ..query.sparql_text import SparqlTextError
from ..rdf.names import compact_iri
from ..rdf.namespaces import VOID
from .describing import language_of, naming_context, runtime_of
from .errors import HttpError
from .execution.jobs import QueryAnswer
from .i18n import LANGUAGES
from .page_queries import LABEL_PROPERTIES, Context
from .runtime import Runtime
from .vocabulary import ui_vocabulary

log = logging.getLogger("sdglod.web")
LOOKUP_ROWS = 20  # resources a lookup answers at most
LOOKUP_TEXT = (2, 100)  # the characters a lookup's text may have, after strip
# Rows a count of classes or properties may give: far more kinds than any dataset has, and
# not the row limit, which may be set below them.
TERM_ROWS = 100_000
CLASS_COUNTS = (
    "SELECT ?term (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?term FILTER(isIRI(?term)) } "
    "GROUP BY ?term"
)
# Distinct triples: the default graph is the union of the named graphs, where the same
# statement may sit twice (as VoID counts them, over the union dump).
PROPERTY_COUNTS = (
    "SELECT ?term (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?term ?o WHERE { ?s ?term ?o } } "
    "GROUP BY ?term"
)


# --- completion: prefixes, classes, properties, limits -------------------------------------------


async def terms(request: Request) -> Response:
    """``GET /sparql/terms.json``: what the editor completes, made once per build."""
    runtime = runtime_of(request)
    label_index(runtime)  # the editor is in use: read the lookup's index now, not on a lookup
    key = ("workbench", "terms")
    etag = runtime.key_etag("\n".join(key))  # per build: the runtime's tag is in it
    headers, unchanged = runtime.validators(request, etag, "Accept-Encoding")
    if unchanged is not None:
        return unchanged
    cached = runtime.cache.get(key)
    if cached is None:
        document = await terms_document(runtime)
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        cached = QueryAnswer(True, body, kind="json")
        runtime.cache.put(key, cached)
    return Response(cached.body, media_type="application/json", headers=headers)


async def terms_document(runtime: Runtime) -> dict:
    """The terms to complete: prefixes, classes and properties (from the build's VoID
    partitions, or counted on a remote store) with counts and lv/en labels, and the limits."""
    classes, properties = await _counts(runtime)
    prefixes = dict(runtime.vocabulary.prefixes)
    context = await naming_context(runtime, [*classes, *properties], runtime.config.timeout)

    def described(counts: Mapping[str, int]) -> list[dict]:
        listed = [
            {
                "iri": iri,
                "name": iri_name(iri, prefixes),
                "count": count,
                "label": term_labels(iri, context),
            }
            for iri, count in counts.items()
        ]
        return sorted(listed, key=lambda t: (-t["count"], t["name"]))

    return {
        "prefixes": prefixes,
        "classes": described(classes),
        "properties": described(properties),
        "limits": {"timeout": runtime.config.timeout, "rows": runtime.config.row_limit},
    }


def iri_name(iri: str, prefixes: Mapping[str, str]) -> str:
    """How SPARQL writes ``iri`` short: a prefixed name of the build, else ``<iri>``."""
    compact = compact_iri(iri, prefixes)
    return compact if compact != iri else f"<{iri}>"


def term_labels(iri: str, context: Context) -> dict[str, str]:
    """A term's labels in lv and en: the pages' own vocabulary (``labels.ttl``) first, then
    the ontology's ``rdfs:label`` in the store."""
    own = ui_vocabulary().labels.get(iri, {})
    stored = context.store_labels(iri)
    found = {lang: own.get(lang) or stored.get(lang) for lang in LANGUAGES}
    return {lang: label for lang, label in found.items() if label}


async def _counts(runtime: Runtime) -> tuple[dict[str, int], dict[str, int]]:
    """Instances by class and triples by property: the build's VoID partitions; a remote
    store (``--backend``) is counted, since its data is the truth there."""
    void = runtime.dist_file(VOID_FILE) if runtime.config.backend is None else None
    if void is not None:
        return void_partitions(parse(path=str(void), format=RdfFormat.TURTLE))
    counted = []
    for text in (CLASS_COUNTS, PROPERTY_COUNTS):
        result = await runtime.select(text, rows=TERM_ROWS)
        counted.append(
            {row[0].value: int(row[1].value) for row in result.rows if row[0] is not None}
        )
    return counted[0], counted[1]


def void_partitions(triples: object) -> tuple[dict[str, int], dict[str, int]]:
    """Instances by class and triples by property, from VoID's class and property
    partitions (``void:class`` + ``void:entities``, ``void:property`` + ``void:triples``)."""
    fields: dict[str, dict[str, str]] = {}
    for triple in triples:  # type: ignore[attr-defined]
        predicate = triple.predicate.value
        if predicate in (VOID + "class", VOID + "property", VOID + "entities", VOID + "triples"):
            fields.setdefault(triple.subject.value, {})[predicate[len(VOID) :]] = (
                triple.object.value
            )
    classes, properties = {}, {}
    for part in fields.values():
        if "class" in part and "entities" in part:
            classes[part["class"]] = int(part["entities"])
        elif "property" in part and "triples" in part:
            properties[part["property"]] = int(part["triples"])
    return classes, properties


# --- the lookup of resources by label ------------------------------------------------------------


async def lookup(request: Request) -> Response:
    """``GET /sparql/lookup.json?q=TEXT&lang=lv|en``: resources whose label (or IRI's local
    part) holds ``q``, best first, at most :data:`LOOKUP_ROWS`."""
    runtime = runtime_of(request)
    text = lookup_text(request.query_params.get("q"))
    lang = language_of(request)
    key = ("workbench", "lookup", text.lower(), lang)
    cached = runtime.cache.get(key)
    if cached is None:
        document = await lookup_document(runtime, text, lang)
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        cached = QueryAnswer(True, body, kind="json")
        runtime.cache.put(key, cached)
    headers = {
        "Cache-Control": f"public, max-age={runtime.config.max_age}",
        "Vary": "Accept-Language",
    }
    return Response(cached.body, media_type="application/json", headers=headers)


def lookup_text(given: str | None) -> str:
    """The text to look up, checked: 2 to 100 characters, none of them a control character."""
    low, high = LOOKUP_TEXT
    text = (given or "").strip()
    hint = f"give q= with {low} to {high} characters of a name, e.g. q=riga"
    if not low <= len(text) <= high:
        raise HttpError(
            "bad-request", f"q= must have {low} to {high} characters, not {len(text)}", hint=hint
        )
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        raise HttpError("bad-request", "q= holds a control character", hint=hint)
    return text


def lookup_query(text: str) -> str:
    """The SPARQL of a lookup: resources with a label, or an IRI's local part, holding
    ``text`` in any case; those it starts first, then the shorter. One row more than
    :data:`LOOKUP_ROWS`, to tell whether there are more."""
    wanted = str(Literal(text.lower()))  # written by pyoxigraph: quotes, \ and all escaped
    labels = " ".join(str(NamedNode(p)) for p in LABEL_PROPERTIES)
    # Each branch ranks its own matches: Virtuoso 7.2 fails ("equiv replaces filter") on one
    # FILTER over a variable that both branches of a UNION bind.
    return (
        "SELECT ?s (MIN(?rank) AS ?best) (MIN(?size) AS ?shortest) WHERE { "
        f"{{ VALUES ?p {{ {labels} }} ?s ?p ?text "
        f"BIND(LCASE(STR(?text)) AS ?low) FILTER(isIRI(?s) && CONTAINS(?low, {wanted})) "
        f"BIND(IF(STRSTARTS(?low, {wanted}), 0, 1) AS ?rank) BIND(STRLEN(?low) AS ?size) }} "
        "UNION "
        '{ ?s a ?type FILTER(isIRI(?s)) BIND(LCASE(REPLACE(STR(?s), "^.*[/#]", "")) AS ?local) '
        f"FILTER(CONTAINS(?local, {wanted})) "
        f"BIND(IF(STRSTARTS(?local, {wanted}), 0, 1) AS ?rank) BIND(STRLEN(?local) AS ?size) }} "
        f"}} GROUP BY ?s ORDER BY ?best ?shortest STR(?s) LIMIT {LOOKUP_ROWS + 1}"
    )


INDEX_NAMES = 2_000_000  # names the lookup index holds at most (~300 MB): past that, SPARQL
INDEX_SECONDS = 120.0  # the time the index may take to read (9 s at 1M triples)
_LOCAL_PART = re.compile(r"^.*[/#]")


@dataclass(frozen=True)
class LabelIndex:
    """Every resource's names, lower-cased, with its IRI: its labels (any language) and its
    IRI's local part when it has a type — what :func:`lookup_query` searches, in memory."""

    names: tuple[tuple[str, str], ...]
    # The names in one text, and where each starts: str.find walks it at C speed (a Python
    # loop over the names took 110 ms at 1M triples whatever it found; this, a millisecond).
    _text: str = field(init=False, compare=False, repr=False)
    _starts: list[int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        starts, at = [], 0
        for name, _ in self.names:
            starts.append(at)
            at += len(name) + 1
        object.__setattr__(self, "_text", "\n".join(name for name, _ in self.names))
        object.__setattr__(self, "_starts", starts)

    def search(self, text: str, limit: int) -> list[str]:
        """The IRIs with a name holding ``text`` (any case): those a name starts with first,
        then by their shortest such name, then by IRI (the order of :func:`lookup_query`);
        ``limit`` of them."""
        wanted = text.lower()
        best: dict[str, list[int]] = {}
        found = self._text.find(wanted) if wanted else -1
        while found >= 0:
            entry = bisect.bisect_right(self._starts, found) - 1
            name, iri = self.names[entry]
            offset = found - self._starts[entry]
            if offset + len(wanted) > len(name):  # across the end of a name: not a match
                found = self._text.find(wanted, found + 1)
                continue
            # The first place in a name is its smallest: whether the name starts with it.
            starts, size = (0 if offset == 0 else 1), len(name)
            kept = best.setdefault(iri, [starts, size])
            kept[0], kept[1] = min(kept[0], starts), min(kept[1], size)
            found = self._text.find(wanted, self._starts[entry] + len(name) + 1)
        return sorted(best, key=lambda iri: (*best[iri], iri))[:limit]


def index_queries() -> tuple[tuple[str, str], ...]:
    """The names of resources (labels) and the typed resources (for their IRI's local part):
    each query with the one that counts its rows."""
    labels = " ".join(str(NamedNode(p)) for p in LABEL_PROPERTIES)
    named = f"{{ VALUES ?p {{ {labels} }} ?s ?p ?text FILTER(isIRI(?s) && isLiteral(?text)) }}"
    typed = "{ ?s a ?type FILTER(isIRI(?s)) }"
    return (
        (f"SELECT ?s ?text WHERE {named}", f"SELECT (COUNT(*) AS ?n) WHERE {named}"),
        (f"SELECT DISTINCT ?s WHERE {typed}", f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {typed}"),
    )


def label_index(runtime: Runtime) -> LabelIndex | None:
    """The build's :class:`LabelIndex` once it has been read; until then ``None``, and the
    reading starts (in the background: a lookup never waits for it, it searches with SPARQL
    meanwhile). Also ``None`` for good if the store has more names than the index may hold, or
    the reading failed (a store too slow for it is searched with SPARQL)."""
    if runtime.label_index is None:
        runtime.label_index = asyncio.ensure_future(_read_index(runtime))
    reading = runtime.label_index
    return reading.result() if reading.done() else None


async def _read_index(runtime: Runtime) -> LabelIndex | None:
    names: set[tuple[str, str]] = set()
    # Once per build, and nobody waits for it: more time than a reader's query has.
    timeout = max(INDEX_SECONDS, runtime.config.timeout)
    try:
        for text, count in index_queries():
            # Queries of the whole store, not a page's lookups: they run in the query lane.
            result = await runtime.select(text, timeout, rows=INDEX_NAMES + 1)
            counted = await runtime.select(count, timeout)
            if len(result.rows) > INDEX_NAMES or not counted.rows or counted.rows[0][0] is None:
                return None
            if int(counted.rows[0][0].value) != len(result.rows):
                # A store that cuts answers without saying so (Virtuoso's ResultSetMaxRows).
                log.warning(
                    "the store gave %d of %s names: lookups search the store",
                    len(result.rows),
                    counted.rows[0][0].value,
                )
                return None
            for row in result.rows:
                iri, name = row[0], row[-1] if len(row) > 1 else None
                if iri is None:
                    continue
                said = name.value if name is not None else _LOCAL_PART.sub("", iri.value)
                names.add((said.lower(), iri.value))
            if len(names) > INDEX_NAMES:
                return None
    except HttpError as err:
        log.warning("the lookup index was not read (%s): lookups search the store", err.message)
        return None
    return LabelIndex(tuple(sorted(names)))


async def found_iris(runtime: Runtime, text: str) -> list[str]:
    """The IRIs a lookup of ``text`` finds, best first: one more than :data:`LOOKUP_ROWS`,
    to tell whether there are more."""
    index = label_index(runtime)
    if index is not None:
        return index.search(text, LOOKUP_ROWS + 1)
    result = await runtime.select(lookup_query(text), bounded=True, rows=LOOKUP_ROWS + 1)
    return [row[0].value for row in result.rows if row[0] is not None]


async def lookup_document(runtime: Runtime, text: str, lang: str) -> dict:
    """The resources a lookup of ``text`` finds, named in ``lang`` with their class."""
    iris = await found_iris(runtime, text)
    found, more = iris[:LOOKUP_ROWS], len(iris) > LOOKUP_ROWS
    context = await naming_context(runtime, found, runtime.config.timeout)
    classes = sorted({t for iri in found for t in context.types.get(iri, ())})
    kinds = await naming_context(runtime, classes, runtime.config.timeout)
    prefixes = dict(runtime.vocabulary.prefixes)
    vocabulary = ui_vocabulary()

    def type_label(iri: str) -> str | None:
        types = sorted(context.types.get(iri, ()), key=lambda t: (t not in vocabulary.labels, t))
        if not types:
            return None
        return vocabulary.label(types[0], lang, {types[0]: kinds.store_labels(types[0])})

    results = [
        {
            "iri": iri,
            "name": iri_name(iri, prefixes),
            "label": context.label(iri, lang) or iri_name(iri, prefixes),
            "type": type_label(iri),
        }
        for iri in found
    ]
    return {"results": results, "limit": LOOKUP_ROWS, "truncated": more}


# --- canned queries as text to edit --------------------------------------------------------------


def examples(runtime: Runtime) -> dict[str, str]:
    """The canned queries as examples, by name: made once per runtime (binding them all
    costs about 10 ms, and neither queries nor defaults change while a runtime serves)."""
    if runtime.query_examples is None:
        runtime.query_examples = {
            query.name: editor_text(runtime, query) for query in runtime.queries.values()
        }
    return runtime.query_examples


def editor_text(
    runtime: Runtime, query: CannedQuery, bindings: Mapping[str, Term] | None = None
) -> str:
    """A canned query as text to edit, that runs as it is: its parameters written in (the
    ``bindings`` given, else the defaults), the way a remote store gets them (constants, else
    ``BIND``s: Virtuoso 7.2 fails on a ``VALUES`` block before an ordered sub-select)."""
    try:
        if bindings is None:
            bindings = query.bind({}, runtime.base, runtime.vocabulary.prefixes)
        return bind_in_text(query.text, bindings)
    except (QueryError, SparqlTextError):
        return query.text


def example_named(runtime: Runtime, text: str) -> CannedQuery | None:
    """The canned query whose example ``text`` is, exactly (its column headings apply); line
    ends aside, since a browser's form sends CRLF."""
    text = text.replace("\r\n", "\n")
    for name, example in examples(runtime).items():
        if example.replace("\r\n", "\n") == text:
            return runtime.queries.get(name)
    return None

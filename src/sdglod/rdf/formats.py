"""One table of the RDF serialisations sdglod writes: names, file suffixes and media types."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import SdglodError


@dataclass(frozen=True)
class RdfSerialisation:
    """An RDF format: its short name (``--format``), file suffix, media type, and whether it
    keeps named graphs (quads) or writes the union of all graphs (triples)."""

    name: str
    suffix: str
    media_type: str
    keeps_graphs: bool
    label: str


RDF_FORMATS: dict[str, RdfSerialisation] = {
    f.name: f
    for f in (
        RdfSerialisation("ttl", ".ttl", "text/turtle", False, "Turtle"),
        RdfSerialisation("nt", ".nt", "application/n-triples", False, "N-Triples"),
        RdfSerialisation("nq", ".nq", "application/n-quads", True, "N-Quads"),
        RdfSerialisation("trig", ".trig", "application/trig", True, "TriG"),
        RdfSerialisation("jsonld", ".jsonld", "application/ld+json", False, "JSON-LD"),
        RdfSerialisation("rdf", ".rdf", "application/rdf+xml", False, "RDF/XML"),
    )
}


def rdf_format(name: str) -> RdfSerialisation:
    """The format called ``name``; a clear error listing the known ones otherwise."""
    try:
        return RDF_FORMATS[name]
    except KeyError:
        raise SdglodError(
            f"unknown RDF format {name!r}",
            hint=f"use one of: {', '.join(RDF_FORMATS)}",
        ) from None


# Kinds of query result a format can carry.
SOLUTIONS, BOOLEAN, GRAPH = "solutions", "boolean", "graph"


@dataclass(frozen=True)
class ResultSerialisation:
    """A format for query results: short name, file suffix, media type and the kinds of result
    (``solutions`` of SELECT, ``boolean`` of ASK, ``graph`` of CONSTRUCT/DESCRIBE) it carries."""

    name: str
    suffix: str
    media_type: str
    kinds: tuple[str, ...]
    label: str


RESULT_FORMATS: dict[str, ResultSerialisation] = {
    f.name: f
    for f in (
        ResultSerialisation(
            "table", ".txt", "text/plain", (SOLUTIONS, BOOLEAN, GRAPH), "aligned table for people"
        ),
        ResultSerialisation("csv", ".csv", "text/csv", (SOLUTIONS, BOOLEAN), "SPARQL 1.1 CSV"),
        ResultSerialisation(
            "tsv", ".tsv", "text/tab-separated-values", (SOLUTIONS, BOOLEAN), "SPARQL 1.1 TSV"
        ),
        ResultSerialisation(
            "json",
            ".json",
            "application/sparql-results+json",
            (SOLUTIONS, BOOLEAN),
            "SPARQL 1.1 JSON",
        ),
        ResultSerialisation(
            "xml", ".xml", "application/sparql-results+xml", (SOLUTIONS, BOOLEAN), "SPARQL XML"
        ),
        ResultSerialisation(
            "jsonl", ".jsonl", "application/jsonl", (SOLUTIONS,), "JSON Lines, one solution a line"
        ),
        # Graph results use the RDF table's suffixes and media types: one table, no copies.
        *(
            ResultSerialisation(rdf.name, rdf.suffix, rdf.media_type, (GRAPH,), rdf.label)
            for rdf in (
                RDF_FORMATS["ttl"],
                RDF_FORMATS["nt"],
                RDF_FORMATS["jsonld"],
                RDF_FORMATS["rdf"],
            )
        ),
    )
}


def result_format(name: str) -> ResultSerialisation:
    """The result format called ``name``; a clear error listing the known ones otherwise."""
    try:
        return RESULT_FORMATS[name]
    except KeyError:
        raise SdglodError(
            f"unknown result format {name!r}",
            hint=f"use one of: {', '.join(RESULT_FORMATS)}",
        ) from None


def result_format_for_media_type(media_type: str) -> ResultSerialisation | None:
    """The result format with ``media_type`` (parameters such as ``charset`` ignored)."""
    bare = media_type.split(";", 1)[0].strip().lower()
    return next((f for f in RESULT_FORMATS.values() if f.media_type == bare), None)


def result_formats_for(kind: str) -> list[ResultSerialisation]:
    """The result formats that can carry a result of ``kind``."""
    return [f for f in RESULT_FORMATS.values() if kind in f.kinds]


# --- Content negotiation -------------------------------------------------------------------

# Media types that clients send for a format they know by another name.
MEDIA_TYPE_ALIASES: dict[str, str] = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/json+ld": "application/ld+json",
}


@dataclass(frozen=True)
class MediaRange:
    """One entry of an ``Accept`` header: ``type/subtype`` (``*`` allowed) and its quality."""

    type: str
    subtype: str
    quality: float
    order: int

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; an absent or empty header accepts anything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0, 0)]
    ranges = []
    for order, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        kind, _, sub = fields[0].lower().partition("/")
        if not kind or not sub:
            continue
        quality = 1.0
        for field in fields[1:]:
            name, _, value = field.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append(MediaRange(kind, sub, quality, order))
    return ranges


def negotiate(header: str | None, offered: list[str]) -> str | None:
    """The offered media type the ``Accept`` header prefers (ties: the server's order), or
    ``None`` if it accepts none of them. Aliases (``application/json``…) count as their
    canonical type."""
    ranges = parse_accept(header)
    best: tuple[float, int, int] | None = None
    chosen = None
    for position, media_type in enumerate(offered):
        names = [media_type] + [a for a, c in MEDIA_TYPE_ALIASES.items() if c == media_type]
        matching = [r for name in names for r in ranges if r.matches(name)]
        if not matching:
            continue
        # The most specific matching range decides the quality (RFC 9110, 12.5.1).
        top = max(matching, key=lambda r: (r.specificity, -r.order))
        if top.quality <= 0:
            continue
        score = (top.quality, top.specificity, -position)
        if best is None or score > best:
            best, chosen = score, media_type
    return chosen

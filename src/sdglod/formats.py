"""One table of the RDF serialisations sdglod writes: names, file suffixes and media types."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import SdglodError


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

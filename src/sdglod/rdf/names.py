"""Short, readable names for IRIs and RDF terms in messages and tables (``schema:name``), and
the :class:`Vocabulary` (prefixes and JSON-LD context) they are made with."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# A local name that Turtle accepts after a prefix without escaping (a conservative subset).
_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
_NT_IRI = re.compile(r"^<([^>]*)>$")
_NT_TYPED = re.compile(r'^(".*")\^\^<([^>]*)>$', re.DOTALL)


def compact_iri(iri: str, prefixes: Mapping[str, str]) -> str:
    """``iri`` as ``prefix:local`` with the longest matching namespace, else the IRI itself."""
    best = ""
    for name, namespace in prefixes.items():
        if (
            iri.startswith(namespace)
            and len(namespace) > len(prefixes.get(best, ""))
            and _LOCAL.match(iri[len(namespace) :])
        ):
            best = name
    return f"{best}:{iri[len(prefixes[best]) :]}" if best else iri


def prefixed_name(iri: str, prefixes: Mapping[str, str]) -> str:
    """``iri`` as ``prefix:local`` where a prefix fits, else in Turtle's ``<iri>`` form."""
    compact = compact_iri(iri, prefixes)
    return compact if compact != iri else f"<{iri}>"


def display_term(ntriples: str, prefixes: Mapping[str, str]) -> str:
    """An RDF term in N-Triples form, with its IRIs shortened to prefixed names."""
    if found := _NT_IRI.match(ntriples):
        return prefixed_name(found.group(1), prefixes)
    if found := _NT_TYPED.match(ntriples):
        return f"{found.group(1)}^^{prefixed_name(found.group(2), prefixes)}"
    return ntriples


@dataclass(frozen=True)
class Vocabulary:
    """How to write IRIs short: prefixes (Turtle, tables) and the JSON-LD context."""

    prefixes: Mapping[str, str] = field(default_factory=dict)
    context: Mapping[str, str] = field(default_factory=lambda: {"@vocab": "http://schema.org/"})

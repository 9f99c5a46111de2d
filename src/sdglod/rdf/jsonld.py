"""Compact JSON-LD against a fixed, readable context, written as a stream.

pyoxigraph writes only expanded JSON-LD and compacting with rdflib or pyld is slow, so this
module compacts directly: the context is known in advance (``@vocab`` plus the project's
prefixes), which makes compaction a string operation per term. The output, read back as RDF,
is isomorphic to the triples written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from itertools import groupby
from operator import attrgetter
from typing import TextIO

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from .namespaces import RDF_TYPE, XSD_BOOLEAN, XSD_INTEGER, XSD_STRING

# A term usable as a bare key or type: no ':' (that would make it a compact IRI) and not a keyword.
_TERM = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_CANONICAL_INT = re.compile(r"^(0|-?[1-9][0-9]{0,14})$")  # exact as a JSON number in any parser
# JSON-LD 1.1 only lets a term act as a prefix if its IRI ends in a gen-delim character.
_GEN_DELIMS = tuple(":/?#[]@")
_OBJECT_CACHE = 100_000  # compact object IRIs remembered, at most


def build_context(prefixes: dict[str, str], vocab: str) -> dict[str, str]:
    """A context with ``@vocab`` and every prefix that JSON-LD can use in compact IRIs."""
    context = {"@vocab": vocab}
    for name, iri in sorted(prefixes.items()):
        if _TERM.match(name) and iri.endswith(_GEN_DELIMS):
            context[name] = iri
    return context


class Compactor:
    """Turns IRIs into the shortest form that expands back to them under one context."""

    def __init__(self, context: dict[str, str]):
        self.vocab = context.get("@vocab", "")
        self.terms = {name for name in context if not name.startswith("@")}
        # Longest namespace first, so the most specific prefix wins.
        self._namespaces = sorted(
            ((iri, name) for name, iri in context.items() if not name.startswith("@")),
            key=lambda pair: (-len(pair[0]), pair[1]),
        )
        # The same, as a lookup: the first name in that order for each namespace IRI.
        self._by_namespace: dict[str, str] = {}
        for iri, name in self._namespaces:
            self._by_namespace.setdefault(iri, name)
        # When every namespace ends in '/' or '#', only the IRI's prefixes that end there can
        # match, longest first: a few dictionary look-ups instead of a scan of all namespaces.
        self._slash_hash = all(iri.endswith(("/", "#")) for iri, _ in self._namespaces)
        self._vocab_cache: dict[str, str] = {}
        self._object_ids: dict[str, str] = {}

    def vocab_iri(self, iri: str) -> str:
        """Compact an IRI used as a key, a node type or a datatype (vocabulary-relative)."""
        found = self._vocab_cache.get(iri)
        if found is None:
            found = self._vocab_cache[iri] = self._vocab_iri(iri)
        return found

    def _vocab_iri(self, iri: str) -> str:
        if self.vocab and iri.startswith(self.vocab):
            local = iri[len(self.vocab) :]
            if _TERM.match(local) and local not in self.terms:
                return local
        return self.id_iri(iri)

    def id_iri(self, iri: str) -> str:
        """Compact an IRI used as a node identifier (a compact IRI or the IRI itself)."""
        if self._slash_hash:
            by_namespace = self._by_namespace
            cut = max(iri.rfind("/"), iri.rfind("#"))
            while cut > 0:
                name = by_namespace.get(iri[: cut + 1])
                if name is not None and len(iri) > cut + 1 and not iri.startswith("//", cut + 1):
                    return f"{name}:{iri[cut + 1 :]}"
                cut = max(iri.rfind("/", 0, cut), iri.rfind("#", 0, cut))
        else:
            for namespace, name in self._namespaces:
                if iri.startswith(namespace) and len(iri) > len(namespace):
                    local = iri[len(namespace) :]
                    if not local.startswith("//"):
                        return f"{name}:{local}"
        scheme = iri.split(":", 1)[0]
        if scheme in self.terms or scheme == "_":
            raise ValueError(f"IRI {iri!r} cannot be written: its scheme is a context term")
        return iri

    def value(self, term: NamedNode | BlankNode | Literal) -> object:
        """The JSON-LD value for an object of a triple."""
        kind = type(term)
        if kind is NamedNode:
            # Objects repeat (organisations, SDG targets…): their compact forms are kept.
            iri = term.value
            found = self._object_ids.get(iri)
            if found is None:
                if len(self._object_ids) > _OBJECT_CACHE:
                    self._object_ids.clear()
                found = self._object_ids[iri] = self.id_iri(iri)
            return {"@id": found}
        if kind is BlankNode:
            return {"@id": f"_:{term.value}"}
        language = term.language  # type: ignore[union-attr]
        if language:
            return {"@value": term.value, "@language": language}
        datatype = term.datatype.value  # type: ignore[union-attr]
        if datatype == XSD_STRING:
            return term.value
        if datatype == XSD_INTEGER and _CANONICAL_INT.match(term.value):
            return int(term.value)
        if datatype == XSD_BOOLEAN and term.value in ("true", "false"):
            return term.value == "true"
        return {"@value": term.value, "@type": self.vocab_iri(datatype)}

    def node(self, subject: NamedNode | BlankNode, triples: Iterable[Triple]) -> dict:
        """One node object for ``subject`` from its triples (in the order given)."""
        node_id = f"_:{subject.value}" if type(subject) is BlankNode else self.id_iri(subject.value)
        types: list[str] = []
        properties: dict[str, list[object]] = {}
        vocab_iri, value = self.vocab_iri, self.value
        for triple in triples:
            obj = triple.object
            predicate = triple.predicate.value
            if predicate == RDF_TYPE and type(obj) is not Literal:
                types.append(f"_:{obj.value}" if type(obj) is BlankNode else vocab_iri(obj.value))
            else:
                key = vocab_iri(predicate)
                values = properties.get(key)
                if values is None:
                    properties[key] = [value(obj)]
                else:
                    values.append(value(obj))
        node: dict[str, object] = {"@id": node_id}
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        for key in sorted(properties):
            values = properties[key]
            node[key] = values[0] if len(values) == 1 else values
        return node


def write_jsonld(
    triples: Iterable[Triple],
    out: TextIO,
    context: dict[str, str],
    context_url: str | None = None,
) -> None:
    """Write ``triples`` (grouped by subject, in the order wanted) as one compact document,
    with ``context`` in it, or a reference to ``context_url`` that serves it."""
    compactor = Compactor(context)
    # One encoder for every node: json.dumps(…, ensure_ascii=False) would make one per call.
    encode = json.JSONEncoder(ensure_ascii=False).encode
    out.write('{\n  "@context": ')
    shown = context if context_url is None else context_url
    out.write(_indent(json.dumps(shown, ensure_ascii=False, indent=2), "  "))
    out.write(',\n  "@graph": [')
    separator = "\n"
    for subject, group in groupby(triples, key=attrgetter("subject")):
        node = compactor.node(subject, group)
        out.write(separator)
        out.write("    ")
        # One node per line: readable, greppable, and written by json's fast C encoder.
        out.write(encode(node))
        separator = ",\n"
    out.write("\n  ]\n}\n")


def _indent(text: str, prefix: str) -> str:
    return text.replace("\n", "\n" + prefix)

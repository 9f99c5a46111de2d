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
from typing import TextIO

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING, _INTEGER, _BOOLEAN = XSD + "string", XSD + "integer", XSD + "boolean"
# A term usable as a bare key or type: no ':' (that would make it a compact IRI) and not a keyword.
_TERM = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_CANONICAL_INT = re.compile(r"^(0|-?[1-9][0-9]{0,14})$")  # exact as a JSON number in any parser
# JSON-LD 1.1 only lets a term act as a prefix if its IRI ends in a gen-delim character.
_GEN_DELIMS = tuple(":/?#[]@")


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

    def vocab_iri(self, iri: str) -> str:
        """Compact an IRI used as a key, a node type or a datatype (vocabulary-relative)."""
        if self.vocab and iri.startswith(self.vocab):
            local = iri[len(self.vocab) :]
            if _TERM.match(local) and local not in self.terms:
                return local
        return self.id_iri(iri)

    def id_iri(self, iri: str) -> str:
        """Compact an IRI used as a node identifier (a compact IRI or the IRI itself)."""
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
        if isinstance(term, NamedNode):
            return {"@id": self.id_iri(term.value)}
        if isinstance(term, BlankNode):
            return {"@id": f"_:{term.value}"}
        if term.language:
            return {"@value": term.value, "@language": term.language}
        datatype = term.datatype.value
        if datatype == _STRING:
            return term.value
        if datatype == _INTEGER and _CANONICAL_INT.match(term.value):
            return int(term.value)
        if datatype == _BOOLEAN and term.value in ("true", "false"):
            return term.value == "true"
        return {"@value": term.value, "@type": self.vocab_iri(datatype)}

    def node(self, subject: NamedNode | BlankNode, triples: Iterable[Triple]) -> dict:
        """One node object for ``subject`` from its triples (in the order given)."""
        node_id = (
            f"_:{subject.value}" if isinstance(subject, BlankNode) else self.id_iri(subject.value)
        )
        types: list[str] = []
        properties: dict[str, list[object]] = {}
        for triple in triples:
            obj = triple.object
            if triple.predicate.value == RDF_TYPE and not isinstance(obj, Literal):
                types.append(
                    f"_:{obj.value}" if isinstance(obj, BlankNode) else self.vocab_iri(obj.value)
                )
            else:
                key = self.vocab_iri(triple.predicate.value)
                properties.setdefault(key, []).append(self.value(obj))
        node: dict[str, object] = {"@id": node_id}
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        for key in sorted(properties):
            values = properties[key]
            node[key] = values[0] if len(values) == 1 else values
        return node


def write_jsonld(triples: Iterable[Triple], out: TextIO, context: dict[str, str]) -> None:
    """Write ``triples`` (grouped by subject, in the order wanted) as one compact document."""
    compactor = Compactor(context)
    out.write('{\n  "@context": ')
    out.write(_indent(json.dumps(context, ensure_ascii=False, indent=2), "  "))
    out.write(',\n  "@graph": [')
    separator = "\n"
    for subject, group in groupby(triples, key=lambda t: t.subject):
        node = compactor.node(subject, group)
        out.write(separator)
        out.write("    ")
        # One node per line: readable, greppable, and written by json's fast C encoder.
        out.write(json.dumps(node, ensure_ascii=False))
        separator = ",\n"
    out.write("\n  ]\n}\n")


def _indent(text: str, prefix: str) -> str:
    return text.replace("\n", "\n" + prefix)

"""SPARQL helpers for tests that ask the built store about facts."""

from __future__ import annotations

from sdglod.rdf.store import Store

PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "http://schema.org/",
    "sdg": "http://metadata.un.org/sdg/",
    "sdglod": "https://w3id.org/sdglod/ontology#",
    "sdgo": "http://metadata.un.org/sdg/ontology#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "event": "https://w3id.org/sdglod/id/event/",
    "organization": "https://w3id.org/sdglod/id/organization/",
    "person": "https://w3id.org/sdglod/id/person/",
    "outcome": "https://w3id.org/sdglod/id/outcome/",
    "work": "https://w3id.org/sdglod/id/work/",
    "campaign": "https://w3id.org/sdglod/id/campaign/",
}


def rows(store: Store, sparql: str) -> list[tuple[str, ...]]:
    """Run a SELECT and return each solution as a tuple of term values (None if unbound)."""
    result = store.query(sparql, prefixes=PREFIXES)
    names = [v.value for v in result.variables]
    return [tuple(s[n].value if s[n] is not None else None for n in names) for s in result]


def ask(store: Store, sparql: str) -> bool:
    return bool(store.query(sparql, prefixes=PREFIXES))

"""SPARQL helpers for tests that ask the built store about facts; editions of the mini project."""

from __future__ import annotations

import shutil
from pathlib import Path

from sdglod.build import build
from sdglod.project import Project, load_project
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


# --- editions of the mini project, to publish one after another ---------------------------------

MINI = Path(__file__).parent / "fixtures" / "mini-project"
MINI_PAGE = "/id/event/reading-week.html?lang=en"  # the page that shows the edition's name
MINI_NAME = "Reading week"


def mini_edition(folder: Path, name: str = MINI_NAME) -> Project:
    """A built copy of the tests' mini project whose first event is called ``name`` in
    English (shown on ``MINI_PAGE``): each name an edition that a publish changes."""
    root = shutil.copytree(MINI, folder)
    events = root / "data" / "events.ttl"
    text = events.read_text("utf-8")
    assert f'"{MINI_NAME}"@en' in text
    events.write_text(text.replace(f'"{MINI_NAME}"@en', f'"{name}"@en'), "utf-8")
    project = load_project(root)
    build(project)
    return project

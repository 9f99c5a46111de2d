"""The framed JSON-LD dump: each event a tree, and read back as RDF exactly the subgraph the
frame selects."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from sdglod.build import build
from sdglod.describe.framing import FRAMED_FILE, framed_events, write_framed
from sdglod.project import load_project
from sdglod.rdf.store import Store
from sdglod.rdf.writer import Dumper

OTHER_BASE = "https://data.example.org/"

# The frame written independently as SPARQL: the statements of every event that is not part of
# another, of its parts (linked either way) and the events it marks (recursively), their
# organisers and partners
# and their addresses, the organising people and their affiliations (with addresses), place
# and funding, and the outcomes they generated with their target links, the targets of those
# links (with whoever proposed them) and those targets' goals; and the marks of the statements
# of every node reached (rdf:subject), and theirs.
SELECTED = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX schema: <http://schema.org/>
PREFIX sdglod: <https://w3id.org/sdglod/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX sdgo: <http://metadata.un.org/sdg/ontology#>
CONSTRUCT { ?m ?p ?o } WHERE {
  ?root a schema:Event . FILTER NOT EXISTS { ?root schema:superEvent ?whole }
  ?root (schema:subEvent|^schema:superEvent|sdglod:marksAnniversaryOf)* ?event .
  {
    # Zero steps: the event itself (a BIND here would see ?event unbound: groups are
    # evaluated bottom-up).
    ?event ((schema:organizer|sdglod:partner)/schema:address?)? ?n
  } UNION {
    ?event sdglod:organisingPerson ?person . ?person (schema:affiliation/schema:address?)? ?n
  } UNION {
    ?event schema:location|schema:funding ?n
  } UNION {
    ?outcome prov:wasGeneratedBy ?event .
    ?outcome (sdglod:hasTargetLink/(sdglod:target/sdgo:isTargetOf?)?)? ?n
  } UNION {
    ?outcome prov:wasGeneratedBy ?event .
    ?outcome sdglod:hasTargetLink/dcterms:creator/schema:address? ?n
  }
  ?n (^rdf:subject)* ?m .
  ?m ?p ?o
}
"""


@pytest.fixture(scope="module")
def dist(built) -> Path:
    return built[1].dist_path


@pytest.fixture(scope="module")
def document(dist) -> dict:
    return json.loads((dist / FRAMED_FILE).read_text(encoding="utf-8"))


def read_back(path: Path) -> set:
    return {q.triple for q in parse(path=str(path), format=RdfFormat.JSON_LD)}


def test_framed_dump_is_isomorphic_to_the_subgraph_it_frames(store, dist):
    framed = read_back(dist / FRAMED_FILE)
    selected = set(store.query(SELECTED))
    assert len(selected) > 300
    # No blank nodes in the data: isomorphic means equal.
    assert framed == selected


def test_every_event_not_part_of_another_is_a_tree(built, store, document):
    roots = [tree["@id"] for tree in document["@graph"]]
    assert roots == sorted(roots)
    prefixes = built[1].manifest.prefixes
    expanded = [prefixes[name] + local for name, local in (r.split(":", 1) for r in roots)]
    top_level = store.query(
        "SELECT ?e { ?e a <http://schema.org/Event> "
        "FILTER NOT EXISTS { ?e <http://schema.org/superEvent> ?whole } }"
    )
    assert sorted(expanded) == sorted(row["e"].value for row in top_level)
    assert {"event:baltic-sdg-2021", "campaign:unesco-week-2021"} <= set(roots)


def test_the_conference_tree_nests_organisers_partners_outcomes_targets_and_goals(document):
    conference = next(t for t in document["@graph"] if t["@id"] == "event:baltic-sdg-2021")
    assert conference["@type"] == "Event"
    organisers = {o["@id"]: o for o in conference["organizer"]}
    library = organisers["organization:latvijas-nacionala-biblioteka"]
    assert {"@value": "Latvijas Nacionālā bibliotēka", "@language": "lv"} in library["name"]
    assert library["address"]["@type"] == "PostalAddress"
    assert len(conference["sdglod:partner"]) == 5
    assert {e["@id"] for e in conference["subEvent"]} == {
        "event:baltic-sdg-2021-lectures",
        "event:baltic-sdg-2021-workshops",
    }
    outcomes = conference["@reverse"]["prov:wasGeneratedBy"]
    assert [o["@id"] for o in outcomes] == [f"outcome:baltic-sdg-2021-{n}" for n in (1, 2, 3, 4)]
    first = outcomes[0]
    # The link back to the event is what @reverse says; it is not repeated inside.
    assert "prov:wasGeneratedBy" not in first
    # The targets are written inside the editors' proposals of them (with rank, rationale and
    # who proposed them); sdglod:servesTarget only refers to them.
    assert all(set(t) == {"@id"} for t in first["sdglod:servesTarget"])
    links = first["sdglod:hasTargetLink"]
    assert all({"position", "sdglod:rationale", "dcterms:creator"} <= set(link) for link in links)
    targets = {link["sdglod:target"]["@id"]: link["sdglod:target"] for link in links}
    assert targets["sdg:4.7"]["sdgo:isTargetOf"]["@id"] == "sdg:4"
    assert targets["sdg:4.7"]["sdgo:isTargetOf"]["name"]
    # The marks of the outcome's statements come with it: its translated text says so.
    marks = first["@reverse"]["rdf:subject"]
    assert any(mark["@type"] == "sdglod:Translation" for mark in marks)


def full_nodes(node: object, counts: Counter) -> None:
    """Count the nodes written in full (with more than an @id) anywhere under ``node``."""
    if isinstance(node, list):
        for item in node:
            full_nodes(item, counts)
    elif isinstance(node, dict):
        if "@id" in node and len(node) > 1:
            counts[node["@id"]] += 1
        for key, value in node.items():
            if key != "@id":
                full_nodes(value, counts)


def test_a_node_is_written_in_full_once_per_tree(document):
    for tree in document["@graph"]:
        counts: Counter = Counter()
        full_nodes(tree, counts)
        assert max(counts.values()) == 1, [n for n, c in counts.items() if c > 1]
    # An SDG goal served through two targets is written once, then referenced.
    conference = next(t for t in document["@graph"] if t["@id"] == "event:baltic-sdg-2021")
    text = json.dumps(conference)
    assert text.count('"@id": "sdg:17"') >= 2


def test_keys_come_from_the_projects_context(built, document):
    assert document["@context"] == built[1].manifest.context
    conference = next(t for t in document["@graph"] if t["@id"] == "event:baltic-sdg-2021")
    assert conference["startDate"] == {"@value": "2021-09-23", "@type": "xsd:date"}
    assert conference["isAccessibleForFree"] is True
    assert "name" in conference and "sdglod:partner" in conference


def in_dump_order(quads) -> list:
    return Dumper(quads, {}, {}).triples


def test_framing_is_deterministic(built, store, dist, tmp_path):
    context = built[1].manifest.context
    # From the store (the build frames the parsed sources): the same bytes.
    triples = in_dump_order(store.quads())
    assert framed_events(triples, context) == framed_events(triples, context)
    written = write_framed(triples, context, tmp_path)
    assert written.read_bytes() == (dist / FRAMED_FILE).read_bytes()


def test_triples_not_grouped_by_subject_are_refused():
    a, b, p = NamedNode("urn:a"), NamedNode("urn:b"), NamedNode("urn:p")
    triples = [Quad(a, p, b).triple, Quad(b, p, a).triple, Quad(a, p, a).triple]
    with pytest.raises(ValueError, match="not together"):
        framed_events(triples, {})


def test_framed_dump_under_another_base_frames_the_same_subgraph(tmp_path_factory):
    from conftest import copy_project

    project = load_project(copy_project(tmp_path_factory.mktemp("base") / "p"), OTHER_BASE)
    other = build(project)
    path = other.dist_path / FRAMED_FILE
    assert read_back(path) == set(other.open_store().query(SELECTED))
    text = path.read_text(encoding="utf-8")
    assert f'"event": "{OTHER_BASE}id/event/"' in text
    assert "w3id.org/sdglod/id/" not in text


def test_each_node_once_and_reverse_links_on_a_small_graph():
    schema, prov = "http://schema.org/", "http://www.w3.org/ns/prov#"
    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    event, org, outcome = (NamedNode(f"https://x.org/{n}") for n in ("event", "org", "outcome"))
    store = Store.in_memory(
        [
            Quad(event, rdf_type, NamedNode(schema + "Event")),
            Quad(event, NamedNode(schema + "organizer"), org),
            Quad(event, NamedNode("https://w3id.org/sdglod/ontology#partner"), org),
            Quad(org, NamedNode(schema + "name"), Literal("Org", language="en")),
            Quad(outcome, NamedNode(prov + "wasGeneratedBy"), event),
            Quad(outcome, NamedNode(schema + "name"), Literal("Outcome")),
        ]
    )
    context = {"@vocab": schema, "prov": prov, "sdglod": "https://w3id.org/sdglod/ontology#"}
    document = framed_events(in_dump_order(store.quads()), context)
    assert document["@graph"] == [
        {
            "@id": "https://x.org/event",
            "@type": "Event",
            "organizer": {
                "@id": "https://x.org/org",
                "name": {"@value": "Org", "@language": "en"},
            },
            "sdglod:partner": {"@id": "https://x.org/org"},
            "@reverse": {
                "prov:wasGeneratedBy": {"@id": "https://x.org/outcome", "name": "Outcome"}
            },
        }
    ]


def test_a_part_named_only_from_its_whole_is_nested_not_a_tree_of_its_own():
    """schema:subEvent alone makes a part, as schema:superEvent alone does: every event is
    written once, the parts inside their whole, however the link is stated."""
    schema = "http://schema.org/"
    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    whole, named, pointing = (NamedNode(f"https://x.org/{n}") for n in ("a", "b", "c"))
    store = Store.in_memory(
        [
            *(Quad(e, rdf_type, NamedNode(schema + "Event")) for e in (whole, named, pointing)),
            Quad(whole, NamedNode(schema + "subEvent"), named),
            Quad(pointing, NamedNode(schema + "superEvent"), whole),
        ]
    )
    document = framed_events(in_dump_order(store.quads()), {"@vocab": schema})
    assert [tree["@id"] for tree in document["@graph"]] == ["https://x.org/a"]
    (tree,) = document["@graph"]
    assert tree["subEvent"] == {"@id": "https://x.org/b", "@type": "Event"}
    assert tree["@reverse"]["superEvent"] == {"@id": "https://x.org/c", "@type": "Event"}


def test_events_that_are_parts_of_each_other_still_get_a_tree():
    """Parts in a circle have no whole to start from: the first of them is a tree."""
    schema = "http://schema.org/"
    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    a, b = NamedNode("https://x.org/a"), NamedNode("https://x.org/b")
    store = Store.in_memory(
        [
            *(Quad(e, rdf_type, NamedNode(schema + "Event")) for e in (a, b)),
            Quad(a, NamedNode(schema + "superEvent"), b),
            Quad(b, NamedNode(schema + "superEvent"), a),
        ]
    )
    document = framed_events(in_dump_order(store.quads()), {"@vocab": schema})
    assert [tree["@id"] for tree in document["@graph"]] == ["https://x.org/a"]
    assert document["@graph"][0]["@reverse"]["superEvent"]["@id"] == "https://x.org/b"

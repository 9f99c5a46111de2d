"""The VoID description of the dataset (``void.ttl``, served at ``/.well-known/void``): what
it is, its statistics and partitions by class, property and named graph, where to get it and
the vocabularies it uses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from pyoxigraph import Literal, Quad

from ..rdf.names import compact_iri
from ..rdf.namespaces import DCT, FOAF, FORMATS, LDES, OWL, RDF_TYPE, RDFS, SCHEMA, TREE, VOID
from ..rdf.store import Store
from .authorities import LDES_SPECIFICATION, W3C_FORMAT_NAMES
from .facts import DatasetFacts, DumpFile, ReleaseFacts, Statistics
from .graph import PREFIXES, Graph, typed
from .public_urls import PublicUrls

# How many of the latest events VoID names as examples: a few, as VoID asks.
EXAMPLE_EVENTS = 3


def example_resources(store: Store, facts: DatasetFacts, base: str) -> list[str]:
    """A few resources to show what the dataset holds, chosen by a rule, not by hand: what the
    dataset's description says it is about, the latest events of the data (so a new event is
    an example at once), then the first instance (by IRI) of each class the ontology
    declares, leaving out parts of resources (IRIs with a fragment). Only the dataset's own
    IRIs."""
    chosen = [
        *facts.dataset.iris(SCHEMA + "about"),
        *(event.iri for event in facts.events[:EXAMPLE_EVENTS]),
    ]
    chosen = [iri for iri in chosen if iri.startswith(base)]
    classes = store.query(
        f"SELECT DISTINCT ?c WHERE {{ ?c a ?k VALUES ?k {{ <{OWL}Class> <{RDFS}Class> }} "
        "FILTER(isIRI(?c)) } ORDER BY ?c"
    )
    for row in classes:
        first = store.query(
            f"SELECT ?x WHERE {{ ?x a {row['c']} FILTER(isIRI(?x) "
            f'&& STRSTARTS(STR(?x), {Literal(base)}) && !CONTAINS(STR(?x), "#")) }} '
            "ORDER BY ?x LIMIT 1"
        )
        chosen.extend(r["x"].value for r in first)
    return list(dict.fromkeys(chosen))


def void_graph(
    store: Store,
    facts: DatasetFacts,
    statistics: Statistics,
    graphs: Mapping[str, int],
    dumps: Iterable[DumpFile],
    base: str,
    prefixes: Mapping[str, str],
    releases: ReleaseFacts | None = None,
) -> list[Quad]:
    """The VoID description of a dataset (``facts``, as the data gives them): what it is,
    its statistics and partitions, where to get it (dumps, SPARQL endpoint, the event stream
    of its releases), example resources and the vocabularies it uses."""
    urls = PublicUrls(base)
    description = facts.dataset
    names = {**PREFIXES, **prefixes}
    dataset = description.iri
    g = Graph()
    document = urls.void
    g.add(document, RDF_TYPE, VOID + "DatasetDescription")
    g.add(document, FOAF + "primaryTopic", dataset)
    g.add(dataset, RDF_TYPE, VOID + "Dataset")
    g.add_all(dataset, DCT + "title", description.literals(DCT + "title", SCHEMA + "name"))
    g.add_all(dataset, DCT + "description", description.literals(DCT + "description"))
    g.add_all(dataset, DCT + "license", description.get(DCT + "license", SCHEMA + "license"))
    g.add_all(dataset, DCT + "publisher", description.iris(DCT + "publisher", SCHEMA + "publisher"))
    g.add_all(dataset, DCT + "modified", description.literals(DCT + "modified"))
    g.add(dataset, FOAF + "homepage", urls.landing_page)
    g.add(dataset, VOID + "sparqlEndpoint", urls.sparql)
    for dump in dumps:
        if dump.whole:
            g.add(dataset, VOID + "dataDump", urls.dump(dump.filename))
            g.add(dataset, VOID + "feature", FORMATS + W3C_FORMAT_NAMES[dump.name])
    if releases is not None:
        # VoID has no term for a stream of changes: the stream is a document of the dataset.
        g.add(dataset, RDFS + "seeAlso", urls.ldes)
        g.add(urls.ldes, RDF_TYPE, LDES + "EventStream")
        g.add(urls.ldes, VOID + "inDataset", dataset)
        g.add(urls.ldes, DCT + "conformsTo", LDES_SPECIFICATION)
        g.add(urls.ldes, TREE + "view", urls.ldes_view)
    g.add_all(dataset, VOID + "exampleResource", example_resources(store, facts, base))
    used = set(statistics.property_triples) | set(statistics.class_entities)
    g.add_all(dataset, VOID + "vocabulary", sorted({_namespace(iri) for iri in used}))
    _add_statistics(g, dataset, document, statistics, names)
    # Each named graph is a subset, named by the graph's own IRI (what GRAPH <…> queries use).
    for graph, triples in sorted(graphs.items()):
        g.add(dataset, VOID + "subset", graph)
        g.add(graph, RDF_TYPE, VOID + "Dataset")
        g.add(graph, VOID + "triples", typed(triples, "integer"))
        g.add(graph, VOID + "sparqlEndpoint", urls.sparql)
    return g.quads()


def _add_statistics(
    g: Graph, dataset: str, document: str, statistics: Statistics, names: Mapping[str, str]
) -> None:
    """The dataset's counts, and a partition per class and per property with its own."""
    g.add(dataset, VOID + "triples", typed(statistics.triples, "integer"))
    g.add(dataset, VOID + "entities", typed(statistics.entities, "integer"))
    g.add(dataset, VOID + "distinctSubjects", typed(statistics.distinct_subjects, "integer"))
    g.add(dataset, VOID + "distinctObjects", typed(statistics.distinct_objects, "integer"))
    g.add(dataset, VOID + "classes", typed(len(statistics.class_entities), "integer"))
    g.add(dataset, VOID + "properties", typed(len(statistics.property_triples), "integer"))
    for cls, entities in statistics.class_entities.items():
        partition = f"{document}#class-{_fragment_name(cls, names)}"
        g.add(dataset, VOID + "classPartition", partition)
        g.add(partition, VOID + "class", cls)
        g.add(partition, VOID + "entities", typed(entities, "integer"))
    for prop, triples in statistics.property_triples.items():
        partition = f"{document}#property-{_fragment_name(prop, names)}"
        g.add(dataset, VOID + "propertyPartition", partition)
        g.add(partition, VOID + "property", prop)
        g.add(partition, VOID + "triples", typed(triples, "integer"))


def _namespace(iri: str) -> str:
    """The vocabulary an IRI belongs to: everything up to its last ``#`` or ``/``."""
    return iri[: max(iri.rfind("#"), iri.rfind("/")) + 1]


def _fragment_name(iri: str, prefixes: Mapping[str, str]) -> str:
    """A stable name for a partition's fragment: the term's prefixed name where one fits
    (``schema:Event``), else a hash of the IRI; both stay the same from release to release."""
    compact = compact_iri(iri, prefixes)
    if compact != iri:
        return compact
    return hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]

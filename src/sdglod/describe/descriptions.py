"""Descriptions of the dataset, generated from the built data: VoID, a DCAT-AP 3 catalogue
record and schema.org ``Dataset`` JSON-LD for search engines.

Nothing here is copied by hand: titles, licence, publisher, dates and keywords come from the
dataset's own description in the data (the one resource typed ``void:Dataset``,
``dcat:Dataset`` or ``schema:Dataset``), the statistics from the built graph, sizes and
checksums from the files of the build. The next dataset gets its descriptions by building.

The public addresses these files name (landing page, endpoint, dumps…) are made in one place,
:class:`PublicUrls`, which the server uses too.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from ..errors import ProjectError
from ..rdf.formats import RDF_FORMATS, rdf_format
from ..rdf.jsonld import RDF_TYPE, build_context
from ..rdf.names import compact_iri
from ..rdf.store import Store
from ..rdf.writer import Dumper, file_digest

# --- Public addresses -----------------------------------------------------------------------

VOID_FILE = "void.ttl"
CATALOG_TURTLE_FILE = "catalog.ttl"
CATALOG_JSONLD_FILE = "catalog.jsonld"
SCHEMA_ORG_FILE = "dataset.schema.jsonld"


@dataclass(frozen=True)
class PublicUrls:
    """The public addresses of a dataset published under ``base`` (the project's base IRI).

    The server maps ``base`` to whatever host it runs on; the descriptions always name the
    canonical addresses.
    """

    base: str

    @property
    def landing_page(self) -> str:
        return self.base

    @property
    def sparql(self) -> str:
        return f"{self.base}sparql"

    @property
    def queries(self) -> str:
        return f"{self.base}queries"

    @property
    def openapi(self) -> str:
        return f"{self.base}openapi.json"

    @property
    def void(self) -> str:
        """The VoID document (``dist/void.ttl``), as RFC 5785 and the VoID note suggest."""
        return f"{self.base}.well-known/void"

    @property
    def catalog(self) -> str:
        """The DCAT catalogue: ``dist/catalog.ttl`` or ``dist/catalog.jsonld`` by negotiation."""
        return f"{self.base}catalog"

    def dump(self, filename: str) -> str:
        """Where the file ``filename`` of ``dist/`` is downloaded."""
        return f"{self.base}dumps/{filename}"


# --- Vocabularies ---------------------------------------------------------------------------

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SCHEMA = "http://schema.org/"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
FOAF = "http://xmlns.com/foaf/0.1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SPDX = "http://spdx.org/rdf/terms#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
PROV = "http://www.w3.org/ns/prov#"
SDGO = "http://metadata.un.org/sdg/ontology#"
SDGLOD = "https://w3id.org/sdglod/ontology#"
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
W3C_FORMATS = "http://www.w3.org/ns/formats/"

# Prefixes of the description files (the project's own prefixes are added to these).
_PREFIXES = {
    "dcat": DCAT,
    "dcterms": DCT,
    "foaf": FOAF,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "schema": SCHEMA,
    "skos": SKOS,
    "spdx": SPDX,
    "vcard": VCARD,
    "void": VOID,
    "xsd": XSD,
}

# How each dump format is named by the EU file-type authority table (DCAT-AP's dct:format)
# and by the W3C format registry (VoID's void:feature).
_EU_FILE_TYPES = {
    "ttl": "RDF_TURTLE",
    "nt": "RDF_N_TRIPLES",
    "nq": "RDF_N_QUADS",
    "trig": "RDF_TRIG",
    "jsonld": "JSON_LD",
    "rdf": "RDF_XML",
}
_W3C_FORMATS = {
    "ttl": "Turtle",
    "nt": "N-Triples",
    "nq": "N-Quads",
    "trig": "TriG",
    "jsonld": "JSON-LD",
    "rdf": "RDF_XML",
}
# BCP 47 language tags of the data → the EU language authority table (ISO 639-3 codes), with
# the English names the table gives. DCAT-AP requires dct:language from that table; a
# language missing here is left out of the DCAT-AP record rather than guessed.
_EU_LANGUAGES = {
    "bg": ("BUL", "Bulgarian"),
    "cs": ("CES", "Czech"),
    "da": ("DAN", "Danish"),
    "de": ("DEU", "German"),
    "el": ("ELL", "Greek"),
    "en": ("ENG", "English"),
    "es": ("SPA", "Spanish"),
    "et": ("EST", "Estonian"),
    "fi": ("FIN", "Finnish"),
    "fr": ("FRA", "French"),
    "ga": ("GLE", "Irish"),
    "hr": ("HRV", "Croatian"),
    "hu": ("HUN", "Hungarian"),
    "it": ("ITA", "Italian"),
    "lt": ("LIT", "Lithuanian"),
    "lv": ("LAV", "Latvian"),
    "mt": ("MLT", "Maltese"),
    "nl": ("NLD", "Dutch"),
    "pl": ("POL", "Polish"),
    "pt": ("POR", "Portuguese"),
    "ro": ("RON", "Romanian"),
    "ru": ("RUS", "Russian"),
    "sk": ("SLK", "Slovak"),
    "sl": ("SLV", "Slovenian"),
    "sv": ("SWE", "Swedish"),
    "uk": ("UKR", "Ukrainian"),
}
_SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
_OPENAPI = "https://spec.openapis.org/oas/v3.1.0"

# Texts the descriptions need that the data cannot give (names of the catalogue, the dumps and
# the services), in the languages the project writes. {publisher} and {format} are filled in.
_TEXT_LANGUAGES = ("lv", "en")
_TEXTS: dict[str, dict[str, str]] = {
    "catalog-title": {"lv": "Datu katalogs: {publisher}", "en": "Data catalogue: {publisher}"},
    "catalog-description": {
        "lv": "Datu kopas un datu pakalpojumi, ko publicē {publisher}.",
        "en": "Datasets and data services published by {publisher}.",
    },
    "dump-triples": {
        "lv": "Visa datu kopa {format} formātā: visu nosaukto grafu apvienojums.",
        "en": "The whole dataset in {format}: the union of its named graphs.",
    },
    "dump-quads": {
        "lv": "Visa datu kopa {format} formātā, katrs apgalvojums savā nosauktajā grafā.",
        "en": "The whole dataset in {format}, each statement in its named graph.",
    },
    "dump-framed": {
        "lv": "Katrs notikums kā JSON-LD koks: organizatori, partneri, cilvēki, rezultāti un "
        "IAM apakšmērķi un mērķi, kuriem tie kalpo (daļa no datu kopas).",
        "en": "Each event as a JSON-LD tree: its organisers, partners, people, outcomes and "
        "the SDG targets and goals they serve (a part of the dataset).",
    },
    "sparql-endpoint-title": {"lv": "SPARQL galapunkts", "en": "SPARQL endpoint"},
    "sparql-endpoint-description": {
        "lv": "Tikai lasāms SPARQL 1.1 vaicājumu galapunkts visai datu kopai "
        "(visu nosaukto grafu apvienojums).",
        "en": "A read-only SPARQL 1.1 query endpoint over the whole dataset "
        "(the union of its named graphs).",
    },
    "canned-queries-title": {"lv": "Sagatavotie vaicājumi", "en": "Canned queries"},
    "canned-queries-description": {
        "lv": "Gatavi SPARQL vaicājumi ar tipizētiem parametriem; rezultāti JSON, CSV un citos "
        "formātos; aprakstīti OpenAPI.",
        "en": "Ready-made SPARQL queries with typed parameters; results as JSON, CSV and other "
        "formats; described in OpenAPI.",
    },
}

Term = NamedNode | BlankNode | Literal


# --- Reading the dataset's own description --------------------------------------------------

_DATASET_TYPES = (VOID + "Dataset", DCAT + "Dataset", SCHEMA + "Dataset")


@dataclass(frozen=True)
class Resource:
    """A resource of the store with its statements (objects by predicate, in a stable order)."""

    iri: str
    values: Mapping[str, tuple[Term, ...]]

    def get(self, *predicates: str) -> tuple[Term, ...]:
        """The objects of the first of ``predicates`` that has any."""
        for predicate in predicates:
            if found := self.values.get(predicate):
                return found
        return ()

    def literals(self, *predicates: str) -> tuple[Literal, ...]:
        return tuple(o for o in self.get(*predicates) if isinstance(o, Literal))

    def iris(self, *predicates: str) -> tuple[str, ...]:
        return tuple(o.value for o in self.get(*predicates) if isinstance(o, NamedNode))


def _sort_key(term: Term) -> tuple[str, str]:
    return (term.value, str(term))


def describe(store: Store, iri: str) -> Resource:
    """The statements about ``iri`` in the union of all graphs."""
    values: dict[str, list[Term]] = defaultdict(list)
    # str() of a NamedNode is its N-Triples form, escaped by pyoxigraph: safe in a query.
    rows = store.query(f"SELECT DISTINCT ?p ?o WHERE {{ {NamedNode(iri)} ?p ?o }}")
    for row in rows:
        values[row["p"].value].append(row["o"])
    return Resource(iri, {p: tuple(sorted(v, key=_sort_key)) for p, v in sorted(values.items())})


def find_dataset(store: Store) -> str | None:
    """The IRI of the dataset the data describes, or ``None`` if it describes none.

    That is the resource typed ``void:Dataset``, ``dcat:Dataset`` or ``schema:Dataset`` (the
    one with most of these types, if several are typed); two equally good candidates are an
    error, since a project publishes one dataset.
    """
    rows = store.query(
        "SELECT ?d (COUNT(DISTINCT ?t) AS ?n) WHERE { ?d a ?t "
        f"VALUES ?t {{ {' '.join(f'<{t}>' for t in _DATASET_TYPES)} }} FILTER(isIRI(?d)) }}"
        " GROUP BY ?d ORDER BY DESC(?n) ?d"
    )
    found = [(row["d"].value, int(row["n"].value)) for row in rows]
    if not found:
        return None
    if len(found) > 1 and found[0][1] == found[1][1]:
        raise ProjectError(
            f"the data describes several datasets ({found[0][0]}, {found[1][0]}), "
            "and the descriptions need one",
            hint="type the dataset this project publishes as void:Dataset and dcat:Dataset "
            "(data/dataset.ttl), and only that one",
        )
    return found[0][0]


# --- Statistics -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Statistics:
    """VoID statistics of a set of distinct triples (the union of all graphs)."""

    triples: int
    entities: int  # distinct IRI subjects
    distinct_subjects: int
    distinct_objects: int
    class_entities: Mapping[str, int]  # class IRI → distinct instances
    property_triples: Mapping[str, int]  # property IRI → triples

    @classmethod
    def of(cls, triples: Iterable[Triple]) -> Statistics:
        """Count in one pass over ``triples``, which must be distinct (a dump's union)."""
        subjects: set = set()
        objects: set = set()
        predicates: Counter[str] = Counter()
        instances: dict[str, set] = defaultdict(set)
        count = 0
        for triple in triples:
            count += 1
            subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
            subjects.add(subject)
            objects.add(obj)
            predicates[predicate] += 1
            if predicate == RDF_TYPE and not isinstance(obj, Literal):
                instances[obj.value].add(subject)
        return cls(
            triples=count,
            entities=sum(isinstance(s, NamedNode) for s in subjects),
            distinct_subjects=len(subjects),
            distinct_objects=len(objects),
            class_entities={c: len(members) for c, members in sorted(instances.items())},
            property_triples=dict(sorted(predicates.items())),
        )


# --- Files of the build ---------------------------------------------------------------------


@dataclass(frozen=True)
class DumpFile:
    """A file of ``dist/`` that the descriptions list: what it is, its size and checksum."""

    name: str  # the manifest's name: "ttl", "events-framed"…
    filename: str
    media_type: str
    label: str
    file_type: str | None  # the EU file-type code
    bytes: int
    sha256: str
    whole: bool  # the whole dataset (a void:dataDump), not a view of part of it
    keeps_graphs: bool = False

    @classmethod
    def of(cls, name: str, path: Path) -> DumpFile:
        if name in RDF_FORMATS:
            fmt = rdf_format(name)
            media, label, whole, graphs = fmt.media_type, fmt.label, True, fmt.keeps_graphs
            file_type = _EU_FILE_TYPES.get(name)
        else:  # the framed JSON-LD dump
            media, label, whole, graphs = "application/ld+json", "JSON-LD", False, False
            file_type = _EU_FILE_TYPES["jsonld"]
        size = path.stat().st_size
        return cls(name, path.name, media, label, file_type, size, file_digest(path), whole, graphs)


def dump_files(dumps: Mapping[str, Path], framed: str | None = None) -> list[DumpFile]:
    """The dumps of a build that describe the data (not the context, report or shapes),
    in the order of the format table, then the framed dump named ``framed``."""
    names = [name for name in RDF_FORMATS if name in dumps]
    if framed is not None and framed in dumps:
        names.append(framed)
    return [DumpFile.of(name, dumps[name]) for name in names]


# --- Building graphs ------------------------------------------------------------------------


class _Graph:
    """A small list of triples with helpers; duplicates are dropped when it is written."""

    def __init__(self) -> None:
        self.triples: list[Triple] = []

    def add(self, subject: str, predicate: str, obj: Term | str) -> None:
        o = NamedNode(obj) if isinstance(obj, str) else obj
        self.triples.append(Triple(NamedNode(subject), NamedNode(predicate), o))

    def add_all(self, subject: str, predicate: str, objects: Iterable[Term | str]) -> None:
        for obj in objects:
            self.add(subject, predicate, obj)

    def quads(self) -> list[Quad]:
        return [Quad(t.subject, t.predicate, t.object) for t in dict.fromkeys(self.triples)]


def _typed(value: str | int, datatype: str) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + datatype))


def _texts(key: str, languages: Iterable[str], **values: Mapping[str, str]) -> list[Literal]:
    """The text ``key`` in each of ``languages`` it exists in, with ``values`` filled in from
    per-language mappings (a language without a value gets none)."""
    texts = []
    for language in languages:
        template = _TEXTS[key].get(language)
        if template is None:
            continue
        filled = {name: by_language.get(language) for name, by_language in values.items()}
        if any(v is None for v in filled.values()):
            continue
        texts.append(Literal(template.format(**filled), language=language))
    return texts


def _by_language(literals: Iterable[Literal]) -> dict[str, str]:
    """One text per language (the first in sort order); an untagged text serves every language."""
    found: dict[str, str] = {}
    untagged = None
    for literal in sorted(literals, key=_sort_key):
        if literal.language:
            found.setdefault(literal.language, literal.value)
        elif untagged is None:
            untagged = literal.value
    if untagged is not None:
        for language in _TEXT_LANGUAGES:
            found.setdefault(language, untagged)
    return found


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


# --- What the data says, read once ----------------------------------------------------------


@dataclass(frozen=True)
class DatasetFacts:
    """What the descriptions take from the store about a dataset, gathered by a few queries."""

    dataset: Resource
    agents: Mapping[str, Resource]  # publisher and creators
    countries: tuple[Resource, ...]
    period: tuple[Literal, Literal] | None
    themes: tuple[Resource, ...]
    schemes: tuple[Resource, ...]
    sources: tuple[Resource, ...]
    about: tuple[Resource, ...]

    @property
    def publisher(self) -> Resource | None:
        iris = self.dataset.iris(DCT + "publisher", SCHEMA + "publisher")
        return self.agents.get(iris[0]) if iris else None

    @property
    def languages(self) -> list[str]:
        """The dataset's languages as the data names them (``lv``…), sorted."""
        literals = self.dataset.literals(SCHEMA + "inLanguage", DCT + "language")
        return sorted({lit.value for lit in literals})

    @property
    def text_languages(self) -> list[str]:
        """The languages the dataset's own title is written in: those of the metadata (all
        the languages sdglod writes texts in, if the title does not say)."""
        titles = self.dataset.literals(DCT + "title", SCHEMA + "name")
        return sorted({lit.language for lit in titles if lit.language}) or list(_TEXT_LANGUAGES)


def gather_facts(store: Store, dataset: str) -> DatasetFacts:
    """Read the description of ``dataset`` and what the descriptions derive from the data."""
    description = describe(store, dataset)
    agent_iris = {
        *description.iris(DCT + "publisher", SCHEMA + "publisher"),
        *description.iris(DCT + "creator", SCHEMA + "creator"),
    }
    agents = {iri: describe(store, iri) for iri in sorted(agent_iris)}
    countries = tuple(
        describe(store, row["c"].value)
        for row in store.query(
            f"SELECT DISTINCT ?c WHERE {{ ?c a <{SCHEMA}Country> FILTER(isIRI(?c)) }} ORDER BY ?c"
        )
    )
    about = tuple(describe(store, iri) for iri in description.iris(SCHEMA + "about"))
    # The time the dataset covers: the dates of what it is about.
    starts = [lit for r in about for lit in r.literals(SCHEMA + "startDate")]
    ends = [lit for r in about for lit in r.literals(SCHEMA + "endDate")] or starts
    period = None
    if starts:
        period = (min(starts, key=lambda x: x.value), max(ends, key=lambda x: x.value))
    # The SDG goals that the outcomes serve are the dataset's themes.
    goal_rows = store.query(
        f"SELECT DISTINCT ?goal WHERE {{ ?outcome <{SDGLOD}servesTarget> ?target . "
        f"?target <{SDGO}isTargetOf> ?goal . ?goal a <{SKOS}Concept> }} ORDER BY ?goal"
    )
    themes = tuple(describe(store, row["goal"].value) for row in goal_rows)
    schemes = tuple(
        describe(store, iri)
        for iri in sorted({s for theme in themes for s in theme.iris(SKOS + "inScheme")})
    )
    sources = tuple(describe(store, iri) for iri in description.iris(DCT + "source"))
    return DatasetFacts(description, agents, countries, period, themes, schemes, sources, about)


# --- VoID -----------------------------------------------------------------------------------


def example_resources(store: Store, dataset: Resource, base: str) -> list[str]:
    """A few resources to show what the dataset holds, chosen by a rule, not by hand: what the
    dataset is about, then the first instance (by IRI) of each class the ontology declares,
    leaving out parts of resources (IRIs with a fragment). Only the dataset's own IRIs."""
    chosen = [iri for iri in dataset.iris(SCHEMA + "about") if iri.startswith(base)]
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
    description: Resource,
    statistics: Statistics,
    graphs: Mapping[str, int],
    dumps: Iterable[DumpFile],
    base: str,
    prefixes: Mapping[str, str],
) -> list[Quad]:
    """The VoID description of a dataset (``description``, as the data gives it): what it
    is, its statistics and partitions, where to get it (dumps, SPARQL endpoint), example
    resources and the vocabularies it uses."""
    urls = PublicUrls(base)
    names = {**_PREFIXES, **prefixes}
    dataset = description.iri
    g = _Graph()
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
            g.add(dataset, VOID + "feature", W3C_FORMATS + _W3C_FORMATS[dump.name])
    g.add_all(dataset, VOID + "exampleResource", example_resources(store, description, base))
    used = set(statistics.property_triples) | set(statistics.class_entities)
    g.add_all(dataset, VOID + "vocabulary", sorted({_namespace(iri) for iri in used}))

    g.add(dataset, VOID + "triples", _typed(statistics.triples, "integer"))
    g.add(dataset, VOID + "entities", _typed(statistics.entities, "integer"))
    g.add(dataset, VOID + "distinctSubjects", _typed(statistics.distinct_subjects, "integer"))
    g.add(dataset, VOID + "distinctObjects", _typed(statistics.distinct_objects, "integer"))
    g.add(dataset, VOID + "classes", _typed(len(statistics.class_entities), "integer"))
    g.add(dataset, VOID + "properties", _typed(len(statistics.property_triples), "integer"))
    for cls, entities in statistics.class_entities.items():
        partition = f"{document}#class-{_fragment_name(cls, names)}"
        g.add(dataset, VOID + "classPartition", partition)
        g.add(partition, VOID + "class", cls)
        g.add(partition, VOID + "entities", _typed(entities, "integer"))
    for prop, triples in statistics.property_triples.items():
        partition = f"{document}#property-{_fragment_name(prop, names)}"
        g.add(dataset, VOID + "propertyPartition", partition)
        g.add(partition, VOID + "property", prop)
        g.add(partition, VOID + "triples", _typed(triples, "integer"))
    # Each named graph is a subset, named by the graph's own IRI (what GRAPH <…> queries use).
    for graph, triples in sorted(graphs.items()):
        g.add(dataset, VOID + "subset", graph)
        g.add(graph, RDF_TYPE, VOID + "Dataset")
        g.add(graph, VOID + "triples", _typed(triples, "integer"))
        g.add(graph, VOID + "sparqlEndpoint", urls.sparql)
    return g.quads()


# --- DCAT-AP 3 ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Service:
    """A data service of the catalogue: its key (for texts and fragment), endpoint, the
    document that describes the endpoint and the standard it follows."""

    key: str
    endpoint: str
    description: str
    standard: str
    standard_title: str


class _CatalogBuilder:
    """Builds the DCAT-AP record. Classes that DCAT-AP's range shapes check (``foaf:Agent``,
    ``dct:LicenseDocument``…) are stated with the record, since a harvester validates it on its
    own, without our vocabularies."""

    def __init__(self, facts: DatasetFacts, base: str):
        self.facts = facts
        self.urls = PublicUrls(base)
        self.catalog = self.urls.catalog
        self.dataset = facts.dataset.iri
        self.g = _Graph()
        self.languages = facts.text_languages  # the languages of the record's own texts
        self.publisher = facts.publisher
        # DCAT-AP wants the licence as a resource: a licence given only as text is left out.
        licences = facts.dataset.get(DCT + "license", SCHEMA + "license")
        self.licence = next((lic.value for lic in licences if isinstance(lic, NamedNode)), None)
        self.rights = f"{self.catalog}#rights" if facts.dataset.literals(DCT + "rights") else None
        self.contact = f"{self.catalog}#contact-point" if _contact_details(facts) else None

    def build(self, dumps: Iterable[DumpFile]) -> list[Quad]:
        services = [
            _Service(
                "sparql-endpoint",
                self.urls.sparql,
                self.urls.sparql,
                _SPARQL_PROTOCOL,
                "SPARQL 1.1 Protocol",
            ),
            _Service(
                "canned-queries",
                self.urls.queries,
                self.urls.openapi,
                _OPENAPI,
                "OpenAPI Specification 3.1.0",
            ),
        ]
        self.add_catalog(services)
        self.add_dataset()
        self.add_shared()
        for dump in dumps:
            self.add_distribution(dump)
        for service in services:
            self.add_service(service)
        return self.g.quads()

    def published(self, subject: str) -> None:
        """Publisher, licence and rights, as every part of the record states them."""
        g = self.g
        if self.publisher:
            g.add(subject, DCT + "publisher", self.publisher.iri)
        if self.licence:
            g.add(subject, DCT + "license", self.licence)

    def add_catalog(self, services: list[_Service]) -> None:
        g, catalog, facts = self.g, self.catalog, self.facts
        names = _by_language(self.publisher.literals(SCHEMA + "name")) if self.publisher else {}
        g.add(catalog, RDF_TYPE, DCAT + "Catalog")
        # Without a publisher's name (an unvalidated build), the dataset's texts stand in.
        titles = _texts("catalog-title", self.languages, publisher=names)
        g.add_all(
            catalog, DCT + "title", titles or facts.dataset.literals(DCT + "title", SCHEMA + "name")
        )
        descriptions = _texts("catalog-description", self.languages, publisher=names)
        fallback = facts.dataset.literals(DCT + "description", SCHEMA + "description")
        g.add_all(catalog, DCT + "description", descriptions or fallback)
        self.published(catalog)
        g.add(catalog, FOAF + "homepage", self.urls.landing_page)
        g.add_all(catalog, DCT + "modified", facts.dataset.literals(DCT + "modified")[:1])
        g.add_all(catalog, DCT + "language", self.language_concepts(self.languages))
        g.add_all(catalog, DCT + "spatial", [c.iri for c in facts.countries])
        g.add_all(catalog, DCAT + "themeTaxonomy", [s.iri for s in facts.schemes])
        g.add(catalog, DCAT + "dataset", self.dataset)
        g.add_all(catalog, DCAT + "service", [f"{catalog}#{s.key}" for s in services])

    def add_dataset(self) -> None:
        g, ds, facts = self.g, self.dataset, self.facts
        data = facts.dataset
        g.add(ds, RDF_TYPE, DCAT + "Dataset")
        g.add_all(ds, DCT + "title", data.literals(DCT + "title", SCHEMA + "name"))
        g.add_all(
            ds, DCT + "description", data.literals(DCT + "description", SCHEMA + "description")
        )
        # The IRI is the dataset's identifier: minted in the data, not made up here.
        g.add(ds, DCT + "identifier", Literal(ds))
        g.add_all(ds, DCAT + "keyword", data.literals(DCAT + "keyword", SCHEMA + "keywords"))
        self.published(ds)
        g.add_all(ds, DCT + "creator", data.iris(DCT + "creator", SCHEMA + "creator"))
        g.add_all(ds, DCT + "modified", data.literals(DCT + "modified")[:1])
        version = data.literals(DCAT + "version", OWL + "versionInfo", SCHEMA + "version")
        g.add_all(ds, DCAT + "version", version[:1])
        g.add_all(ds, DCT + "language", self.language_concepts(facts.languages))
        g.add(ds, DCAT + "landingPage", self.urls.landing_page)
        # dct:source would claim the sources are datasets (DCAT-AP's range); they are documents.
        g.add_all(ds, PROV + "wasDerivedFrom", data.iris(DCT + "source"))
        g.add_all(ds, DCT + "spatial", [c.iri for c in facts.countries])
        if facts.period:
            period = f"{self.catalog}#temporal-coverage"
            g.add(ds, DCT + "temporal", period)
            g.add(period, RDF_TYPE, DCT + "PeriodOfTime")
            g.add(period, DCAT + "startDate", facts.period[0])
            g.add(period, DCAT + "endDate", facts.period[1])
        g.add_all(ds, DCAT + "theme", [theme.iri for theme in facts.themes])
        if self.contact:
            g.add(ds, DCAT + "contactPoint", self.contact)

    def add_shared(self) -> None:
        """The resources the record refers to, described as DCAT-AP expects them."""
        g, facts = self.g, self.facts
        g.add(self.urls.landing_page, RDF_TYPE, FOAF + "Document")
        for country in facts.countries:
            g.add(country.iri, RDF_TYPE, DCT + "Location")
            g.add_all(country.iri, SKOS + "prefLabel", country.literals(SCHEMA + "name"))
        for theme in facts.themes:
            g.add(theme.iri, RDF_TYPE, SKOS + "Concept")
            g.add_all(theme.iri, SKOS + "prefLabel", theme.literals(SKOS + "prefLabel"))
            g.add_all(theme.iri, SKOS + "inScheme", theme.iris(SKOS + "inScheme"))
            g.add_all(theme.iri, SKOS + "notation", theme.literals(SKOS + "notation"))
        for scheme in facts.schemes:
            g.add(scheme.iri, RDF_TYPE, SKOS + "ConceptScheme")
            titles = scheme.literals(DCT + "title", SCHEMA + "name", SKOS + "prefLabel")
            g.add_all(scheme.iri, DCT + "title", titles)
        for agent in facts.agents.values():
            types = agent.iris(RDF_TYPE)
            g.add(agent.iri, RDF_TYPE, FOAF + "Agent")
            if SCHEMA + "Organization" in types:
                g.add(agent.iri, RDF_TYPE, FOAF + "Organization")
            if SCHEMA + "Person" in types:
                g.add(agent.iri, RDF_TYPE, FOAF + "Person")
            g.add_all(agent.iri, FOAF + "name", agent.literals(FOAF + "name", SCHEMA + "name"))
        if self.licence:
            g.add(self.licence, RDF_TYPE, DCT + "LicenseDocument")
        if self.rights:
            g.add(self.rights, RDF_TYPE, DCT + "RightsStatement")
            g.add_all(self.rights, RDFS + "label", facts.dataset.literals(DCT + "rights"))
        if self.contact and self.publisher:
            email, pages = _contact_details(facts)
            g.add(self.contact, RDF_TYPE, VCARD + "Organization")
            g.add(self.contact, RDF_TYPE, VCARD + "Kind")
            g.add_all(self.contact, VCARD + "fn", self.publisher.literals(SCHEMA + "name"))
            g.add_all(self.contact, VCARD + "hasEmail", email)
            g.add_all(self.contact, VCARD + "hasURL", pages)

    def add_distribution(self, dump: DumpFile) -> None:
        g = self.g
        distribution = f"{self.catalog}#distribution-{dump.name}"
        g.add(self.dataset, DCAT + "distribution", distribution)
        g.add(distribution, RDF_TYPE, DCAT + "Distribution")
        g.add(distribution, DCT + "title", Literal(f"{dump.filename} ({dump.label})"))
        if not dump.whole:
            key = "dump-framed"
        else:
            key = "dump-quads" if dump.keeps_graphs else "dump-triples"
        label = {language: dump.label for language in self.languages}
        g.add_all(distribution, DCT + "description", _texts(key, self.languages, format=label))
        url = self.urls.dump(dump.filename)
        g.add(distribution, DCAT + "accessURL", url)
        g.add(distribution, DCAT + "downloadURL", url)
        media_type = IANA_MEDIA_TYPES + dump.media_type
        g.add(distribution, DCAT + "mediaType", media_type)
        g.add(media_type, RDF_TYPE, DCT + "MediaType")
        if dump.file_type:
            file_type = f"{EU_AUTHORITY}file-type/{dump.file_type}"
            g.add(distribution, DCT + "format", file_type)
            g.add(file_type, RDF_TYPE, DCT + "MediaTypeOrExtent")
            g.add(file_type, RDF_TYPE, SKOS + "Concept")
            g.add(file_type, SKOS + "inScheme", EU_AUTHORITY + "file-type")
            g.add(file_type, SKOS + "prefLabel", Literal(dump.label, language="en"))
        g.add(distribution, DCAT + "byteSize", _typed(dump.bytes, "nonNegativeInteger"))
        checksum = f"{self.catalog}#checksum-{dump.name}"
        g.add(distribution, SPDX + "checksum", checksum)
        g.add(checksum, RDF_TYPE, SPDX + "Checksum")
        g.add(checksum, SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256")
        g.add(SPDX + "checksumAlgorithm_sha256", RDF_TYPE, SPDX + "ChecksumAlgorithm")
        g.add(checksum, SPDX + "checksumValue", _typed(dump.sha256, "hexBinary"))
        if self.licence:
            g.add(distribution, DCT + "license", self.licence)
        if self.rights:
            g.add(distribution, DCT + "rights", self.rights)

    def add_service(self, service: _Service) -> None:
        g = self.g
        iri = f"{self.catalog}#{service.key}"
        g.add(iri, RDF_TYPE, DCAT + "DataService")
        g.add_all(iri, DCT + "title", _texts(f"{service.key}-title", self.languages))
        g.add_all(iri, DCT + "description", _texts(f"{service.key}-description", self.languages))
        g.add(iri, DCAT + "endpointURL", service.endpoint)
        g.add(iri, DCAT + "endpointDescription", service.description)
        g.add(iri, DCAT + "servesDataset", self.dataset)
        g.add(iri, DCT + "conformsTo", service.standard)
        g.add(service.standard, RDF_TYPE, DCT + "Standard")
        g.add(service.standard, DCT + "title", Literal(service.standard_title, language="en"))
        self.published(iri)
        if self.contact:
            g.add(iri, DCAT + "contactPoint", self.contact)

    def language_concepts(self, codes: Iterable[str]) -> list[str]:
        """The EU language-table IRIs of ``codes``, described as DCAT-AP wants them."""
        iris = []
        for code in codes:
            known = _EU_LANGUAGES.get(code.split("-")[0].lower())
            if known is None:
                continue
            iri = f"{EU_AUTHORITY}language/{known[0]}"
            self.g.add(iri, RDF_TYPE, DCT + "LinguisticSystem")
            self.g.add(iri, RDF_TYPE, SKOS + "Concept")
            self.g.add(iri, SKOS + "inScheme", EU_AUTHORITY + "language")
            self.g.add(iri, SKOS + "prefLabel", Literal(known[1], language="en"))
            iris.append(iri)
        return list(dict.fromkeys(iris))


def _contact_details(facts: DatasetFacts) -> tuple[list[str], list[str]] | None:
    """The publisher's e-mail addresses (as mailto: IRIs) and web pages, if the data gives
    any: the only honest contact point. None otherwise."""
    publisher = facts.publisher
    if publisher is None:
        return None
    emails = [lit.value for lit in publisher.literals(SCHEMA + "email")]
    emails += publisher.iris(SCHEMA + "email")
    mailto = [e if e.startswith("mailto:") else f"mailto:{e}" for e in emails]
    pages = list(publisher.iris(SCHEMA + "url"))
    return (mailto, pages) if mailto or pages else None


def catalog_graph(facts: DatasetFacts, dumps: Iterable[DumpFile], base: str) -> list[Quad]:
    """A DCAT-AP 3.0.1 catalogue record: the catalogue, the dataset, a distribution per dump
    (media type, EU file type, size, SHA-256, licence) and the SPARQL endpoint and the
    canned-query API as data services."""
    return _CatalogBuilder(facts, base).build(dumps)


# --- schema.org Dataset for search engines --------------------------------------------------

# A context with no type coercion: URLs are text, as Google documents them ("license":
# "https://…"), and nothing has to be fetched to read the document.
SCHEMA_ORG_CONTEXT = {"@vocab": SCHEMA}


def _schema_value(term: Term) -> object:
    if isinstance(term, Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        return term.value
    return term.value


def _one_or_many(values: list) -> object:
    return values[0] if len(values) == 1 else values


def _schema_node(resource: Resource, *, with_url: bool = False) -> dict:
    """A short node for a related resource: its IRI, schema.org types and names."""
    node: dict[str, object] = {"@id": resource.iri}
    types = [t[len(SCHEMA) :] for t in resource.iris(RDF_TYPE) if t.startswith(SCHEMA)]
    if types:
        node["@type"] = _one_or_many(types)
    names = [_schema_value(n) for n in resource.literals(SCHEMA + "name")]
    if names:
        node["name"] = _one_or_many(names)
    if with_url and (pages := resource.iris(SCHEMA + "url")):
        node["url"] = _one_or_many(list(pages))
    return node


def schema_org_dataset(facts: DatasetFacts, dumps: Iterable[DumpFile], base: str) -> dict:
    """schema.org ``Dataset`` JSON-LD for the landing page (Google Dataset Search), from the
    dataset's description. Properties the data does not give (``sameAs``, ``citation``…) are
    left out, never made up."""
    urls = PublicUrls(base)
    dataset = facts.dataset
    doc: dict[str, object] = {
        "@context": SCHEMA_ORG_CONTEXT,
        "@id": dataset.iri,
        "@type": "Dataset",
    }

    def put(key: str, values: Iterable[object]) -> None:
        found = list(values)
        if found:
            doc[key] = _one_or_many(found)

    put("name", map(_schema_value, dataset.literals(SCHEMA + "name", DCT + "title")))
    put(
        "description",
        map(_schema_value, dataset.literals(SCHEMA + "description", DCT + "description")),
    )
    doc["url"] = urls.landing_page
    # The dataset's IRI is its persistent identifier (minted in the data, not made up here).
    doc["identifier"] = dataset.iri
    put("keywords", map(_schema_value, dataset.literals(SCHEMA + "keywords", DCAT + "keyword")))
    put("inLanguage", (lit.value for lit in dataset.literals(SCHEMA + "inLanguage")))
    put("license", map(_schema_value, dataset.get(SCHEMA + "license", DCT + "license")[:1]))
    put(
        "version", map(_schema_value, dataset.literals(SCHEMA + "version", OWL + "versionInfo")[:1])
    )
    put(
        "dateCreated",
        map(_schema_value, dataset.literals(SCHEMA + "dateCreated", DCT + "created")[:1]),
    )
    put(
        "dateModified",
        map(_schema_value, dataset.literals(SCHEMA + "dateModified", DCT + "modified")[:1]),
    )
    put("creditText", map(_schema_value, dataset.literals(SCHEMA + "creditText")))
    for key, predicates in (
        ("creator", (SCHEMA + "creator", DCT + "creator")),
        ("publisher", (SCHEMA + "publisher", DCT + "publisher")),
    ):
        put(
            key,
            (
                _schema_node(facts.agents[iri])
                for iri in dataset.iris(*predicates)
                if iri in facts.agents
            ),
        )
    put("about", (_schema_node(r) for r in facts.about))
    put("isBasedOn", (_schema_node(r, with_url=True) for r in facts.sources))
    if facts.period:
        start, end = facts.period
        doc["temporalCoverage"] = (
            start.value if start.value == end.value else f"{start.value}/{end.value}"
        )
    if facts.countries:
        doc["spatialCoverage"] = _spatial_coverage(facts.countries)
    put(
        "distribution",
        (
            {
                "@type": "DataDownload",
                "name": dump.filename,
                "contentUrl": urls.dump(dump.filename),
                "encodingFormat": dump.media_type,
            }
            for dump in dumps
        ),
    )
    publisher = facts.publisher
    if publisher:
        names = _by_language(publisher.literals(SCHEMA + "name"))
        titles = _texts("catalog-title", facts.text_languages, publisher=names)
        doc["includedInDataCatalog"] = {
            "@id": urls.catalog,
            "@type": "DataCatalog",
            "name": _one_or_many([_schema_value(t) for t in titles]),
        }
    return doc


def _spatial_coverage(countries: tuple[Resource, ...]) -> dict:
    """One place (Google's shapes allow one): the country itself, or the place made of the
    countries the data names, named by their names."""
    if len(countries) == 1:
        return _schema_node(countries[0])
    names: dict[str, list[str]] = defaultdict(list)
    for country in countries:
        for lit in country.literals(SCHEMA + "name"):
            if lit.language:
                names[lit.language].append(lit.value)
    complete = {lang: ", ".join(v) for lang, v in sorted(names.items()) if len(v) == len(countries)}
    place: dict[str, object] = {"@type": "Place"}
    if complete:
        place["name"] = [{"@value": v, "@language": lang} for lang, v in complete.items()]
    place["containsPlace"] = [_schema_node(c) for c in countries]
    return place


# --- Writing --------------------------------------------------------------------------------


def write_descriptions(
    store: Store,
    triples: Iterable[Triple],
    *,
    base: str,
    prefixes: Mapping[str, str],
    graphs: Mapping[str, int],
    dumps: Mapping[str, Path],
    folder: Path,
    framed: str | None = None,
) -> dict[str, Path]:
    """Write VoID, the DCAT-AP catalogue (Turtle and JSON-LD) and the schema.org JSON-LD of a
    build into ``folder``, by manifest name; nothing if the data describes no dataset.

    ``triples`` are the distinct triples of the union of all graphs (what the store holds),
    ``base`` the base IRI, ``prefixes`` the project's, ``graphs`` the triples per named graph,
    ``dumps`` the files written so far, ``framed`` the name of the framed dump among them.
    """
    dataset = find_dataset(store)
    if dataset is None:
        return {}
    prefixes = {**_PREFIXES, **prefixes}
    files = dump_files(dumps, framed)
    statistics = Statistics.of(triples)
    facts = gather_facts(store, dataset)
    written: dict[str, Path] = {}

    void = void_graph(store, facts.dataset, statistics, graphs, files, base, prefixes)
    written["void"] = Dumper(void, prefixes, {}).write_file(rdf_format("ttl"), folder, "void")

    catalog = Dumper(catalog_graph(facts, files, base), prefixes, build_context(prefixes, DCAT))
    stem = CATALOG_TURTLE_FILE.removesuffix(".ttl")
    written["catalog-ttl"] = catalog.write_file(rdf_format("ttl"), folder, stem)
    written["catalog-jsonld"] = catalog.write_file(rdf_format("jsonld"), folder, stem)

    path = folder / SCHEMA_ORG_FILE
    document = schema_org_dataset(facts, files, base)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    written["schema-org"] = path
    return written

"""The DCAT-AP 3.0.1 catalogue record (``catalog.ttl`` and ``catalog.jsonld``): the catalogue,
the dataset, a distribution per dump and the SPARQL endpoint and canned-query API as data
services, with what DCAT-AP's shapes check stated in the record itself.

Where DCAT-AP wants a concept of an EU authority table (a country, a data theme), the record
names it only where the data does (the editors' skos:exactMatch of a country, their dcat:theme
of the dataset): a country without such a match keeps its own IRI, and no theme is guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Quad

from ..rdf.namespaces import (
    DCAT,
    DCT,
    FOAF,
    OWL,
    PROV,
    RDF,
    RDF_TYPE,
    RDFS,
    SCHEMA,
    SDGLOD,
    SKOS,
    SPDX,
    VCARD,
)
from .authorities import (
    EU_AUTHORITY,
    EU_COUNTRY_TABLE,
    EU_DATA_THEME_TABLE,
    EU_DATA_THEME_TABLE_TITLE,
    EU_LANGUAGES,
    IANA_MEDIA_TYPES,
    LDES_SPECIFICATION,
    LDES_TITLE,
    eu_country,
    eu_data_theme,
)
from .facts import DatasetFacts, DumpFile, ReleaseFacts, Resource
from .graph import Graph, typed
from .public_urls import PublicUrls
from .texts import by_language, texts

# The standards the data services follow.
_SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
_OPENAPI = "https://spec.openapis.org/oas/v3.1.0"


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
        self.g = Graph()
        self.languages = facts.text_languages  # the languages of the record's own texts
        self.publisher = facts.publisher
        # DCAT-AP wants the licence as a resource: a licence given only as text is left out.
        licences = facts.dataset.get(DCT + "license", SCHEMA + "license")
        self.licence = next((lic.value for lic in licences if isinstance(lic, NamedNode)), None)
        self.rights = f"{self.catalog}#rights" if facts.dataset.literals(DCT + "rights") else None
        self.contact = f"{self.catalog}#contact-point" if _contact_details(facts) else None
        # Each country by the EU country-table concept the editors matched it with, if any.
        self.places = {
            c.iri: eu_country(c.iris(SKOS + "exactMatch")) or c.iri for c in facts.countries
        }
        # The editors' EU data themes; any other theme (only in data that failed validation)
        # is left out, as a concept DCAT-AP cannot check.
        labels = {iri: eu_data_theme(iri) for iri in facts.dataset.iris(DCAT + "theme")}
        self.themes = {iri: label for iri, label in labels.items() if label}

    def build(self, dumps: Iterable[DumpFile], releases: ReleaseFacts | None) -> list[Quad]:
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
        if releases is not None:
            services.append(
                _Service(
                    "event-stream", self.urls.ldes, self.urls.ldes, LDES_SPECIFICATION, LDES_TITLE
                )
            )
        self.releases = releases
        self.add_catalog(services)
        self.add_dataset()
        self.add_shared()
        for dump in [*dumps, *([releases.stream] if releases else [])]:
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

    def issued(self, subject: str) -> None:
        """Issued at the first release, which the release log dates (none without one)."""
        if self.releases is not None:
            self.g.add(subject, DCT + "issued", typed(self.releases.first, "dateTime"))

    def add_catalog(self, services: list[_Service]) -> None:
        g, catalog, facts = self.g, self.catalog, self.facts
        names = by_language(self.publisher.literals(SCHEMA + "name")) if self.publisher else {}
        g.add(catalog, RDF_TYPE, DCAT + "Catalog")
        # Without a publisher's name (an unvalidated build), the dataset's texts stand in.
        titles = texts("catalog-title", self.languages, publisher=names)
        g.add_all(
            catalog, DCT + "title", titles or facts.dataset.literals(DCT + "title", SCHEMA + "name")
        )
        descriptions = texts("catalog-description", self.languages, publisher=names)
        fallback = facts.dataset.literals(DCT + "description", SCHEMA + "description")
        g.add_all(catalog, DCT + "description", descriptions or fallback)
        self.published(catalog)
        g.add(catalog, FOAF + "homepage", self.urls.landing_page)
        g.add_all(catalog, DCT + "modified", facts.dataset.literals(DCT + "modified")[:1])
        self.issued(catalog)
        g.add_all(catalog, DCT + "language", self.language_concepts(self.languages))
        g.add_all(catalog, DCT + "spatial", self.places.values())
        if self.themes:
            g.add(catalog, DCAT + "themeTaxonomy", EU_DATA_THEME_TABLE)
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
        g.add_all(ds, DCAT + "keyword", facts.keywords)
        self.published(ds)
        g.add_all(ds, DCT + "creator", data.iris(DCT + "creator", SCHEMA + "creator"))
        g.add_all(ds, DCT + "modified", data.literals(DCT + "modified")[:1])
        self.issued(ds)
        version = data.literals(DCAT + "version", OWL + "versionInfo", SCHEMA + "version")
        g.add_all(ds, DCAT + "version", version[:1])
        g.add_all(ds, DCT + "language", self.language_concepts(facts.languages))
        g.add(ds, DCAT + "landingPage", self.urls.landing_page)
        # dct:source would claim the sources are datasets (DCAT-AP's range); they are documents.
        g.add_all(ds, PROV + "wasDerivedFrom", data.iris(DCT + "source"))
        g.add_all(ds, DCT + "spatial", self.places.values())
        g.add_all(ds, DCAT + "theme", self.themes)
        if facts.period:
            period = f"{self.catalog}#temporal-coverage"
            g.add(ds, DCT + "temporal", period)
            g.add(period, RDF_TYPE, DCT + "PeriodOfTime")
            g.add(period, DCAT + "startDate", facts.period[0])
            g.add(period, DCAT + "endDate", facts.period[1])
        # The SDG goals are the editors' classification (the goals of the targets they propose
        # the outcomes serve): a subject of the dataset, marked as theirs, and kept out of
        # dcat:theme, where DCAT-AP portals expect the EU data-theme vocabulary.
        goals = [goal.iri for goal in facts.goals]
        g.add_all(ds, DCT + "subject", goals)
        if goals:
            mark = f"{self.catalog}#sdg-classification"
            g.add(mark, RDF_TYPE, SDGLOD + "EditorialStatement")
            g.add(mark, RDF + "subject", ds)
            g.add(mark, RDF + "predicate", DCT + "subject")
            g.add_all(mark, SKOS + "editorialNote", texts("sdg-classification", self.languages))
            g.add_all(mark, DCT + "creator", list(facts.proposers))
        if self.contact:
            g.add(ds, DCAT + "contactPoint", self.contact)

    def add_shared(self) -> None:
        """The resources the record refers to, described as DCAT-AP expects them."""
        g, facts = self.g, self.facts
        g.add(self.urls.landing_page, RDF_TYPE, FOAF + "Document")
        for country in facts.countries:
            self.add_place(country)
        self.add_themes()
        for goal in facts.goals:
            g.add(goal.iri, RDF_TYPE, SKOS + "Concept")
            g.add_all(goal.iri, SKOS + "prefLabel", goal.literals(SKOS + "prefLabel"))
            g.add_all(goal.iri, SKOS + "inScheme", goal.iris(SKOS + "inScheme"))
            g.add_all(goal.iri, SKOS + "notation", goal.literals(SKOS + "notation"))
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

    def add_place(self, country: Resource) -> None:
        """A country as a dct:Location with its names: the EU country-table concept the editors
        matched it with (in that table, and matching our country back), or our own resource."""
        g, place = self.g, self.places[country.iri]
        g.add(place, RDF_TYPE, DCT + "Location")
        g.add_all(place, SKOS + "prefLabel", country.literals(SCHEMA + "name"))
        if place != country.iri:
            g.add(place, RDF_TYPE, SKOS + "Concept")
            g.add(place, SKOS + "inScheme", EU_COUNTRY_TABLE)
            g.add(place, SKOS + "exactMatch", country.iri)

    def add_themes(self) -> None:
        """The EU data themes of the dataset, with the English labels of the table, and the
        table itself as the catalogue's theme taxonomy."""
        g = self.g
        for theme, label in self.themes.items():
            g.add(theme, RDF_TYPE, SKOS + "Concept")
            g.add(theme, SKOS + "inScheme", EU_DATA_THEME_TABLE)
            g.add(theme, SKOS + "prefLabel", Literal(label, language="en"))
        if self.themes:
            g.add(EU_DATA_THEME_TABLE, RDF_TYPE, SKOS + "ConceptScheme")
            title = Literal(EU_DATA_THEME_TABLE_TITLE, language="en")
            g.add(EU_DATA_THEME_TABLE, DCT + "title", title)

    def add_distribution(self, dump: DumpFile) -> None:
        g = self.g
        distribution = f"{self.catalog}#distribution-{dump.name}"
        g.add(self.dataset, DCAT + "distribution", distribution)
        g.add(distribution, RDF_TYPE, DCAT + "Distribution")
        g.add(distribution, DCT + "title", Literal(f"{dump.filename} ({dump.label})"))
        stream = self.releases is not None and dump == self.releases.stream
        if stream:
            key = "dump-stream"
            g.add(distribution, DCT + "conformsTo", LDES_SPECIFICATION)
        elif not dump.whole:
            key = "dump-framed"
        else:
            key = "dump-quads" if dump.keeps_graphs else "dump-triples"
        label = {language: dump.label for language in self.languages}
        g.add_all(distribution, DCT + "description", texts(key, self.languages, format=label))
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
        g.add(distribution, DCAT + "byteSize", typed(dump.bytes, "nonNegativeInteger"))
        checksum = f"{self.catalog}#checksum-{dump.name}"
        g.add(distribution, SPDX + "checksum", checksum)
        g.add(checksum, RDF_TYPE, SPDX + "Checksum")
        g.add(checksum, SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256")
        g.add(SPDX + "checksumAlgorithm_sha256", RDF_TYPE, SPDX + "ChecksumAlgorithm")
        g.add(checksum, SPDX + "checksumValue", typed(dump.sha256, "hexBinary"))
        if self.licence:
            g.add(distribution, DCT + "license", self.licence)
        if self.rights:
            g.add(distribution, DCT + "rights", self.rights)

    def add_service(self, service: _Service) -> None:
        g = self.g
        iri = f"{self.catalog}#{service.key}"
        g.add(iri, RDF_TYPE, DCAT + "DataService")
        g.add_all(iri, DCT + "title", texts(f"{service.key}-title", self.languages))
        g.add_all(iri, DCT + "description", texts(f"{service.key}-description", self.languages))
        g.add(iri, DCAT + "endpointURL", service.endpoint)
        g.add(iri, DCAT + "endpointDescription", service.description)
        g.add(iri, DCAT + "servesDataset", self.dataset)
        # It serves the dataset: what the dataset is about is what the service gives access to.
        g.add_all(iri, DCAT + "theme", self.themes)
        g.add_all(iri, DCAT + "keyword", self.facts.keywords)
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
            known = EU_LANGUAGES.get(code.split("-")[0].lower())
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


def catalog_graph(
    facts: DatasetFacts,
    dumps: Iterable[DumpFile],
    base: str,
    releases: ReleaseFacts | None = None,
) -> list[Quad]:
    """A DCAT-AP 3.0.1 catalogue record: the catalogue, the dataset, a distribution per dump
    (media type, EU file type, size, SHA-256, licence) and the SPARQL endpoint and the
    canned-query API as data services."""
    return _CatalogBuilder(facts, base).build(dumps, releases)

"""The schema.org ``Dataset`` JSON-LD for search engines (``dataset.schema.jsonld``): a plain
document that Google Dataset Search reads as it is, and the landing page embeds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pyoxigraph import Literal

from ..rdf.namespaces import DCT, OWL, RDF_TYPE, SCHEMA
from .facts import DatasetFacts, DumpFile, Resource
from .graph import Term
from .public_urls import PublicUrls
from .texts import by_language, texts

# A context with no type coercion: URLs are text, as Google documents them ("license":
# "https://…"), and nothing has to be fetched to read the document.
SCHEMA_ORG_CONTEXT = {"@vocab": SCHEMA}


def schema_org_dataset(facts: DatasetFacts, dumps: Iterable[DumpFile], base: str) -> dict:
    """schema.org ``Dataset`` JSON-LD for the landing page (Google Dataset Search), from the
    dataset's description. Properties the data does not give (``sameAs``, ``citation``…) are
    left out, never made up."""
    urls = PublicUrls(base)
    doc: dict[str, object] = {
        "@context": SCHEMA_ORG_CONTEXT,
        "@id": facts.dataset.iri,
        "@type": "Dataset",
    }
    _put_description(doc, facts.dataset, urls)
    _put_related(doc, facts)
    _put(doc, "distribution", (_data_download(dump, urls) for dump in dumps))
    publisher = facts.publisher
    if publisher:
        doc["includedInDataCatalog"] = _data_catalog(publisher, facts.text_languages, urls)
    return doc


def _put(doc: dict[str, object], key: str, values: Iterable[object]) -> None:
    """Set ``key`` of ``doc`` to ``values`` (a single one bare), unless there are none."""
    found = list(values)
    if found:
        doc[key] = _one_or_many(found)


def _put_description(doc: dict[str, object], dataset: Resource, urls: PublicUrls) -> None:
    """What the dataset's description says of it: names, texts, licence, version, dates."""
    _put(doc, "name", map(_schema_value, dataset.literals(SCHEMA + "name", DCT + "title")))
    descriptions = dataset.literals(SCHEMA + "description", DCT + "description")
    _put(doc, "description", map(_schema_value, descriptions))
    doc["url"] = urls.landing_page
    # The dataset's IRI is its persistent identifier (minted in the data, not made up here).
    doc["identifier"] = dataset.iri
    _put(doc, "inLanguage", (lit.value for lit in dataset.literals(SCHEMA + "inLanguage")))
    _put(doc, "license", map(_schema_value, dataset.get(SCHEMA + "license", DCT + "license")[:1]))
    for key, predicates in (
        ("version", (SCHEMA + "version", OWL + "versionInfo")),
        ("dateCreated", (SCHEMA + "dateCreated", DCT + "created")),
        ("dateModified", (SCHEMA + "dateModified", DCT + "modified")),
    ):
        _put(doc, key, map(_schema_value, dataset.literals(*predicates)[:1]))
    _put(doc, "creditText", map(_schema_value, dataset.literals(SCHEMA + "creditText")))


def _put_related(doc: dict[str, object], facts: DatasetFacts) -> None:
    """The dataset's creators and publisher, its keywords, what it is about and based on, and
    the time and place it covers (from the data: all its events and countries)."""
    dataset = facts.dataset
    for key, predicates in (
        ("creator", (SCHEMA + "creator", DCT + "creator")),
        ("publisher", (SCHEMA + "publisher", DCT + "publisher")),
    ):
        agents = (facts.agents[iri] for iri in dataset.iris(*predicates) if iri in facts.agents)
        _put(doc, key, map(_schema_node, agents))
    _put(doc, "keywords", map(_schema_value, facts.keywords))
    _put(doc, "about", (_schema_node(r) for r in facts.about))
    _put(doc, "isBasedOn", (_schema_node(r, with_url=True) for r in facts.sources))
    if facts.period:
        start, end = facts.period
        doc["temporalCoverage"] = (
            start.value if start.value == end.value else f"{start.value}/{end.value}"
        )
    if facts.countries:
        doc["spatialCoverage"] = _spatial_coverage(facts.countries)


def _data_download(dump: DumpFile, urls: PublicUrls) -> dict:
    return {
        "@type": "DataDownload",
        "name": dump.filename,
        "contentUrl": urls.dump(dump.filename),
        "encodingFormat": dump.media_type,
    }


def _data_catalog(publisher: Resource, languages: Iterable[str], urls: PublicUrls) -> dict:
    """The DCAT catalogue the dataset is in, named as the catalogue names itself."""
    names = by_language(publisher.literals(SCHEMA + "name"))
    titles = texts("catalog-title", languages, publisher=names)
    return {
        "@id": urls.catalog,
        "@type": "DataCatalog",
        "name": _one_or_many([_schema_value(t) for t in titles]),
    }


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

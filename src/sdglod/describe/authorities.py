"""The names that registries outside the data give to what the descriptions list: the EU
Publications Office's authority tables (file types, languages, countries, data themes), which
DCAT-AP requires, IANA media types, and the W3C format registry, which VoID uses.

These are bases of registries and tables of codes, not vocabularies of terms: the namespaces
the descriptions write terms in are in :mod:`sdglod.rdf.namespaces`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"

# How each dump format is named by the EU file-type authority table (DCAT-AP's dct:format)
# and by the W3C format registry (VoID's void:feature: ``rdf.namespaces.FORMATS`` + name).
EU_FILE_TYPES = {
    "ttl": "RDF_TURTLE",
    "nt": "RDF_N_TRIPLES",
    "nq": "RDF_N_QUADS",
    "trig": "RDF_TRIG",
    "jsonld": "JSON_LD",
    "rdf": "RDF_XML",
}
W3C_FORMAT_NAMES = {
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
EU_LANGUAGES = {
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

# The EU country table (DCAT-AP's dct:spatial) names countries by ISO 3166-1 alpha-3 codes. Which
# of its concepts a country of the data is, the editors say in the data (skos:exactMatch,
# data/places.ttl), in the form shapes/place.ttl checks: nothing here maps names to codes.
EU_COUNTRY_TABLE = EU_AUTHORITY + "country"
_EU_COUNTRY = re.compile(re.escape(EU_COUNTRY_TABLE) + "/[A-Z]{3}")


def eu_country(matches: Iterable[str]) -> str | None:
    """The first of ``matches`` (a country's skos:exactMatch IRIs) that is a concept of the EU
    country table, or None."""
    return next((iri for iri in matches if _EU_COUNTRY.fullmatch(iri)), None)


# The EU data-theme table (DCAT-AP's dcat:theme): its codes with the English labels the table
# gives. shapes/dataset.ttl accepts exactly these as a dataset's dcat:theme (a test keeps the
# two equal); the editors choose among them in the data.
EU_DATA_THEME_TABLE = EU_AUTHORITY + "data-theme"
EU_DATA_THEME_TABLE_TITLE = "Data theme"
EU_DATA_THEMES = {
    "AGRI": "Agriculture, fisheries, forestry and food",
    "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport",
    "ENER": "Energy",
    "ENVI": "Environment",
    "GOVE": "Government and public sector",
    "HEAL": "Health",
    "INTR": "International issues",
    "JUST": "Justice, legal system and public safety",
    "OP_DATPRO": "Provisional data",
    "REGI": "Regions and cities",
    "SOCI": "Population and society",
    "TECH": "Science and technology",
    "TRAN": "Transport",
}


def eu_data_theme(iri: str) -> str | None:
    """The English label of the EU data theme ``iri``, or None if it is not one."""
    code = iri.removeprefix(EU_DATA_THEME_TABLE + "/")
    return EU_DATA_THEMES.get(code) if code != iri else None


# The standard the event stream of the releases follows (its dct:conformsTo).
LDES_SPECIFICATION = "https://w3id.org/ldes/specification"
LDES_TITLE = "Linked Data Event Streams (LDES) 1.0"

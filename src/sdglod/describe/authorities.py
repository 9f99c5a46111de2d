"""The names that registries outside the data give to what the descriptions list: the EU
Publications Office's authority tables (file types, languages), which DCAT-AP requires, IANA
media types, and the W3C format registry, which VoID uses.

These are bases of registries and tables of codes, not vocabularies of terms: the namespaces
the descriptions write terms in are in :mod:`sdglod.rdf.namespaces`.
"""

from __future__ import annotations

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

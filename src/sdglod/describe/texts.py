"""The texts the descriptions need that the data cannot give (the names of the catalogue,
its dumps and services), in the languages sdglod writes, and the helpers that fill them in;
the DCAT-AP record and the schema.org document share them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pyoxigraph import Literal

from .graph import sort_key

TEXT_LANGUAGES = ("lv", "en")  # the languages sdglod writes its own texts in
# The texts by key and language; {publisher} and {format} are filled in.
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
        "lv": "Katrs notikums kā JSON-LD koks: organizatori, partneri, cilvēki, rezultāti, "
        "redaktoru ierosinātie IAM apakšmērķi un mērķi, kuriem tie kalpo, un redaktoru "
        "piezīmes par apgalvojumiem (daļa no datu kopas).",
        "en": "Each event as a JSON-LD tree: its organisers, partners, people, outcomes, the "
        "SDG targets and goals the editors propose they serve, and the editors' marks on its "
        "statements (a part of the dataset).",
    },
    "sdg-classification": {
        "lv": "ANO ilgtspējīgas attīstības mērķi, kuru apakšmērķiem datu kopas rezultāti kalpo, "
        "kā ierosina datu kopas redaktori: redaktoru klasifikācija, nevis avotu apgalvojums.",
        "en": "The UN Sustainable Development Goals whose targets the dataset's outcomes serve, "
        "as the dataset's editors propose: the editors' classification, not a statement of "
        "the sources.",
    },
    "dump-stream": {
        "lv": "Izmaiņu plūsma pa laidieniem (LDES) vienā {format} dokumentā: katra resursa "
        "versijas un dzēšanas, kopš datu kopa pirmo reizi izlaista.",
        "en": "The change stream by release (LDES) in one {format} document: every "
        "resource's versions and deletions since the dataset's first release.",
    },
    "event-stream-title": {
        "lv": "Izmaiņu plūsma pa laidieniem (LDES)",
        "en": "Changes by release (Linked Data Event Stream)",
    },
    "event-stream-description": {
        "lv": "Linked Data Event Stream: katrā laidienā katra mainītā resursa jauna versija "
        "un dzēsto resursu dzēšanas, lappuse katram laidienam. Ļauj atjaunināt kopiju, "
        "ielādējot tikai jaunās lappuses.",
        "en": "A Linked Data Event Stream: for each release, a new version of every resource "
        "that changed and a deletion for every one that went away, a page per release. A "
        "copy stays current by fetching only the new pages.",
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


def texts(key: str, languages: Iterable[str], **values: Mapping[str, str]) -> list[Literal]:
    """The text ``key`` in each of ``languages`` it exists in, with ``values`` filled in from
    per-language mappings (a language without a value gets none)."""
    found = []
    for language in languages:
        template = _TEXTS[key].get(language)
        if template is None:
            continue
        filled = {name: per_language.get(language) for name, per_language in values.items()}
        if any(v is None for v in filled.values()):
            continue
        found.append(Literal(template.format(**filled), language=language))
    return found


def by_language(literals: Iterable[Literal]) -> dict[str, str]:
    """One text per language (the first in sort order); an untagged text serves every language."""
    found: dict[str, str] = {}
    untagged = None
    for literal in sorted(literals, key=sort_key):
        if literal.language:
            found.setdefault(literal.language, literal.value)
        elif untagged is None:
            untagged = literal.value
    if untagged is not None:
        for language in TEXT_LANGUAGES:
            found.setdefault(language, untagged)
    return found

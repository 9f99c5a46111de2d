"""Generate a scaled sdglod project: the project's own data model at ~1k to ~1M triples.

Usage: .venv/bin/python benchmarks/generate.py SIZE [--violations N] [-o DIR] [--format ttl|nt]

SIZE is a number of triples such as ``2000``, ``10k``, ``100k`` or ``1M``; the data written has
about that many (within 1 %; an event cluster is about 330 triples). The output is a
complete sdglod project (``sdglod.toml``, ``ontology/``, ``shapes/``, ``queries/`` copied from
this repository, and a generated ``data/``) that conforms to the project's shapes: ``sdglod
--project DIR validate`` finds nothing. Everything is derived from SIZE and ``--seed``, so the
same arguments write byte-identical files.

The data: event clusters, each an event with its parts, organisers and partners (museums,
libraries, archives in Latvia, Estonia and Lithuania with names in lv/en/et/lt and postal
addresses), people, a campaign, a grant, two source documents (conclusions and a news article),
materials and their list, a quotation, and outcomes with long Latvian and English texts, each
linked to real UN SDG targets through target links with rationales. The SDG vocabulary (all 17
goals and every target used, from the UN SDG KOS in ``../shared/reference/un-sdg-kos/``) is part
of the data, so ``sh:class sdgo:Target`` holds.

``--violations N`` breaks the data in N places, each of one known kind that produces exactly one
validation result (cycling through the kinds in a fixed order), and writes
``violations.json``: per kind the count, the shape that must report it, the severity and the
focus nodes, so tests and benchmarks can check what a validator finds.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KOS = REPO.parent / "shared" / "reference" / "un-sdg-kos" / "sdg-kos-goals-targets-indicators.ttl"
BASE = "https://w3id.org/sdglod/"
SDG = "http://metadata.un.org/sdg/"
SHAPES = "https://w3id.org/sdglod/shapes#"
MANIFEST = "violations.json"
COPIED = ("ontology", "shapes", "queries")

PREFIXES = {
    "campaign": "id/campaign/",
    "dcterms": "http://purl.org/dc/terms/",
    "event": "id/event/",
    "grant": "id/grant/",
    "organization": "id/organization/",
    "outcome": "id/outcome/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "person": "id/person/",
    "place": "id/place/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "http://schema.org/",
    "sdg": SDG,
    "sdglod": "https://w3id.org/sdglod/ontology#",
    "sdgo": "http://metadata.un.org/sdg/ontology#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "work": "id/work/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# --- Words --------------------------------------------------------------------------------

COUNTRIES = {
    # slug: (code, names lv/en/et/lt, cities)
    "latvia": (
        "LV",
        {"lv": "Latvija", "en": "Latvia", "et": "Läti", "lt": "Latvija"},
        ["Rīga", "Cēsis", "Liepāja", "Daugavpils", "Valmiera", "Jelgava", "Kuldīga", "Talsi"],
    ),
    "estonia": (
        "EE",
        {"lv": "Igaunija", "en": "Estonia", "et": "Eesti", "lt": "Estija"},
        ["Tallinn", "Tartu", "Pärnu", "Narva", "Viljandi", "Rakvere", "Haapsalu", "Kuressaare"],
    ),
    "lithuania": (
        "LT",
        {"lv": "Lietuva", "en": "Lithuania", "et": "Leedu", "lt": "Lietuva"},
        ["Vilnius", "Kaunas", "Klaipėda", "Šiauliai", "Panevėžys", "Alytus", "Utena", "Telšiai"],
    ),
}
OWN_LANGUAGE = {"latvia": "lv", "estonia": "et", "lithuania": "lt"}
ORG_KINDS = [
    # class, lv, en, et, lt
    ("Museum", "muzejs", "Museum", "muuseum", "muziejus"),
    ("Library", "bibliotēka", "Library", "raamatukogu", "biblioteka"),
    ("ArchiveOrganization", "arhīvs", "Archive", "arhiiv", "archyvas"),
    ("NGO", "kultūras biedrība", "Cultural Society", "kultuuriselts", "kultūros draugija"),
]
GIVEN = [
    "Inga",
    "Māra",
    "Jānis",
    "Aija",
    "Kristīne",
    "Mārtiņš",
    "Liis",
    "Kadri",
    "Tõnu",
    "Rūta",
    "Jonas",
    "Aistė",
    "Dace",
    "Edgars",
    "Marju",
    "Tomas",
    "Ilze",
    "Kaspars",
]
FAMILY = [
    "Bērziņa",
    "Kalniņš",
    "Ozola",
    "Tamm",
    "Saar",
    "Kask",
    "Kazlauskas",
    "Petrauskaitė",
    "Liepa",
    "Zariņš",
    "Mägi",
    "Jankauskas",
    "Krūmiņa",
    "Vaitkus",
    "Sild",
    "Eglīte",
]
TOPICS_LV = [
    "kultūras mantojums",
    "informācijpratība",
    "ilgtspējīga attīstība",
    "kopienas",
    "izglītība",
    "klimata pārmaiņas",
    "digitālās prasmes",
    "līdzdalība",
    "vienlīdzība",
    "lasītprasme",
    "atmiņas institūcijas",
    "sadarbība",
    "brīvprātīgais darbs",
]
TOPICS_EN = [
    "cultural heritage",
    "information literacy",
    "sustainable development",
    "communities",
    "education",
    "climate change",
    "digital skills",
    "participation",
    "equality",
    "reading literacy",
    "memory institutions",
    "cooperation",
    "volunteering",
]
SENTENCES_LV = [
    (
        "Muzeji un bibliotēkas ir vietējās kopienas uzticami partneri, kas palīdz ikvienam "
        "saprast {t} nozīmi ikdienā."
    ),
    (
        "Dalībnieki vienojās stiprināt sadarbību starp Baltijas valstu atmiņas institūcijām un "
        "dalīties labākajā praksē par tēmu «{t}»."
    ),
    (
        "Profesionāļiem vajadzētu uzlabot savas prasmes un pārliecību, izmantojot IAM sistēmu, "
        "lai plānotu un novērtētu darbu, kas saistīts ar {t}."
    ),
    (
        "Lēmumu pieņēmējiem visos līmeņos jāintegrē ilgtspējības principi stratēģiskajā "
        "plānošanā, īpašu uzmanību pievēršot jomai «{t}»."
    ),
    (
        "Konferences diskusijās izskanēja vajadzība pēc rokasgrāmatām, vadlīnijām un "
        "metodoloģijām, kas palīdzētu novērtēt ietekmi uz {t}."
    ),
    (
        "Atmiņas institūcijām jākļūst par vietējiem IAM padomdevējiem, kas sabiedrībai skaidro,"
        " kā {t} saistās ar Dienaskārtību 2030."
    ),
    (
        "Kopīga valoda un tīklu veidošana ļaus attīstīt jaunas iniciatīvas un projektus, kas "
        "risina uzdevumus saistībā ar {t}."
    ),
    (
        "Jautā savam muzejam! Jautā savai bibliotēkai! Šis aicinājums atgādina, ka {t} ir visu "
        "kopienas locekļu kopīga atbildība."
    ),
]
SENTENCES_EN = [
    (
        "Museums and libraries are trusted partners of their local communities, helping "
        "everyone to understand what {t} means in daily life."
    ),
    (
        "Participants agreed to strengthen cooperation among the memory institutions of the "
        "Baltic states and to share best practice on {t}."
    ),
    (
        "Professionals should improve their skills and confidence in using the SDG framework to"
        " plan and evaluate work related to {t}."
    ),
    (
        "Decision-makers at all levels should integrate sustainability principles into "
        "strategic planning, with particular attention to {t}."
    ),
    (
        "The discussions at the conference expressed the need for handbooks, guidelines and "
        "methodologies that help to assess the impact on {t}."
    ),
    (
        "Memory institutions should become local SDG advisers that explain to the public how "
        "{t} relates to the 2030 Agenda."
    ),
    (
        "A common language and networking will make it possible to develop new initiatives and "
        "projects that address tasks related to {t}."
    ),
    (
        "Ask your museum! Ask your library! This call reminds us that {t} is a shared "
        "responsibility of all members of the community."
    ),
]
MATERIALS = [
    # class, lv, en
    ("VideoObject", "video ieraksts", "video recording"),
    ("WebSite", "tīmekļvietne", "website"),
    ("Article", "preses relīze", "press release"),
    ("ImageGallery", "foto galerija", "photo gallery"),
]
ATTENDANCE = ["OnlineEventAttendanceMode", "OfflineEventAttendanceMode", "MixedEventAttendanceMode"]


# --- The model: resources in files --------------------------------------------------------


@dataclass
class Resource:
    """One Turtle block: a subject and its predicate–objects, in writing order."""

    subject: str
    kind: str
    properties: dict[str, list[str]] = field(default_factory=dict)

    def add(self, predicate: str, *objects: str) -> Resource:
        self.properties.setdefault(predicate, []).extend(objects)
        return self

    def triples(self) -> int:
        return sum(len(objects) for objects in self.properties.values())


def lit(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(text: str, datatype: str) -> str:
    return f'"{text}"^^{datatype}'


def names(**by_language: str) -> list[str]:
    return [lit(text, lang) for lang, text in by_language.items()]


@dataclass
class Generator:
    """Builds the resources of a project of about ``size`` triples."""

    size: int
    seed: int
    rng: random.Random = field(init=False)
    files: dict[str, list[Resource]] = field(default_factory=dict)
    organizations: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    by_kind: dict[str, list[Resource]] = field(default_factory=dict)
    targets: list[tuple[str, str]] = field(default_factory=list)
    used_targets: set[str] = field(default_factory=set)
    kos: KosTargets | None = None
    taken: set[int] = field(default_factory=set)  # ids of resources already broken

    def __post_init__(self) -> None:
        self.rng = random.Random(f"sdglod-benchmark-{self.size}-{self.seed}")

    def resource(self, file: str, subject: str, kind: str) -> Resource:
        made = Resource(subject, kind)
        self.files.setdefault(file, []).append(made)
        self.by_kind.setdefault(kind, []).append(made)
        return made

    def triples(self) -> int:
        return sum(r.triples() for rs in self.files.values() for r in rs)

    def cluster_triples(self, n: int) -> int:
        """Add event cluster ``n``; the triples it added."""
        before = {kind: len(resources) for kind, resources in self.by_kind.items()}
        self.cluster(n)
        return sum(
            r.triples()
            for kind, resources in self.by_kind.items()
            for r in resources[before.get(kind, 0) :]
        )

    def text(self, sentences: list[str], topics: list[str], count: int) -> str:
        chosen = self.rng.sample(range(len(sentences)), count)
        topic = self.rng.randrange(len(topics))
        return " ".join(sentences[i].format(t=topics[(topic + i) % len(topics)]) for i in chosen)

    def texts(self, count: int) -> tuple[str, str]:
        """A Latvian text and its English counterpart (the same sentences and topics)."""
        state = self.rng.getstate()
        lv = self.text(SENTENCES_LV, TOPICS_LV, count)
        self.rng.setstate(state)
        return lv, self.text(SENTENCES_EN, TOPICS_EN, count)

    # --- fixed parts -------------------------------------------------------------------------

    def fixed(self, kos: KosTargets) -> None:
        for slug, (_, country_names, _) in COUNTRIES.items():
            self.resource("places", f"place:{slug}", "country").add("a", "schema:Country").add(
                "schema:name", *names(**country_names)
            ).add("dcterms:source", "<https://w3id.org/sdglod/>")
        editors = self.resource("organizations", "organization:sdglod", "publisher")
        editors.add("a", "schema:Organization").add(
            "schema:name", *names(lv="sdglod redaktori", en="sdglod editors")
        ).add("dcterms:source", "<https://w3id.org/sdglod/>")
        # How many targets the data links to grows with its size: all 169 from ~60k triples.
        count = max(12, min(len(kos.targets), self.size // 350))
        step = len(kos.targets) / count
        self.targets = [kos.targets[int(i * step)] for i in range(count)]
        self.kos = kos

    def vocabulary(self) -> None:
        """The SDG vocabulary: the scheme, 17 goals and the targets the data uses."""
        kos = self.kos
        scheme = self.resource("sdg", "<http://metadata.un.org/sdg>", "scheme")
        scheme.add("a", "skos:ConceptScheme").add(
            "schema:name",
            *names(en="Sustainable Development Goals", lv="Ilgtspējīgas attīstības mērķi"),
        ).add("skos:prefLabel", lit("Sustainable Development Goals Taxonomy", "en")).add(
            "dcterms:source", "<http://metadata.un.org/sdg>"
        )
        for goal in range(1, 18):
            info = kos.goals[goal]
            resource = self.resource("sdg", f"sdg:{goal}", "goal")
            resource.add("a", "sdgo:Goal", "skos:Concept")
            resource.add("skos:notation", *(typed(n, dt) for n, dt in info["notation"]))
            resource.add("schema:name", lit(info["short"], "en"))
            resource.add("skos:prefLabel", lit(info["label"], "en"))
            resource.add("schema:color", lit(GOAL_COLOURS[goal - 1]))
            resource.add("skos:inScheme", "<http://metadata.un.org/sdg>")
            resource.add("dcterms:source", "<http://metadata.un.org/sdg>")
        for code, _ in sorted(self.targets, key=lambda t: _code_key(t[0])):
            if code not in self.used_targets:
                continue
            info = kos.target_info[code]
            resource = self.resource("sdg", f"sdg:{code}", "target")
            resource.add("a", "sdgo:Target", "skos:Concept")
            resource.add("skos:notation", *(typed(n, dt) for n, dt in info["notation"]))
            resource.add(
                "schema:name", *names(en=f"SDG target {code}", lv=f"IAM apakšmērķis {code}")
            )
            resource.add("skos:prefLabel", *(lit(label, "en") for label in info["labels"]))
            resource.add("sdgo:isTargetOf", f"sdg:{info['goal']}")
            resource.add("skos:inScheme", "<http://metadata.un.org/sdg>")
            resource.add("dcterms:source", "<http://metadata.un.org/sdg>")

    def dataset(self, clusters: int) -> None:
        dataset = self.resource("dataset", "<id/dataset/benchmark>", "dataset")
        title_lv = f"Sintētisks sdglod etalondatu kopums ({clusters} pasākumi)"
        title_en = f"Synthetic sdglod benchmark dataset ({clusters} events)"
        dataset.add("a", "schema:Dataset")
        dataset.add("schema:name", *names(lv=title_lv, en=title_en))
        dataset.add("dcterms:title", *names(lv=title_lv, en=title_en))
        dataset.add(
            "dcterms:description",
            *names(
                lv="Mākslīgi ģenerēti dati sdglod ātrdarbības mērījumiem.",
                en="Generated data for measuring the speed of sdglod.",
            ),
        )
        dataset.add("dcterms:license", "<https://creativecommons.org/licenses/by/4.0/>")
        dataset.add("dcterms:publisher", "organization:sdglod")
        dataset.add("dcterms:created", typed("2026-01-01", "xsd:date"))
        dataset.add("dcterms:modified", typed("2026-01-02", "xsd:date"))
        dataset.add("owl:versionInfo", lit("0.1.0"))
        dataset.add("dcterms:source", "<https://w3id.org/sdglod/>")

    # --- one event cluster -------------------------------------------------------------------

    def organization(self, n: int) -> str:
        rng = self.rng
        country = rng.choice(sorted(COUNTRIES))
        code, _, cities = COUNTRIES[country]
        city = rng.choice(cities)
        cls, kind_lv, kind_en, kind_et, kind_lt = rng.choice(ORG_KINDS)
        slug = f"o{n:06d}"
        subject = f"organization:{slug}"
        org = self.resource("organizations", subject, "organization")
        org.add("a", f"schema:{cls}", "schema:Organization")
        labels = {
            "lv": f"{city} {kind_lv} Nr. {n}",
            "en": f"{city} {kind_en} No. {n}",
        }
        own = OWN_LANGUAGE[country]
        if own == "et" or rng.random() < 0.2:
            labels["et"] = f"{city} {kind_et} nr {n}"
        if own == "lt" or rng.random() < 0.2:
            labels["lt"] = f"{city} {kind_lt} Nr. {n}"
        org.add("schema:name", *names(**labels))
        org.add("schema:url", f"<https://{slug}.{code.lower()}.example.org/>")
        org.add(
            "schema:foundingDate",
            typed(
                f"{rng.randint(1850, 2015)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "xsd:date",
            ),
        )
        if rng.random() < 0.3:
            org.add("schema:legalName", lit(f"{labels.get(own, labels['lv'])} ({code})"))
        address = f"<id/organization/{slug}#address>"
        org.add("schema:address", address)
        org.add("dcterms:source", f"<https://{slug}.{code.lower()}.example.org/about>")
        place = self.resource("organizations", address, "address")
        place.add("a", "schema:PostalAddress")
        place.add("schema:streetAddress", lit(f"{rng.choice(FAMILY)} iela {rng.randint(1, 99)}"))
        place.add("schema:addressLocality", lit(city))
        place.add("schema:postalCode", lit(f"{code}-{rng.randint(1000, 9999)}"))
        place.add("schema:addressCountry", f"place:{country}")
        place.add("dcterms:source", f"<https://{slug}.{code.lower()}.example.org/about>")
        self.organizations.append(subject)
        return subject

    def person(self, n: int, affiliation: str, source: str) -> str:
        rng = self.rng
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        subject = f"person:p{n:06d}"
        person = self.resource("people", subject, "person")
        person.add("a", "schema:Person")
        person.add("schema:name", *names(lv=f"{given} {family}", en=f"{given} {family}"))
        person.add("schema:givenName", lit(given))
        person.add("schema:familyName", lit(family))
        person.add("schema:affiliation", affiliation)
        person.add("schema:email", lit(f"p{n:06d}@example.org"))
        role = rng.randrange(len(TOPICS_LV))
        person.add(
            "schema:jobTitle",
            lit(f"projektu vadītāja ({TOPICS_LV[role]})", "lv"),
            lit(f"project manager ({TOPICS_EN[role]})", "en"),
        )
        person.add("dcterms:source", source)
        self.people.append(subject)
        return subject

    def cluster(self, n: int) -> None:
        rng = self.rng
        slug = f"e{n:06d}"
        event_id = f"event:{slug}"
        conclusions, article = f"work:{slug}-conclusions", f"work:{slug}-news"
        organizers = [self.organization(3 * n + i) for i in range(3)]
        partners = rng.sample(self.organizations, min(3, len(self.organizations)))
        partners = [p for p in partners if p not in organizers] or organizers[:1]
        people = [self.person(3 * n + i, organizers[i], article) for i in range(3)]
        year = rng.randint(2015, 2025)
        month, day = rng.randint(1, 12), rng.randint(1, 27)
        start = f"{year}-{month:02d}-{day:02d}"
        end = f"{year}-{month:02d}-{day + rng.randint(0, 1):02d}"
        topic = rng.randrange(len(TOPICS_LV))

        event = self.resource("events", event_id, "event")
        event.add("a", "schema:Event")
        event.add(
            "schema:name",
            *names(
                lv=f"Konference «{TOPICS_LV[topic]}» Nr. {n}",
                en=f"Conference on {TOPICS_EN[topic]} no. {n}",
            ),
        )
        lv, en = self.texts(2)
        event.add("schema:description", lit(lv, "lv"), lit(en, "en"))
        event.add("schema:startDate", typed(start, "xsd:date"))
        event.add("schema:endDate", typed(end, "xsd:date"))
        mode = rng.choice(ATTENDANCE)
        event.add("schema:eventAttendanceMode", f"schema:{mode}")
        online = f"<id/event/{slug}#online>"
        event.add("schema:location", online)
        event.add("schema:inLanguage", lit(rng.choice(["lv", "en", "et", "lt"])))
        event.add("schema:isAccessibleForFree", typed("true", "xsd:boolean"))
        event.add("schema:url", f"<https://events.example.org/{slug}/>")
        event.add("schema:organizer", *organizers)
        event.add("sdglod:partner", *partners)
        event.add("sdglod:organisingPerson", people[0])
        event.add(
            "sdglod:hashtag",
            lit(f"#SDG{n}"),
            lit(f"#Baltic{TOPICS_EN[topic].title().replace(' ', '')}"),
        )
        parts = [f"event:{slug}-part{i}" for i in (1, 2)]
        event.add("schema:subEvent", *parts)
        event.add("schema:funding", f"grant:{slug}")
        event.add("dcterms:source", conclusions, article)

        location = self.resource("events", online, "location")
        location.add("a", "schema:VirtualLocation")
        location.add("schema:name", *names(lv="Tiešsaistē", en="Online"))
        location.add("dcterms:source", article)

        for i, part in enumerate(parts, 1):
            sub = self.resource("events", part, "subevent")
            sub.add("a", "schema:Event")
            sub.add("schema:name", *names(lv=f"Darbnīca {i}", en=f"Workshop {i}"))
            sub.add("schema:superEvent", event_id)
            sub.add("dcterms:source", conclusions)

        grant = self.resource("grants", f"grant:{slug}", "grant")
        grant.add("a", "schema:Grant")
        grant.add("schema:name", *names(lv=f"Atbalsta programma {n}", en=f"Support programme {n}"))
        lv, en = self.texts(1)
        grant.add("schema:description", lit(lv, "lv"), lit(en, "en"))
        grant.add("schema:funder", rng.choice(self.organizations))
        grant.add("schema:fundedItem", event_id)
        grant.add("dcterms:source", article)

        campaign_id = f"campaign:{slug}"
        campaign = self.resource("campaigns", campaign_id, "campaign")
        campaign.add("a", "sdglod:Campaign", "schema:Event")
        campaign.add(
            "schema:name",
            *names(
                lv=f"Kampaņa «{TOPICS_LV[topic]}» {n}", en=f"Campaign on {TOPICS_EN[topic]} {n}"
            ),
        )
        lv, en = self.texts(2)
        campaign.add("schema:description", lit(lv, "lv"), lit(en, "en"))
        campaign.add("schema:startDate", typed(start, "xsd:date"))
        campaign.add("schema:endDate", typed(f"{year}-12-31", "xsd:date"))
        campaign.add("schema:organizer", rng.choice(organizers))
        campaign.add("sdglod:hashtag", lit(f"#Campaign{n}"))
        campaign.add("dcterms:source", article)

        outcomes = [f"outcome:{slug}-{i}" for i in range(1, rng.randint(3, 5) + 1)]
        works = self.works(n, slug, event_id, conclusions, article, outcomes, people, campaign_id)
        for position, outcome_id in enumerate(outcomes, 1):
            self.outcome(outcome_id, position, event_id, conclusions, works)

    def works(
        self,
        n: int,
        slug: str,
        event_id: str,
        conclusions: str,
        article: str,
        outcomes: list[str],
        people: list[str],
        campaign_id: str,
    ) -> list[str]:
        rng = self.rng
        doc = self.resource("works", conclusions, "conclusions")
        doc.add("a", "sdglod:SourceDocument", "schema:CreativeWork")
        doc.add(
            "schema:name",
            *names(lv=f"Konferences {n} secinājumi", en=f"Conclusions of conference {n}"),
        )
        lv, en = self.texts(2)
        doc.add("schema:description", lit(lv, "lv"), lit(en, "en"))
        doc.add("schema:inLanguage", lit("lv"))
        doc.add("schema:about", event_id)
        doc.add("schema:hasPart", *outcomes)

        news = self.resource("works", article, "article")
        news.add("a", "sdglod:SourceDocument", "schema:NewsArticle")
        news.add("schema:name", *names(lv=f"Ziņa par konferenci {n}", en=f"News on conference {n}"))
        news.add("schema:url", f"<https://news.example.org/{slug}/>")
        news.add("schema:inLanguage", lit("lv"))
        news.add("schema:author", *people[:2])
        news.add("schema:about", event_id)
        quote, materials = f"work:{slug}-quotation", f"work:{slug}-materials"
        news.add("schema:hasPart", quote, materials)
        news.add("schema:mentions", campaign_id)

        quotation = self.resource("works", quote, "quotation")
        quotation.add("a", "schema:Quotation", "schema:CreativeWork")
        quotation.add(
            "schema:name",
            *names(lv=f"Citāts par konferenci {n}", en=f"Quotation about conference {n}"),
        )
        lv, en = self.texts(3)
        quotation.add("schema:text", lit(lv, "lv"), lit(en, "en"))
        quotation.add("schema:creator", people[0])
        quotation.add("schema:translator", "organization:sdglod")
        quotation.add("schema:inLanguage", lit("lv"))
        quotation.add("schema:about", event_id)
        quotation.add("schema:isPartOf", article)
        quotation.add("dcterms:source", article)

        items = [conclusions]
        for i, (cls, lv_name, en_name) in enumerate(MATERIALS[: rng.randint(2, 4)], 2):
            work_id = f"work:{slug}-material{i}"
            work = self.resource("works", work_id, "material")
            work.add("a", f"schema:{cls}", "schema:CreativeWork")
            work.add(
                "schema:name",
                *names(lv=f"Konferences {n} {lv_name}", en=f"Conference {n} {en_name}"),
            )
            work.add("schema:about", event_id)
            work.add("schema:position", typed(str(i), "xsd:integer"))
            work.add("dcterms:source", article)
            items.append(work_id)
        listing = self.resource("works", materials, "item-list")
        listing.add("a", "schema:ItemList")
        listing.add(
            "schema:name",
            *names(lv=f"Konferences {n} materiāli", en=f"Materials of conference {n}"),
        )
        listing.add("schema:about", event_id)
        listing.add("schema:numberOfItems", typed(str(len(items)), "xsd:integer"))
        listing.add("schema:itemListElement", *items)
        listing.add("dcterms:source", article)
        return items

    def outcome(
        self, outcome_id: str, position: int, event_id: str, conclusions: str, works: list[str]
    ) -> None:
        rng = self.rng
        n = len(self.by_kind.get("outcome", []))
        outcome = self.resource("outcomes", outcome_id, "outcome")
        outcome.add("a", "sdglod:Outcome", "schema:CreativeWork")
        outcome.add("schema:position", typed(str(position), "xsd:integer"))
        outcome.add(
            "schema:name",
            *names(
                lv=f"Konferences vēstījums Nr. {position}", en=f"Conference message no. {position}"
            ),
        )
        lv, en = self.texts(rng.randint(4, 7))
        outcome.add("schema:text", lit(lv, "lv"), lit(en, "en"))
        outcome.add("schema:translator", "organization:sdglod")
        outcome.add("schema:isPartOf", conclusions)
        outcome.add("prov:wasGeneratedBy", event_id)
        chosen = rng.sample(self.targets, rng.randint(2, 4))
        local = outcome_id.split(":", 1)[1]
        links = [f"<id/outcome/{local}#sdg-{code}>" for code, _ in chosen]
        outcome.add("sdglod:servesTarget", *(f"sdg:{code}" for code, _ in chosen))
        outcome.add("sdglod:hasTargetLink", *links)
        outcome.add("dcterms:source", conclusions)
        for rank, ((code, label), link_id) in enumerate(zip(chosen, links, strict=True), 1):
            self.used_targets.add(code)
            link = self.resource("outcomes", link_id, "target-link")
            link.add("a", "sdglod:TargetLink")
            link.add("sdglod:target", f"sdg:{code}")
            link.add("schema:position", typed(str(rank), "xsd:integer"))
            topic = (n + rank) % len(TOPICS_LV)
            link.add(
                "sdglod:rationale",
                lit(
                    f"Vēstījums par tēmu «{TOPICS_LV[topic]}» tieši atbalsta apakšmērķi {code}.",
                    "lv",
                ),
                lit(
                    f"The message on {TOPICS_EN[topic]} directly supports target {code}: "
                    + label[:120],
                    "en",
                ),
            )
            link.add("dcterms:creator", "organization:sdglod")
            link.add("dcterms:source", f"sdg:{code}", rng.choice(works))


GOAL_COLOURS = [
    "#E5243B", "#DDA63A", "#4C9F38", "#C5192D", "#FF3A21", "#26BDE2", "#FCC30B", "#A21942",
    "#FD6925", "#DD1367", "#FD9D24", "#BF8B2E", "#3F7E44", "#0A97D9", "#56C02B", "#00689D",
    "#19486A",
]  # fmt: skip


def _code_key(code: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))


@dataclass
class KosTargets:
    """Goals and targets as the UN SDG KOS gives them."""

    goals: dict[int, dict]
    targets: list[tuple[str, str]]  # (code, English label), in code order
    target_info: dict[str, dict]


def read_kos(path: Path = KOS) -> KosTargets:
    """Read goals and targets (codes, notations, English labels, goal) from the UN SDG KOS."""
    from pyoxigraph import NamedNode, RdfFormat, parse

    if not path.is_file():
        sys.exit(f"the UN SDG KOS is not at {path} (see ../shared/reference/un-sdg-kos/)")
    sdgo = "http://metadata.un.org/sdg/ontology#"
    skos = "http://www.w3.org/2004/02/skos/core#"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    kinds: dict[str, str] = {}
    facts: dict[str, dict[str, list]] = {}
    for triple in parse(path=str(path), format=RdfFormat.TURTLE):
        subject = triple.subject.value
        predicate = triple.predicate.value
        is_class = predicate == rdf_type and isinstance(triple.object, NamedNode)
        if is_class and triple.object.value in (sdgo + "Goal", sdgo + "Target"):
            kinds[subject] = triple.object.value.rsplit("#", 1)[1]
        facts.setdefault(subject, {}).setdefault(predicate, []).append(triple.object)

    def english(subject: str, predicate: str) -> list[str]:
        return sorted(
            o.value for o in facts[subject].get(skos + predicate, []) if o.language == "en"
        )

    def notation(subject: str) -> list[tuple[str, str]]:
        found = [
            (o.value, "sdgo:" + o.datatype.value.rsplit("#", 1)[1])
            for o in facts[subject][skos + "notation"]
        ]
        return sorted(found, key=lambda pair: pair[1])

    goals, target_info = {}, {}
    for subject, kind in kinds.items():
        code = subject.removeprefix(SDG)
        if kind == "Goal":
            goals[int(code)] = {
                "notation": notation(subject),
                "label": english(subject, "prefLabel")[0],
                "short": english(subject, "altLabel")[0],
            }
        else:
            broader = [o.value for o in facts[subject][skos + "broader"]]
            target_info[code] = {
                "notation": notation(subject),
                "labels": english(subject, "prefLabel"),
                "goal": broader[0].removeprefix(SDG),
            }
    codes = sorted(target_info, key=_code_key)
    return KosTargets(goals, [(c, target_info[c]["labels"][0]) for c in codes], target_info)


# --- Violations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """A kind of broken data: which resources it breaks, how, and what must report it."""

    kind: str
    resource_kind: str
    shape: str
    severity: str
    focus: Callable[[Resource], str]
    apply: Callable[[Generator, Resource, int], None]


def _replace(resource: Resource, predicate: str, *objects: str) -> None:
    resource.properties[predicate] = list(objects)


def _drop_lang(resource: Resource, predicate: str, lang: str) -> None:
    resource.properties[predicate] = [
        o for o in resource.properties[predicate] if not o.endswith(f"@{lang}")
    ]


def _self(resource: Resource) -> str:
    return resource.subject


def _dates_reversed(_: Generator, resource: Resource, __: int) -> None:
    start = resource.properties["schema:startDate"][0]
    year = int(start[1:5])
    _replace(resource, "schema:endDate", typed(f"{year - 1}-01-01", "xsd:date"))


def _duplicate_rank(generator: Generator, resource: Resource, _: int) -> None:
    # The outcome's second link gets rank 1 too; no other kind may break its first two links.
    first, second = resource.properties["sdglod:hasTargetLink"][:2]
    links = {r.subject: r for r in generator.by_kind["target-link"] if r.subject in (first, second)}
    _replace(links[second], "schema:position", typed("1", "xsd:integer"))
    generator.taken.update(id(link) for link in links.values())


VIOLATIONS = [
    Violation(
        "name-without-english",
        "person",
        "NamedResource-name-en",
        "Violation",
        _self,
        lambda _, r, __: _drop_lang(r, "schema:name", "en"),
    ),
    Violation(
        "event-ends-before-it-starts",
        "event",
        "Event-start-before-end",
        "Violation",
        _self,
        _dates_reversed,
    ),
    Violation(
        "founding-date-impossible",
        "organization",
        "Organization-foundingDate",
        "Violation",
        _self,
        lambda _, r, __: _replace(r, "schema:foundingDate", typed("2019-02-30", "xsd:date")),
    ),
    Violation(
        "email-with-mailto",
        "person",
        "EmailAddress-email",
        "Violation",
        _self,
        lambda _, r, i: _replace(r, "schema:email", lit(f"mailto:broken{i}@example.org")),
    ),
    Violation(
        "url-as-text",
        "organization",
        "WebAddress-url",
        "Violation",
        _self,
        lambda _, r, i: _replace(r, "schema:url", lit(f"https://broken{i}.example.org/")),
    ),
    Violation(
        "attendance-mode-unknown",
        "event",
        "Event-attendanceMode",
        "Violation",
        _self,
        lambda _, r, __: _replace(
            r, "schema:eventAttendanceMode", "schema:HybridEventAttendanceMode"
        ),
    ),
    Violation(
        "rationale-without-latvian",
        "target-link",
        "TargetLink-rationale-lv",
        "Violation",
        _self,
        lambda _, r, __: _drop_lang(r, "sdglod:rationale", "lv"),
    ),
    Violation(
        "link-rank-duplicate",
        "outcome",
        "Outcome-unique-link-rank",
        "Violation",
        _self,
        _duplicate_rank,
    ),
    Violation(
        "item-count-wrong",
        "item-list",
        "ItemList-count",
        "Violation",
        _self,
        lambda _, r, __: _replace(
            r,
            "schema:numberOfItems",
            typed(str(len(r.properties["schema:itemListElement"]) + 1), "xsd:integer"),
        ),
    ),
    Violation(
        "organiser-not-described",
        "event",
        "Event-organizer",
        "Violation",
        _self,
        lambda _, r, i: r.add("schema:organizer", f"organization:undescribed-{i}"),
    ),
    Violation(
        "hashtag-with-space",
        "campaign",
        "Event-hashtag",
        "Violation",
        _self,
        lambda _, r, i: _replace(r, "sdglod:hashtag", lit(f"#broken tag {i}")),
    ),
    Violation(
        "rank-below-one",
        "target-link",
        "TargetLink-position",
        "Violation",
        _self,
        lambda _, r, __: _replace(r, "schema:position", typed("0", "xsd:integer")),
    ),
    Violation(
        "name-language-unknown",
        "organization",
        "NamedResource-name-languages",
        "Violation",
        _self,
        lambda _, r, i: r.add("schema:name", lit(f"Organisation {i}", "de")),
    ),
    Violation(
        "campaign-without-description",
        "campaign",
        "Campaign-description",
        "Warning",
        _self,
        lambda _, r, __: r.properties.pop("schema:description"),
    ),
]


def inject(generator: Generator, count: int) -> dict:
    """Break the data in ``count`` places; the manifest of what was broken."""
    plan: dict[str, int] = {}
    for i in range(count):
        kind = VIOLATIONS[i % len(VIOLATIONS)]
        plan[kind.kind] = plan.get(kind.kind, 0) + 1
    manifest: dict = {"violations": count, "kinds": {}}
    taken = generator.taken
    # Kinds that break a second resource choose first, so no other kind undoes their change.
    for violation in sorted(VIOLATIONS, key=lambda v: v.apply is not _duplicate_rank):
        wanted = plan.get(violation.kind, 0)
        if not wanted:
            continue
        candidates = [r for r in generator.by_kind[violation.resource_kind] if id(r) not in taken]
        if len(candidates) < wanted:
            sys.exit(f"too few {violation.resource_kind} resources for {wanted} x {violation.kind}")
        # Spread the broken resources evenly over the data, deterministically.
        step = len(candidates) / wanted
        chosen = [candidates[int(i * step + step / 2)] for i in range(wanted)]
        focus = []
        for i, resource in enumerate(chosen):
            taken.add(id(resource))
            violation.apply(generator, resource, i)
            focus.append(_expand(violation.focus(resource)))
        manifest["kinds"][violation.kind] = {
            "count": wanted,
            "shape": SHAPES + violation.shape,
            "severity": violation.severity,
            "focus": focus,
        }
    return manifest


def _expand(name: str) -> str:
    if name.startswith("<"):
        iri = name[1:-1]
        return iri if ":" in iri.split("/", 1)[0] else BASE + iri
    prefix, local = name.split(":", 1)
    iri = PREFIXES[prefix] + local
    return iri if iri.startswith("http") else BASE + iri


# --- Writing ------------------------------------------------------------------------------

FILE_COMMENTS = {
    "events": "Generated events, their parts and online locations.",
    "organizations": "Generated organisations in the Baltic states and their postal addresses.",
    "people": "Generated people and their affiliations.",
    "outcomes": "Generated outcomes with long texts and their links to UN SDG targets.",
    "works": "Generated source documents, materials, lists of materials and quotations.",
    "campaigns": "Generated campaigns.",
    "grants": "Generated grants.",
    "places": "Countries.",
    "sdg": "The UN SDG goals and the targets the data uses, from the UN SDG KOS.",
    "dataset": "The description of the generated dataset.",
}


def turtle(file: str, resources: list[Resource]) -> str:
    used = {"dcterms", "schema", "sdglod", "xsd"} | _prefixes_in(resources)
    lines = [f"# {FILE_COMMENTS[file]} Written by benchmarks/generate.py.", ""]
    lines += [f"@prefix {p}: <{PREFIXES[p]}> ." for p in sorted(used)]
    for resource in resources:
        lines.append("")
        lines.append(resource.subject)
        items = list(resource.properties.items())
        for number, (predicate, objects) in enumerate(items):
            end = " ." if number == len(items) - 1 else " ;"
            lines.append(f"    {predicate} {', '.join(objects)}{end}")
    return "\n".join(lines) + "\n"


_PREFIXED = re.compile(r"(?:^|[\s,(])([a-z]+):")


def _prefixes_in(resources: list[Resource]) -> set[str]:
    found = set()
    for resource in resources:
        for predicate, objects in resource.properties.items():
            for term in (resource.subject, predicate, *objects):
                if not term.startswith(('"', "<")):
                    found.add(term.split(":", 1)[0])
                elif "^^" in term:
                    found.add(term.rsplit("^^", 1)[1].split(":", 1)[0])
    return found & set(PREFIXES)


def generate(size: int, violations: int = 0, seed: int = 0) -> tuple[Generator, dict | None]:
    """The resources of a project of at least ``size`` triples, and the violations manifest."""
    generator = Generator(size, seed)
    kos = read_kos()
    generator.fixed(kos)
    # The vocabulary and the dataset description are about 2 % of the data: reserve room.
    reserve = 400 + 12 * len(generator.targets)
    clusters, written = 0, generator.triples()
    while written + reserve < size or clusters < 2:
        written += generator.cluster_triples(clusters)
        clusters += 1
    generator.vocabulary()
    generator.dataset(clusters)
    manifest = inject(generator, violations) if violations else None
    if manifest is not None:
        manifest["triples"] = generator.triples()
    return generator, manifest


def write_project(generator: Generator, manifest: dict | None, out: Path, fmt: str) -> int:
    """Write the project into ``out`` (replacing it); the number of triples written."""
    if out.exists():
        shutil.rmtree(out)
    (out / "data").mkdir(parents=True)
    for folder in COPIED:
        shutil.copytree(REPO / folder, out / folder, ignore=shutil.ignore_patterns("README.md"))
    config = (REPO / "sdglod.toml").read_text(encoding="utf-8")
    texts = {name: turtle(name, resources) for name, resources in generator.files.items()}
    if fmt == "nt":
        texts = {name: _ntriples(text) for name, text in texts.items()}
        for folder in ("ontology",):
            for path in sorted((out / folder).glob("*.ttl")):
                path.with_suffix(".nt").write_text(_ntriples(path.read_text("utf-8")), "utf-8")
                path.unlink()
        config = config.replace(".ttl", ".nt")
    (out / "sdglod.toml").write_text(config, encoding="utf-8")
    for name in sorted(texts):
        (out / "data" / f"{name}.{fmt}").write_text(texts[name], encoding="utf-8")
    if manifest is not None:
        (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return generator.triples()


def _ntriples(text: str) -> str:
    from pyoxigraph import RdfFormat, parse, serialize

    triples = parse(text.encode(), format=RdfFormat.TURTLE, base_iri=BASE)
    return serialize(triples, format=RdfFormat.N_TRIPLES).decode()


def parse_size(text: str) -> int:
    """``10k`` → 10000, ``1M`` → 1000000, ``2500`` → 2500."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 2000, 10k or 1M")
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    return int(float(match.group(1)) * factor)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=parse_size, help="triples: 2000, 10k, 100k, 1M")
    parser.add_argument("--violations", type=int, default=0, metavar="N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=("ttl", "nt"), default="ttl")
    parser.add_argument("-o", "--output", type=Path, help="default: benchmarks/generated/SIZE")
    args = parser.parse_args(argv)
    out = args.output or REPO / "benchmarks" / "generated" / _label(args)
    generator, manifest = generate(args.size, args.violations, args.seed)
    triples = write_project(generator, manifest, out, args.format)
    print(f"{out}: {triples} triples in data/ ({args.violations} violations)")


def _label(args: argparse.Namespace) -> str:
    label = str(args.size)
    if args.violations:
        label += f"-v{args.violations}"
    return label + ("-nt" if args.format == "nt" else "")


if __name__ == "__main__":
    main()

"""The facts of the two source documents, each asked of the built store with SPARQL."""

from __future__ import annotations

import pytest
from support import ask, rows

CONFERENCE = "event:baltic-sdg-2021"
BASE = "https://w3id.org/sdglod/"


def names(store, iri: str) -> dict[str, set[str]]:
    by_lang: dict[str, set[str]] = {}
    for name, lang in rows(store, f"SELECT ?n (LANG(?n) AS ?l) {{ {iri} schema:name ?n }}"):
        by_lang.setdefault(lang, set()).add(name)
    return by_lang


def test_conference_names_in_latvian_both_spellings_and_english(store):
    assert names(store, CONFERENCE) == {
        "lv": {"Ilgtspējīgas attīstības mērķu lokalizēšana Baltijas valstu muzejos un bibliotēkās"},
        "en": {"Localising the Sustainable Development Goals through Baltic museums and libraries"},
    }
    assert rows(
        store, f"SELECT ?a {{ {CONFERENCE} schema:alternateName ?a FILTER(LANG(?a) = 'lv') }}"
    ) == [("Ilgtspējīgas attīstības mērķu lokalizēšana Baltijas muzejos un bibliotēkās",)]


def test_conference_dates_are_typed_dates(store):
    assert ask(
        store,
        f"""ASK {{ {CONFERENCE} a schema:Event ;
        schema:startDate "2021-09-23"^^xsd:date ; schema:endDate "2021-09-24"^^xsd:date }}""",
    )


def test_conference_is_online_with_website_description_and_language(store):
    assert ask(
        store,
        f"""ASK {{ {CONFERENCE}
        schema:eventAttendanceMode schema:OnlineEventAttendanceMode ;
        schema:location/a schema:VirtualLocation ;
        schema:url <https://baltic-museums-libraries-sdg.lnb.lv/> ;
        schema:inLanguage "en" }}""",
    )
    descriptions = rows(
        store, f"SELECT (LANG(?d) AS ?l) ?d {{ {CONFERENCE} schema:description ?d }}"
    )
    assert {lang for lang, _ in descriptions} == {"lv", "en"}
    english = dict(descriptions)["en"]
    assert "Estonia, Latvia, Lithuania" in english and "cultural heritage" in english


def test_conference_hashtags(store):
    found = {h for (h,) in rows(store, f"SELECT ?h {{ {CONFERENCE} sdglod:hashtag ?h }}")}
    assert found == {
        "#AYMAYL",
        "#AskYourMuseumAskYourLibrary",
        "#Jsmjsb",
        "#JautāSavamMuzejamJautāSavaiBibliotēkai",
    }


def test_conference_had_expert_lectures_and_practical_workshops(store):
    parts = rows(
        store,
        f"""SELECT ?name {{ {CONFERENCE} schema:subEvent ?e .
        ?e schema:superEvent {CONFERENCE} ; schema:name ?name FILTER(LANG(?name) = 'en') }}
        ORDER BY ?name""",
    )
    assert parts == [
        ("Lectures by local and international sector experts",),
        ("Practical workshops",),
    ]


def test_occasion_is_thirty_years_of_latvia_in_un_and_unesco(store):
    found = rows(
        store,
        f"""SELECT ?date ?org {{ {CONFERENCE} sdglod:marksAnniversaryOf ?e .
        ?e schema:startDate ?date ; schema:about/schema:name ?org FILTER(LANG(?org) = 'en') }}
        ORDER BY ?date""",
    )
    assert found == [("1991-09-17", "United Nations"), ("1991-10-14", "UNESCO")]


def test_funded_by_unesco_participation_programme(store):
    assert ask(
        store,
        f"""ASK {{ {CONFERENCE} schema:funding ?g .
        ?g a schema:Grant ; schema:name "UNESCO Participation Programme"@en ;
           schema:funder organization:unesco ; schema:fundedItem {CONFERENCE} }}""",
    )


def test_three_organisers(store):
    found = rows(
        store,
        f"""SELECT ?name {{ {CONFERENCE} schema:organizer ?o .
        ?o a schema:Organization ; schema:name ?name FILTER(LANG(?name) = 'lv') }}
        ORDER BY ?name""",
    )
    assert found == [
        ("Latvijas Bibliotekāru biedrība",),
        ("Latvijas Muzeju biedrība",),
        ("Latvijas Nacionālā bibliotēka",),
    ]


def test_five_partners_with_names_in_their_own_language_and_country(store):
    found = rows(
        store,
        f"""SELECT ?en ?country ?own {{ {CONFERENCE} sdglod:partner ?o .
        ?o schema:name ?en FILTER(LANG(?en) = 'en')
        ?o schema:address/schema:addressCountry/schema:name ?country FILTER(LANG(?country) = 'en')
        OPTIONAL {{ ?o schema:name ?own FILTER(LANG(?own) IN ('et', 'lt')) }} }} ORDER BY ?en""",
    )
    assert found == [
        ("Estonian Librarians Association", "Estonia", "Eesti Raamatukoguhoidjate Ühing"),
        ("Estonian Museum Association", "Estonia", "Eesti Muuseumiühing"),
        ("Latvian National Commission for UNESCO", "Latvia", None),
        ("Lithuanian Librarians' Association", "Lithuania", "Lietuvos bibliotekininkų draugija"),
        ("Lithuanian Museum Association", "Lithuania", "Lietuvos muziejų asociacija"),
    ]


def test_organisations_have_checked_websites(store):
    websites = dict(
        rows(store, """SELECT ?o ?url { ?o a schema:Organization ; schema:url ?url }""")
    )
    assert websites[BASE + "id/organization/latvijas-nacionala-biblioteka"] == "https://lnb.lv"
    assert websites[BASE + "id/organization/unesco-latvijas-nacionala-komisija"] == (
        "https://www.unesco.lv"
    )
    # No website that no source gives: the coalition and the UN bodies have none.
    assert BASE + "id/organization/starpnozaru-koalicija-iam" not in websites
    assert BASE + "id/organization/unesco" not in websites


def test_four_outcomes_each_with_number_texts_and_targets(store):
    found = rows(
        store,
        """SELECT ?n (COUNT(DISTINCT ?lv) AS ?lvs) (COUNT(DISTINCT ?en) AS ?ens)
        (COUNT(DISTINCT ?t) AS ?targets) {
          ?o a sdglod:Outcome ; schema:position ?n ;
             schema:isPartOf work:baltic-sdg-2021-conclusions ;
             schema:text ?lv, ?en ; sdglod:servesTarget ?t .
          ?t a sdgo:Target .
          FILTER(LANG(?lv) = 'lv' && LANG(?en) = 'en')
        } GROUP BY ?n ORDER BY ?n""",
    )
    assert [(n, lv, en) for n, lv, en, _ in found] == [(str(i), "1", "1") for i in range(1, 5)]
    assert all(int(targets) >= 1 for *_, targets in found)


def test_outcome_texts_are_the_full_latvian_text(store):
    text = rows(
        store, """SELECT ?t { outcome:baltic-sdg-2021-3 schema:text ?t FILTER(LANG(?t) = 'lv') }"""
    )
    assert text == [
        (
            "Konferences dalībnieki atzīst nepieciešamību pēc starpinstitucionālas, starpnozaru un "
            "apkšreģionālas, reģionālas un starptautiskas sadarbības, lai pilnībā atbalstītu "
            "Dienaskārtības 2030 īstenošanu visos līmeņos.",
        )
    ]


def test_every_target_link_has_a_rationale_in_both_languages(store):
    assert ask(store, """ASK { ?o sdglod:servesTarget ?t }""")
    # Each unqualified link has exactly one qualified link with lv and en rationale.
    missing = rows(
        store,
        """SELECT ?o ?t { ?o sdglod:servesTarget ?t
        FILTER NOT EXISTS { ?o sdglod:hasTargetLink ?l . ?l sdglod:target ?t ;
            sdglod:rationale ?lv, ?en ; schema:position ?rank ; dcterms:source ?s
            FILTER(LANG(?lv) = 'lv' && LANG(?en) = 'en') } }""",
    )
    assert missing == []
    extra = rows(
        store,
        """SELECT ?l { ?o sdglod:hasTargetLink ?l . ?l sdglod:target ?t
        FILTER NOT EXISTS { ?o sdglod:servesTarget ?t } }""",
    )
    assert extra == []


def test_primary_targets_follow_the_mapping(store):
    primary = rows(
        store,
        """SELECT ?n ?code { ?o a sdglod:Outcome ; schema:position ?n ;
        schema:isPartOf work:baltic-sdg-2021-conclusions ;
        sdglod:hasTargetLink ?l . ?l schema:position 1 ; sdglod:target/skos:notation ?code
        FILTER(DATATYPE(?code) = sdgo:SDGCodeCompact) } ORDER BY ?n""",
    )
    assert primary == [("1", "4.7"), ("2", "17.14"), ("3", "17.17"), ("4", "17.16")]


def test_outcomes_belong_to_the_conclusions_document_of_the_conference(store):
    assert ask(
        store,
        """ASK { work:baltic-sdg-2021-conclusions a sdglod:SourceDocument ;
        schema:about event:baltic-sdg-2021 ;
        schema:hasPart outcome:baltic-sdg-2021-1, outcome:baltic-sdg-2021-4 }""",
    )
    generated = rows(
        store, """SELECT (COUNT(?o) AS ?n) { ?o prov:wasGeneratedBy event:baltic-sdg-2021 }"""
    )
    assert generated == [("4",)]


def test_people_and_affiliations_as_the_article_signs_them(store):
    found = rows(
        store,
        """SELECT ?person ?org { work:baltic-sdg-2021-news-article schema:author ?p .
        ?p a schema:Person ; schema:name ?person ;
        schema:affiliation/schema:alternateName ?org
        FILTER(LANG(?person) = 'lv' && LANG(?org) = '') } ORDER BY ?person ?org""",
    )
    assert found == [
        ("Inga Surgunte", "LMB"),
        ("Inga Surgunte", "LNB"),
        ("Māra Jēkabsone", "LBB"),
        ("Māra Jēkabsone", "LNB"),
    ]


def test_inga_surgunte_quotation_is_attributed_to_her(store):
    found = rows(
        store,
        """SELECT (LANG(?text) AS ?l) ?text { ?q a schema:Quotation ;
        schema:creator person:inga-surgunte ; schema:isPartOf work:baltic-sdg-2021-news-article ;
        schema:text ?text } ORDER BY ?l""",
    )
    assert [lang for lang, _ in found] == ["en", "lv"]
    assert dict(found)["lv"].startswith("Ar tiešsaistē aizvadītās Baltijas mēroga konferences")
    assert ask(store, f"ASK {{ {CONFERENCE} sdglod:organisingPerson person:inga-surgunte }}")


def test_news_article_is_a_source_with_two_authors(store):
    authors = rows(
        store,
        """SELECT ?name { work:baltic-sdg-2021-news-article a sdglod:SourceDocument ;
        schema:url ?url ; schema:author/schema:name ?name FILTER(LANG(?name) = 'lv') }
        ORDER BY ?name""",
    )
    assert authors == [("Inga Surgunte",), ("Māra Jēkabsone",)]


def test_the_five_conference_materials_in_order(store):
    found = rows(
        store,
        """SELECT ?n ?name { ?list a schema:ItemList ; schema:about event:baltic-sdg-2021 ;
        schema:itemListElement ?m .
        ?m schema:position ?n ; schema:name ?name FILTER(LANG(?name) = 'en') }
        ORDER BY ?n""",
    )
    assert found == [
        ("1", "Messages from the conference"),
        ("2", "Conference video recording"),
        ("3", "Conference website"),
        ("4", "Conference press release"),
        ("5", "Conference photo gallery"),
    ]
    assert ask(
        store, """ASK { ?v a schema:VideoObject ; schema:recordedAt event:baltic-sdg-2021 }"""
    )


@pytest.mark.parametrize(
    ("campaign", "start", "end", "organiser"),
    [
        ("campaign:merke-attistiba-2021", "2021-09-20", "2021-11-30", "organization:lapas"),
        (
            "campaign:unesco-week-2021",
            "2021-10-11",
            "2021-10-15",
            "organization:unesco-latvijas-nacionala-komisija",
        ),
    ],
)
def test_campaigns_with_dates_and_organisers(store, campaign, start, end, organiser):
    assert ask(
        store,
        f"""ASK {{ {campaign} a sdglod:Campaign, schema:Event ;
        schema:startDate "{start}"^^xsd:date ; schema:endDate "{end}"^^xsd:date ;
        schema:organizer {organiser} }}""",
    )


def test_lapas_campaign_is_with_the_sdg_coalition_and_invites_workshops(store):
    assert ask(
        store,
        """ASK { campaign:merke-attistiba-2021 schema:name "Mērķē attīstībā!"@lv ;
        sdglod:partner organization:starpnozaru-koalicija-iam ; schema:description ?d
        FILTER(LANG(?d) = 'en' && CONTAINS(?d, 'workshops')) }""",
    )


def test_unesco_week_hashtag_and_email(store):
    assert ask(
        store,
        """ASK { campaign:unesco-week-2021 sdglod:hashtag "#UNESCOLNK30" ;
        schema:organizer/schema:email "office@unesco.lv" }""",
    )


def test_every_resource_we_mint_points_to_a_source(store):
    # Or is the editors' own work (dcterms:creator: the dataset's publisher), such as an
    # editorial statement; tests/test_traceability.py checks the texts too.
    unsourced = rows(
        store,
        f"""SELECT ?r {{ ?r ?p ?o
        FILTER(STRSTARTS(STR(?r), "{BASE}id/"))
        FILTER NOT EXISTS {{ ?r dcterms:source ?s }}
        FILTER NOT EXISTS {{ ?r a sdglod:SourceDocument }}
        FILTER NOT EXISTS {{ ?dataset a schema:Dataset ; dcterms:publisher ?editors .
            ?r dcterms:creator ?editors }} }} GROUP BY ?r""",
    )
    assert unsourced == []


def test_every_outcome_has_its_event_document_source_and_a_linked_target(store):
    # Invariants of the data, however many events and outcomes it holds.
    assert ask(store, "ASK { ?o a sdglod:Outcome }")
    incomplete = rows(
        store,
        """SELECT ?o { ?o a sdglod:Outcome
        FILTER(NOT EXISTS { ?o prov:wasGeneratedBy/a schema:Event }
            || NOT EXISTS { ?o schema:isPartOf/a schema:CreativeWork }
            || NOT EXISTS { ?o dcterms:source ?s }
            || NOT EXISTS { ?o sdglod:hasTargetLink/sdglod:target ?t ; sdglod:servesTarget ?t })
        }""",
    )
    assert incomplete == []


def test_every_event_not_part_of_another_has_dates_in_order(store):
    undated = rows(
        store,
        """SELECT ?e { ?e a schema:Event FILTER NOT EXISTS { ?e schema:superEvent ?whole }
        FILTER NOT EXISTS { ?e schema:startDate ?start FILTER(DATATYPE(?start) = xsd:date) } }""",
    )
    assert undated == []
    backwards = rows(
        store,
        "SELECT ?e { ?e schema:startDate ?start ; schema:endDate ?end FILTER(?end < ?start) }",
    )
    assert backwards == []


def test_every_named_resource_has_latvian_and_english_names(store):
    # Named resources: what we mint under id/, except parts of a resource (#fragment IRIs).
    # A resource named in its own language (et, lt) has a Latvian name only where a source
    # gives one (shapes/common.ttl, sdgsh:LatvianName).
    missing = rows(
        store,
        f"""SELECT ?r ?lang {{
        ?r a ?type FILTER(STRSTARTS(STR(?r), "{BASE}id/") && !CONTAINS(STR(?r), "#"))
        VALUES ?lang {{ "lv" "en" }}
        FILTER NOT EXISTS {{ ?r schema:name ?n FILTER(LANG(?n) = ?lang) }}
        FILTER(?lang = "en" || NOT EXISTS {{ ?r schema:name ?own
            FILTER(LANG(?own) IN ("et", "lt")) }}) }}""",
    )
    assert missing == []


@pytest.mark.parametrize(("country", "lang"), [("estonia", "et"), ("lithuania", "lt")])
def test_estonian_and_lithuanian_organisations_have_names_in_their_language(store, country, lang):
    orgs = rows(
        store,
        f"""SELECT ?o (SAMPLE(?own) AS ?name) {{
        ?o a schema:Organization ; schema:address/schema:addressCountry <{BASE}id/place/{country}> .
        OPTIONAL {{ ?o schema:name ?own FILTER(LANG(?own) = "{lang}") }} }} GROUP BY ?o""",
    )
    # At least the conference's two partners of the country (its museum and librarian
    # associations); every organisation there, however many the data adds, has its own name.
    partners = rows(
        store,
        f"""SELECT ?o {{ {CONFERENCE} sdglod:partner ?o .
        ?o schema:address/schema:addressCountry <{BASE}id/place/{country}> }}""",
    )
    assert len(partners) == 2
    assert {o for (o,) in partners} <= {o for o, _ in orgs}
    assert all(name for _, name in orgs)


def test_dataset_metadata(store):
    assert ask(
        store,
        """ASK { GRAPH <https://w3id.org/sdglod/graph/metadata> {
        ?d a schema:Dataset ; dcterms:title ?lv, ?en ; dcterms:publisher ?p ;
           dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
           dcterms:created ?c ; dcterms:modified ?m ; schema:version ?v ;
           schema:creditText ?credit
        FILTER(LANG(?lv) = 'lv' && LANG(?en) = 'en' && DATATYPE(?c) = xsd:date) } }""",
    )

"""The words of the pages in Latvian and English, and how a request picks its language."""

from __future__ import annotations

LANGUAGES = ("lv", "en")
DEFAULT_LANGUAGE = "lv"

WORDS: dict[str, dict[str, str]] = {
    "home": {"lv": "Sākums", "en": "Home"},
    "query": {"lv": "SPARQL vaicājums", "en": "SPARQL query"},
    "queries": {"lv": "Gatavie vaicājumi", "en": "Canned queries"},
    "api": {"lv": "API apraksts (OpenAPI)", "en": "API description (OpenAPI)"},
    "run": {"lv": "Izpildīt", "en": "Run"},
    "examples": {"lv": "Piemēri", "en": "Examples"},
    "choose_example": {"lv": "— izvēlieties piemēru —", "en": "— choose an example —"},
    "results": {"lv": "Rezultāti", "en": "Results"},
    "rows": {"lv": "rindas", "en": "rows"},
    "triples": {"lv": "trijnieki", "en": "triples"},
    "download": {"lv": "Lejupielādēt", "en": "Download"},
    "share": {"lv": "Saite uz šo vaicājumu", "en": "Link to this query"},
    "truncated": {
        "lv": "Rezultāts ir saīsināts līdz {limit} rindām.",
        "en": "The result is cut at {limit} rows.",
    },
    "no_results": {"lv": "Nav rezultātu.", "en": "No results."},
    "error": {"lv": "Kļūda", "en": "Error"},
    "parameters": {"lv": "Parametri", "en": "Parameters"},
    "none": {"lv": "nav", "en": "none"},
    "sparql_text": {"lv": "SPARQL teksts", "en": "SPARQL text"},
    "name": {"lv": "Nosaukums", "en": "Name"},
    "title": {"lv": "Virsraksts", "en": "Title"},
    "description": {"lv": "Apraksts", "en": "Description"},
    "true": {"lv": "jā", "en": "yes"},
    "false": {"lv": "nē", "en": "no"},
    "answer": {"lv": "Atbilde", "en": "Answer"},
    "language": {"lv": "Valoda", "en": "Language"},
    "shortcut": {"lv": "Ctrl+Enter izpilda vaicājumu", "en": "Ctrl+Enter runs the query"},
    "line": {"lv": "rinda", "en": "line"},
    "column": {"lv": "kolonna", "en": "column"},
    "optional": {"lv": "nav obligāts", "en": "optional"},
    "skip": {"lv": "Pāriet uz saturu", "en": "Skip to content"},
    "other_languages": {"lv": "Citās valodās", "en": "In other languages"},
    "mark": {"lv": "piezīme", "en": "note"},
    "marked": {"lv": "Par šo", "en": "About this"},
    "withdrawn": {"lv": "atsaukts", "en": "withdrawn"},
    "links_here": {"lv": "Saites uz šo resursu", "en": "What links here"},
    "formats": {"lv": "Šis resurss citos formātos", "en": "This resource in other formats"},
    "coverage": {"lv": "IAM pārklājums", "en": "SDG coverage"},
    "coverage_desc": {
        "lv": "Cik rezultātu kalpo katram ilgtspējīgas attīstības mērķim, kā to ierosina sdglod "
        "redaktori (viņu priekšlikums, ne organizatoru apgalvojums), mērķu oficiālajās krāsās.",
        "en": "How many outcomes serve each Sustainable Development Goal, as the sdglod editors "
        "propose (their proposal, not the organisers' statement), in the goals' official colours.",
    },
    "coverage_event_desc": {
        "lv": "Cik šī pasākuma un tā daļu rezultātu kalpo katram ilgtspējīgas attīstības "
        "mērķim, kā to ierosina sdglod redaktori (viņu priekšlikums, ne organizatoru "
        "apgalvojums), mērķu oficiālajās krāsās.",
        "en": "How many outcomes of this event and its parts serve each Sustainable "
        "Development Goal, as the sdglod editors propose (their proposal, not the organisers' "
        "statement), in the goals' official colours.",
    },
    "coverage_all": {"lv": "Visu pasākumu IAM pārklājums", "en": "SDG coverage of all events"},
    "no_outcomes": {"lv": "rezultātu nav", "en": "no outcomes"},
    "goal": {"lv": "Mērķis", "en": "Goal"},
    "events": {"lv": "Pasākumi", "en": "Events"},
    "events_capped": {
        "lv": "Parādīti jaunākie {shown} no {total} pasākumiem.",
        "en": "The {shown} newest of {total} events are shown.",
    },
    "all_events": {"lv": "Visi pasākumi", "en": "All events"},
    "organised_by": {"lv": "Organizatori", "en": "Organisers"},
    "outcomes": {"lv": "Rezultāti", "en": "Outcomes"},
    "sdg_proposed": {"lv": "IAM pēc redaktoru priekšlikuma", "en": "SDGs as the editors propose"},
    "event_chart": {"lv": "IAM diagramma", "en": "SDG chart"},
    "parts": {"lv": "Daļas", "en": "Parts"},
    "more_parts": {
        "lv": "… vēl {n} (visas pasākuma lapā)",
        "en": "… {n} more (all on the event's page)",
    },
    "members": {"lv": "Kopā: {total}", "en": "In all: {total}"},
    "page_of": {"lv": "Lapa {page} no {pages}", "en": "Page {page} of {pages}"},
    "previous_page": {"lv": "Iepriekšējā", "en": "Previous"},
    "next_page": {"lv": "Nākamā", "en": "Next"},
    "rows_from": {"lv": "Rindas {first}–{last}", "en": "Rows {first}–{last}"},
    # --- results: readable tables, the chart and its views, the way to the editor ---
    "result_views": {"lv": "Rezultātu skats", "en": "View of the results"},
    "view_table": {"lv": "Tabula", "en": "Table"},
    "view_chart": {"lv": "Diagramma", "en": "Chart"},
    "chart_caption": {
        "lv": "{value} pēc {label}: stabiņu garums ir proporcionāls vērtībai, sākot no nulles.",
        "en": "{value} by {label}: the length of each bar is proportional to its value, from zero.",
    },
    "chart_cut": {
        "lv": "Parādītas pirmās {shown} rindas; vēl {cut} rindas ir tikai tabulā.",
        "en": "The first {shown} rows are shown; {cut} more are in the table only.",
    },
    "open_in_editor": {"lv": "Atvērt vaicājumu redaktorā", "en": "Open in the query editor"},
    # --- end of results ---
    "explore": {"lv": "Izpētīt un lejupielādēt", "en": "Explore and download"},
    "dumps": {"lv": "Datu kopas faili (dumpi)", "en": "Dumps of the dataset"},
    "stream": {"lv": "Izmaiņu plūsma pa laidieniem (LDES)", "en": "Changes by release (LDES)"},
    "browse": {"lv": "Pārlūkot pēc tipa", "en": "Browse by type"},
    "file": {"lv": "Fails", "en": "File"},
    "media_type": {"lv": "Formāts", "en": "Media type"},
    "bytes": {"lv": "Baiti", "en": "Bytes"},
    "named_graph": {"lv": "Nosauktais grafs", "en": "Named graph"},
    "alternates": {"lv": "Profili un formāti", "en": "Profiles and formats"},
    "alternates_intro": {
        "lv": "Šī resursa attēlojumi: katrs atbilst profilam (W3C satura saskaņošana pēc "
        "profila), pirmais ir noklusētais.",
        "en": "The representations of this resource: each conforms to a profile (W3C content "
        "negotiation by profile); the first is the default.",
    },
    "profile": {"lv": "Profils", "en": "Profile"},
    "default": {"lv": "Noklusētais", "en": "Default"},
    "graph_intro": {
        "lv": "Vaicājumi redz visu grafu apvienojumu; šeit ir tikai šī grafa trijnieki.",
        "en": "Queries see the union of all graphs; here are the triples of this one only.",
    },
    "index_intro": {
        "lv": "Saistītie atvērtie dati par muzejiem, bibliotēkām un ANO ilgtspējīgas "
        "attīstības mērķiem.",
        "en": "Linked open data about museums, libraries and the UN Sustainable Development Goals.",
    },
    # The query workbench's editor, history and table (templates/query.html, workbench.js).
    "history": {"lv": "Mani vaicājumi šajā pārlūkā", "en": "My queries in this browser"},
    "choose_history": {
        "lv": "— izvēlieties agrāku vaicājumu —",
        "en": "— choose an earlier query —",
    },
    "history_clear": {"lv": "Aizmirst", "en": "Forget them"},
    "shortcuts": {"lv": "Taustiņi redaktorā", "en": "Keys in the editor"},
    "key_run": {"lv": "izpilda", "en": "runs the query"},
    "key_complete": {
        "lv": "piedāvā prefiksus, klases, īpašības un resursus no šīs datu kopas",
        "en": "offers prefixes, classes, properties and resources of this dataset",
    },
    "key_comment": {"lv": "komentē rindu", "en": "comments a line out"},
    "key_find": {"lv": "meklē tekstā", "en": "finds in the text"},
    "key_undo": {"lv": "atsauc", "en": "undoes"},
    "key_leave": {"lv": "iziet no redaktora", "en": "leaves the editor"},
    "limits": {
        "lv": "Vaicājums tiek apturēts pēc {seconds} s; rezultātā ir ne vairāk kā {rows} rindu.",
        "en": "A query is stopped after {seconds} s; a result shows at most {rows} rows.",
    },
    "filter_rows": {"lv": "Atlasīt rindas", "en": "Filter rows"},
    "rows_shown": {  # filled in by workbench.js: {{…}} stays {…} here
        "lv": "rindas {{first}}–{{last}} no {{total}}",
        "en": "rows {{first}}–{{last}} of {{total}}",
    },
    "nothing_matches": {"lv": "Nevienā rindā tā nav.", "en": "No row matches."},
    "result_pages": {"lv": "Rezultāta lapas", "en": "Pages of the result"},
    "sort_by": {"lv": "Kārtot pēc šīs kolonnas", "en": "Sort by this column"},
    "prefix": {"lv": "prefikss", "en": "prefix"},
    "class": {"lv": "klase", "en": "class"},
    "property": {"lv": "īpašība", "en": "property"},
}


def word(key: str, lang: str, **values: object) -> str:
    """The word ``key`` in ``lang`` (English if missing), with ``{values}`` filled in."""
    entry = WORDS[key]
    return entry.get(lang, entry["en"]).format(**values)


def page_language(query_lang: str | None, accept_language: str | None) -> str:
    """``?lang=`` if it is lv or en, else the first of lv/en in ``Accept-Language``, else lv."""
    if query_lang in LANGUAGES:
        return query_lang
    ranked = []
    for order, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, order, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE

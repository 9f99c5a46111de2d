"""What the descriptions read from a build, once: the dataset's own description in the data
and the resources it names (:func:`gather_facts`), the statistics of the built graph and the
dumps written, with their sizes and checksums.

Nothing the descriptions say is copied by hand: titles, licence, publisher and dates come from
the dataset's description (the one resource typed ``void:Dataset``, ``dcat:Dataset`` or
``schema:Dataset``); what the data covers (its events, their time, its countries, the SDG goals
its outcomes serve) from the built data, so that an event added in ``data/`` counts without
editing the description; the rest from the files of the build.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from ..errors import ProjectError
from ..rdf.formats import RDF_FORMATS, rdf_format
from ..rdf.namespaces import DCAT, DCT, RDF_TYPE, SCHEMA, SDGLOD, SDGO, SKOS, VOID
from ..rdf.store import Store
from ..rdf.writer import file_digest
from .authorities import EU_FILE_TYPES
from .events import event_period, latest_events
from .graph import Term, sort_key
from .texts import TEXT_LANGUAGES

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


def describe(store: Store, iri: str) -> Resource:
    """The statements about ``iri`` in the union of all graphs."""
    values: dict[str, list[Term]] = defaultdict(list)
    # str() of a NamedNode is its N-Triples form, escaped by pyoxigraph: safe in a query.
    rows = store.query(f"SELECT DISTINCT ?p ?o WHERE {{ {NamedNode(iri)} ?p ?o }}")
    for row in rows:
        values[row["p"].value].append(row["o"])
    return Resource(iri, {p: tuple(sorted(v, key=sort_key)) for p, v in sorted(values.items())})


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
            file_type = EU_FILE_TYPES.get(name)
        else:  # the framed JSON-LD dump
            media, label, whole, graphs = "application/ld+json", "JSON-LD", False, False
            file_type = EU_FILE_TYPES["jsonld"]
        size = path.stat().st_size
        return cls(name, path.name, media, label, file_type, size, file_digest(path), whole, graphs)


@dataclass(frozen=True)
class ReleaseFacts:
    """What the release log says of the dataset: when it was first and last released, and
    the event stream as one file (``dist/ldes.ttl``)."""

    first: str  # xsd:dateTime, UTC
    last: str
    stream: DumpFile


def stream_file(name: str, path: Path) -> DumpFile:
    """The event stream in one Turtle document, as a file of the build (not the dataset)."""
    return replace(DumpFile.of("ttl", path), name=name, whole=False)


def dump_files(dumps: Mapping[str, Path], framed: str | None = None) -> list[DumpFile]:
    """The dumps of a build that describe the data (not the context, report or shapes),
    in the order of the format table, then the framed dump named ``framed``."""
    names = [name for name in RDF_FORMATS if name in dumps]
    if framed is not None and framed in dumps:
        names.append(framed)
    return [DumpFile.of(name, dumps[name]) for name in names]


# --- What the data says, read once ----------------------------------------------------------


# How many of the latest events the descriptions name (as what the dataset is about and in
# its keywords): enough for every event of a small dataset, a bounded document for a big one.
NAMED_EVENTS = 20


@dataclass(frozen=True)
class DatasetFacts:
    """What the descriptions take from the store about a dataset, gathered by a few queries."""

    dataset: Resource
    agents: Mapping[str, Resource]  # publisher and creators
    countries: tuple[Resource, ...]
    period: tuple[Literal, Literal] | None
    # The SDG goals of the targets the outcomes serve: the editors' classification (their
    # proposal), its schemes, and who proposed it (the creators of the target links).
    goals: tuple[Resource, ...]
    schemes: tuple[Resource, ...]
    sources: tuple[Resource, ...]
    about: tuple[Resource, ...]  # what the description names, then the latest events
    events: tuple[Resource, ...] = ()  # the latest events not part of another, newest first
    proposers: tuple[str, ...] = ()

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
        return sorted({lit.language for lit in titles if lit.language}) or list(TEXT_LANGUAGES)

    @property
    def keywords(self) -> list[Literal]:
        """The description's own keywords, then the names of the SDG goals the outcomes serve
        and of the latest events: words the data gives, none made up."""
        found = [
            *self.dataset.literals(SCHEMA + "keywords", DCAT + "keyword"),
            *(name for goal in self.goals for name in goal.literals(SCHEMA + "name")),
            *(name for event in self.events for name in event.literals(SCHEMA + "name")),
        ]
        return list(dict.fromkeys(found))


def _countries(store: Store) -> list[str]:
    """Every country the data names: described as a ``schema:Country`` or given as the
    country of an address."""
    rows = store.query(
        f"SELECT DISTINCT ?c WHERE {{ {{ ?c a <{SCHEMA}Country> }} UNION "
        f"{{ ?address <{SCHEMA}addressCountry> ?c }} FILTER(isIRI(?c)) }} ORDER BY ?c"
    )
    return [row["c"].value for row in rows]


def gather_facts(store: Store, dataset: str) -> DatasetFacts:
    """Read the description of ``dataset`` and what the descriptions derive from the data."""
    description = describe(store, dataset)
    agent_iris = {
        *description.iris(DCT + "publisher", SCHEMA + "publisher"),
        *description.iris(DCT + "creator", SCHEMA + "creator"),
    }
    agents = {iri: describe(store, iri) for iri in sorted(agent_iris)}
    countries = tuple(describe(store, iri) for iri in _countries(store))
    events = tuple(describe(store, iri) for iri in latest_events(store, NAMED_EVENTS))
    named = dict.fromkeys([*description.iris(SCHEMA + "about"), *(e.iri for e in events)])
    known = {event.iri: event for event in events}
    about = tuple(known.get(iri) or describe(store, iri) for iri in named)
    # The SDG goals that the outcomes serve classify the dataset, as the editors propose.
    goal_rows = store.query(
        f"SELECT DISTINCT ?goal WHERE {{ ?outcome <{SDGLOD}servesTarget> ?target . "
        f"?target <{SDGO}isTargetOf> ?goal . ?goal a <{SKOS}Concept> }} ORDER BY ?goal"
    )
    goals = tuple(describe(store, row["goal"].value) for row in goal_rows)
    schemes = tuple(
        describe(store, iri)
        for iri in sorted({s for goal in goals for s in goal.iris(SKOS + "inScheme")})
    )
    proposer_rows = store.query(
        f"SELECT DISTINCT ?who WHERE {{ ?outcome <{SDGLOD}hasTargetLink> ?link . "
        f"?link <{DCT}creator> ?who FILTER(isIRI(?who)) }} ORDER BY ?who"
    )
    sources = tuple(describe(store, iri) for iri in description.iris(DCT + "source"))
    return DatasetFacts(
        description,
        agents,
        countries,
        event_period(store),
        goals,
        schemes,
        sources,
        about,
        events,
        tuple(row["who"].value for row in proposer_rows),
    )

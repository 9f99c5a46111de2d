"""What pages call the terms they show: labels in Latvian and English, inverse labels for
incoming links, the group a property is shown in, what a mark of each kind says next to the
statement it marks, and which links qualify which statements (``labels.ttl`` next to this
module)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from ..rdf.namespaces import RDFS_LABEL

LABELS_FILE = Path(__file__).with_name("labels.ttl")
UI = "https://w3id.org/sdglod/ui#"
OTHER_GROUP = "other"


@dataclass
class UiVocabulary:
    """Labels by term and language, inverse labels, groups and their order."""

    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    inverse: dict[str, dict[str, str]] = field(default_factory=dict)
    group_of: dict[str, str] = field(default_factory=dict)
    groups: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)  # the order terms are listed in
    mark_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # by kind of mark
    # A property whose statements are qualified by a node: (the link to that node, the
    # node's property that repeats the statement's object).
    qualified: dict[str, tuple[str, str]] = field(default_factory=dict)

    def label(
        self, iri: str, lang: str, store_labels: dict[str, dict[str, str]] | None = None
    ) -> str:
        """The label of ``iri`` in ``lang``: this vocabulary's, the store's, or its local name."""
        for source in (self.labels, store_labels or {}):
            found = source.get(iri, {})
            if lang in found:
                return found[lang]
            if "en" in found:
                return found["en"]
        return humanise(iri)

    def inverse_label(self, iri: str, lang: str, store_labels: dict | None = None) -> str:
        """How an incoming link by ``iri`` reads from the other end ("organiser of")."""
        found = self.inverse.get(iri, {})
        if lang in found:
            return found[lang]
        name = self.label(iri, lang, store_labels)
        return f"{name} (←)" if lang != "en" else f"is {name} of"

    def mark_label(self, kind: str, lang: str, store_labels: dict | None = None) -> str:
        """What a mark of ``kind`` says next to what it marks ("editors' translation")."""
        found = self.mark_labels.get(kind, {})
        return found.get(lang) or found.get("en") or self.label(kind, lang, store_labels)

    def position(self, iri: str) -> int:
        """Where ``iri`` comes among its group's rows (the order of ``labels.ttl``)."""
        return self.positions.get(iri, len(self.positions))

    def group(self, iri: str) -> str:
        return self.group_of.get(iri, OTHER_GROUP)

    def group_label(self, group: str, lang: str) -> str:
        return self.groups.get(group, (99, {}))[1].get(lang, group)

    def group_order(self, group: str) -> int:
        return self.groups.get(group, (99, {}))[0]


def humanise(iri: str) -> str:
    """A readable name from an IRI's local part: ``foundingDate`` → ``founding date``."""
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).replace("_", " ").lower()


@cache
def ui_vocabulary() -> UiVocabulary:
    """The vocabulary of ``labels.ttl`` (read once)."""
    vocabulary = UiVocabulary()
    orders: dict[str, int] = {}
    group_labels: dict[str, dict[str, str]] = {}
    qualified: dict[str, list[str]] = {}
    for triple in parse(path=str(LABELS_FILE), format=RdfFormat.TURTLE):
        subject, predicate, obj = triple.subject.value, triple.predicate.value, triple.object
        if predicate == RDFS_LABEL and isinstance(obj, Literal):
            target = group_labels if subject.startswith(UI) else vocabulary.labels
            key = subject[len(UI) :] if subject.startswith(UI) else subject
            target.setdefault(key, {})[obj.language or ""] = obj.value
        elif predicate == UI + "inverseLabel" and isinstance(obj, Literal):
            vocabulary.inverse.setdefault(subject, {})[obj.language or ""] = obj.value
        elif predicate == UI + "group" and isinstance(obj, NamedNode):
            vocabulary.group_of[subject] = obj.value[len(UI) :]
            vocabulary.positions.setdefault(subject, len(vocabulary.positions))
        elif predicate == UI + "order" and isinstance(obj, Literal):
            orders[subject[len(UI) :]] = int(obj.value)
        elif predicate == UI + "markLabel" and isinstance(obj, Literal):
            vocabulary.mark_labels.setdefault(subject, {})[obj.language or ""] = obj.value
        elif predicate in (UI + "qualifiedBy", UI + "qualifiedValue"):
            link, value = qualified.setdefault(subject, ["", ""])
            qualified[subject] = (
                [obj.value, value] if predicate.endswith("By") else [link, obj.value]
            )
    for name, order in orders.items():
        vocabulary.groups[name] = (order, group_labels.get(name, {}))
    vocabulary.qualified = {p: (link, value) for p, (link, value) in qualified.items()}
    return vocabulary

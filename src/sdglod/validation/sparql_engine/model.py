"""The shapes of a SHACL shapes graph as the SPARQL engine reads them: :class:`ShapesModel`.

It reads them the way pyshacl does (which nodes are shapes, their targets, parameters, paths
and SPARQL prefixes), and raises :class:`Unsupported` for anything the engine does not
implement or that pyshacl would refuse, so that the caller leaves those shapes to pyshacl.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import OWL, RDF, RDFS, SH

from ...rdf import namespaces
from ..report import UNARY_PATHS

# Parameters of the components evaluated here. Any other sh: parameter that pyshacl would
# evaluate makes the shapes unsupported.
_SUPPORTED = {
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minExclusive,
    SH.minInclusive, SH.maxExclusive, SH.maxInclusive, SH.minLength, SH.maxLength, SH.pattern,
    SH.flags, SH.languageIn, SH.uniqueLang, SH.equals, SH.disjoint, SH.lessThan,
    SH.lessThanOrEquals, SH["not"], SH["and"], SH["or"], SH.xone, SH.node, SH.property,
    SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint, SH.closed, SH.ignoredProperties, SH.hasValue, SH["in"],
    SH.sparql,
}  # fmt: skip
_UNSUPPORTED_ANYWHERE = {
    SH.rule, SH.expression, SH.js, SH.jsFunctionName, SH.jsLibrary, SH.shapesGraph,
    SH.entailment, SH.condition, SH.parameter, SH.validator, SH.nodeValidator,
    SH.propertyValidator,
}  # fmt: skip
_UNSUPPORTED_TYPES = {
    SH.ConstraintComponent, SH.SPARQLTargetType, SH.JSTargetType, SH.SPARQLFunction,
    SH.JSFunction, SH.SPARQLRule, SH.TripleRule, SH.JSRule, SH.JSTarget,
}  # fmt: skip
# The SPARQL test of each sh:nodeKind on the value ``{v}``.
NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}


class Unsupported(Exception):
    """The shapes (or the data) use something this engine does not implement."""


# --- the shapes -----------------------------------------------------------------------------


@dataclass(eq=False)
class Shape:
    """A node or property shape as this engine evaluates it."""

    node: object
    path: object | None  # the SHACL path node, or None for a node shape
    path_sparql: str | None
    severity: URIRef
    messages: list[RdfLiteral]
    deactivated: bool
    params: dict[URIRef, list[object]] = field(default_factory=dict)
    targets: list[tuple[str, object]] = field(default_factory=list)

    @property
    def is_property(self) -> bool:
        return self.path is not None

    def one(self, parameter: URIRef) -> object | None:
        values = self.params.get(parameter, [])
        if len(values) > 1:
            raise Unsupported(f"more than one {parameter} on a shape")
        return values[0] if values else None


@dataclass(frozen=True)
class SparqlConstraint:
    """A SPARQL-based constraint (``sh:sparql``) of a shape."""

    node: object
    select: str
    prefixes: dict[str, str]
    messages: list[RdfLiteral]
    deactivated: bool


class ShapesModel:
    """The shapes of a shapes graph, read the way pyshacl reads them."""

    def __init__(self, graph: Graph):
        self.graph = graph
        for predicate in _UNSUPPORTED_ANYWHERE:
            if (None, predicate, None) in graph:
                raise Unsupported(f"the shapes use {predicate}")
        for kind in _UNSUPPORTED_TYPES:
            if (None, RDF.type, kind) in graph:
                raise Unsupported(f"the shapes declare a {kind}")
        self.shapes: dict[object, Shape] = {}
        for node in self._shape_nodes():
            self.shapes[node] = self._read(node)
        self.sparql: dict[object, SparqlConstraint] = {}
        for shape in self.shapes.values():
            for constraint in shape.params.get(SH.sparql, []):
                if constraint not in self.sparql:
                    self.sparql[constraint] = self._read_sparql(constraint)
        self._check_recursion()
        for shape in self.shapes.values():
            # pyshacl reports an error for these; leave them to it.
            if any(not self.get(p).is_property for p in shape.params.get(SH.property, [])):
                raise Unsupported("sh:property names a node shape")
            if any(self.get(n).is_property for n in shape.params.get(SH.node, [])):
                raise Unsupported("sh:node names a property shape")

    def _shape_nodes(self) -> set:
        g = self.graph
        node_shapes = set(g.subjects(RDF.type, SH.NodeShape))
        property_shapes = set(g.subjects(RDF.type, SH.PropertyShape))
        if node_shapes & property_shapes:
            raise Unsupported("a shape is both a node shape and a property shape")
        for shape in node_shapes:
            if (shape, SH.path, None) in g:
                raise Unsupported("a node shape with sh:path")
        found = node_shapes | property_shapes
        for predicate in (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf):
            found |= set(g.subjects(predicate, None))
        found |= set(g.subjects(SH.property, None)) | set(g.subjects(SH.node, None))
        for predicate in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
            found |= set(g.objects(None, predicate))
        for predicate in (SH["and"], SH["or"], SH.xone):
            for members in g.objects(None, predicate):
                items = list(g.items(members))
                if not items:
                    raise Unsupported("an empty shape list")
                found |= set(items)
        return found

    def _read(self, node: object) -> Shape:
        g = self.graph
        paths = list(g.objects(node, SH.path))
        if len(paths) > 1:
            raise Unsupported("a shape with two paths")
        path = paths[0] if paths else None
        severities = list(g.objects(node, SH.severity))
        if len(severities) > 1:
            raise Unsupported("a shape with two severities")
        deactivated = list(g.objects(node, SH.deactivated))
        if len(deactivated) > 1 or (deactivated and not isinstance(deactivated[0], RdfLiteral)):
            raise Unsupported("an unusable sh:deactivated")
        shape = Shape(
            node=node,
            path=path,
            path_sparql=None if path is None else self.path_sparql(path),
            severity=severities[0] if severities else SH.Violation,
            messages=list(dict.fromkeys(g.objects(node, SH.message))),
            deactivated=bool(deactivated[0].value) if deactivated else False,
        )
        for predicate, value in g.predicate_objects(node):
            if predicate in _SUPPORTED:
                shape.params.setdefault(predicate, []).append(value)
            elif str(predicate).startswith(namespaces.SH) and predicate not in _SHAPE_METADATA:
                raise Unsupported(f"{predicate} is not implemented by the fast engine")
        for kind, predicate in (
            ("class", SH.targetClass),
            ("node", SH.targetNode),
            ("objectsOf", SH.targetObjectsOf),
            ("subjectsOf", SH.targetSubjectsOf),
        ):
            shape.targets += [(kind, value) for value in g.objects(node, predicate)]
        types = set(g.objects(node, RDF.type))
        if types & ({RDFS.Class} | set(g.subjects(RDFS.subClassOf, RDFS.Class))):
            shape.targets.append(("class", node))
        for target in g.objects(node, SH.target):
            selects = list(g.objects(target, SH.select))
            if len(selects) != 1:
                raise Unsupported("a custom target that is not one SPARQL select")
            shape.targets.append(("sparql", (str(selects[0]), self.prefixes(target))))
        self._check(shape)
        return shape

    def _check(self, shape: Shape) -> None:
        """Refuse what pyshacl would refuse (it then reports the error) or read differently."""
        for parameter in (
            SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minLength, SH.maxLength,
            SH.uniqueLang, SH.closed, SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount,
            SH.minExclusive, SH.minInclusive, SH.maxExclusive, SH.maxInclusive,
        ):  # fmt: skip
            shape.one(parameter)
        for parameter in (SH.minCount, SH.maxCount, SH.minLength, SH.maxLength):
            value = shape.one(parameter)
            if value is not None and not (
                isinstance(value, RdfLiteral)
                and isinstance(value.value, int)
                and not isinstance(value.value, bool)
                and value.value >= 0
            ):
                raise Unsupported(f"{parameter} is not a non-negative integer")
        if not shape.is_property:
            for parameter in (
                SH.minCount, SH.maxCount, SH.uniqueLang, SH.lessThan, SH.lessThanOrEquals,
                SH.qualifiedValueShape,
            ):  # fmt: skip
                if parameter in shape.params:
                    raise Unsupported(f"{parameter} on a node shape")
        kind = shape.one(SH.nodeKind)
        if kind is not None and kind not in NODE_KINDS:
            raise Unsupported("an unknown sh:nodeKind")
        unique = shape.one(SH.uniqueLang)
        if unique is not None and not (
            isinstance(unique, RdfLiteral) and isinstance(unique.value, bool)
        ):
            raise Unsupported("sh:uniqueLang is not a boolean")
        closed = shape.one(SH.closed)
        if SH.ignoredProperties in shape.params and closed is None:
            raise Unsupported("sh:ignoredProperties without sh:closed")
        if closed is not None and not isinstance(closed, RdfLiteral):
            raise Unsupported("sh:closed is not a literal")
        for pattern in shape.params.get(SH.pattern, []):
            if not isinstance(pattern, RdfLiteral):
                raise Unsupported("sh:pattern is not a literal")
        for languages in shape.params.get(SH.languageIn, []):
            for language in self.graph.items(languages):
                if not (isinstance(language, RdfLiteral) and isinstance(language.value, str)):
                    raise Unsupported("a language in sh:languageIn is not a string")
        if SH.qualifiedValueShape in shape.params:
            low, high = shape.one(SH.qualifiedMinCount), shape.one(SH.qualifiedMaxCount)
            if low is None and high is None:
                raise Unsupported("sh:qualifiedValueShape without counts")
            for value in (low, high):
                if value is not None and not (
                    isinstance(value, RdfLiteral) and isinstance(value.value, int)
                ):
                    raise Unsupported("a qualified count is not an integer")
        for parameter in (SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint):
            for value in shape.params.get(parameter, []):
                if not isinstance(value, URIRef):
                    raise Unsupported(f"{parameter} is not an IRI")

    def path_sparql(self, path: object) -> str:
        """A SHACL path as a SPARQL property path."""
        g = self.graph
        if isinstance(path, URIRef):
            return f"<{path}>"
        if isinstance(path, RdfLiteral):
            raise Unsupported("a literal as a path")
        if (path, RDF.first, None) in g:
            items = list(g.items(path))
            if len(items) < 2:
                raise Unsupported("a sequence path of fewer than two steps")
            return "(" + "/".join(self.path_sparql(item) for item in items) + ")"
        alternatives = g.value(path, SH.alternativePath)
        if alternatives is not None:
            items = list(g.items(alternatives))
            if len(items) < 2:
                raise Unsupported("an alternative path of fewer than two paths")
            return "(" + "|".join(self.path_sparql(item) for item in items) + ")"
        for predicate, template in UNARY_PATHS:
            inner = g.value(path, predicate)
            if inner is not None:
                return "(" + template.format(self.path_sparql(inner)) + ")"
        raise Unsupported("an unknown kind of path")

    def prefixes(self, node: object) -> dict[str, str]:
        """The prefixes of a SPARQL constraint or target (``sh:prefixes``), as pyshacl reads
        them: rdf, rdfs and owl, plus the declarations of every ontology in the shapes graph."""
        g = self.graph
        found = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
        values = set(g.objects(node, SH.prefixes))
        if not values:
            return found
        graph_declares = set(g.objects(g.identifier, SH.declare)) if g.identifier else set()
        ontologies = set(g.subjects(RDF.type, OWL.Ontology))
        ontology_declares = {d for o in ontologies for d in g.objects(o, SH.declare)}
        for value in values:
            own = set(g.objects(value, SH.declare))
            if own and value in ontologies:
                declares = own | graph_declares
            else:
                declares = graph_declares | ontology_declares | own
            for declare in declares:
                names = list(g.objects(declare, SH.prefix))
                namespaces = list(g.objects(declare, SH.namespace))
                if len(names) != 1 or len(namespaces) != 1:
                    raise Unsupported("an unusable sh:declare")
                if not (isinstance(names[0], RdfLiteral) and isinstance(namespaces[0], RdfLiteral)):
                    raise Unsupported("an unusable sh:declare")
                found[str(names[0])] = str(namespaces[0])
        return found

    def _read_sparql(self, node: object) -> SparqlConstraint:
        from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper as Helper

        g = self.graph
        selects = list(g.objects(node, SH.select))
        if len(selects) != 1:
            raise Unsupported("a SPARQL constraint without exactly one sh:select")
        select = str(selects[0])
        # What pyshacl refuses (it reports a failure) or cannot do: leave it to pyshacl.
        for pattern in (
            Helper.has_minus_regex,
            Helper.has_values_regex,
            Helper.has_service_regex,
            Helper.bind_sg_regex,
            Helper.bind_cs_regex,
        ):
            if pattern.search(select):
                raise Unsupported("a SPARQL constraint that pyshacl refuses or pre-binds")
        if Helper.has_nested_select_regex.search(select):
            nested = Helper.has_nested_select_regex.search(select).group(1).split()
            if "$this" not in nested and "?this" not in nested:
                raise Unsupported("a nested SELECT without $this")
        if re.search(r"[?$]failure\b", select):
            raise Unsupported("a SPARQL constraint that reports ?failure")
        deactivated = list(g.objects(node, SH.deactivated))
        return SparqlConstraint(
            node=node,
            select=select,
            prefixes=self.prefixes(node),
            messages=list(dict.fromkeys(g.objects(node, SH.message))),
            deactivated=bool(deactivated[0].value) if deactivated else False,
        )

    def members(self, node: object) -> list:
        return list(self.graph.items(node))

    def nested(self, shape: Shape) -> Iterator[Shape]:
        """The shapes that ``shape`` refers to."""
        for parameter in (SH.node, SH.property, SH["not"], SH.qualifiedValueShape):
            for value in shape.params.get(parameter, []):
                yield self.get(value)
        for parameter in (SH["and"], SH["or"], SH.xone):
            for value in shape.params.get(parameter, []):
                yield from (self.get(member) for member in self.members(value))

    def get(self, node: object) -> Shape:
        try:
            return self.shapes[node]
        except KeyError:
            raise Unsupported(f"a reference to a shape that does not exist: {node}") from None

    def _check_recursion(self) -> None:
        done: set = set()

        def visit(shape: Shape, path: tuple) -> None:
            if shape.node in path:
                raise Unsupported("recursive shapes")
            if shape.node in done:
                return
            for inner in self.nested(shape):
                visit(inner, (*path, shape.node))
            done.add(shape.node)

        for shape in self.shapes.values():
            visit(shape, ())

    def top_level(self) -> list[Shape]:
        """The shapes that select their own focus nodes, in a stable order."""
        return sorted(
            (s for s in self.shapes.values() if s.targets and not s.deactivated),
            key=lambda s: str(s.node),
        )

    def has_messages(self) -> bool:
        """Whether every shape that reports results has its own sh:message, so that every
        message written is one of the shapes' (pyshacl has its own wording otherwise)."""
        seen: set = set()
        todo = list(self.top_level())
        while todo:
            shape = todo.pop()
            if shape.node in seen:
                continue
            seen.add(shape.node)
            reports = {p for p in shape.params if p not in (SH.property, SH.sparql, SH.flags)}
            if reports and not shape.messages:
                return False
            for constraint in shape.params.get(SH.sparql, []):
                if not (self.sparql[constraint].messages or shape.messages):
                    return False
            todo += [self.get(p) for p in shape.params.get(SH.property, [])]
        return True


_SHAPE_METADATA = {
    SH.path, SH.severity, SH.message, SH.deactivated, SH.targetClass, SH.targetNode,
    SH.targetObjectsOf, SH.targetSubjectsOf, SH.target, SH.name, SH.description, SH.order,
    SH.group, SH.defaultValue, SH.declare, SH.prefixes, SH.select, SH.prefix, SH.namespace,
    SH.resultSeverity, SH.focusNode, SH.resultPath, SH.resultMessage, SH.sourceShape,
    SH.sourceConstraint, SH.sourceConstraintComponent, SH.value, SH.conforms, SH.result,
    SH.labelTemplate, SH.suggestedShapesGraph,
}  # fmt: skip

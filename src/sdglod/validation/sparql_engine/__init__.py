"""A fast SHACL engine: the shapes compiled to SPARQL over an in-memory Oxigraph store.

pyshacl walks the data graph node by node in Python; for a graph of 100k triples that takes a
minute. Here every constraint of a shape is one SPARQL query over *all* its focus nodes at once,
run by Oxigraph (Rust), and only the checks whose exact semantics are pyshacl's own Python
(regular expressions, ill-typed literals, comparisons of literals) run in Python, once per
distinct value. The results are the same :class:`ValidationResult` objects as
``pyshacl_engine.validate_graphs`` gives: same focus node, path, value, severity, source
shape, source constraint, component and messages.

pyshacl stays the reference engine. This one raises :class:`Unsupported` for anything it does
not implement, and the caller falls back to pyshacl for the whole validation (results must not
depend on which engine ran which shape). Supported: targets (``sh:targetClass`` with
subclasses, ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, implicit class
targets, SHACL-AF ``sh:SPARQLTarget``), every SHACL property path, the components ``class
datatype nodeKind minCount maxCount minExclusive minInclusive maxExclusive maxInclusive
minLength maxLength pattern languageIn uniqueLang equals disjoint lessThan lessThanOrEquals not
and or xone node property qualifiedValueShape closed hasValue in``, and SPARQL-based
constraints whose query binds ``$this`` with its first triple pattern (then one query checks
every focus node). Left to pyshacl: custom constraint components, SHACL-AF rules, functions,
node expressions and target types, JavaScript, other SPARQL constraints (pre-binding ``$this``
node by node has rdflib's semantics), recursive shapes, and typed literals that Oxigraph stores
in a form rdflib would read differently (see ``entrypoints.py``).

Nested shapes (``sh:node``, ``sh:or``…, ``sh:qualifiedValueShape``) are inlined as a SPARQL
expression when they only test the value node itself (class, node kind, language, ``sh:in``…);
otherwise the candidate values go into a working set (a named graph that queries of the data
never see), the nested shape is evaluated on that set, and the nodes that fail it form another
working set that the outer query joins against.

The modules: ``model.py`` reads the shapes as pyshacl does; ``engine.py`` holds the
:class:`Engine` (targets, nested shapes, results) and its table of component checkers, one
module for each section of the SHACL specification as pyshacl splits them: ``value_type.py``
(4.1), ``cardinality.py`` (4.2), ``value_range.py`` (4.3), ``string_based.py`` (4.4),
``property_pair.py`` (4.5), ``logical.py`` (4.6), ``shape_based.py`` (4.7), ``other.py`` (4.8)
and ``sparql_based.py`` (5); ``base.py`` has what they share; ``entrypoints.py`` loads the data
and runs the engine.
"""

from __future__ import annotations

from .engine import Engine
from .entrypoints import validate_quads, validate_sources
from .model import ShapesModel, Unsupported

__all__ = ["Engine", "ShapesModel", "Unsupported", "validate_quads", "validate_sources"]

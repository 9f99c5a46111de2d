"""The validation stage: parsed sources against SHACL shapes.

Takes the parsed sources (``rdf/sources.py``) and the shapes files (``shapes/`` unless others
are named); gives a :class:`Report` whose results are located at the file, line and column
where each focus node is written, rendered for people and CI by ``report_formats.py``. A
report fails on violations (with ``strict``, on warnings too): exit code 1; unusable shapes
or input are exit code 2 (:class:`ShapesError`), a bug exit code 3.

``validate.py`` holds the entry points and chooses the engine: ``pyshacl_engine.py`` (the
reference) or ``sparql_engine/`` (the shapes compiled to SPARQL, falling back to pyshacl).
``report.py`` has the report's types, ``positions.py`` finds the lines. Modules of this package
import each other, never this package.
"""

from __future__ import annotations

from .report import Report, Severity, ShapesError, ValidationFailed, ValidationResult
from .report_formats import FORMATS, render, render_error, write_published_report
from .validate import ENGINES, Shapes, load_shapes, validate, validate_project

__all__ = [
    "ENGINES",
    "FORMATS",
    "Report",
    "Severity",
    "Shapes",
    "ShapesError",
    "ValidationFailed",
    "ValidationResult",
    "load_shapes",
    "render",
    "render_error",
    "validate",
    "validate_project",
    "write_published_report",
]

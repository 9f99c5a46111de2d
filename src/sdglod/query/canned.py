"""Canned queries: ``queries/<name>.rq`` files with a ``#+`` header, and typed parameters.

A canned query file stays valid SPARQL: its metadata is a block of ``#+`` comment lines at the
top (the format is documented in ``queries/README.md``). Parameters are written ``$name`` in the
query and bound as typed RDF terms by the backend (pyoxigraph ``substitutions`` on the embedded
store), never pasted into the text. A value that is not of the parameter's type is an error
before anything runs; a value the data does not have, for a parameter whose header says what
its values are (``values-where``), is an error too (:mod:`.values`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from pyoxigraph import Literal, NamedNode

from ..errors import QueryError
from ..rdf.namespaces import SDGO, XSD
from .execute import Backend
from .results import Result, SelectResult, Term
from .sparql_text import prologue
from .values import Probe, ValueCheck, cli_listing, listing_text, natural_key, resolve

SDG_CODE_DATATYPE = SDGO + "SDGCodeCompact"
REQUIRED_LANGUAGES = ("lv", "en")

PARAM_TYPES: dict[str, str] = {
    "iri": "an IRI: absolute, prefixed (event:…) or relative to the base IRI (id/event/…)",
    "string": "any text",
    "lang": "a language tag such as lv or en",
    "integer": "a whole number such as 10",
    "date": "a date as YYYY-MM-DD",
    "sdg-code": "an SDG goal (1–17) or target code such as 4.7 or 4.a",
}

_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Goals 1–17; targets numbered (4.7, 16.10) or lettered a–d (means of implementation, 3.d).
_SDG_CODE = re.compile(r"^0?(1[0-7]|[1-9])(?:\.(0?[1-9]|[1-9][0-9]|[a-d]))?$", re.IGNORECASE)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", re.DOTALL)


class ParameterValueError(ValueError):
    """A value is not of a parameter's type."""


@dataclass(frozen=True)
class Parameter:
    """A typed query parameter, written ``$name`` in the query."""

    name: str
    type: str
    description: Mapping[str, str]
    default: str | None = None
    values: tuple[str, ...] = ()
    required: bool = False
    values_where: str | None = None  # a group pattern binding $name to every valid value
    names: str | None = None  # a property path to texts that also name a valid value

    def term(self, text: str, base: str = "", prefixes: Mapping[str, str] | None = None) -> Term:
        """The RDF term for ``text``; :class:`ParameterValueError` if it is not of the type."""
        return parse_value(self.type, text, base, prefixes or {})

    def to_dict(self) -> dict:
        """The parameter as JSON-ready data."""
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default": self.default,
            "values": list(self.values),
            "values_where": self.values_where,
            "names": self.names,
            "description": dict(self.description),
        }

    def signature(self) -> str:
        """``name (type) = default`` for lists of parameters."""
        text = f"{self.name} ({self.type})"
        if self.required:
            return text + ", required"
        if self.default is not None:
            return f"{text} = {self.default}"
        return text + ", optional"


def parse_value(
    kind: str, text: str, base: str = "", prefixes: Mapping[str, str] | None = None
) -> Term:
    """The term for ``text`` as a value of parameter type ``kind``."""
    text = text.strip() if kind != "string" else text
    if kind == "string":
        return Literal(text)
    if kind == "lang":
        if not _LANG_TAG.match(text):
            raise ParameterValueError(f"{text!r} is not a language tag")
        return Literal(text.lower())
    if kind == "integer":
        if not _INTEGER.match(text):
            raise ParameterValueError(f"{text!r} is not a whole number")
        # The canonical lexical form ("+007" → "7"), so equal numbers are equal terms.
        return Literal(str(int(text)), datatype=NamedNode(XSD + "integer"))
    if kind == "date":
        try:
            if not _DATE.match(text):
                raise ValueError
            datetime.date.fromisoformat(text)
        except ValueError:
            raise ParameterValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None
        return Literal(text, datatype=NamedNode(XSD + "date"))
    if kind == "sdg-code":
        match = _SDG_CODE.match(text)
        if not match:
            raise ParameterValueError(f"{text!r} is not an SDG goal or target code")
        goal, target = match.groups()
        code = str(int(goal)) if target is None else f"{int(goal)}.{_target(target)}"
        return Literal(code, datatype=NamedNode(SDG_CODE_DATATYPE))
    if kind == "iri":
        return NamedNode(expand_iri(text, base, prefixes or {}))
    raise ParameterValueError(f"unknown parameter type {kind!r}")


def _target(part: str) -> str:
    return part.lower() if part.isalpha() else str(int(part))


def expand_iri(text: str, base: str, prefixes: Mapping[str, str]) -> str:
    """An absolute IRI from ``text``: ``prefix:local`` with a known prefix, an absolute IRI,
    or a reference relative to ``base``. :class:`ParameterValueError` if it is no IRI."""
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    match = _SCHEME.match(text)
    if match and match.group(1) in prefixes and not match.group(2).startswith("//"):
        iri = prefixes[match.group(1)] + match.group(2)
    elif match:
        iri = text
    elif base:
        iri = urljoin(base, text)
    else:
        raise ParameterValueError(f"{text!r} is not an absolute IRI")
    try:
        return NamedNode(iri).value
    except ValueError as err:
        raise ParameterValueError(f"{text!r} is not an IRI ({err})") from None


@dataclass(frozen=True)
class CannedQuery:
    """A query file: its name, SPARQL text (the whole file) and header metadata."""

    name: str
    path: Path
    text: str
    form: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    parameters: tuple[Parameter, ...] = ()
    tags: tuple[str, ...] = ()
    example: str | None = None
    # Headings of result columns by variable and language (``#+ column VAR@lang: Heading``).
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def parameter_names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def parameter(self, name: str) -> Parameter | None:
        """The parameter called ``name``, if the query has one."""
        return next((p for p in self.parameters if p.name == name), None)

    def signature(self) -> str:
        """Every parameter as ``name (type) = default``, or ``none``."""
        return "; ".join(p.signature() for p in self.parameters) or "none"

    def bind(
        self,
        given: Mapping[str, str],
        base: str = "",
        prefixes: Mapping[str, str] | None = None,
    ) -> dict[str, Term]:
        """Typed terms for the parameters: ``given`` values, else defaults. Unknown, missing
        and ill-typed values are a :class:`QueryError` that lists the valid parameters. The
        values are not checked against the data (see :meth:`prepare`)."""
        prepared = self.prepare(given, base, prefixes)
        for check in prepared.checks:
            if check.term is None:
                parameter = self.parameter(check.name)
                assert parameter is not None
                raise _type_error(self, parameter, check.problem or "")
        return prepared.bindings

    def prepare(
        self,
        given: Mapping[str, str],
        base: str = "",
        prefixes: Mapping[str, str] | None = None,
        listing: Callable[[str, str], str] = cli_listing,
    ) -> Prepared:
        """The typed terms of :meth:`bind`, and a check against the data for every given value
        of a parameter with ``values-where`` (a text that is not of its type but may name a
        value is left to its check). ``listing`` says how to list all valid values."""
        hint = f"parameters of {self.name}: {self.signature()}"
        unknown = sorted(set(given) - set(self.parameter_names))
        if unknown:
            names = ", ".join(unknown)
            raise QueryError(
                f"query {self.name} has no parameter {names}",
                hint=hint if self.parameters else f"{self.name} takes no parameters",
            )
        missing = [p.name for p in self.parameters if p.required and p.name not in given]
        if missing:
            raise QueryError(f"query {self.name} needs {', '.join(missing)}", hint=hint)
        bound: dict[str, Term] = {}
        checks: list[ValueCheck] = []
        for parameter in self.parameters:
            text = given.get(parameter.name, parameter.default)
            if text is None:
                continue  # optional: left unbound, so the query matches any value
            term, problem = self._term(
                parameter, text, base, prefixes or {}, parameter.name in given
            )
            if term is not None:
                bound[parameter.name] = term
            if parameter.values_where and parameter.name in given:
                checks.append(
                    ValueCheck(
                        self.name,
                        parameter.name,
                        parameter.values_where,
                        parameter.names,
                        prologue(self.text),
                        text,
                        term,
                        problem,
                        prefixes or {},
                        listing,
                    )
                )
        return Prepared(bound, tuple(checks))

    def _term(
        self,
        parameter: Parameter,
        text: str,
        base: str,
        prefixes: Mapping[str, str],
        given: bool,
    ) -> tuple[Term | None, str | None]:
        """The term for ``text``, or (for a given value that may name one) why there is none."""
        try:
            term = parameter.term(text, base, prefixes)
        except ParameterValueError as err:
            if given and parameter.names is not None:
                return None, str(err)
            raise _type_error(self, parameter, str(err)) from None
        allowed = [parameter.term(v, base, prefixes) for v in parameter.values]
        if allowed and term not in allowed:
            raise QueryError(
                f"parameter {parameter.name} of {self.name}: {text!r} is not allowed",
                hint=f"use one of: {', '.join(parameter.values)}",
            )
        return term, None

    def to_dict(self) -> dict:
        """The header as JSON-ready data (for listings and API descriptions)."""
        return {
            "name": self.name,
            "form": self.form,
            "title": dict(self.title),
            "description": dict(self.description),
            "tags": list(self.tags),
            "parameters": [p.to_dict() for p in self.parameters],
            "example": self.example,
            "columns": {name: dict(headings) for name, headings in self.columns.items()},
        }

    def heading(self, variable: str, lang: str) -> str | None:
        """The header's heading for a result column, in ``lang`` (else English), if any."""
        headings = self.columns.get(variable, {})
        return headings.get(lang) or headings.get("en")


@dataclass(frozen=True)
class Prepared:
    """Parameter values ready to run: typed bindings, and the given values still to check
    against the data (:class:`~.values.ValueCheck`)."""

    bindings: dict[str, Term]
    checks: tuple[ValueCheck, ...] = ()


def _type_error(query: CannedQuery, parameter: Parameter, problem: str) -> QueryError:
    return QueryError(
        f"parameter {parameter.name} of {query.name}: {problem}",
        hint=f"{parameter.name} takes {PARAM_TYPES[parameter.type]}",
    )


def run_canned(
    backend: Backend,
    query: CannedQuery,
    given: Mapping[str, str] | None = None,
    base: str = "",
    prefixes: Mapping[str, str] | None = None,
    allowed_services: Collection[str] = (),
) -> Result:
    """Run ``query`` on ``backend`` with ``given`` parameter values (strings, as typed), each
    checked against the data first where the header says what its values are; ``SERVICE``
    may call only the endpoints in ``allowed_services``."""
    prepared = query.prepare(given or {}, base, prefixes)

    def run(probe: Probe) -> Result:
        return backend.run(
            probe.text, probe.bindings, source=query.path, allowed_services=allowed_services
        )

    bindings = resolve(prepared.bindings, prepared.checks, run)
    return backend.run(query.text, bindings, source=query.path, allowed_services=allowed_services)


def list_values(
    backend: Backend,
    query: CannedQuery,
    name: str,
    base: str = "",
    prefixes: Mapping[str, str] | None = None,
) -> SelectResult:
    """Every valid value of parameter ``name`` of ``query``: its ``values``, or what its
    ``values-where`` finds in the data (each once, in natural order)."""
    parameter = query.parameter(name)
    if parameter is None:
        raise QueryError(
            f"query {query.name} has no parameter {name}",
            hint=f"parameters of {query.name}: {query.signature()}",
        )
    if parameter.values:
        terms = (parameter.term(value, base, prefixes) for value in parameter.values)
        return SelectResult((name,), tuple((term,) for term in terms))
    if parameter.values_where is None:
        raise QueryError(
            f"parameter {name} of {query.name} has no list of values",
            hint=f"{name} takes {PARAM_TYPES[parameter.type]}",
        )
    text = listing_text(prologue(query.text), name, parameter.values_where)
    result = backend.run(text, source=query.path)
    assert isinstance(result, SelectResult)
    # In natural order for people (16.7 before 16.10), which SPARQL cannot sort by.
    rows = sorted(result.rows, key=lambda row: natural_key(row[0].value if row[0] else ""))
    return SelectResult(result.variables, tuple(rows))

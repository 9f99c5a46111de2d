"""The catalogue of canned queries: the ``queries/*.rq`` files of a project, each read with its
``#+`` header (read strictly; the format is documented in ``queries/README.md``) and its SPARQL
checked against the header."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from ..errors import Location, QueryError
from ..project import Project
from .canned import (
    PARAM_TYPES,
    REQUIRED_LANGUAGES,
    CannedQuery,
    Parameter,
    ParameterValueError,
    parse_value,
)
from .sparql_text import (
    QUERY_FORMS,
    SparqlTextError,
    check_group,
    operation,
    projection,
    tokens,
    variables,
    where_group_start,
)
from .values import RESERVED

QUERY_SUFFIX = ".rq"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KEY = re.compile(r"^(?P<key>[a-z]+(?:-[a-z]+)*)(?:@(?P<lang>[a-z]{2,3}))?:(?:[ ](?P<value>.*))?$")
_TOP_KEYS = ("title", "description", "tags", "example", "param", "column")
# ``#+ column VAR@lang: Heading``: a heading for a result column, the one key naming a variable.
_COLUMN = re.compile(
    r"^column(?:[ ]+(?P<var>[^@:\s]*))?(?:@(?P<lang>[^:\s]*))?:(?:[ ](?P<value>.*))?$"
)
_LANG = re.compile(r"^[a-z]{2,3}$")
_LOCALISED = ("title", "description")
_PARAM_KEYS = ("type", "default", "values", "values-where", "names", "required", "description")
_PATH_SYMBOLS = set("|/^()*+?!")


def queries_dir(project: Project) -> Path:
    """Where a project keeps its canned queries."""
    return project.root / "queries"


def load_queries(folder: Path | Project) -> dict[str, CannedQuery]:
    """Every ``*.rq`` file in ``folder`` (or a project's ``queries/``), by name, sorted."""
    if isinstance(folder, Project):
        folder = queries_dir(folder)
    if not folder.is_dir():
        return {}
    paths = sorted(folder.glob(f"*{QUERY_SUFFIX}"), key=lambda path: path.stem)
    return {path.stem: read_query(path) for path in paths}


def find_query(queries: Mapping[str, CannedQuery], name: str) -> CannedQuery:
    """The query called ``name``; an error listing the known ones otherwise."""
    if name.endswith(QUERY_SUFFIX):
        name = name[: -len(QUERY_SUFFIX)]
    try:
        return queries[name]
    except KeyError:
        known = ", ".join(queries) or "none (queries/ is empty)"
        raise QueryError(
            f"no canned query named {name!r}",
            hint=f"known queries: {known}; `sdglod queries` lists them",
        ) from None


def read_query(path: Path) -> CannedQuery:
    """Read and check one query file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise QueryError(f"cannot read the query: {err}", Location(path)) from None
    return parse_query(text, path)


def parse_query(text: str, path: Path) -> CannedQuery:
    """Parse the header of ``text`` (the file at ``path``) and check it against the query."""
    name = path.stem
    if not _NAME.match(name):
        raise QueryError(
            f"query name {name!r} is not a lowercase slug",
            Location(path),
            "name query files with letters, digits and '-', e.g. event-outcomes.rq",
        )
    header = _Header(path)
    header.read(text.splitlines())
    query = CannedQuery(
        name=name,
        path=path,
        text=text,
        form="",
        title=header.localised("title"),
        description=header.localised("description"),
        parameters=tuple(header.parameters()),
        tags=header.tags(),
        example=header.single("example"),
        columns=header.columns(),
    )
    query = _check_body(query)
    header.check_columns(query)
    return query


class _Header:
    """The ``#+`` lines at the top of a query file, read strictly, with their line numbers."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: list[tuple[str, str | None, list[str], int, list]] = []
        self.first_line: dict[str, int] = {}
        self._current: list[str] | None = None  # the value a continuation line adds to
        self._param: list | None = None  # the attributes of the param being read
        self._columns: list[tuple[str, str, list[str], int]] = []  # var, lang, parts, line

    def error(self, message: str, line: int | None, hint: str | None = None) -> QueryError:
        return QueryError(message, Location(self.path, line), hint)

    def read(self, lines: list[str]) -> None:
        in_header = True
        for number, line in enumerate(lines, start=1):
            stripped = line.strip()
            if not stripped.startswith("#"):
                if stripped:
                    in_header = False
                continue
            if not stripped.startswith("#+"):
                continue  # an ordinary comment
            if not in_header:
                raise self.error(
                    "a '#+' header line after the query has started",
                    number,
                    "keep the whole header in the comment block at the top of the file",
                )
            self._line(stripped[2:], number)
        for label in (f"{key}@{lang}" for key in _LOCALISED for lang in REQUIRED_LANGUAGES):
            if label not in self.first_line:
                raise self.error(
                    f"the header has no {label}",
                    1,
                    "every query needs title@lv, title@en, description@lv and description@en",
                )

    def _line(self, content: str, number: int) -> None:
        """One header line (what follows ``#+``)."""
        if not content.strip():
            self._current = None
            return
        if not content.startswith(" ") or "\t" in content:
            raise self.error("write '#+ ' (with one space) before header text", number)
        body = content[1:]
        indent = len(body) - len(body.lstrip(" "))
        body = body.strip()
        if indent >= 4:
            if self._current is None:
                raise self.error("a continuation line with nothing to continue", number)
            self._current.append(body)
            return
        if indent == 0 and re.match(r"^column\b", body):
            self._column(body, number)
            return
        match = _KEY.match(body)
        if indent not in (0, 2) or not match:
            raise self.error(
                f"cannot read header line {body!r}",
                number,
                "write 'key: value' (or '  key: value' under a param); indent a "
                "continuation by four spaces",
            )
        key, lang, value = match.group("key"), match.group("lang"), match.group("value")
        self._current = [value.strip()] if value and value.strip() else []
        if indent == 0:
            self._top_key(key, lang, number)
        else:
            self._param_attribute(key, lang, number)

    def _top_key(self, key: str, lang: str | None, number: int) -> None:
        if key not in _TOP_KEYS:
            raise self.error(
                f"unknown header key {key!r}", number, f"use one of: {', '.join(_TOP_KEYS)}"
            )
        self._check_lang(key, lang, number)
        entry = (key, lang, self._current, number, [])
        if key != "param":
            label = f"{key}@{lang}" if lang else key
            if label in self.first_line:
                raise self.error(
                    f"{label} is given twice (first on line {self.first_line[label]})",
                    number,
                )
            self.first_line[label] = number
        self.entries.append(entry)  # type: ignore[arg-type]
        self._param = entry[4] if key == "param" else None

    def _column(self, body: str, number: int) -> None:
        """``column VAR@lang: Heading``, checked as far as the header alone can."""
        match = _COLUMN.match(body)
        hint = "write '#+ column VARIABLE@lv: Virsraksts' and '#+ column VARIABLE@en: Heading'"
        if not match:
            raise self.error(f"cannot read column heading {body!r}", number, hint)
        var, lang = match.group("var") or "", match.group("lang")
        if not _VARIABLE.match(var):
            raise self.error(
                f"column {var!r} is not a SPARQL variable name",
                number,
                "name the variable without ? or $, e.g. '#+ column targetCode@en: Target code'",
            )
        if lang is None or not _LANG.match(lang):
            raise self.error(
                f"column {var} needs a language (@lv, @en), not {lang!r}", number, hint
            )
        label = f"column {var}@{lang}"
        if label in self.first_line:
            raise self.error(
                f"{label} is given twice (first on line {self.first_line[label]})", number
            )
        self.first_line[label] = number
        value = match.group("value")
        self._current = [value.strip()] if value and value.strip() else []
        self._columns.append((var, lang, self._current, number))
        self._param = None

    def columns(self) -> dict[str, dict[str, str]]:
        """The headings of result columns, by variable and language; each in lv and en."""
        found: dict[str, dict[str, str]] = {}
        first: dict[str, int] = {}
        for var, lang, parts, line in self._columns:
            found.setdefault(var, {})[lang] = self._value(parts, line, f"column {var}@{lang}")
            first.setdefault(var, line)
        for var, headings in found.items():
            for lang in sorted(set(REQUIRED_LANGUAGES) - set(headings)):
                hint = f"add '#+ column {var}@{lang}: …': every heading in lv and en"
                raise self.error(f"column {var} has no heading in {lang}", first[var], hint)
        return found

    def check_columns(self, query: CannedQuery) -> None:
        """Every column heading names a variable the query's SELECT projects (any, for *)."""
        projected = projection(query.text) if query.form == "SELECT" else set()
        for var, _, _, at in self._columns:
            if projected is not None and var not in projected:
                columns = ", ".join(sorted(projected)) or f"none: the query is a {query.form}"
                raise self.error(
                    f"column {var} is not a column of the result", at, f"its columns: {columns}"
                )

    def _param_attribute(self, key: str, lang: str | None, number: int) -> None:
        if self._param is None:
            raise self.error(
                f"{key!r} is indented, but belongs to no param",
                number,
                "put parameter attributes under a 'param: NAME' line",
            )
        if key not in _PARAM_KEYS:
            raise self.error(
                f"unknown parameter attribute {key!r}",
                number,
                f"use one of: {', '.join(_PARAM_KEYS)}",
            )
        self._check_lang(key, lang, number)
        label = f"{key}@{lang}" if lang else key
        if any(existing[0] == label for existing in self._param):
            raise self.error(f"{label} is given twice for this param", number)
        self._param.append((label, self._current, number))

    def _check_lang(self, key: str, lang: str | None, line: int) -> None:
        if key in ("title", "description") and not lang:
            raise self.error(f"write {key}@lv and {key}@en, not a bare {key}", line)
        if key not in ("title", "description") and lang:
            raise self.error(f"{key} takes no language (@{lang})", line)

    def _value(self, parts: list[str], line: int, label: str) -> str:
        value = " ".join(parts).strip()
        if not value:
            raise self.error(f"{label} is empty", line)
        return value

    def localised(self, key: str) -> dict[str, str]:
        return {
            lang: self._value(parts, line, f"{key}@{lang}")
            for k, lang, parts, line, _ in self.entries
            if k == key and lang
        }

    def single(self, key: str) -> str | None:
        for k, _, parts, line, _ in self.entries:
            if k == key:
                return self._value(parts, line, key)
        return None

    def tags(self) -> tuple[str, ...]:
        text = self.single("tags")
        return tuple(t.strip() for t in text.split(",") if t.strip()) if text else ()

    def parameters(self) -> list[Parameter]:
        result: list[Parameter] = []
        for key, _, parts, line, attributes in self.entries:
            if key != "param":
                continue
            name = self._value(parts, line, "param")
            if not _VARIABLE.match(name):
                raise self.error(f"parameter name {name!r} is not a SPARQL variable name", line)
            if name.startswith(RESERVED):
                raise self.error(f"parameter names starting {RESERVED} are sdglod's own", line)
            if any(p.name == name for p in result):
                raise self.error(f"parameter {name} is declared twice", line)
            result.append(self._parameter(name, line, attributes))
        return result

    def _parameter(self, name: str, line: int, attributes: list) -> Parameter:
        found = {label: (self._value(parts, at, label), at) for label, parts, at in attributes}
        if "type" not in found:
            raise self.error(
                f"parameter {name} has no type",
                line,
                f"add '  type: ' with one of {', '.join(PARAM_TYPES)}",
            )
        kind, at = found["type"]
        if kind not in PARAM_TYPES:
            raise self.error(
                f"parameter {name} has unknown type {kind!r}",
                at,
                f"use one of: {', '.join(PARAM_TYPES)}",
            )
        for lang in REQUIRED_LANGUAGES:
            if f"description@{lang}" not in found:
                raise self.error(f"parameter {name} has no description@{lang}", line)
        if "description" in found:
            raise self.error("write description@lv and description@en", found["description"][1])
        required = False
        if "required" in found:
            flag, at = found["required"]
            if flag not in ("true", "false"):
                raise self.error(f"required is {flag!r}; write true or false", at)
            required = flag == "true"
        values: tuple[str, ...] = ()
        if "values" in found:
            text, at = found["values"]
            values = tuple(v.strip() for v in text.split(",") if v.strip())
            for value in values:
                self._check_value(kind, value, at, name)
        default = None
        if "default" in found:
            default, at = found["default"]
            if required:
                raise self.error(f"parameter {name} is required and has a default", at)
            self._check_value(kind, default, at, name)
            if values and default not in values:
                raise self.error(f"default {default!r} of {name} is not among its values", at)
        description = {
            label.split("@", 1)[1]: text
            for label, (text, _) in found.items()
            if label.startswith("description@")
        }
        where, names = self._data_values(name, found)
        return Parameter(name, kind, description, default, values, required, where, names)

    def _data_values(self, name: str, found: dict) -> tuple[str | None, str | None]:
        """``values-where`` (a group pattern binding ``$name``) and ``names`` (a property
        path), checked as far as text can be."""
        where, names = found.get("values-where"), found.get("names")
        if where is not None:
            pattern, at = where
            if "values" in found:
                raise self.error("give values or values-where, not both", at)
            problem = _pattern_problem(name, pattern)
            if problem:
                raise self.error(
                    f"values-where of {name}: {problem}",
                    at,
                    f"write a group pattern that binds ${name} to every valid value, e.g. "
                    f"${name} a schema:Country",
                )
        if names is not None:
            path, at = names
            if where is None:
                raise self.error(f"names of {name} needs values-where", at)
            if not _is_path(path):
                raise self.error(
                    f"names of {name}: {path!r} is not a property path",
                    at,
                    "e.g. schema:name|schema:identifier",
                )
        return (where[0] if where else None), (names[0] if names else None)

    def _check_value(self, kind: str, value: str, line: int, name: str) -> None:
        try:
            # Relative and prefixed IRIs are resolved only when the query runs; here the
            # text must merely be an IRI reference.
            parse_value(kind, value, "http://example.org/", {})
        except ParameterValueError as err:
            hint = f"{kind} takes {PARAM_TYPES[kind]}"
            raise self.error(f"parameter {name}: {err}", line, hint) from None


def _check_body(query: CannedQuery) -> CannedQuery:
    """Check the SPARQL against its header: a read-only query form, every parameter used as
    ``$name`` and every ``$name`` declared, parameters projected, a WHERE group to bind in."""
    where = Location(query.path)
    try:
        form = operation(query.text)
        tokens = variables(query.text)
    except SparqlTextError as err:
        raise QueryError(f"cannot read the query: {err}", where) from None
    if form not in QUERY_FORMS:
        raise QueryError(
            f"the file holds no query (it starts with {form or 'nothing'})",
            where,
            "canned queries are SELECT, ASK, CONSTRUCT or DESCRIBE",
        )
    declared = set(query.parameter_names)
    dollar = {t.text[1:] for t in tokens if t.text.startswith("$")}
    question = {t.text[1:] for t in tokens if t.text.startswith("?")}
    for name in sorted(dollar - declared):
        raise QueryError(
            f"${name} is used but not declared",
            where,
            f"declare it with '#+ param: {name}', or write ?{name} if it is no parameter",
        )
    for name in sorted(declared - dollar):
        raise QueryError(
            f"parameter {name} is declared but the query never uses ${name}",
            Location(query.path, _param_line(query, name)),
        )
    for name in sorted(declared & question):
        raise QueryError(
            f"parameter {name} is written ?{name} somewhere",
            where,
            f"write ${name} everywhere, so readers see which variables are parameters",
        )
    if query.parameters:
        projected = projection(query.text)
        missing = sorted(declared - projected) if projected is not None else []
        if form == "SELECT" and missing:
            raise QueryError(
                f"the SELECT does not project {', '.join('$' + m for m in missing)}",
                where,
                "add every parameter to the SELECT clause (and GROUP BY): the engine binds "
                "parameters as projected variables",
            )
        try:
            where_group_start(query.text)
        except SparqlTextError as err:
            raise QueryError(
                f"parameters cannot be bound: {err}",
                where,
                "give the query an explicit WHERE { … } group",
            ) from None
    return replace(query, form=form)


def _pattern_problem(name: str, pattern: str) -> str | None:
    """What keeps ``pattern`` from being a ``values-where`` of parameter ``name``, if anything."""
    try:
        check_group(pattern)
        found = [t.text for t in tokens(pattern) if t.kind == "var"]
    except SparqlTextError as err:
        return str(err)
    if any(v[1:].startswith(RESERVED) for v in found):
        return f"variables starting {RESERVED} are sdglod's own"
    others = sorted({v for v in found if v.startswith("$") and v != f"${name}"})
    if others:
        return f"it uses {', '.join(others)}; only ${name} is bound here"
    if f"${name}" not in found:
        return f"it never binds ${name}"
    return None


def _is_path(text: str) -> bool:
    """Whether ``text`` reads as a SPARQL property path of IRIs and prefixed names."""
    try:
        found = list(tokens(text))
    except SparqlTextError:
        return False
    return bool(found) and all(
        token.kind == "iri"
        or (token.kind == "word" and (":" in token.text or token.text == "a"))
        or (token.kind == "other" and token.text in _PATH_SYMBOLS)
        for token in found
    )


def _param_line(query: CannedQuery, name: str) -> int | None:
    for number, line in enumerate(query.text.splitlines(), start=1):
        if re.match(rf"^#\+ param:\s+{re.escape(name)}\s*$", line.strip()):
            return number
    return None

"""``/openapi.json``: an OpenAPI 3.1 document generated from the canned queries' headers.

One operation per canned query (typed parameters with defaults and enumerations), one per
parameter whose valid values the data gives (``/queries/{name}/values/{param}``), plus the
SPARQL endpoint and the query list. Adding a ``.rq`` file adds its operations.
"""

from __future__ import annotations

from ..query.canned import PARAM_TYPES, CannedQuery, Parameter
from ..rdf.formats import BOOLEAN, GRAPH, RESULT_FORMATS, SOLUTIONS
from ..version import __version__
from .endpoint import ENDPOINT_FORMATS, FORM, SPARQL_QUERY
from .workbench import LOOKUP_ROWS, LOOKUP_TEXT

_SCHEMA_OF_TYPE = {
    "iri": {"type": "string", "format": "iri"},
    "string": {"type": "string"},
    "lang": {"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"},
    "integer": {"type": "integer"},
    "date": {"type": "string", "format": "date"},
    "sdg-code": {
        "type": "string",
        "pattern": "^0?(1[0-7]|[1-9])(\\.(0?[1-9]|[1-9][0-9]|[a-dA-D]))?$",
    },
}
_SPARQL_JSON = {
    "type": "object",
    "description": "SPARQL 1.1 Query Results JSON Format",
    "properties": {
        "head": {
            "type": "object",
            "properties": {"vars": {"type": "array", "items": {"type": "string"}}},
        },
        "results": {
            "type": "object",
            "properties": {
                "bindings": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": {"$ref": "#/components/schemas/RdfTerm"},
                    },
                }
            },
            "required": ["bindings"],
        },
        "boolean": {"type": "boolean"},
    },
    "required": ["head"],
}
_RDF_TERM = {
    "type": "object",
    "properties": {
        "type": {"enum": ["uri", "literal", "bnode", "triple"]},
        "value": {},
        "xml:lang": {"type": "string"},
        "datatype": {"type": "string"},
    },
    "required": ["type", "value"],
}
_ERROR = {
    "type": "object",
    "description": "The one error shape of every 4xx and 5xx answer.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "hint": {"type": "string"},
                "line": {"type": ["integer", "null"]},
                "column": {"type": ["integer", "null"]},
            },
            "required": ["status", "code", "message"],
        }
    },
    "required": ["error"],
}


_ALL_FORMATS = sorted({name for names in ENDPOINT_FORMATS.values() for name in names})


def _content(kinds: list[str]) -> dict:
    names: list[str] = []
    for kind in kinds:
        names += [n for n in ENDPOINT_FORMATS[kind] if n not in names]
    content = {}
    for name in names:
        fmt = RESULT_FORMATS[name]
        if name == "json":
            content[fmt.media_type] = {"schema": {"$ref": "#/components/schemas/SparqlResults"}}
        elif name == "jsonld":
            content[fmt.media_type] = {"schema": {"type": "object"}}
        else:
            content[fmt.media_type] = {"schema": {"type": "string"}}
    return content


def _errors(codes: dict[str, tuple[int, str]], statuses: list[int]) -> dict:
    responses = {}
    for status in statuses:
        meaning = "; ".join(f"{code}: {text}" for code, (s, text) in codes.items() if s == status)
        responses[str(status)] = {
            "description": meaning,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    return responses


def _canned_operation(query: CannedQuery, codes: dict[str, tuple[int, str]]) -> dict:
    kind = {"SELECT": SOLUTIONS, "ASK": BOOLEAN}.get(query.form, GRAPH)
    parameters = [_parameter(query, parameter) for parameter in query.parameters]
    if kind == SOLUTIONS and not {"limit", "offset"} & set(query.parameter_names):
        parameters += _page_parameters()
    return {
        "get": {
            "operationId": "query_" + query.name.replace("-", "_"),
            "summary": query.title.get("en", query.name),
            "description": f"{query.description.get('en', '')}\n\n"
            f"{query.title.get('lv', '')}: {query.description.get('lv', '')}",
            "tags": ["canned queries", *query.tags],
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "the result; the format follows Accept (or a suffix such as "
                    f".csv on /queries/{query.name}.csv)"
                    + (
                        ". A page of it (limit, offset) links its neighbours in a Link header "
                        '(rel="next", "prev", "first"); so does a whole result cut at the row '
                        'limit (rel="next").'
                        if kind == SOLUTIONS
                        else ""
                    ),
                    "content": _content([kind]),
                    "headers": {
                        "Link": {
                            "description": "RFC 8288 links to the next and previous pages",
                            "schema": {"type": "string"},
                        }
                    },
                },
                **_errors(codes, [400, 406, 503]),
            },
        }
    }


def openapi_document(runtime: object, server_url: str, codes: dict[str, tuple[int, str]]) -> dict:
    """The OpenAPI 3.1 description of the server's API."""
    queries: dict[str, CannedQuery] = runtime.queries  # type: ignore[attr-defined]
    paths: dict[str, dict] = {
        "/sparql": {"get": _sparql_get(codes), "post": _sparql_post(codes)},
        "/sparql/terms.json": {"get": _terms()},
        "/sparql/lookup.json": {"get": _lookup(codes)},
        "/queries": {"get": _query_list()},
        "/health": {"get": _health()},
    }
    for name in sorted(queries):
        paths[f"/queries/{name}"] = _canned_operation(queries[name], codes)
        for parameter in queries[name].parameters:
            if parameter.values_where:
                path = f"/queries/{name}/values/{parameter.name}"
                paths[path] = _values_operation(queries[name], parameter.name, codes)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "sdglod SPARQL endpoint and canned queries",
            "version": __version__,
            "description": "A read-only SPARQL 1.1 endpoint and canned queries over the "
            "dataset. Every error answer has the shape of the Error schema.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": {"SparqlResults": _SPARQL_JSON, "RdfTerm": _RDF_TERM, "Error": _ERROR}
        },
    }


def _parameter(query: CannedQuery, parameter: Parameter) -> dict:
    """The OpenAPI description of one of a canned query's parameters."""
    schema = dict(_SCHEMA_OF_TYPE[parameter.type])
    if parameter.names:
        schema.pop("format", None)  # a name or code of a value is welcome too
    checked = (
        f" A value the data does not have is a 400 (bad-parameter) that names the nearest "
        f"ones; all of them: /queries/{query.name}/values/{parameter.name}."
        if parameter.values_where
        else ""
    )
    if parameter.default is not None:
        schema["default"] = (
            int(parameter.default) if parameter.type == "integer" else parameter.default
        )
    if parameter.values:
        schema["enum"] = [int(v) if parameter.type == "integer" else v for v in parameter.values]
    return {
        "name": parameter.name,
        "in": "query",
        "required": parameter.required,
        "description": (
            f"{parameter.description.get('en', '')} ({PARAM_TYPES[parameter.type]}) — "
            f"{parameter.description.get('lv', '')}{checked}"
        ),
        "schema": schema,
    }


def _page_parameters() -> list[dict]:
    """``limit`` and ``offset``: a page of a SELECT's solutions, in the query's own order."""
    return [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": "Solutions in one page (at most the server's row limit). "
            'The answer links the next page with Link: rel="next".',
            "schema": {"type": "integer", "minimum": 1},
        },
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "description": "Solutions to skip before the page (with limit).",
            "schema": {"type": "integer", "minimum": 0, "default": 0},
        },
    ]


def _values_operation(query: CannedQuery, name: str, codes: dict[str, tuple[int, str]]) -> dict:
    """``GET /queries/{query}/values/{name}``: every value of a parameter the data has."""
    return {
        "get": {
            "operationId": f"values_{query.name.replace('-', '_')}_{name}",
            "summary": f"Every valid value of {name} of {query.name}",
            "description": f"The values of {name} that {query.name} finds in the data, each "
            "once, in order (a SELECT result with one variable).",
            "tags": ["canned queries", "parameter values"],
            "responses": {
                "200": {"description": "the values", "content": _content([SOLUTIONS])},
                **_errors(codes, [406, 503]),
            },
        }
    }


def _sparql_get(codes: dict[str, tuple[int, str]]) -> dict:
    """``GET /sparql``: a query in the URL, or without one the Service Description."""
    return {
        "operationId": "sparql_get",
        "summary": "SPARQL 1.1 query (GET); without a query: the Service Description",
        "parameters": _sparql_parameters(),
        "responses": {
            "200": {
                "description": "the result, or the Service Description (Turtle)",
                "content": _content([SOLUTIONS, GRAPH]),
            },
            **_errors(codes, [400, 406, 429, 503, 507]),
        },
    }


def _sparql_parameters() -> list[dict]:
    """The URL parameters of ``GET /sparql`` (SPARQL 1.1 Protocol, plus format and timeout)."""
    iris = {"type": "array", "items": {"type": "string", "format": "iri"}}
    return [
        {
            "name": "query",
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": "a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE)",
        },
        {"name": "default-graph-uri", "in": "query", "schema": dict(iris), "explode": True},
        {"name": "named-graph-uri", "in": "query", "schema": dict(iris), "explode": True},
        {
            "name": "format",
            "in": "query",
            "schema": {"enum": list(_ALL_FORMATS)},
            "description": "a result format instead of Accept",
        },
        {
            "name": "timeout",
            "in": "query",
            "schema": {"type": "number", "exclusiveMinimum": 0},
            "description": "a lower time limit in seconds (at least 0.5 s are "
            "given; more than the server's limit is cut to it)",
        },
    ]


def _sparql_post(codes: dict[str, tuple[int, str]]) -> dict:
    """``POST /sparql``: the query as the body, or as a form field."""
    return {
        "operationId": "sparql_post",
        "summary": "SPARQL 1.1 query (POST)",
        "requestBody": {
            "required": True,
            "content": {
                SPARQL_QUERY: {"schema": {"type": "string"}},
                FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {"query": {"type": "string"}},
                        "required": ["query"],
                    }
                },
            },
        },
        "responses": {
            "200": {"description": "the result", "content": _content([SOLUTIONS, GRAPH])},
            **_errors(codes, [400, 406, 413, 415, 429, 503, 507]),
        },
    }


def _query_list() -> dict:
    return {
        "operationId": "list_queries",
        "summary": "The canned queries, with their parameters",
        "responses": {
            "200": {
                "description": "the list",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    }


_LABELS = {
    "type": "object",
    "description": "labels by language (lv, en), where the vocabulary gives them",
    "additionalProperties": {"type": "string"},
}
_TERM = {
    "type": "object",
    "properties": {
        "iri": {"type": "string"},
        "name": {"type": "string", "description": "a prefixed name of the build, else <iri>"},
        "count": {"type": "integer", "description": "instances (classes), triples (properties)"},
        "label": _LABELS,
    },
    "required": ["iri", "name", "count", "label"],
}


def _terms() -> dict:
    """``GET /sparql/terms.json``: what the query editor completes."""
    schema = {
        "type": "object",
        "properties": {
            "prefixes": {"type": "object", "additionalProperties": {"type": "string"}},
            "classes": {"type": "array", "items": _TERM},
            "properties": {"type": "array", "items": _TERM},
            "limits": {
                "type": "object",
                "properties": {
                    "timeout": {"type": "number", "description": "seconds a query may run"},
                    "rows": {"type": "integer", "description": "rows a result is cut at"},
                },
            },
        },
        "required": ["prefixes", "classes", "properties", "limits"],
    }
    return {
        "operationId": "sparql_terms",
        "summary": "Completion for the query editor: prefixes, classes and properties",
        "description": "The build's prefixes; the classes and properties of the data (the VoID "
        "partitions) with their counts and lv/en labels, most used first; the endpoint's time "
        "limit and row cap. The same for a whole build (ETag).",
        "responses": {
            "200": {
                "description": "the terms",
                "content": {"application/json": {"schema": schema}},
            }
        },
    }


def _lookup(codes: dict[str, tuple[int, str]]) -> dict:
    """``GET /sparql/lookup.json``: resources by a part of their label."""
    shortest, longest = LOOKUP_TEXT
    found = {
        "type": "object",
        "properties": {
            "iri": {"type": "string"},
            "name": {"type": "string"},
            "label": {"type": "string", "description": "in the page language"},
            "type": {"type": ["string", "null"], "description": "the label of its class"},
        },
    }
    schema = {
        "type": "object",
        "properties": {
            "results": {"type": "array", "items": found, "maxItems": LOOKUP_ROWS},
            "limit": {"type": "integer", "const": LOOKUP_ROWS},
            "truncated": {"type": "boolean", "description": "more resources match"},
        },
    }
    return {
        "operationId": "sparql_lookup",
        "summary": "Resources whose label (or IRI) holds a text, for the query editor",
        "description": f"At most {LOOKUP_ROWS}, those whose label starts with the text first, "
        "then shorter ones; compared without regard to case.",
        "parameters": [
            {
                "name": "q",
                "in": "query",
                "required": True,
                "schema": {"type": "string", "minLength": shortest, "maxLength": longest},
            },
            {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["lv", "en"]}},
        ],
        "responses": {
            "200": {
                "description": "the resources found",
                "content": {"application/json": {"schema": schema}},
            },
            **_errors(codes, [400]),
        },
    }


def _health() -> dict:
    """``GET /health``: the server's state for load balancers and monitors."""
    count = {"type": "integer", "minimum": 0}
    lane = {
        "type": "object",
        "properties": {"workers": count, "busy": count, "queued": count},
    }
    state = {"type": "string", "enum": ["ready", "recovering", "down", "remote"]}
    return {
        "operationId": "health",
        "summary": "The server's state, for load balancers and monitors (never cached)",
        "description": "The build served, whether its query workers are up, how busy each "
        "lane is (pages: the server's own queries; user: /sparql) and the uptime in seconds. "
        "503 when a lane has no live worker.",
        "responses": {
            status: {
                "description": meaning,
                "headers": {"Cache-Control": {"schema": {"type": "string", "const": "no-store"}}},
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "status": {"type": "string", "enum": ["ok", "unavailable"]},
                                "build": {"type": ["string", "null"]},
                                "store": {
                                    "type": "object",
                                    "properties": {"state": state, "triples": count},
                                },
                                "lanes": {"type": "object", "additionalProperties": lane},
                                "busy": count,
                                "queued": count,
                                "uptime": {"type": "number", "minimum": 0},
                            },
                        }
                    }
                },
            }
            for status, meaning in (("200", "queries can be answered"), ("503", "they cannot"))
        },
    }

"""The lexical spaces of the XSD 1.1 datatypes: is a literal's lexical form one of its datatype?

RDF calls a literal whose lexical form is not in its datatype's lexical space *ill-typed*. The
two libraries behind validation disagree with XSD 1.1 and with each other here: rdflib (so
pyshacl) rejects valid forms it cannot hold in a Python object (``"-0044-03-15"^^xsd:date``, the
year 0000, five-digit years, ``24:00:00``) and accepts invalid ones (``" 5"^^xsd:integer``, any
``xsd:gYear``). :func:`well_formed` follows XSD 1.1 Part 2 itself: the grammar of each datatype
(section 3 and its regular expressions, written with ``[0-9]`` because Python's ``\\d`` takes
other scripts' digits too), the day-of-month constraint of the date types, and the value ranges
of the integer types.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..rdf.namespaces import XSD

_YEAR = r"-?([1-9][0-9]{3,}|0[0-9]{3})"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12][0-9]|3[01])"
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
_ZONE = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
_DECIMAL = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_DAY_TIME = r"([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?"
# Not in XML 1.0's Char production, which every string of an XSD datatype is made of.
NON_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Grammar of each datatype (local name in the XSD namespace), matched against the whole form.
_GRAMMAR = {
    "boolean": "true|false|1|0",
    "decimal": _DECIMAL,
    "integer": "[+-]?[0-9]+",
    "double": rf"{_DECIMAL}([Ee][+-]?[0-9]+)?|[+-]?INF|NaN",
    "dateTime": rf"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_ZONE}?",
    "dateTimeStamp": rf"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_ZONE}",
    "date": rf"{_YEAR}-{_MONTH}-{_DAY}{_ZONE}?",
    "time": rf"{_TIME}{_ZONE}?",
    "gYear": rf"{_YEAR}{_ZONE}?",
    "gYearMonth": rf"{_YEAR}-{_MONTH}{_ZONE}?",
    "gMonth": rf"--{_MONTH}{_ZONE}?",
    "gMonthDay": rf"--{_MONTH}-{_DAY}{_ZONE}?",
    "gDay": rf"---{_DAY}{_ZONE}?",
    # The duration types must say at least one number, and a T only before a time part: those
    # two rules are checked after the grammar (see _duration).
    "duration": rf"-?P([0-9]+Y)?([0-9]+M)?{_DAY_TIME}",
    "dayTimeDuration": rf"-?P{_DAY_TIME}",
    "yearMonthDuration": r"-?P([0-9]+Y)?([0-9]+M)?",
    "hexBinary": "([0-9a-fA-F]{2})*",
    "base64Binary": (
        r"((([A-Za-z0-9+/] ?){4})*(([A-Za-z0-9+/] ?){3}[A-Za-z0-9+/]"
        r"|([A-Za-z0-9+/] ?){2}[AEIMQUYcgkosw048] ?="
        r"|[A-Za-z0-9+/] ?[AQgw] ?= ?=))?"
    ),
    "language": "[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*",
}
_GRAMMAR["float"] = _GRAMMAR["double"]
_COMPILED = {name: re.compile(grammar) for name, grammar in _GRAMMAR.items()}

# The integer types and the closed range of values each allows (None: unbounded).
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-(2**7), 2**7 - 1),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 2**8 - 1),
}
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def well_formed(lexical: str, datatype: str) -> bool | None:
    """Whether ``lexical`` is in the lexical space of the XSD datatype IRI ``datatype``; None
    for a datatype this does not know (not XSD, or an XML name type such as ``xsd:NCName``)."""
    if not datatype.startswith(XSD):
        return None
    check = _CHECKS.get(datatype[len(XSD) :])
    return None if check is None else check(lexical)


def checked_datatypes() -> list[str]:
    """The IRIs of the datatypes :func:`well_formed` knows."""
    return [XSD + name for name in _CHECKS]


def days_in_month(year: int, month: int) -> int:
    """Days of ``month`` in ``year`` (XSD 1.1 counts years as ISO 8601 does: 0000 is a leap
    year, the one before 0001)."""
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 28 if month == 2 and not leap else _DAYS_IN_MONTH[month - 1]


def _grammar(name: str) -> Callable[[str], bool]:
    pattern = _COMPILED[name]
    return lambda lexical: pattern.fullmatch(lexical) is not None


def _with_day(name: str) -> Callable[[str], bool]:
    """A date type: the grammar, and a day that its month has (in its year, if it has one)."""
    pattern = _COMPILED[name]

    def check(lexical: str) -> bool:
        if pattern.fullmatch(lexical) is None:
            return False
        if name == "gMonthDay":
            month, day = int(lexical[2:4]), int(lexical[5:7])
            return day <= _DAYS_IN_MONTH[month - 1]
        year, month, day = re.match(r"(-?[0-9]+)-([0-9]{2})-([0-9]{2})", lexical).groups()  # type: ignore[union-attr]
        return int(day) <= days_in_month(int(year), int(month))

    return check


def _integer(low: int | None, high: int | None) -> Callable[[str], bool]:
    pattern = _COMPILED["integer"]

    def check(lexical: str) -> bool:
        if pattern.fullmatch(lexical) is None:
            return False
        value = int(lexical)
        return (low is None or value >= low) and (high is None or value <= high)

    return check


def _duration(name: str) -> Callable[[str], bool]:
    pattern = _COMPILED[name]

    def check(lexical: str) -> bool:
        return (
            pattern.fullmatch(lexical) is not None
            and re.search("[0-9]", lexical) is not None
            and not lexical.endswith("T")
        )

    return check


def _string(extra: Callable[[str], bool] | None = None) -> Callable[[str], bool]:
    def check(lexical: str) -> bool:
        return NON_XML_CHAR.search(lexical) is None and (extra is None or extra(lexical))

    return check


def _normalized(lexical: str) -> bool:
    return not any(c in lexical for c in "\t\n\r")


def _token(lexical: str) -> bool:
    return _normalized(lexical) and lexical == lexical.strip(" ") and "  " not in lexical


_DURATIONS = ("duration", "dayTimeDuration", "yearMonthDuration")
_DATES = ("date", "dateTime", "dateTimeStamp", "gMonthDay")
# Later entries replace the plain grammar where a datatype needs more than its grammar.
_CHECKS: dict[str, Callable[[str], bool]] = {
    **{name: _grammar(name) for name in _GRAMMAR},
    "string": _string(),
    "anyURI": _string(),  # XSD 1.1: any string; whether it is a usable URI is not the datatype's
    "normalizedString": _string(_normalized),
    "token": _string(_token),
    **{name: _integer(*bounds) for name, bounds in _INTEGER_RANGES.items()},
    **{name: _duration(name) for name in _DURATIONS},
    **{name: _with_day(name) for name in _DATES},
}

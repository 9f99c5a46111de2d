"""Answers of pure functions of a text, remembered for the texts that come again and again.

The server reads the same few texts over and over — a canned query's SPARQL, a parameter's
term — once or more per request. A text of up to ``max_length`` characters has its answer
remembered (the last ``entries`` of them); a longer one is read anew each time, so that a
client's megabyte texts cannot fill the memory.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

_Answer = TypeVar("_Answer")


def remembered(
    max_length: int, entries: int = 256
) -> Callable[[Callable[[str], _Answer]], Callable[[str], _Answer]]:
    """A decorator for ``read`` (a pure function of a text whose answer is immutable) that
    remembers its answers as the module docstring says. An exception is not remembered."""

    def decorate(read: Callable[[str], _Answer]) -> Callable[[str], _Answer]:
        cached = functools.lru_cache(maxsize=entries)(read)

        @functools.wraps(read)
        def reading(text: str) -> _Answer:
            return cached(text) if len(text) <= max_length else read(text)

        return reading

    return decorate

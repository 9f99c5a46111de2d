"""Where commands write: a file given with ``-o`` (whole or not at all) or standard output."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import click

from ..errors import OutputError, os_error

OUTPUT_FILE = click.Path(dir_okay=False, path_type=Path)  # -o: a folder is refused by click


def write_output(output: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write ``output`` through ``write``: into a hidden file renamed over it when done, so
    nobody reads half a file; a device or pipe (``/dev/stdout``) directly, as a rename would
    replace it. An error of the file system names the file and the fix."""
    if not output.name:
        raise OutputError("-o is empty: it needs a file name", hint="e.g. -o dataset.ttl")
    try:
        if output.exists() and not output.is_file():
            with output.open("wb") as out:
                write(out)
            return
        temporary = output.with_name(f".{output.name}.partial")
        try:
            with temporary.open("wb") as out:
                write(out)
            temporary.replace(output)
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as err:
        raise os_error(err, output) from None


def standard_output() -> BinaryIO:
    """Standard output for bytes; an error if it is closed (``sdglod dump >&-``)."""
    if sys.stdout is None:
        raise OutputError("standard output is closed", hint="give -o FILE, or redirect it")
    return sys.stdout.buffer

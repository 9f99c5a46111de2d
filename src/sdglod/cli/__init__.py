"""The ``sdglod`` command line: a thin shell over the library, a module per stage it drives.

``group`` holds the command group and the one place where errors become exit codes; the other
modules each add the commands of one stage (build, validate, query, serve, publish).
"""

from __future__ import annotations

from . import build, new, publish, query, serve, validate  # noqa: F401  (they add their commands)
from .group import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sdglod")

"""Headless Debian Chromium for the browser tests (see ../shared/NOTES.md): where it is, the
flags that keep it off the network, and a module fixture factory that launches it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def launched(extra_flags: tuple[str, ...] = ()) -> Iterator[object]:
    """A running headless Chromium (a playwright ``Browser``), closed afterwards; a clear
    failure, never a skip, when Chromium is missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "no chromium: run `make test` (it installs Debian's chromium) or apt install it"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*FLAGS, *extra_flags], headless=True
        )
        yield browser
        browser.close()


def watched_page(browser: object) -> Iterator[object]:
    """A page in a context of its own whose console errors and uncaught exceptions are kept
    in ``page.console_errors`` (a blocked script or style shows there too); closed after."""
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    yield page
    context.close()

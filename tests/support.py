"""SPARQL helpers for tests that ask the built store about facts; editions of the mini project;
html-validate on pages."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from sdglod.build import build
from sdglod.project import Project, load_project
from sdglod.rdf.store import Store

PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "http://schema.org/",
    "sdg": "http://metadata.un.org/sdg/",
    "sdglod": "https://w3id.org/sdglod/ontology#",
    "sdgo": "http://metadata.un.org/sdg/ontology#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "event": "https://w3id.org/sdglod/id/event/",
    "organization": "https://w3id.org/sdglod/id/organization/",
    "person": "https://w3id.org/sdglod/id/person/",
    "outcome": "https://w3id.org/sdglod/id/outcome/",
    "work": "https://w3id.org/sdglod/id/work/",
    "campaign": "https://w3id.org/sdglod/id/campaign/",
}


def rows(store: Store, sparql: str) -> list[tuple[str, ...]]:
    """Run a SELECT and return each solution as a tuple of term values (None if unbound)."""
    result = store.query(sparql, prefixes=PREFIXES)
    names = [v.value for v in result.variables]
    return [tuple(s[n].value if s[n] is not None else None for n in names) for s in result]


def ask(store: Store, sparql: str) -> bool:
    return bool(store.query(sparql, prefixes=PREFIXES))


# --- editions of the mini project, to publish one after another ---------------------------------

MINI = Path(__file__).parent / "fixtures" / "mini-project"
MINI_PAGE = "/id/event/reading-week.html?lang=en"  # the page that shows the edition's name
MINI_NAME = "Reading week"


def mini_edition(folder: Path, name: str = MINI_NAME) -> Project:
    """A built copy of the tests' mini project whose first event is called ``name`` in
    English (shown on ``MINI_PAGE``): each name an edition that a publish changes."""
    root = shutil.copytree(MINI, folder)
    events = root / "data" / "events.ttl"
    text = events.read_text("utf-8")
    assert f'"{MINI_NAME}"@en' in text
    events.write_text(text.replace(f'"{MINI_NAME}"@en', f'"{name}"@en'), "utf-8")
    project = load_project(root)
    build(project)
    return project


# --- html-validate (npm, tests/node) on pages ---------------------------------------------------

NODE_TOOLS = Path(__file__).parent / "node"
HTML_VALIDATE = NODE_TOOLS / "node_modules" / ".bin" / "html-validate"
HTML_VALIDATE_CONFIG = NODE_TOOLS / ".htmlvalidate.json"


def html_file_problems(files: Iterable[Path]) -> dict[Path, list[str]]:
    """html-validate (tests/node/.htmlvalidate.json) on ``files`` in one Node process: each
    file's problems as "rule: message (line:col)", an empty list for a valid file. A missing
    html-validate fails the test, with the fix."""
    files = [Path(f).resolve() for f in files]
    if not HTML_VALIDATE.is_file():
        pytest.fail(f"html-validate is not installed at {HTML_VALIDATE}: run make node-tools")
    problems: dict[Path, list[str]] = {f: [] for f in files}
    if not files:
        return problems
    with tempfile.TemporaryDirectory(prefix="sdglod-report-") as folder:
        # The report goes to a file: Node cuts piped output at 64 KB when the process exits
        # (the report repeats each page's source, so a few pages pass that).
        output = Path(folder, "report.json")
        done = subprocess.run(
            [str(HTML_VALIDATE), "--config", str(HTML_VALIDATE_CONFIG)]
            + ["--formatter", f"json={output}"]
            + [str(f) for f in files],
            capture_output=True,
            text=True,
            timeout=300,
        )
        try:
            report = json.loads(output.read_text("utf-8"))
        except (OSError, json.JSONDecodeError):
            pytest.fail(
                f"html-validate failed (exit {done.returncode}): {done.stderr or done.stdout}"
            )
    for result in report:
        found = problems.setdefault(Path(result["filePath"]).resolve(), [])
        for m in result["messages"]:
            level = "" if m["severity"] >= 2 else " (warning)"
            found.append(f"{m['ruleId']}{level}: {m['message']} ({m['line']}:{m['column']})")
    if done.returncode != 0 and not any(problems.values()):
        pytest.fail(f"html-validate failed (exit {done.returncode}): {done.stderr}")
    return problems


def html_pages_problems(pages: Mapping[str, str]) -> dict[str, list[str]]:
    """html-validate on HTML texts (by a name of each), all in one Node process: each page's
    problems as "rule: message (line:col)"."""
    with tempfile.TemporaryDirectory(prefix="sdglod-html-") as folder:
        files = {}
        for number, (name, html) in enumerate(pages.items()):
            files[name] = Path(folder, f"page-{number}.html")
            files[name].write_text(html, "utf-8")
        found = html_file_problems(files.values())
        return {name: found[file.resolve()] for name, file in files.items()}


def html_problems(html: str, name: str = "page") -> list[str]:
    """html-validate on one HTML text: its problems as "rule: message (line:col)"."""
    return html_pages_problems({name: html})[name]

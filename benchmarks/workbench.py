"""The query workbench at scale: what completion, the resource lookup and the result pages cost.

For each generated project (``benchmarks/generated/SIZE``, made by ``generate.py``; built first
if it has no build), one ``sdglod serve`` on 127.0.0.1 and, from one client:

1. ``/sparql/terms.json`` (prefixes, classes and properties with counts and labels): the first
   request of a build, then again (kept for the build);
2. ``/sparql/lookup.json?q=…`` for texts taken from the data's own names (3–6 letters of a word):
   right after terms.json (the server is reading its index of names, and searches the store
   with SPARQL meanwhile), then other texts once the index is read; each text again (kept);
3. the query page with an aggregate and its chart, and with the largest table the row limit
   allows (``SELECT ?s ?p ?o … LIMIT rows``): server time and page size;
4. in headless Chromium (tests/chromium.py), that largest page: from navigation to the table
   made sortable, and one sort of a column by the script.

Prints a Markdown table. Run: ``.venv/bin/python benchmarks/workbench.py --sizes 10k,100k,1M``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from chromium import CHROMIUM, FLAGS  # noqa: E402
from sdglod_server import SdglodServer  # noqa: E402

AGGREGATE = (
    "PREFIX sdglod: <https://w3id.org/sdglod/ontology#>\n"
    "PREFIX sdgo: <http://metadata.un.org/sdg/ontology#>\n"
    "SELECT ?goal (COUNT(DISTINCT ?outcome) AS ?outcomes) WHERE {\n"
    "  ?outcome sdglod:servesTarget ?target . ?target sdgo:isTargetOf ?goal .\n"
    "} GROUP BY ?goal ORDER BY DESC(?outcomes)"
)
INDEX_WAIT = 30  # seconds: enough for the index at 1M triples (measured: about 9 s)
NAMES = "SELECT ?name WHERE { ?s <http://schema.org/name> ?name } LIMIT 400"


def timed_get(client: httpx.Client, path: str, **params: str) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    answer = client.get(path, params=params or None, headers={"Accept": "text/html"})
    return time.perf_counter() - started, answer


def lookup_texts(client: httpx.Client, count: int) -> list[str]:
    """Pieces of the data's own names: what a reader would type."""
    answer = client.get("/sparql", params={"query": NAMES, "format": "json"}).json()
    words: list[str] = []
    for binding in answer["results"]["bindings"]:
        for word in binding["name"]["value"].split():
            piece = "".join(c for c in word if c.isalnum())[: 3 + len(words) % 4]
            if len(piece) >= 3 and piece.lower() not in {w.lower() for w in words}:
                words.append(piece)
    return words[:count]


def in_browser(url: str) -> tuple[float, float]:
    """Seconds from navigation to the table made sortable, and for one sort by the script."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        started = time.perf_counter()
        page.goto(url, timeout=600_000)
        page.wait_for_selector("table.results th button.sort", timeout=600_000)
        ready = time.perf_counter() - started
        sort = page.evaluate(
            "() => { const t = performance.now();"
            " document.querySelectorAll('table.results th button.sort')[2].click();"
            " return (performance.now() - t) / 1000; }"
        )
        browser.close()
    return ready, sort


def measure(project: Path, lookups: int) -> dict[str, str]:
    row: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder, SdglodServer(project, Path(folder, "log")) as s:
        s.start()
        with httpx.Client(base_url=s.url, timeout=600) as client:
            first, answer = timed_get(client, "/sparql/terms.json")
            again, _ = timed_get(client, "/sparql/terms.json")
            terms = answer.json()
            row["terms.json first / again"] = f"{first * 1000:.0f} / {again * 1000:.1f} ms"
            row["classes, properties"] = f"{len(terms['classes'])}, {len(terms['properties'])}"
            texts = lookup_texts(client, lookups * 2)
            warm = []
            # While the server reads its index of names (started by terms.json), then after.
            for phase, part in (
                ("while the index is read", texts[:lookups]),
                ("index read", texts[lookups:]),
            ):
                if phase == "index read":
                    time.sleep(INDEX_WAIT)
                cold, found = [], []
                for text in part:
                    took, answer = timed_get(client, "/sparql/lookup.json", q=text, lang="en")
                    assert answer.status_code == 200, answer.text
                    cold.append(took)
                    found.append(len(answer.json()["results"]))
                    warm.append(timed_get(client, "/sparql/lookup.json", q=text, lang="en")[0])
                row[f"lookup, {phase}: median / max"] = (
                    f"{statistics.median(cold) * 1000:.0f} / {max(cold) * 1000:.0f} ms"
                    f" ({len(part)} texts, {statistics.median(found):.0f} found)"
                )
            row["lookup of a text again: median"] = f"{statistics.median(warm) * 1000:.1f} ms"
            took, answer = timed_get(client, "/sparql", query=AGGREGATE, view="chart")
            bars = answer.text.count('<g class="bar"')
            row["aggregate + chart page"] = f"{took * 1000:.0f} ms, {bars} bars"
            rows = terms["limits"]["rows"]
            big = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {rows}"
            took, answer = timed_get(client, "/sparql", query=big)
            size = len(answer.content) / 1e6
            row[f"page of {rows} rows"] = f"{took:.2f} s, {size:.1f} MB"
            ready, sort = in_browser(s.url + "/sparql?" + urlencode({"query": big, "lang": "en"}))
            row["Chromium: page to sortable / one sort"] = f"{ready:.2f} s / {sort * 1000:.0f} ms"
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M")
    parser.add_argument("--lookups", type=int, default=10, help="texts per phase")
    args = parser.parse_args()
    sizes = args.sizes.split(",")
    results = {}
    for size in sizes:
        project = HERE / "generated" / size
        if not project.is_dir():
            sys.exit(f"no {project}: run benchmarks/generate.py first")
        print(f"measuring {size} …", file=sys.stderr)
        results[size] = measure(project, args.lookups)
    names = list(next(iter(results.values())))
    print("| | " + " | ".join(sizes) + " |")
    print("| --- |" + " ---: |" * len(sizes))
    for name in names:
        print(f"| {name} | " + " | ".join(results[s][name] for s in sizes) + " |")


if __name__ == "__main__":
    main()

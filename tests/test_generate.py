"""The benchmark data generator: deterministic, conforming, and breaking exactly what it says.

Small sizes only (about 2,000 triples); the benchmarks themselves never run in the tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO

from sdglod.project import load_project
from sdglod.validation.validate import validate_project

GENERATE = REPO / "benchmarks" / "generate.py"
SIZE = "2k"


def generate(out: Path, *args: str) -> Path:
    done = subprocess.run(
        [sys.executable, str(GENERATE), SIZE, "-o", str(out), *args],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("generated") / "project")


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    # One violation of each kind.
    return generate(tmp_path_factory.mktemp("broken") / "project", "--violations", "14")


def test_same_arguments_give_byte_identical_files(generated, tmp_path):
    again = generate(tmp_path / "again")
    files = sorted(p.relative_to(generated) for p in generated.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for name in files:
        assert (generated / name).read_bytes() == (again / name).read_bytes(), name


def test_generated_data_has_the_size_asked_for_and_conforms(generated):
    report = validate_project(load_project(generated))
    assert report.results == ()
    assert 2_000 <= report.triples <= 2_500  # the data plus the copied ontology


def test_generated_data_uses_only_real_sdg_targets(generated, reference):
    kos = (reference / "un-sdg-kos" / "sdg-kos-goals-targets-indicators.ttl").read_text("utf-8")
    sdg = (generated / "data" / "sdg.ttl").read_text("utf-8")
    targets = {line.split()[0] for line in sdg.splitlines() if line.startswith("sdg:")}
    assert len(targets) > 17  # the 17 goals and some targets
    for name in targets:
        assert f"\n{name} a sdgo:" in kos, f"{name} is not in the UN SDG KOS"


def test_injected_violations_are_found_exactly(broken):
    manifest = json.loads((broken / "violations.json").read_text("utf-8"))
    assert manifest["violations"] == 14
    assert len(manifest["kinds"]) == 14
    report = validate_project(load_project(broken))
    found = Counter((r.rule, r.severity.value, r.focus_node) for r in report.results)
    expected = Counter(
        (kind["shape"], kind["severity"], focus)
        for kind in manifest["kinds"].values()
        for focus in kind["focus"]
    )
    assert found == expected


def test_too_many_violations_for_the_size_is_an_error(tmp_path):
    done = subprocess.run(
        [sys.executable, str(GENERATE), SIZE, "-o", str(tmp_path / "x"), "--violations", "500"],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "too few" in done.stderr

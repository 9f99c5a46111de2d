"""The pre-commit hook and the GitHub Action run `sdglod validate` the way their users get it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import REPO

FIXTURES = Path(__file__).parent / "fixtures" / "invalid"


def _action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))


def _run_action_step(project_dir: Path, strict: str = "false") -> subprocess.CompletedProcess:
    """Run the action's validation step with bash, as the runner would (sdglod on PATH)."""
    (step,) = [s for s in _action()["runs"]["steps"] if s.get("name") == "Validate"]
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "SDGLOD_PROJECT": str(project_dir),
        "SDGLOD_LANG": "en",
        "SDGLOD_STRICT": strict,
    }
    for name, value in step["env"].items():
        assert value.startswith("${{ inputs."), f"{name} comes from an input"
    return subprocess.run(
        ["bash", "-c", step["run"]], env=env, capture_output=True, text=True, timeout=120
    )


def test_action_inputs_have_defaults_and_the_steps_use_them():
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"project", "lang", "strict", "python-version"}
    assert all("default" in spec for spec in action["inputs"].values())
    install = next(s for s in action["runs"]["steps"] if s.get("name") == "Install sdglod")
    assert "GITHUB_ACTION_PATH" in install["run"]


def test_action_passes_on_conforming_data(project_dir):
    done = _run_action_step(project_dir)
    assert done.returncode == 0, done.stderr
    assert "✓ passes" in done.stdout


def test_action_annotates_violations_and_fails(project_dir):
    fixture = (FIXTURES / "email-malformed.ttl").read_text(encoding="utf-8")
    (project_dir / "data" / "zz-fixture.ttl").write_text(fixture, encoding="utf-8")
    done = _run_action_step(project_dir)
    assert done.returncode == 1
    assert re.search(r"^::error file=data/zz-fixture\.ttl,line=\d+,col=\d+,", done.stdout, re.M)


def test_action_strict_fails_on_warnings(project_dir):
    fixture = (FIXTURES / "campaign-without-description.ttl").read_text(encoding="utf-8")
    (project_dir / "data" / "zz-fixture.ttl").write_text(fixture, encoding="utf-8")
    assert _run_action_step(project_dir, strict="false").returncode == 0
    done = _run_action_step(project_dir, strict="true")
    assert done.returncode == 1
    assert done.stdout.startswith("::error ")


def test_pre_commit_hook_runs_the_validator_on_the_whole_project(project_dir):
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    assert pattern.search("data/events.ttl") and pattern.search("sdglod.toml")
    assert not pattern.search("README.md")
    command = [str(Path(sys.executable).parent / hook["entry"].split()[0])]
    command += hook["entry"].split()[1:]
    done = subprocess.run(command, cwd=project_dir, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr

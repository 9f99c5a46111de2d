"""Wall time of `sdglod validate` on a project, as a user runs it (a new process each time).

Usage: .venv/bin/python benchmarks/validation.py [PROJECT_DIR] [--runs N]

Reports the median of N runs with the SHACL-SHACL check of the shapes cached (the usual case)
and one run with an empty cache (the first run after the shapes change), plus the time of
`python -c "import sdglod.cli"` (start-up) for scale.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def wall(command: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path, default=REPO)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sdglod = str(Path(sys.executable).parent / "sdglod")
    command = [sdglod, "--project", str(args.project), "validate"]

    import os

    with tempfile.TemporaryDirectory() as cache:
        cold_env = {**os.environ, "SDGLOD_CACHE": cache}
        cold = wall(command, cold_env)
        warm = [wall(command, cold_env) for _ in range(args.runs)]
    startup = [wall([sys.executable, "-c", "import sdglod.cli"]) for _ in range(args.runs)]
    print(f"project: {args.project}")
    print(
        f"sdglod validate, shapes check cached: median {statistics.median(warm):.2f} s "
        f"(min {min(warm):.2f}, max {max(warm):.2f}, {args.runs} runs)"
    )
    print(f"sdglod validate, first run (shapes checked against SHACL-SHACL): {cold:.2f} s")
    print(f"python -c 'import sdglod.cli': median {statistics.median(startup):.2f} s")


if __name__ == "__main__":
    main()

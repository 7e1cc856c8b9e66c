"""CLI start-up benchmark: `hotline --help` and each `hotline <command> --help`, beside the
reference `python -c "import flask, click, sqlalchemy"` measured in the same run.

Each line is the median wall time of `--repeat` fresh processes (what a person waits for at
the prompt). Target: every help within 2x the reference.

    .venv/bin/python bench/cli.py [--repeat 7] [--commands users,menu,...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline.cli import COMMANDS  # noqa: E402

REFERENCE = [sys.executable, "-c", "import flask, click, sqlalchemy"]
HOTLINE = [sys.executable, "-m", "hotline.cli"]


def median_seconds(argv: list[str], repeat: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, check=True, timeout=120)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--commands", default=",".join(sorted(COMMANDS)))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as storage:
        # a storage root of its own: a help must not need (or write) anything there
        env = dict(os.environ, STORAGE_ROOT=storage)
        cases = [("hotline --help", [*HOTLINE, "--help"])]
        for command in args.commands.split(","):
            cases.append((f"hotline {command} --help", [*HOTLINE, command, "--help"]))
        median_seconds(REFERENCE, 2, env)  # warm the file cache
        reference = median_seconds(REFERENCE, args.repeat, env)
        print(f"{'command':<28} {'median ms':>10} {'x reference':>12}")
        print(f"{'reference: import flask, …':<28} {reference * 1000:>10.0f} {1:>12.2f}")
        worst = 0.0
        for name, argv in cases:
            seconds = median_seconds(argv, args.repeat, env)
            ratio = seconds / reference
            worst = max(worst, ratio)
            print(f"{name:<28} {seconds * 1000:>10.0f} {ratio:>12.2f}")
        # the reference is measured again last, so a machine that slowed down mid-run shows
        again = median_seconds(REFERENCE, args.repeat, env)
        print(f"reference again: {again * 1000:.0f} ms")
        verdict = "within" if worst <= 2.0 else "OVER"
        print(f"slowest help = {worst:.2f} x reference ({verdict} the 2x target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Start-up and overhead: cold ``optarena --help``, package imports, and a finished study's rerun.

Each command runs in a fresh interpreter; the best of ``--repeat`` runs is printed (wall seconds,
and CPU seconds of the process), next to ``import torch`` alone for scale (issue 18, items 3
and 5). The rerun is of a tiny digits study finished just before (nothing left to train).

    python benchmarks/bench_startup.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

TINY = (
    "--task", "digits-mlp", "--optimizers", "sgd,adam", "--seeds", "1", "--epochs", "1",
    "--subset", "200", "--executor", "serial",
)  # fmt: skip


def timed(argv: list[str], cwd: str | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of ``argv``; it must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


def best(argv: list[str], repeat: int, cwd: str | None = None) -> tuple[float, float]:
    runs = [timed(argv, cwd) for _ in range(repeat)]
    return min(w for w, _ in runs), min(c for _, c in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    py = sys.executable
    cases = [
        ("python -c pass", [py, "-c", "pass"]),
        ("import torch", [py, "-c", "import torch"]),
        ("optarena --help", [py, "-m", "optarena", "--help"]),
        ("import optarena.optim", [py, "-c", "import optarena.optim"]),
        ("import optarena.schedules", [py, "-c", "import optarena.schedules"]),
    ]
    print(f"best of {args.repeat}; {os.cpu_count()} cores")
    for label, argv in cases:
        wall, cpu = best(argv, args.repeat)
        print(f"{label:34s} {wall:6.2f} s wall  {cpu:6.2f} s CPU")
    with tempfile.TemporaryDirectory() as tmp:
        compare = [py, "-m", "optarena", "compare", *TINY, "--out", "runs"]
        timed([*compare, "--no-report"], cwd=tmp)  # the study, trained once
        for label, extra in (("rerun, finished, --no-report", ["--no-report"]), ("rerun", [])):
            wall, cpu = best([*compare, *extra], args.repeat, cwd=tmp)
            print(f"{label:34s} {wall:6.2f} s wall  {cpu:6.2f} s CPU")


if __name__ == "__main__":
    main()

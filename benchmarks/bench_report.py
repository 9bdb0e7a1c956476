"""Report and re-run overhead (issue 18, items 3-5): the built-in default study's report (as
``optarena report`` builds it: every figure a chart in report.html, no figure file; and with
``--png``), a 200-trial study's report, and the re-run of a finished study, each in a fresh
process.

Runs the default study once (``optarena compare``, real training; or reuses ``--store``),
then builds a 200-trial study from its stored rows: every one of its 39 trials is copied
under 4 more learning rates and more seeds (config changed, hence a new trial id; metrics and
summary those of the real trial), so the report draws 200 real training curves. Each case is
a fresh Python process, timed from outside (start-up and imports included); the best of
``--repeat`` runs is shown. Prints a table.

    python benchmarks/bench_report.py [--store runs/optarena.db] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIG_TRIALS = 200

REPORT = """
import sys
from optarena.report import build_report
from optarena.store import Store
formats = tuple(sys.argv[4].split(",")) if len(sys.argv) > 4 else ()
with Store(sys.argv[1], create=False) as store:
    build_report(store, sys.argv[2], sys.argv[3], formats=formats)
render = sys.modules.get("optarena.report.render")  # not even imported when up to date
print(render.RENDERS["count"] if render else 0)
from optarena.cli import exit_now
exit_now(0)  # the process ends as `optarena report` ends
"""


CPU = {"s": 0.0}  # CPU seconds (user + system) of the last command and its children


def run(cmd: list[str], cwd: Path) -> tuple[float, str]:
    """Wall seconds of ``cmd`` in a fresh process, and its stdout; its CPU seconds (with its
    worker processes) go to ``CPU``."""
    env = {**os.environ, "COLUMNS": "200", "PYTHONWARNINGS": "ignore"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["s"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    return wall, done.stdout


def make_big_study(store_path: Path, source: str, name: str, n: int = BIG_TRIALS) -> int:
    """Copy ``source``'s trials into study ``name`` until it has ``n`` trials: copy ``k >= 1``
    of a trial has its lr scaled by ``2**(k % 5)`` and its seed shifted by ``100 * (k // 5)``
    (a new config, so a new trial id). Returns the number of trials."""
    from optarena.store import Store

    with Store(store_path) as store:
        trials = [t for t in store.trials(source, role="final") if t.state.finished]
        metrics = store.metrics_frame(study=source)
        by_trial = {tid: rows for tid, rows in metrics.groupby("trial_id")}
        store.add_study(name, {**store.study(source).config, "note": "bench_report copies"})
        made = 0
        for k in range(1, n // len(trials) + 2):
            for t in trials:
                if made == n:
                    return made
                config = dict(t.config, lr=t.config["lr"] * 2 ** (k % 5))
                config["seed"] = t.config["seed"] + 100 * (k // 5)
                tid = store.add_trial(name, config)
                if t.id in by_trial:  # a trial diverged in its first epoch logged nothing
                    rows = by_trial[t.id][["step", "epoch", "split", "name", "value"]]
                    store.log_metrics(tid, [_row(r) for r in rows.itertuples(index=False)])
                assert store.claim(tid, "bench", 60)
                state = t.state.value
                store.finish(tid, state, t.summary or {}, error=t.error, owner="bench",
                             wall_s=t.wall_s)  # fmt: skip
                made += 1
    return made


def _row(r) -> tuple:
    import pandas as pd

    step = None if pd.isna(r.step) else int(r.step)  # missing: an epoch-level row
    epoch = None if pd.isna(r.epoch) else int(r.epoch)
    return (step, epoch, r.split, r.name, float(r.value))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a store holding the finished default study")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-report-"))
    py = sys.executable
    rows: list[tuple[str, float, float, str]] = []
    if args.store is None:
        wall, _ = run([py, "-m", "optarena", "compare", "--out", "runs"], work)
        rows.append(("default study end to end (training + report)", wall, CPU["s"], "first run"))
        store = work / "runs" / "optarena.db"
    else:
        store = args.store.resolve()
    # prime the plan cache when the store came from elsewhere (a first re-run writes it)
    compare = [py, "-m", "optarena", "compare", "--out", "runs", "--store", str(store)]
    first_rerun, board = run(compare, work)
    first_cpu = CPU["s"]
    big = make_big_study(store, "default", "bench-200")

    def report(study: str, fresh: bool, *formats: str) -> tuple[float, float, str]:
        """Best wall (and its CPU seconds) of building ``study``'s report: into a new folder
        each time (``fresh``) or into one already built (up to date); figure files in
        ``formats`` (none: the default, charts only)."""
        extra = [",".join(formats)] if formats else []
        if not fresh:
            run([py, "-c", REPORT, str(store), study, str(work / "reports" / study)], work)
        best = (float("inf"), 0.0, "")
        for i in range(args.repeat):
            out = work / "reports" / (f"{study}-{i}{''.join(formats)}" if fresh else study)
            wall, printed = run([py, "-c", REPORT, str(store), study, str(out), *extra], work)
            best = min(best, (wall, CPU["s"], printed.strip()))
        return best

    wall, cpu, n = report("default", fresh=True)
    rows.append(("default study: report, cold (39 trials)", wall, cpu, f"{n} figures drawn"))
    wall, cpu, n = report("default", True, "png")
    rows.append(("default study: report with --png, cold", wall, cpu, f"{n} figures drawn"))
    wall, cpu, n = report("bench-200", fresh=True)
    rows.append((f"{big}-trial study: report, cold", wall, cpu, f"{n} figures drawn"))
    wall, cpu, n = report("bench-200", fresh=False)
    rows.append((f"{big}-trial study: report, up to date", wall, cpu, f"{n} figures drawn"))
    best = (float("inf"), 0.0)
    for _ in range(args.repeat):
        wall, again = run(compare, work)
        best = min(best, (wall, CPU["s"]))
    same = "same leaderboard" if again == board else "LEADERBOARD DIFFERS"
    rows.append(("re-run of the finished default study (optarena compare)", *best, same))
    rows.append(("  (its first re-run, writing the plan cache)", first_rerun, first_cpu, ""))
    print(f"cores: {len(os.sched_getaffinity(0))}, best of {args.repeat}, fresh processes")
    print(f"{'case':58s} {'wall s':>7s} {'CPU s':>7s}  note")
    for case, wall, cpu, note in rows:
        print(f"{case:58s} {wall:7.2f} {cpu:7.2f}  {note}")


if __name__ == "__main__":
    main()

"""Time to target and AlgoPerf-style performance profiles over the tasks of several studies
(``--tasks a,b,c`` on ``optarena leaderboard`` and ``optarena report``).

Each study keeps its own targets (``verdicts.task_targets``: set in the study, else derived)
and metric direction; its entries' times to target are those of ``verdicts.time_to_target``.
The tasks of all studies are then the problems of one profile: a solver (optimizer/schedule)
scores by the AlgoPerf rule over all of them (``verdicts.cross_task_scores``; Dahl et al.,
"Benchmarking Neural Network Training Algorithms", 2023). A task name found in two studies is
told apart as ``study/task``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from optarena import atomic
from optarena.metrics import of_summary
from optarena.store import Store, TrialState


@dataclass(frozen=True)
class CrossTask:
    """Times to target of every entry on every task (``time_to_target`` columns plus
    ``study``), and, with two tasks or more, the profiles and integrated scores."""

    studies: tuple[str, ...]
    times: pd.DataFrame
    profiles: pd.DataFrame | None
    scores: pd.Series | None


def parse_tasks(text: str) -> list[str]:
    """``a,b,c`` -> ``["a", "b", "c"]`` (blanks dropped; a repeated name is a ValueError)."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise ValueError("--tasks needs study names separated by commas, e.g. --tasks a,b")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"--tasks names a study twice: {', '.join(repeated)}")
    return names


def higher_is_better(store: Store, study: str) -> bool:
    """The direction of the metric the study's trials are scored by (accuracy: higher)."""
    records = store.trials(study, state=TrialState.COMPLETE, role="final")
    metrics = {of_summary(r.summary) for r in records if r.summary}
    return next(iter(metrics)).higher_is_better if len(metrics) == 1 else True


def cross_task(store: Store, studies: Sequence[str]) -> CrossTask:
    """Time to target per study and task, then profiles and scores over all the tasks."""
    from optarena.report.verdicts import cross_task_scores, time_to_target

    parts = []
    for study in studies:
        if store.study(study).config.get("source") == "algoperf":
            raise ValueError(f"{study} is an imported AlgoPerf study: use optarena score on it")
        ttt = time_to_target(store, study, higher_is_better=higher_is_better(store, study))
        if not ttt.empty:
            parts.append(ttt.assign(study=study))
    if not parts:
        raise ValueError(f"no complete final trials to time in {', '.join(studies)}")
    times = pd.concat(parts, ignore_index=True)
    owners = times.groupby("task")["study"].nunique()
    shared = set(owners[owners > 1].index)
    times["task"] = [
        f"{s}/{t}" if t in shared else t for s, t in zip(times["study"], times["task"], strict=True)
    ]
    scored = cross_task_scores(times)
    profiles, scores = scored if scored is not None else (None, None)
    return CrossTask(tuple(studies), times, profiles, scores)


COLUMNS = ["study", "task", "optimizer", "schedule", "target", "epochs", "steps", "seconds",
           "n_reached", "n_seeds"]  # fmt: skip


def score_frame(result: CrossTask) -> pd.DataFrame:
    """``rank, solver, score`` best first (empty with fewer than two tasks)."""
    if result.scores is None:
        return pd.DataFrame(columns=["rank", "solver", "score"])
    frame = result.scores.rename("score").rename_axis("solver").reset_index()
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


def write_cross_task_report(store: Store, studies: Sequence[str], out: Path) -> Path:
    """Write ``report.md``, ``report.html``, ``time_to_target.csv``, ``scores.csv``,
    ``cross_task.json`` and the profile figure into ``out``; returns the HTML page's path."""
    from optarena.report import verdict_figs
    from optarena.report.verdicts import Verdicts, _figure, _html_table, _md_table

    result = cross_task(store, studies)
    out.mkdir(parents=True, exist_ok=True)
    times, scores = result.times[COLUMNS], score_frame(result)
    atomic.write_text(out / "time_to_target.csv", times.to_csv(index=False))
    atomic.write_text(out / "scores.csv", scores.to_csv(index=False))
    title = f"Time to target across {len(result.studies)} studies: {', '.join(result.studies)}"
    md = [f"# {title}", "", "Median over seeds; a seed that misses its target counts as inf.", ""]
    parts = [f"<h1>{html.escape(title)}</h1>"]
    if result.profiles is not None:
        md += ["## Integrated performance-profile scores (AlgoPerf's rule)", "", _md_table(scores)]
        parts += ["<h2>Integrated performance-profile scores</h2>", _html_table(scores)]
        fig = verdict_figs.time_profile_figure(
            result.profiles.loc[result.scores.index], "Performance profiles of time to target"
        )
        _figure(Verdicts(), md, parts, out, "time_profiles", fig)
    else:
        md += ["Profiles need two tasks or more; these studies hold one.", ""]
    md += ["## Time to target", "", _md_table(times)]
    parts += ["<h2>Time to target</h2>", _html_table(times)]
    numbers = {
        "studies": list(result.studies),
        "scores": {} if result.scores is None else {k: float(v) for k, v in result.scores.items()},
        "time_to_target": json.loads(times.to_json(orient="records")),
    }
    atomic.write_text(out / "cross_task.json", json.dumps(numbers))
    atomic.write_text(out / "report.md", "\n".join(md) + "\n")
    page = out / "report.html"
    atomic.write_text(
        page,
        "<!doctype html><html><head><meta charset='utf-8'><title>"
        f"{html.escape(title)}</title></head><body>{''.join(parts)}</body></html>\n",
    )
    return page

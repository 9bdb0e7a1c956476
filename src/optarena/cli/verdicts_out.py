"""Leaderboard additions of the verdicts: win probabilities in ``--format json``, the seeds
planner under the table, and ``--budget K`` (rank by the expected best of K search trials)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from optarena.store import Store


def study_metric(store: Store, study: str) -> Any:
    """The metric the study's trials are scored by (:func:`optarena.metrics.of_summary`)."""
    from optarena.metrics import of_summary

    for record in store.trials(study):
        if record.summary:
            return of_summary(record.summary)
    return of_summary(None)


def wins_for(store: Store, study: str, frame: pd.DataFrame) -> tuple[dict, dict]:
    """Win probabilities among each task's top entries and the seeds planner's verdicts (on
    the study's metric, in its direction)."""
    from optarena.analysis.wins import leaderboard_wins

    if frame.empty:
        return {}, {}
    metric = study_metric(store, study)
    return leaderboard_wins(
        store, study, frame, metric=f"test_{metric.key}", higher_is_better=metric.higher_is_better
    )


def json_with_wins(frame: pd.DataFrame, wins: dict[str, Any]) -> str:
    """The leaderboard's JSON rows, each top entry with ``win_prob`` ({entry: {p, low, high,
    n}}: P(this entry beats that one) over paired seeds); NaN becomes null."""
    from optarena.analysis.export import records

    rows = records(frame)
    for row in rows:
        if row.get("entry") in wins:
            row["win_prob"] = {
                b: {k: (None if v != v else v) for k, v in w.items()}
                for b, w in wins[row["entry"]].items()
            }
    return json.dumps(rows, allow_nan=False)


def print_plans(plans: dict[str, dict[str, Any]]) -> None:
    """The seeds planner's line per task whose top two the current seeds cannot separate."""
    from optarena.cli.output import console

    for task, plan in plans.items():
        if plan["message"]:
            prefix = f"{task}: " if len(plans) > 1 else ""
            console.print(f"seeds planner: {prefix}{plan['message']}", markup=False)


def print_budget(store: Store, study: str, k: int, fmt: str) -> None:
    """Each task's entries ranked by the expected best validation score after ``k`` trials."""
    from optarena.analysis import export
    from optarena.analysis.budget import budget_curves, rank_at_budget

    metric = study_metric(store, study)
    higher = metric.higher_is_better
    curves = budget_curves(store, study, metric=f"best_val_{metric.key}", higher_is_better=higher)
    if curves.empty:
        raise ValueError(f"study {study!r} has no complete search trials to draw budgets from")
    frame = rank_at_budget(curves, k, higher_is_better=higher)
    frame = frame[["rank", "task", "optimizer", "schedule", "k", "expected", "low", "high",
                   "n_trials"]]  # fmt: skip
    if fmt == "json":
        print(export.to_json(frame))
    elif fmt == "csv":
        print(export.to_csv(frame), end="")
    elif fmt == "markdown":
        print(export.to_markdown(frame), end="")
    else:
        from optarena.cli.output import print_table

        print_table(
            export.records(frame),
            title=f"{study}: expected best {metric.label} after {k} trials ({metric.direction})",
        )


def print_cross_task(store: Store, study: str | None, tasks: str, fmt: str) -> None:
    """``--tasks``: the solvers' integrated scores over the studies' tasks (json: also the
    time-to-target rows; table: both tables)."""
    from optarena.analysis import export
    from optarena.report.cross_task import COLUMNS, cross_task, parse_tasks, score_frame

    studies = ([study] if study else []) + [t for t in parse_tasks(tasks) if t != study]
    result = cross_task(store, studies)
    scores, times = score_frame(result), result.times[COLUMNS]
    if fmt == "json":  # a missed target (inf) is null, as in the report's JSON
        finite = times.replace([float("inf"), float("-inf")], float("nan"))
        print(
            json.dumps(
                {"studies": studies, "scores": export.records(scores),
                 "time_to_target": export.records(finite)},
                allow_nan=False,
                default=str,
            )
        )  # fmt: skip
    elif fmt == "csv":
        print(export.to_csv(scores), end="")
    elif fmt == "markdown":
        print(export.to_markdown(scores), end="")
    else:
        from optarena.cli.output import console, print_table

        print_table(export.records(times), title="time to target (median over seeds)")
        if result.scores is None:
            console.print("performance profiles need two tasks or more")
        else:
            print_table(export.records(scores), title="integrated performance-profile score")

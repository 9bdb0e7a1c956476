"""The numbers the report's figures draw, computed without matplotlib: the matplotlib figures
(``bars``, ``lr_figs``, ``profiles_fig``) and the interactive charts (``charts``) both draw
these, so a report of charts only never imports matplotlib."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from optarena.analysis import profile, ratios, summarize
from optarena.report.data import StudyData


def mean_ci(values: Sequence[float], level: float = 0.95) -> tuple[float, float, float]:
    """``(mean, lo, hi)`` of the finite values: the Student-t interval of
    ``optarena.analysis.summarize``; ``lo = hi = mean`` for a single value, NaN for none."""
    s = summarize([v for v in values if math.isfinite(v)], level)
    if s.n == 1:
        return s.mean, s.mean, s.mean
    return s.mean, s.low, s.high


def lr_traces(data: StudyData) -> dict[str, pd.DataFrame]:
    """For each entry with step-level ``lr`` rows: ``step``/``lr`` of its first trial (the LR
    a schedule gives does not depend on the seed). Entries whose traces coincide keep the
    first (best-ranked) label only."""
    out: dict[str, pd.DataFrame] = {}
    seen: set[bytes] = set()
    for label in data.finals:
        for tid in data.trial_ids(label):
            rows = data.metrics_by_trial.get(tid)
            if rows is None:
                continue
            keep = rows["step"].notna() & (rows["name"] == "lr") & (rows["split"] == "train")
            trace = rows[keep][["step", "value"]]
            if trace.empty:
                continue
            trace = trace.rename(columns={"value": "lr"}).sort_values("step")
            trace["step"] = trace["step"].astype(np.int64)
            key = trace.to_numpy(np.float64).tobytes()
            if key not in seen:
                seen.add(key)
                out[label] = trace.reset_index(drop=True)
            break
    return out


def schedule_traces(data: StudyData) -> dict[str, pd.DataFrame]:
    """``lr_traces`` when at least one learning rate changes during training; ``{}`` when
    every trace is flat (no schedule: the figure would only repeat the lr column)."""
    traces = lr_traces(data)
    moving = any(t["lr"].nunique() > 1 for t in traces.values())
    return traces if moving else {}


def sensitivity_table(data: StudyData, metric: str = "score") -> pd.DataFrame:
    """Rows ``group, lr, mean, lo, hi, n, diverged`` per (entry-without-LR, LR): the seeds'
    mean ``metric`` (default: test accuracy of complete trials) with its 95% CI, over the final
    trials (a tuned study's search trials have their own section). ``group`` is the entry
    label with its ``lr=`` part removed (the optimizer, plus whatever else varies).
    Only groups with 2+ LRs are kept."""
    t = data.final_trials
    t = t[t["state"].isin(("complete", "diverged"))].copy()
    t["group"] = [without_lr(label) for label in t["label"]]
    rows = []
    for (group, lr), part in t.groupby(["group", "lr"], sort=True):
        mean, lo, hi = mean_ci(part[metric].tolist())
        n = int(np.isfinite(part[metric]).sum())
        rows.append(
            {
                "group": group,
                "lr": float(lr),
                "mean": mean,
                "lo": lo,
                "hi": hi,
                "n": n,
                "diverged": int((part["state"] == "diverged").sum()),
            }
        )
    table = pd.DataFrame(rows, columns=["group", "lr", "mean", "lo", "hi", "n", "diverged"])
    counts = table.groupby("group")["lr"].nunique()
    keep = set(counts[counts >= 2].index)
    return table[table["group"].isin(keep)].reset_index(drop=True)


def without_lr(label: str) -> str:
    return " ".join(p for p in label.split(" ") if not p.startswith("lr=")) or label


def group_colours(data: StudyData, groups: list[str]):
    """A group takes the look of its best-ranked entry, so an optimizer keeps its colour."""
    out = {}
    used: set[str] = set()
    for group in groups:
        for label in data.order:
            look = data.look[label]
            if without_lr(label) == group and look.colour not in used:
                out[group] = look
                used.add(look.colour)
                break
        else:
            out[group] = next(iter(data.look.values()))
    return out


def cost_table(data: StudyData) -> pd.DataFrame:
    """Tasks × solvers: test error of each solver's best entry (by mean test accuracy)."""
    t = data.final_trials[data.final_trials["state"] == "complete"]
    means = t.groupby(["task", "solver", "label"])["score"].mean().reset_index()
    best = means.groupby(["task", "solver"])["score"].max().unstack("solver")
    solvers = list(dict.fromkeys(data.final_trials["solver"]))
    best = best.reindex(index=data.tasks, columns=solvers)
    return 1.0 - best


def profile_steps(data: StudyData, points: int) -> tuple[pd.DataFrame, np.ndarray, Any, Any] | None:
    """``(costs, taus, rho, looks)`` of the study's performance profiles: τ on ``points``
    log-spaced values from 1 to past the largest finite ratio, plus every ratio itself (where
    the steps are); None for a single-task study."""
    if len(data.tasks) < 2:
        return None
    costs = cost_table(data)
    r = ratios(costs).to_numpy()
    finite = r[np.isfinite(r)]
    top = max(2.0, float(finite.max()) * 1.2) if finite.size else 2.0
    taus = np.unique(np.concatenate([np.geomspace(1.0, top, points), finite]))
    return costs, taus, profile(costs, taus), solver_looks(data, list(costs.columns))


def solver_looks(data: StudyData, solvers: list[str]):
    by_solver = dict(zip(data.trials["label"], data.trials["solver"], strict=True))
    out = {}
    for label in data.order:
        solver = by_solver.get(label)
        if solver is not None and solver not in out:
            out[solver] = data.look[label]
    fallback = next(iter(data.look.values()))
    return {s: out.get(s, fallback) for s in solvers}

"""The leaderboard of a study: one row per entry (optimizer, schedule and hyper-parameters, all
seeds together), ranked by the mean test metric of the best-validation checkpoint: accuracy
(higher is better) unless the task declares another (``metric`` column; :mod:`optarena.metrics`,
e.g. bits per character, lower is better). ``mean``/``final_acc`` hold that metric.

Counting rules:

- an entry is the set of trials whose configs are equal once ``seed`` is removed (its id,
  ``entry``, is the config hash of that seedless config);
- accuracy columns (``mean``, ``std``, the 95% t-interval ``ci95``/``ci_low``/``ci_high``,
  ``best_epoch``, ``final_acc``, time to target, ``wall_s``) use **complete** trials only;
  ``n_seeds`` is how many. Diverged and failed trials are counted in ``n_diverged`` and
  ``n_failed`` (unfinished ones in ``n_pending``) and never enter a mean: a diverged run's
  accuracy says nothing about the optimizer at a working learning rate, and the count shows it;
- ranks are per task (a study may span several); entries without a complete trial rank last;
- ``p_value`` is a two-sided paired test (t-test by default) of the entry against its task's
  leader over the seeds both completed (NaN with fewer than two shared seeds, and for the
  leader); ``sig`` is ``"*"`` when ``p_value < alpha`` and the entry is worse on those seeds;
- ``tuned`` is true when a trial's config has a true ``lr_tuned`` or, for final trials, the
  study also holds search trials of the same task, optimizer and schedule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from optarena.analysis.stats import PairedMethod, paired_test, summarize, time_to_target
from optarena.metrics import of_summary
from optarena.store import Store, TrialRecord, TrialState, config_hash

COLUMNS = (
    "rank", "task", "optimizer", "schedule", "lr", "hparams", "mean", "std", "ci95", "ci_low",
    "ci_high", "n_seeds", "best_epoch", "final_acc", "wall_s", "n_diverged", "n_failed",
    "n_pending", "tuned", "p_value", "sig", "entry", "metric",
)  # fmt: skip
TARGET_COLUMNS = ("epochs_to_target", "secs_to_target", "n_reached")
_NAMED_KEYS = frozenset({"task", "optimizer", "opt", "lr", "schedule", "sched", "seed", "lr_tuned"})


def leaderboard(
    store: Store,
    study: str,
    *,
    target_acc: float | None = None,
    role: str | None = "final",
    method: PairedMethod = "t",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """The study's leaderboard (columns ``COLUMNS``; with ``target_acc`` also
    ``TARGET_COLUMNS`` after ``final_acc``). ``role=None`` ranks search and final trials."""
    store.study(study)  # unknown study: ValueError with close matches
    records = store.trials(study, role=role)
    groups: dict[str, list[TrialRecord]] = {}
    for record in records:
        groups.setdefault(entry_id(record.config), []).append(record)
    searched = _searched(store, study) if role == "final" else set()
    metric = of_summary(next((r.summary for r in records if r.summary), None))
    targets = _targets(store, study, target_acc, metric) if target_acc is not None else {}
    varying = _varying_keys([g[0].config for g in groups.values()])
    rows = [
        _row(key, group, searched, targets, varying, target_acc is not None)
        for key, group in groups.items()
    ]
    frame = _rank(rows, method, alpha)
    columns = list(COLUMNS)
    if target_acc is not None:
        at = columns.index("final_acc") + 1
        columns[at:at] = TARGET_COLUMNS
    return frame.reindex(columns=columns)


def entry_id(config: Mapping[str, Any]) -> str:
    """The id of a config's leaderboard entry: the hash of the config without its seed."""
    return config_hash({k: v for k, v in config.items() if k != "seed"})


def _row(
    entry: str,
    group: list[TrialRecord],
    searched: set[tuple[Any, ...]],
    targets: Mapping[str, tuple[float, float]],
    varying: Sequence[str],
    with_target: bool,
) -> dict[str, Any]:
    config = group[0].config
    done = [r for r in group if r.state is TrialState.COMPLETE]
    metric = of_summary(next((r.summary for r in group if r.summary), None))
    key = metric.key
    acc = {r.config.get("seed"): _num((r.summary or {}).get(f"test_{key}")) for r in done}
    s = summarize(acc.values())
    row: dict[str, Any] = {
        "task": task_of(config),
        "optimizer": config.get("optimizer"),
        "schedule": config.get("schedule") or "none",
        "lr": _num(config.get("lr")),
        "hparams": hparams(config, varying),
        "mean": s.mean,
        "std": s.std,
        "ci95": s.half_width,
        "ci_low": s.low,
        "ci_high": s.high,
        "n_seeds": s.n,
        "best_epoch": _mean((r.summary or {}).get("best_epoch") for r in done),
        "final_acc": _mean((r.summary or {}).get(f"final_test_{key}") for r in done),
        "wall_s": _mean(r.wall_s for r in done),
        "n_diverged": sum(r.state is TrialState.DIVERGED for r in group),
        "n_failed": sum(r.state is TrialState.FAILED for r in group),
        "n_pending": sum(not r.state.finished for r in group),
        "tuned": any(bool(r.config.get("lr_tuned")) for r in group) or _family(config) in searched,
        "entry": entry,
        "metric": metric.name,
        "_higher": metric.higher_is_better,
        "_acc": acc,
    }
    if with_target:
        hits = [targets.get(r.id, (math.nan, math.nan)) for r in done]
        reached = [h for h in hits if not math.isnan(h[0])]
        row["epochs_to_target"] = _mean(h[0] for h in reached)
        row["secs_to_target"] = _mean(h[1] for h in reached)
        row["n_reached"] = len(reached)
    return row


def _rank(rows: list[dict[str, Any]], method: PairedMethod, alpha: float) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame(columns=list(COLUMNS))
    frame = pd.DataFrame(rows)
    frame["_task"] = frame["task"].astype(str)
    frame["_nan"] = frame["mean"].isna()
    frame["_score"] = frame["mean"].where(frame["_higher"].astype(bool), -frame["mean"])
    frame = frame.sort_values(
        ["_task", "_nan", "_score", "n_seeds", "entry"], ascending=[True, True, False, False, True]
    ).reset_index(drop=True)
    frame["rank"] = frame.groupby("_task").cumcount() + 1
    p_values, marks = [], []
    leaders = frame[frame["rank"] == 1].set_index("_task")
    for _, row in frame.iterrows():
        leader = leaders.loc[row["_task"]]
        result = None
        if row["rank"] != 1 and not leader["_nan"]:
            result = paired_test(row["_acc"], leader["_acc"], method=method)
        p = math.nan if result is None else result.p_value
        p_values.append(p)
        worse = result is not None and (result.mean_diff < 0) == bool(row["_higher"])
        marks.append("*" if worse and p < alpha and result.mean_diff != 0 else "")
    frame["p_value"] = np.asarray(p_values, dtype=np.float64)
    frame["sig"] = marks
    return frame.drop(columns=["_task", "_nan", "_acc", "_score", "_higher"])


def hparams(config: Mapping[str, Any], varying: Sequence[str] = ()) -> str:
    """A compact ``k=v`` string: optimizer hyper-parameters, schedule ones (``sched.k``), then
    the other config keys in ``varying``."""
    parts = [f"{k}={_fmt(v)}" for k, v in sorted((config.get("opt") or {}).items())]
    parts += [f"sched.{k}={_fmt(v)}" for k, v in sorted((config.get("sched") or {}).items())]
    parts += [f"{k}={_fmt(config.get(k))}" for k in varying]
    return ", ".join(parts)


def _varying_keys(configs: Sequence[Mapping[str, Any]]) -> list[str]:
    """Config keys outside the named columns whose values differ between entries."""
    keys = sorted({k for c in configs for k in c} - _NAMED_KEYS)
    return [k for k in keys if len({repr(c.get(k)) for c in configs}) > 1]


def _searched(store: Store, study: str) -> set[tuple[Any, ...]]:
    return {_family(r.config) for r in store.trials(study, role="search")}


def _family(config: Mapping[str, Any]) -> tuple[Any, ...]:
    return (task_of(config), config.get("optimizer"), config.get("schedule"))


def task_of(config: Mapping[str, Any]) -> str:
    """The task's name, or the folder or file name of a study on data given by path."""
    if config.get("task"):
        return str(config["task"])
    data = str(config.get("data") or "-").rstrip("/\\")
    return data.replace("\\", "/").rsplit("/", 1)[-1] or data


def _targets(
    store: Store, study: str, target: float, metric: Any
) -> dict[str, tuple[float, float]]:
    """Per trial, when its validation metric first reaches ``target`` (in its direction)."""
    rows = store.metrics_frame(study=study, names=[metric.key, "wall_s"], level="epoch")
    return {
        tid: time_to_target(part, target, key=metric.key, higher_is_better=metric.higher_is_better)
        for tid, part in rows.groupby("trial_id")
    }


def _num(value: Any) -> float:
    return math.nan if value is None else float(value)


def _mean(values: Any) -> float:
    x = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    return float(np.mean(x)) if x else math.nan


def _fmt(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)

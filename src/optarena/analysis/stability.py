"""Ranking stability: the ranking of entries at every epoch against the final one.

The ranking at epoch ``e`` orders entries by their mean validation metric over seeds at that
epoch; Kendall's tau-b (Kendall, Biometrika 1945; ``scipy.stats.kendalltau``'s default)
measures its agreement with the ranking at the last epoch all entries reached: 1 identical,
-1 reversed. A warning names the last epoch whose leader is not the final leader.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from optarena.analysis.leaderboard import entry_id, task_of
from optarena.store import Store, TrialState


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float:
    """Kendall's tau-b of two paired samples (ties handled as ``scipy.stats.kendalltau``)."""
    a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError("kendall_tau_b needs two samples of the same length")
    i, j = np.triu_indices(a.size, k=1)
    da, db = np.sign(a[i] - a[j]), np.sign(b[i] - b[j])
    n0 = i.size
    n1, n2 = int(np.sum(da == 0)), int(np.sum(db == 0))
    denom = math.sqrt((n0 - n1) * (n0 - n2))
    return float(np.sum(da * db) / denom) if denom else math.nan


def epoch_means(store: Store, study: str, *, metric: str = "acc") -> pd.DataFrame:
    """Entries × epochs (one task per entry): the mean over complete seeds of ``val/metric``.

    The index holds ``(task, entry label)`` pairs; the label is ``optimizer`` plus schedule
    and the entry id's first 6 characters when the optimizer alone is ambiguous."""
    records = {r.id: r for r in store.trials(study, state=TrialState.COMPLETE, role="final")}
    rows = store.metrics_frame(
        trial_ids=list(records), names=[metric], splits=["val"], level="epoch"
    )
    if rows.empty:
        return pd.DataFrame()
    config = {tid: r.config for tid, r in records.items()}
    rows = rows.dropna(subset=["epoch"]).copy()
    rows["task"] = [task_of(config[t]) for t in rows["trial_id"]]
    rows["entry"] = [_label(config[t]) for t in rows["trial_id"]]
    table = rows.pivot_table(index=["task", "entry"], columns="epoch", values="value")
    return table.sort_index()


def _label(config: dict[str, object]) -> str:
    schedule = config.get("schedule") or "none"
    return f"{config.get('optimizer')}/{schedule}@{entry_id(config)[:6]}"


def ranking_stability(means: pd.DataFrame, *, higher_is_better: bool = True) -> pd.DataFrame:
    """Per epoch: ``epoch, tau`` (against the final epoch), ``leader`` and ``final_leader``.

    ``means`` is entries × epochs for one task; the final epoch is the last one with a value
    for every entry (epochs missing an entry are skipped)."""
    full = means.dropna(axis=1, how="any")
    if full.shape[1] == 0 or full.shape[0] < 2:
        return pd.DataFrame(columns=["epoch", "tau", "leader", "final_leader"])
    sign = 1.0 if higher_is_better else -1.0
    final = full.iloc[:, -1] * sign
    final_leader = str(final.idxmax())
    rows = []
    for epoch in full.columns:
        col = full[epoch] * sign
        rows.append(
            {
                "epoch": int(epoch),
                "tau": kendall_tau_b(col.to_numpy(), final.to_numpy()),
                "leader": str(col.idxmax()),
                "final_leader": final_leader,
            }
        )
    return pd.DataFrame(rows)


def flip_warning(table: pd.DataFrame) -> str | None:
    """A one-line warning when an earlier epoch's leader is not the final leader."""
    if table.empty:
        return None
    flipped = table[table["leader"] != table["final_leader"]]
    if flipped.empty:
        return None
    last = flipped.iloc[-1]
    return (
        f"the ranking flips late: at epoch {int(last['epoch'])} {last['leader']} led "
        f"(Kendall tau {last['tau']:.2f} against the final ranking), but "
        f"{last['final_leader']} leads at the end"
    )


def stability_by_task(
    store: Store, study: str, *, metric: str = "acc", higher_is_better: bool = True
) -> dict[str, pd.DataFrame]:
    """``ranking_stability`` for every task of a study."""
    means = epoch_means(store, study, metric=metric)
    if means.empty:
        return {}
    return {
        str(task): ranking_stability(part.droplevel("task"), higher_is_better=higher_is_better)
        for task, part in means.groupby(level="task")
    }

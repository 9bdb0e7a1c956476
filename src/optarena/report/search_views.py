"""A tuned study's search trials, in their own section: search history, parallel coordinates
and hyper-parameter importance.

The search (``optarena.study.tuning``) scores a candidate by its best validation metric; a
candidate that successive halving stopped is stored ``failed`` with "pruned by successive
halving at epoch N". Here each optimizer's candidates are numbered in the order they ran and
drawn against the trial number and the learning rate (pruned ones as ✕ at their last
validation value), as in optuna's ``plot_optimization_history`` and ``plot_slice``; the
parallel-coordinates view follows ``plot_parallel_coordinate``, and importance comes from
optuna's own evaluator (PED-ANOVA, Watanabe et al. 2023: fast enough for a report;
https://optuna.readthedocs.io/en/stable/reference/importance.html).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

from optarena.report.charts import Chart, num, panel
from optarena.report.data import StudyData, metric_of

PRUNED_AT = re.compile(r"pruned by successive halving at epoch (\d+)")
MIN_TRIALS = 4  # an optimizer's importance needs this many complete candidates


def search_table(data: StudyData) -> pd.DataFrame:
    """One row per search trial: ``id, optimizer, number`` (1-based, per optimizer), ``lr``,
    ``params`` (the candidate's searched values: lr and hyper-parameters that vary among the
    optimizer's candidates), ``state`` (complete, pruned, diverged, failed), ``score`` (best
    validation metric; a pruned trial's last one) and ``note``."""
    t = data.search_trials
    cols = ["id", "optimizer", "number", "lr", "params", "state", "score", "note"]
    if t.empty:
        return pd.DataFrame(columns=cols)
    key = metric_of(data.trials).key
    rows = []
    for optimizer, group in t.groupby("optimizer", sort=False):
        opts = [dict(c.get("opt") or {}) for c in group["config"]]
        varying = sorted(
            k
            for k in {k for o in opts for k in o}
            if len({repr(o.get(k)) for o in opts}) > 1
            and all(isinstance(o.get(k), (int, float)) for o in opts)
        )
        for number, (row, opt) in enumerate(zip(group.itertuples(), opts, strict=True), 1):
            state, note = str(row.state), ""
            score = num((row.summary or {}).get(f"best_val_{key}"))
            pruned = PRUNED_AT.search(str(row.error or "")) if state == "failed" else None
            if pruned:
                state, note = "pruned", f"pruned at epoch {pruned.group(1)}"
                score = _last_val(data, row.id, key)
            elif state != "complete":
                note = state
            params = {"lr": float(row.lr), **{k: float(opt[k]) for k in varying}}
            rows.append([row.id, str(optimizer), number, float(row.lr), params, state, score, note])
    return pd.DataFrame(rows, columns=cols)


def _last_val(data: StudyData, trial_id: str, key: str) -> float | None:
    rows = data.metrics_by_trial.get(str(trial_id))
    if rows is None:
        return None
    rows = rows[rows["step"].isna() & (rows["split"] == "val") & (rows["name"] == key)]
    rows = rows[np.isfinite(rows["value"])]
    return num(rows.sort_values("epoch")["value"].iloc[-1]) if len(rows) else None


def optimizer_colours(data: StudyData) -> dict[str, str]:
    """Each optimizer takes the colour of its best-ranked entry."""
    by_label = dict(zip(data.trials["label"], data.trials["optimizer"], strict=True))
    out: dict[str, str] = {}
    for label in data.order:
        out.setdefault(str(by_label.get(label)), data.look[label].colour)
    return out


def history_chart(data: StudyData, table: pd.DataFrame | None = None) -> Chart | None:
    """Score against trial number and against the learning rate, one series per optimizer."""
    table = search_table(data) if table is None else table
    if table.empty:
        return None
    colours = optimizer_colours(data)
    label = f"best validation {metric_of(data.trials).label}"
    by_number, by_lr = [], []
    for optimizer, part in table.groupby("optimizer", sort=False):
        part = part[part["score"].notna()]
        marks = ["x" if s == "pruned" else "o" for s in part["state"]]
        notes = [f"trial {n}, lr {v:.3g}" + (f", {m}" if m else "") for n, v, m in
                 zip(part["number"], part["lr"], part["note"], strict=True)]  # fmt: skip
        for target, xs in ((by_number, part["number"]), (by_lr, part["lr"])):
            points = [[num(x), num(y), n, m] for x, y, n, m in
                      zip(xs, part["score"], notes, marks, strict=True)]  # fmt: skip
            target.append({"name": optimizer, "colour": colours.get(optimizer, "#555"),
                           "mode": "markers", "points": points})  # fmt: skip
    return {"panels": [panel("Against the trial number", "search trial", label, by_number),
                       panel("Against the learning rate", "learning rate", label, by_lr,
                             xlog=True)]}  # fmt: skip


def history_figure(data: StudyData) -> Any:
    """The same search history for Markdown pages (matplotlib, PNG/SVG)."""
    from optarena.report.style import log_axis, new_figure, outside_legend, styled

    table = search_table(data)
    if table.empty:
        return None
    colours = optimizer_colours(data)
    with styled():
        fig, axes = new_figure(1, 2, width=5.0, height=4.0)
        for ax, column, xlabel in zip(axes[0], ("number", "lr"), ("search trial", "learning rate"),
                                      strict=True):  # fmt: skip
            for optimizer, part in table.groupby("optimizer", sort=False):
                part = part[part["score"].notna()]
                ok, cut = part[part["state"] != "pruned"], part[part["state"] == "pruned"]
                colour = colours.get(optimizer, "#555")
                ax.scatter(ok[column], ok["score"], color=colour, s=22, label=optimizer)
                ax.scatter(cut[column], cut["score"], color=colour, marker="x", s=30)
            ax.set_xlabel(xlabel)
            if column == "lr":
                log_axis(ax, "x")
        axes[0][0].set_ylabel(f"best validation {metric_of(data.trials).label}")
        outside_legend(axes[0][1], title="✕: pruned")
        fig.suptitle("Search trials per optimizer")
    return fig


def parallel_chart(data: StudyData, table: pd.DataFrame | None = None) -> Chart | None:
    """Parallel coordinates: the learning rate, every searched hyper-parameter, the score."""
    table = search_table(data) if table is None else table
    table_ok = table[table["score"].notna()]
    if len(table_ok) < 2:
        return None
    names = list(dict.fromkeys(k for p in table_ok["params"] for k in p))
    score = f"best val {metric_of(data.trials).label}"
    axes = []
    for name in names:
        v = np.asarray([p.get(name, math.nan) for p in table_ok["params"]], dtype=float)
        v = v[np.isfinite(v)]
        axes.append({"label": name, "log": bool(v.size and v.min() > 0 and v.max() / v.min() > 20)})
    axes.append({"label": score, "log": False})
    colours = optimizer_colours(data)
    series = []
    for optimizer, part in table_ok.groupby("optimizer", sort=False):
        lines = [
            {"values": [num(p.get(n)) for n in names] + [num(s)], "note": note}
            for p, s, note in zip(part["params"], part["score"], part["note"], strict=True)
        ]
        series.append({"name": optimizer, "colour": colours.get(optimizer, "#555"),
                       "lines": lines})  # fmt: skip
    return {"panels": [{"kind": "parcoords", "title": "", "axes": axes, "series": series}]}


def importances(data: StudyData, table: pd.DataFrame | None = None) -> dict[str, dict[str, float]]:
    """Hyper-parameter importance of the search: ``{"all optimizers": {...}}`` over
    (optimizer, lr) when several optimizers were searched, and per optimizer with 2+ searched
    hyper-parameters; empty without optuna or enough complete candidates."""
    table = search_table(data) if table is None else table
    done = table[(table["state"] == "complete") & table["score"].notna()]
    try:
        import optuna
    except ImportError:
        return {}
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    higher = metric_of(data.trials).higher_is_better
    groups: list[tuple[str, pd.DataFrame, bool]] = []
    if done["optimizer"].nunique() > 1:
        groups.append(("all optimizers", done, True))
    for optimizer, part in done.groupby("optimizer", sort=False):
        if len(part["params"].iloc[0]) > 1:
            groups.append((str(optimizer), part, False))
    out = {}
    for name, part, with_optimizer in groups:
        if len(part) < MIN_TRIALS:
            continue
        result = _importance(optuna, part, with_optimizer, higher)
        if result:
            out[name] = result
    return out


def _importance(optuna: Any, part: pd.DataFrame, with_optimizer: bool, higher: bool) -> dict:
    dist = optuna.distributions
    names = ["lr"] if with_optimizer else list(part["params"].iloc[0])
    spans = {
        n: (min(p[n] for p in part["params"]), max(p[n] for p in part["params"])) for n in names
    }
    distributions: dict[str, Any] = {}
    for n, (lo, hi) in spans.items():
        log = lo > 0
        distributions[n] = dist.FloatDistribution(lo, hi if hi > lo else lo * 1.0001 + 1e-12,
                                                  log=log)  # fmt: skip
    if with_optimizer:
        distributions["optimizer"] = dist.CategoricalDistribution(sorted(set(part["optimizer"])))
    study = optuna.create_study(direction="maximize" if higher else "minimize")
    for row in part.itertuples():
        params = {n: row.params[n] for n in names}
        if with_optimizer:
            params["optimizer"] = row.optimizer
        study.add_trial(optuna.trial.create_trial(params=params, distributions=distributions,
                                                  value=float(row.score)))  # fmt: skip
    try:
        evaluator = optuna.importance.PedAnovaImportanceEvaluator()
        values = optuna.importance.get_param_importances(study, evaluator=evaluator)
    except (ValueError, RuntimeError, ZeroDivisionError):
        return {}
    return {str(k): float(v) for k, v in values.items()}


def importance_chart(data: StudyData, table: pd.DataFrame | None = None) -> Chart | None:
    """One bar panel per importance group (bars: each hyper-parameter's share)."""
    found = importances(data, table)
    if not found:
        return None
    palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
    panels = []
    for group, values in found.items():
        rows = [{"name": k, "colour": palette[i % len(palette)], "mean": v, "lo": v, "hi": v,
                 "seeds": []} for i, (k, v) in enumerate(values.items())]  # fmt: skip
        panels.append({"kind": "bars", "title": group, "x": {"label": "importance"}, "rows": rows})
    return {"panels": panels}


def search_charts(data: StudyData) -> list[tuple[str, str, str, Chart]]:
    """The chart-only views of the search section: ``(name, title, caption, chart)``."""
    if data.search_trials.empty:
        return []
    out = []
    table = search_table(data)
    chart = parallel_chart(data, table)
    if chart is not None:
        out.append(("search-parallel", "Parallel coordinates of the search",
                    "One line per search trial (dashed: pruned): its learning rate, searched "
                    "hyper-parameters and best validation score.", chart))  # fmt: skip
    chart = importance_chart(data, table)
    if chart is not None:
        out.append(("search-importance", "Hyper-parameter importance",
                    "optuna's PED-ANOVA importance of each searched parameter for the "
                    "validation score (complete search trials).", chart))  # fmt: skip
    return out

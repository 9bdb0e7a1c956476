"""Learning-rate figures: the schedules as they ran (the stored step-level ``lr`` rows) and LR
sensitivity (final metric against LR on a log axis, one line per optimizer) for studies with an
LR grid or search."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from optarena.report.bars import mean_ci
from optarena.report.data import StudyData, metric_of
from optarena.report.style import below_legend, log_axis, new_figure, outside_legend, styled


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


def lr_curves(data: StudyData) -> Figure | None:
    """The learning rate against the optimizer step for every distinct schedule used; None
    when no trial logged step-level ``lr`` rows or none of them changes."""
    traces = schedule_traces(data)
    if not traces:
        return None
    longest = max(len(label) for label in traces)
    many = len(traces) > 6 or longest > 40
    ncol = 1 if longest > 45 else 2
    with styled():
        rows_below = -(-len(traces) // ncol) if many else 0
        fig, axes = new_figure(1, 1, width=9.0 if many else 7.4, height=4.2 + 0.24 * rows_below)
        ax = axes[0][0]
        for label, trace in traces.items():
            look = data.look[label]
            ax.plot(
                trace["step"],
                trace["lr"],
                color=look.colour,
                linestyle=look.linestyle,
                lw=1.8,
                label=label,
            )
        values = np.concatenate([t["lr"].to_numpy() for t in traces.values()])
        positive = values[values > 0]
        if positive.size and positive.max() / positive.min() > 100:
            log_axis(ax)
        ax.set_title("Learning-rate schedules as run")
        ax.set_xlabel("optimizer step")
        ax.set_ylabel("learning rate")
        below_legend(ax, ncol) if many else outside_legend(ax)
    return fig


def sensitivity_table(data: StudyData, metric: str = "score") -> pd.DataFrame:
    """Rows ``group, lr, mean, lo, hi, n, diverged`` per (entry-without-LR, LR): the seeds'
    mean ``metric`` (default: test accuracy of complete trials) with its 95% CI, over the final
    trials (a tuned study's search trials have their own section). ``group`` is the entry
    label with its ``lr=`` part removed (the optimizer, plus whatever else varies).
    Only groups with 2+ LRs are kept."""
    t = data.final_trials
    t = t[t["state"].isin(("complete", "diverged"))].copy()
    t["group"] = [_without_lr(label) for label in t["label"]]
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


def lr_sensitivity(data: StudyData, metric: str = "score") -> Figure | None:
    """Mean ``metric`` (95% CI band) against LR on a log axis, one line per optimizer; LRs
    where every seed diverged are marked ✕ on the axis floor. None without an LR grid."""
    table = sensitivity_table(data, metric)
    if table.empty:
        return None
    colours = _group_colours(data, list(dict.fromkeys(table["group"])))
    with styled():
        fig, axes = new_figure(1, 1, width=7.4, height=4.4)
        ax = axes[0][0]
        for group, part in table.groupby("group", sort=False):
            look = colours[group]
            ok = part[np.isfinite(part["mean"])]
            ax.plot(
                ok["lr"],
                ok["mean"],
                color=look.colour,
                linestyle=look.linestyle,
                marker=look.marker,
                lw=1.8,
                label=group,
            )
            ax.fill_between(ok["lr"], ok["lo"], ok["hi"], color=look.colour, alpha=0.15, lw=0)
            lost = part[~np.isfinite(part["mean"])]
            if not lost.empty:
                ax.scatter(
                    lost["lr"],
                    [0.0] * len(lost),
                    marker="x",
                    color=look.colour,
                    s=50,
                    clip_on=False,
                    zorder=3,
                )
        if (table["n"] == 0).any():
            ax.scatter([], [], marker="x", color="grey", label="all seeds diverged")
        log_axis(ax, "x")
        ax.set_title("Learning-rate sensitivity")
        ax.set_xlabel("learning rate (log scale)")
        ylabel = f"test {metric_of(data.trials).label} (mean, 95% CI)"
        ax.set_ylabel(ylabel if metric == "score" else metric)
        outside_legend(ax)
    return fig


def _without_lr(label: str) -> str:
    return " ".join(p for p in label.split(" ") if not p.startswith("lr=")) or label


def _group_colours(data: StudyData, groups: list[str]):
    """A group takes the look of its best-ranked entry, so an optimizer keeps its colour."""
    out = {}
    used: set[str] = set()
    for group in groups:
        for label in data.order:
            look = data.look[label]
            if _without_lr(label) == group and look.colour not in used:
                out[group] = look
                used.add(look.colour)
                break
        else:
            out[group] = next(iter(data.look.values()))
    return out

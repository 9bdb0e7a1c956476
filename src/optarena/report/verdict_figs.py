"""Figures of the verdicts section: budget curves, the win-probability matrix, ranking
stability and AlgoPerf-style performance profiles. Each function takes the numbers (data
first) and returns a matplotlib ``Figure``, or ``None`` when there is nothing to draw."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from optarena.report.style import new_figure, outside_legend, styled
from optarena.report.verdict_charts import MAX_LINES


def budget_figure(curves: pd.DataFrame, task: str) -> Figure | None:
    """Expected best validation score after k trials, with bootstrap 95% bands."""
    part = curves[curves["task"] == task]
    if part.empty:
        return None
    with styled():
        fig, axes = new_figure(1, 1, width=7.4, height=4.2)
        ax = axes[0][0]
        groups = list(part.groupby(["optimizer", "schedule"], sort=False))
        groups.sort(key=lambda g: -float(g[1]["expected"].iloc[-1]))
        for i, ((optimizer, schedule), curve) in enumerate(groups[:MAX_LINES]):
            label = optimizer if schedule == "none" else f"{optimizer}/{schedule}"
            (line,) = ax.plot(
                curve["k"], curve["expected"], marker="o", ms=3, lw=1.6, label=label,
                ls="-" if i < 10 else "--",
            )  # fmt: skip
            if curve["low"].notna().any():
                ax.fill_between(
                    curve["k"], curve["low"], curve["high"], color=line.get_color(), alpha=0.15
                )
        ax.set_title(f"{task}: expected best validation score after k trials")
        ax.set_xlabel("k (search trials)")
        ax.set_ylabel("expected best (95% bootstrap band)")
        outside_legend(ax)
    return fig


def win_matrix_figure(matrix: pd.DataFrame, order: list[str], task: str) -> Figure | None:
    """Heat map of ``P(row beats column)`` over paired seeds."""
    if len(order) < 2 or matrix.empty:
        return None
    p = matrix.pivot(index="a", columns="b", values="p").reindex(index=order, columns=order)
    with styled():
        size = 1.6 + 0.7 * len(order)
        fig, axes = new_figure(1, 1, width=size + 1.6, height=size)
        ax = axes[0][0]
        image = ax.imshow(p.to_numpy(dtype=float), vmin=0, vmax=1, cmap="RdBu")
        for i in range(len(order)):
            for j in range(len(order)):
                value = p.iloc[i, j]
                if np.isfinite(value):
                    ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8)
        ax.set_xticks(range(len(order)), order, rotation=30, ha="right")
        ax.set_yticks(range(len(order)), order)
        ax.set_title(f"{task}: P(row beats column), paired seeds")
        fig.colorbar(image, ax=ax, fraction=0.046)
    return fig


def stability_figure(tables: dict[str, pd.DataFrame]) -> Figure | None:
    """Kendall's tau of each epoch's ranking against the final one, per task."""
    tables = {t: v for t, v in tables.items() if not v.empty}
    if not tables:
        return None
    with styled():
        fig, axes = new_figure(1, 1, width=7.4, height=3.6)
        ax = axes[0][0]
        for task, table in list(tables.items())[:MAX_LINES]:
            ax.plot(table["epoch"], table["tau"], marker="o", ms=3, lw=1.6, label=task)
        ax.axhline(1.0, color="grey", lw=0.8, ls=":")
        ax.set_ylim(-1.05, 1.05)
        ax.set_title("Ranking stability: each epoch's ranking against the final one")
        ax.set_xlabel("epoch")
        ax.set_ylabel("Kendall's tau")
        outside_legend(ax)
    return fig


def time_profile_figure(profiles: pd.DataFrame, title: str) -> Figure | None:
    """AlgoPerf-style performance profiles (rows: entries, columns: taus), best first."""
    if profiles.empty:
        return None
    with styled():
        fig, axes = new_figure(1, 1, width=7.4, height=4.4)
        ax = axes[0][0]
        taus = profiles.columns.to_numpy(dtype=float)
        for i, (name, row) in enumerate(list(profiles.iterrows())[:MAX_LINES]):
            style = "-" if i < 10 else "--"  # the colour cycle repeats after ten
            ax.plot(taus, row.to_numpy(dtype=float), lw=1.6, ls=style, label=str(name))
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(title)
        ax.set_xlabel("τ (ratio to the fastest time to target)")
        ax.set_ylabel("fraction of tasks within τ")
        outside_legend(ax)
    return fig

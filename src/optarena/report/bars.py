"""The bar chart of every entry's mean test accuracy with 95% confidence whiskers, sorted.

The tutorials' "all test accuracies" bar chart had one seed per bar; here each bar is the mean
over seeds of the best-validation checkpoint's test accuracy, the whisker its Student-t 95%
interval, and the single seeds are drawn as dots on top.
"""

from __future__ import annotations

import math

import numpy as np

from optarena.report.data import StudyData, metric_of
from optarena.report.figure_data import mean_ci
from optarena.report.style import new_figure, styled


def accuracy_bars(data: StudyData):
    """Horizontal bars, best entry on top; entries without a test accuracy are left out and
    named in the title's note."""
    rows = []
    final = data.final_trials
    for label in data.finals:
        values = final.loc[final["label"] == label, "score"].tolist()
        mean, lo, hi = mean_ci(values)
        if math.isfinite(mean):
            rows.append((label, mean, lo, hi, [v for v in values if math.isfinite(v)]))
    missing = len(data.finals) - len(rows)
    with styled():
        fig, axes = new_figure(1, 1, width=8.0, height=max(3.0, 0.42 * len(rows) + 2.0))
        ax = axes[0][0]
        ys = np.arange(len(rows))[::-1]
        for y, (label, mean, lo, hi, seeds) in zip(ys, rows, strict=True):
            look = data.look[label]
            first = y == ys[0]
            ax.barh(
                y,
                mean,
                color=look.colour,
                alpha=0.85,
                height=0.7,
                label="mean over seeds" if first else None,
            )
            ax.errorbar(
                mean,
                y,
                xerr=[[mean - lo], [hi - mean]],
                color="black",
                capsize=4,
                lw=1.2,
                label="95% CI (Student t)" if first else None,
            )
            ax.scatter(
                seeds,
                [y] * len(seeds),
                s=14,
                color="white",
                edgecolors="black",
                linewidths=0.7,
                zorder=3,
                label="single seeds" if first else None,
            )
            ax.text(max(hi, max(seeds)), y, f"  {mean:.4f}", va="center", fontsize=9)
        ax.set_yticks(ys, [r[0] for r in rows])
        if rows:
            low = min(min(r[2] for r in rows), min(min(r[4]) for r in rows))
            ax.set_xlim(max(0.0, low - 0.05), min(1.0, max(r[3] for r in rows)) + 0.06)
        metric = metric_of(data.trials)
        label = metric.label
        ax.set_title(f"Test {label} by entry ({metric.direction}; best on top)")
        ax.set_xlabel(f"test {label}")
        ax.set_ylabel("entry")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.24), ncol=3, frameon=False)
        if missing:
            ax.annotate(
                f"{missing} entr{'ies' if missing > 1 else 'y'} without a test {label} "
                "(diverged or failed) not shown",
                xy=(0, -0.42),
                xycoords="axes fraction",
                fontsize=8,
            )
    return fig

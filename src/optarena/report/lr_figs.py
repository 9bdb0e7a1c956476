"""Learning-rate figures: the schedules as they ran (the stored step-level ``lr`` rows) and LR
sensitivity (final metric against LR on a log axis, one line per optimizer) for studies with an
LR grid or search."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from optarena.report.data import StudyData, metric_of
from optarena.report.figure_data import group_colours, schedule_traces, sensitivity_table
from optarena.report.style import below_legend, log_axis, new_figure, outside_legend, styled


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


def lr_sensitivity(data: StudyData, metric: str = "score") -> Figure | None:
    """Mean ``metric`` (95% CI band) against LR on a log axis, one line per optimizer; LRs
    where every seed diverged are marked ✕ on the axis floor. None without an LR grid."""
    table = sensitivity_table(data, metric)
    if table.empty:
        return None
    colours = group_colours(data, list(dict.fromkeys(table["group"])))
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

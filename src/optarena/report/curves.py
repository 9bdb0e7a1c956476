"""Training curves: per-entry loss and accuracy (mean over seeds with a min–max band), the
top-k overlay of validation accuracy, and loss against wall-clock time.

These are the pictures the optimizer-comparison tutorials end with, drawn from several seeds
so the spread is visible.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from optarena.report.data import StudyData, epoch_rows, metric_of
from optarena.report.style import log_axis, new_figure, outside_legend, styled

SPLIT_STYLE = {"train": "-", "val": "--"}
METRIC_TITLE = {"loss": "Loss", "acc": "Accuracy"}
ENTRY_COLUMNS = 4  # panels per row of the per-entry small multiples


def seed_band(metrics: pd.DataFrame, trial_ids: list[str], split: str, name: str) -> pd.DataFrame:
    """Per epoch: ``mean``, ``lo`` (min), ``hi`` (max) and ``n`` (seeds with a finite value) of
    one epoch-level metric over the given trials. Non-finite values (a diverged epoch) are left
    out, so a band never hides a NaN behind a mean."""
    rows = epoch_rows(metrics)
    rows = rows[
        rows["trial_id"].isin(trial_ids)
        & (rows["split"] == split)
        & (rows["name"] == name)
        & np.isfinite(rows["value"])
    ]
    grouped = rows.groupby("epoch")["value"]
    out = pd.DataFrame(
        {"mean": grouped.mean(), "lo": grouped.min(), "hi": grouped.max(), "n": grouped.count()}
    )
    return out.reset_index().sort_values("epoch", kind="stable").reset_index(drop=True)


def _draw_band(ax: Axes, band: pd.DataFrame, *, colour: str, linestyle: str, label: str) -> None:
    if band.empty:
        return
    ax.plot(band["epoch"], band["mean"], color=colour, linestyle=linestyle, label=label, lw=1.8)
    if (band["n"] > 1).any():
        ax.fill_between(band["epoch"], band["lo"], band["hi"], color=colour, alpha=0.18, lw=0)


def entry_grid(data: StudyData, name: str, labels: Sequence[str]) -> Figure | None:
    """Small multiples: ``name`` (``loss`` or the scored metric) of each entry in ``labels``,
    one panel each on shared axes, training (solid) and validation (dashed), mean over seeds
    with a min–max band. One figure for all entries: comparable at a glance, and one render."""
    from optarena.report.charts import band

    labels = [label for label in labels if data.trial_ids(label)]
    if not labels:
        return None
    metric = metric_of(data.trials)
    title = "Loss" if name == "loss" else metric.label.capitalize()
    cols = min(ENTRY_COLUMNS, len(labels))
    rows = -(-len(labels) // cols)
    w, h = 2.7 * cols + 0.9, 1.95 * rows + 1.0
    with styled():
        fig = Figure(figsize=(w, h))
        fig.subplots_adjust(
            left=0.95 / w, right=1 - 0.15 / w, bottom=0.55 / h, top=1 - 0.75 / h,
            wspace=0.12, hspace=0.42,
        )  # fmt: skip
        axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
        ys: list[float] = []
        for ax, label in zip(axes.flat, labels, strict=False):
            look = data.look[label]
            for split in ("train", "val"):
                b = band(data, data.trial_ids(label), split, name)
                ax.plot(b["epoch"], b["mean"], color=look.colour, ls=SPLIT_STYLE[split], lw=1.5)
                if (b["n"] > 1).any():
                    ax.fill_between(
                        b["epoch"], b["lo"], b["hi"], color=look.colour, alpha=0.18, lw=0
                    )
                ys += list(b["lo"]) + list(b["hi"])
            ax.set_title(_short(label), fontsize=9, loc="left")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        for i, ax in enumerate(axes.flat):
            if i >= len(labels):
                ax.set_visible(False)
            elif i + cols >= len(labels):  # the lowest panel of its column: epochs below it
                ax.xaxis.set_tick_params(labelbottom=True)
        finite = [y for y in ys if np.isfinite(y)]
        if name == "loss" and finite and min(finite) > 0 and max(finite) / min(finite) > 20:
            log_axis(axes[0][0], numticks=5, span=(min(finite), max(finite)))  # every panel
        else:
            axes[0][0].yaxis.set_major_locator(MaxNLocator(nbins=4))
        fig.supxlabel("epoch", fontsize=10)
        fig.supylabel(title.lower(), fontsize=10, x=0.02)
        fig.legend(
            handles=[Line2D([], [], color="0.3", ls=SPLIT_STYLE[s]) for s in ("train", "val")],
            labels=["training", "validation"], loc="upper right", ncol=2, frameon=False,
        )  # fmt: skip
        fig.suptitle(f"{title} of each entry (mean over seeds, band: min–max)", x=0.95 / w,
                     ha="left", fontsize=12)  # fmt: skip
    return fig


def _short(label: str, width: int = 38) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def topk_overlay(data: StudyData, k: int = 5) -> Figure:
    """Validation accuracy and training loss of the ``k`` best entries (mean, min–max band)."""
    top = [label for label in data.finals if data.trial_ids(label)][:k]
    metric = metric_of(data.trials)
    with styled():
        fig, axes = new_figure(1, 2, width=5.0, height=4.0)
        for ax, (split, name, title) in zip(
            axes[0],
            (("val", metric.key, f"Validation {metric.label}"), ("train", "loss", "Training loss")),
            strict=True,
        ):
            for label in top:
                look = data.look[label]
                band = seed_band(data.epochs, data.trial_ids(label), split, name)
                _draw_band(ax, band, colour=look.colour, linestyle=look.linestyle, label=label)
            ax.set_title(title)
            ax.set_xlabel("epoch")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylabel(metric.label if name == metric.key else "loss")
        outside_legend(axes[0][1], title=f"top {len(top)} by test {metric.label}")
        fig.suptitle(f"Top {len(top)} entries (mean over seeds, band: min–max)")
    return fig


def loss_vs_time(data: StudyData, k: int = 8) -> Figure:
    """Training loss at each epoch's end against cumulative wall-clock seconds (mean over
    seeds) for the ``k`` best entries: what an optimizer costs, not only what it reaches."""
    top = [label for label in data.finals if data.trial_ids(label)][:k]
    with styled():
        fig, axes = new_figure(1, 1, width=7.4, height=4.4)
        ax = axes[0][0]
        for label in top:
            ids = data.trial_ids(label)
            loss = seed_band(data.epochs, ids, "train", "loss")
            wall = seed_band(data.epochs, ids, "train", "wall_s")
            joined = loss.merge(wall, on="epoch", suffixes=("", "_wall"))
            if joined.empty:
                continue
            look = data.look[label]
            ax.plot(
                joined["mean_wall"],
                joined["mean"],
                color=look.colour,
                linestyle=look.linestyle,
                marker=look.marker,
                ms=4,
                lw=1.8,
                label=label,
            )
        ax.set_title("Training loss against wall-clock time")
        ax.set_xlabel("wall-clock time (s, mean over seeds)")
        ax.set_ylabel("training loss")
        if _positive(ax):
            log_axis(ax)
        outside_legend(ax)
    return fig


def _positive(ax: Axes) -> bool:
    ys = [y for line in ax.get_lines() for y in np.asarray(line.get_ydata(), dtype=float)]
    return bool(ys) and min(ys) > 0 and max(ys) / min(ys) > 20

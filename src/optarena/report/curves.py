"""Training curves: per-entry loss and accuracy (mean over seeds with a min–max band), the
top-k overlay of validation accuracy, and loss against wall-clock time.

These are the pictures the optimizer-comparison tutorials end with, drawn from several seeds
so the spread is visible.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from optarena.report.data import StudyData, epoch_rows, metric_of
from optarena.report.style import Margins, new_figure, outside_legend, styled

SPLIT_STYLE = {"train": "-", "val": "--"}
METRIC_TITLE = {"loss": "Loss", "acc": "Accuracy"}
# Per-entry curves are many and alike: fixed margins (what constrained layout gave them).
ENTRY_MARGINS = Margins(left=0.62, right=0.08, bottom=0.52, top=0.56, gap=0.78)


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


def entry_curves(data: StudyData, label: str) -> Figure:
    """Loss and accuracy of one entry, training (solid) and validation (dashed), per epoch."""
    ids = data.trial_ids(label)
    look = data.look[label]
    seeds = len(ids)
    with styled():
        fig, axes = new_figure(1, 2, width=5.2, height=3.8, margins=ENTRY_MARGINS)
        key = metric_of(data.trials).key
        for ax, name in zip(axes[0], ("loss", key), strict=True):
            for split in ("train", "val"):
                band = seed_band(data.epochs, ids, split, name)
                _draw_band(
                    ax,
                    band,
                    colour=look.colour,
                    linestyle=SPLIT_STYLE[split],
                    label="training" if split == "train" else "validation",
                )
            title = METRIC_TITLE.get(name) or metric_of(data.trials).label.capitalize()
            ax.set_title(title)
            ax.set_xlabel("epoch")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylabel(title.lower())
            if ax.get_legend_handles_labels()[0]:  # an entry whose every seed diverged has none
                ax.legend(loc="best")
        band_note = ", band: min–max" if seeds > 1 else ""
        fig.suptitle(f"{label} — mean of {seeds} seed{'s' * (seeds != 1)}{band_note}")
    return fig


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
            ax.set_yscale("log")
        outside_legend(ax)
    return fig


def _positive(ax: Axes) -> bool:
    ys = [y for line in ax.get_lines() for y in np.asarray(line.get_ydata(), dtype=float)]
    return bool(ys) and min(ys) > 0 and max(ys) / min(ys) > 20

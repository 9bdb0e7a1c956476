"""The LR range test figure: loss against learning rate (log axis), suggestions marked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from optarena.lrfind.core import SUGGESTION_NAMES, LRFindResult

# Okabe & Ito (2008), "Color Universal Design": distinguishable under colour-vision deficiency.
_OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#0072B2", "#F0E442")
_MARKERS = {"valley": "o", "steep": "v", "minimum": "s", "slide": "D", "suggested": "*"}


def plot_lr_find(
    result: LRFindResult, path: str | Path | None = None, *, title: str | None = None
) -> Figure:
    """Draw ``result`` (raw loss faint, smoothed loss bold) and save it to ``path`` if given.

    The suffix of ``path`` picks the format (``.png``, ``.svg``, ``.pdf``). Returns the figure.
    """
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.add_subplot()
    lrs, smoothed = result.lrs, result.smoothed
    finite = np.isfinite(result.losses)
    ax.plot(lrs[finite], result.losses[finite], color="0.75", lw=1, label="loss (raw)")
    shown = np.arange(lrs.size) >= result.skip_start
    ax.plot(lrs[shown], smoothed[shown], color="#0072B2", lw=2, label="loss (smoothed)")
    for i, name in enumerate((*SUGGESTION_NAMES, "suggested")):
        point = result.points.get(name)
        lr = result.suggestions.get(name)
        if point is None or lr is None:
            continue
        ax.plot(
            *point,
            linestyle="none",
            marker=_MARKERS[name],
            markersize=14 if name == "suggested" else 9,
            markeredgecolor="black",
            color=_OKABE_ITO[i],
            label=f"{name}: {lr:.3g}",
        )
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("training loss")
    reason = f" — stopped: {result.stop_reason}" if result.stop_reason else ""
    ax.set_title(title or f"LR range test{reason}")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="best")
    _clip_y(ax, smoothed[shown])
    if path is not None:
        from optarena.atomic import replacing

        with replacing(path) as tmp:
            fig.savefig(tmp, dpi=120)
    return fig


def _clip_y(ax, curve: np.ndarray) -> None:
    """Keep the interesting part visible: cut the y axis above where the loss explodes."""
    curve = curve[np.isfinite(curve)]
    if curve.size == 0:
        return
    low, first = float(curve.min()), float(curve[0])
    top = max(first, low) + 0.1 * (abs(first - low) + 1e-12)
    if top > low:
        ax.set_ylim(low - 0.05 * (top - low), top)

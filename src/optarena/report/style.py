"""One look for every matplotlib figure: readable fonts, fixed margins or constrained
layout, fast log axes, and the entries' colours and line styles of ``palette.py``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display

from matplotlib.figure import Figure  # noqa: E402

from optarena.report.palette import (  # noqa: E402, F401  (one look for figures and charts)
    LINE_STYLES,
    MARKERS,
    OKABE_ITO,
    Look,
    looks,
)

RC = {
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.labelsize": 11,
    "legend.fontsize": 9,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 120,
    "svg.fonttype": "none",  # text stays text in SVG (searchable, smaller)
    # titles sit just above the axes (no figure has tick labels on top); left at None,
    # matplotlib measures every tick label of every axes at each draw to place them
    "axes.titley": 1.0,
}


@contextmanager
def styled() -> Iterator[None]:
    """Matplotlib settings of the house, for the duration of a block."""
    with matplotlib.rc_context(RC):
        yield


@dataclass(frozen=True)
class Margins:
    """Fixed margins in inches: left, right, bottom, top, and the gap between columns."""

    left: float = 0.6
    right: float = 0.1
    bottom: float = 0.5
    top: float = 0.55
    gap: float = 0.75


def new_figure(
    nrows: int = 1,
    ncols: int = 1,
    *,
    width: float = 6.4,
    height: float = 4.4,
    margins: Margins | None = None,
):
    """A figure (not registered with pyplot, so nothing leaks) and its axes array.

    Without ``margins`` matplotlib's constrained layout places the axes (room for legends
    outside them, long tick labels). Its passes over every text's extent cost about a third
    of a render, so figures whose text is predictable (one row, short tick labels, legends
    inside) give fixed ``margins`` instead.
    """
    w, h = width * ncols, height * nrows
    if margins is None:
        fig = Figure(figsize=(w, h), layout="constrained")
        return fig, fig.subplots(nrows, ncols, squeeze=False)
    fig = Figure(figsize=(w, h))
    axes_w = (w - margins.left - margins.right - margins.gap * (ncols - 1)) / ncols
    fig.subplots_adjust(
        left=margins.left / w,
        right=1 - margins.right / w,
        bottom=margins.bottom / h,
        top=1 - margins.top / h,
        wspace=margins.gap / axes_w,
    )
    return fig, fig.subplots(nrows, ncols, squeeze=False)


def below_legend(ax, ncol: int = 2) -> None:
    """A legend under ``ax`` in ``ncol`` columns (for many or long labels)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=ncol, fontsize="small")


def outside_legend(ax, **kwargs) -> None:
    """A legend to the right of ``ax`` (keeps curves unobstructed)."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, **kwargs)


def log_axis(
    ax, which: str = "y", numticks: int = 6, span: tuple[float, float] | None = None
) -> None:
    """Put ``ax``'s ``which`` axis on a log scale that draws fast: over two decades or more of
    plotted data, a few decades labelled in plain numbers (0.01, 0.1, 1), no minor ticks.
    Matplotlib's default lays out every label as mathtext and adds eight minor ticks a
    decade: most of a small figure's render time. ``span``: the data's range when ``ax``
    shares the axis with others (default: what ``ax`` plotted)."""
    from matplotlib.ticker import FormatStrFormatter, LogLocator, NullLocator

    getattr(ax, f"set_{which}scale")("log")
    lo, hi = span or (ax.dataLim.intervaly if which == "y" else ax.dataLim.intervalx)
    if not (lo > 0 and hi / lo >= 100):  # under two decades: matplotlib's minor labels help
        return
    axis = ax.yaxis if which == "y" else ax.xaxis
    axis.set_major_locator(LogLocator(numticks=numticks))
    axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(FormatStrFormatter("%g"))

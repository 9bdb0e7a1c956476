"""One look for every figure: the Okabe–Ito colour-blind-safe palette, readable fonts, and a
fixed (colour, line style) per entry so an optimizer looks the same in every figure.

Palette: Okabe & Ito, "Color Universal Design" (2008), https://jfly.uni-koeln.de/color/ —
distinguishable under the common colour-vision deficiencies. Beyond eight entries the colours
repeat with another line style.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
LINE_STYLES: tuple[str, ...] = ("-", "--", "-.", ":")
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*")

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
}


@dataclass(frozen=True)
class Look:
    """How one entry is drawn."""

    colour: str
    linestyle: str
    marker: str


def looks(labels: Sequence[str]) -> dict[str, Look]:
    """A fixed look per label, in the given order (best entry first gets the first colour)."""
    out: dict[str, Look] = {}
    for i, label in enumerate(labels):
        n = len(OKABE_ITO)
        out[label] = Look(
            OKABE_ITO[i % n], LINE_STYLES[(i // n) % len(LINE_STYLES)], MARKERS[i % len(MARKERS)]
        )
    return out


@contextmanager
def styled() -> Iterator[None]:
    """Matplotlib settings of the house, for the duration of a block."""
    with plt.rc_context(RC):
        yield


def new_figure(nrows: int = 1, ncols: int = 1, *, width: float = 6.4, height: float = 4.4):
    """A figure (not registered with pyplot, so nothing leaks) and its axes array."""
    fig = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def below_legend(ax, ncol: int = 2) -> None:
    """A legend under ``ax`` in ``ncol`` columns (for many or long labels)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=ncol, fontsize="small")


def outside_legend(ax, **kwargs) -> None:
    """A legend to the right of ``ax`` (keeps curves unobstructed)."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, **kwargs)

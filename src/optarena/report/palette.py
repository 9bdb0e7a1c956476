"""The colours and line styles of every figure and chart: the Okabe–Ito colour-blind-safe
palette and a fixed (colour, line style, marker) per entry, so an optimizer looks the same in
every figure (matplotlib's, ``style.py``) and every interactive chart. No matplotlib here: the
interactive report is built without it.

Palette: Okabe & Ito, "Color Universal Design" (2008), https://jfly.uni-koeln.de/color/ —
distinguishable under the common colour-vision deficiencies. Beyond eight entries the colours
repeat with another line style.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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

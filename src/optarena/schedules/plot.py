"""Draw one or several schedules over ``t = 0 .. steps - 1`` (matplotlib, no pyplot state)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from optarena.schedules.base import Schedule, check_int

if TYPE_CHECKING:  # matplotlib is imported only when a figure is drawn
    from matplotlib.figure import Figure


def values(schedule: Schedule, steps: int) -> list[float]:
    """``[s(0), s(1), ..., s(steps - 1)]``."""
    return [schedule(t) for t in range(check_int("steps", steps))]


def plot(
    schedules: Schedule | Mapping[str, Schedule],
    steps: int,
    *,
    title: str | None = None,
    xlabel: str = "count t (step or epoch)",
    ylabel: str = "learning rate",
    log_y: bool = False,
) -> Figure:
    """A figure with one line per schedule (a mapping gives the legend labels)."""
    from matplotlib.figure import Figure

    if isinstance(schedules, Schedule):
        named: Mapping[str, Schedule] = {type(schedules).name or "schedule": schedules}
    else:
        named = schedules
    if not named:
        raise ValueError("nothing to plot: no schedules given")
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.add_subplot()
    ts = list(range(check_int("steps", steps)))
    for label, schedule in named.items():
        ax.plot(ts, values(schedule, steps), label=label, linewidth=1.5)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if log_y:
        ax.set_yscale("log")
    ax.set_title(title or ", ".join(named), fontsize=10)
    ax.grid(True, alpha=0.3)
    if len(named) > 1:
        ax.legend()
    return fig

"""Trajectories over a contour plot: static (``.png``/``.svg``/``.pdf``) or animated (``.gif``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import torch
from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from optarena.playground.functions import TestFunction, get

# Okabe & Ito (2008), "Color Universal Design": safe under colour-vision deficiency (no yellow:
# it vanishes on the light contour background).
PALETTE = ("#E69F00", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#000000")
STATIC_SUFFIXES = (".png", ".svg", ".pdf")


def _grid(f: TestFunction, n: int = 300) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    (x_lo, x_hi), (y_lo, y_hi) = f.bounds
    xs = torch.linspace(x_lo, x_hi, n, dtype=torch.float64)
    ys = torch.linspace(y_lo, y_hi, n, dtype=torch.float64)
    gx, gy = torch.meshgrid(xs, ys, indexing="xy")
    return gx.numpy(), gy.numpy(), f(gx, gy).numpy()


def _draw_contours(ax: Axes, f: TestFunction) -> None:
    gx, gy, z = _grid(f)
    if f.log_levels:
        low = max(float(z.min()), float(z.max()) * 1e-7, 1e-3)
        levels = np.geomspace(low, float(z.max()), 30)
        ax.contourf(
            gx, gy, np.maximum(z, low), levels=levels, norm=LogNorm(), cmap="Greys_r", alpha=0.5
        )
        ax.contour(
            gx, gy, np.maximum(z, low), levels=levels, norm=LogNorm(), colors="0.55", linewidths=0.4
        )
    else:
        ax.contourf(gx, gy, z, levels=30, cmap="Greys_r", alpha=0.5)
        ax.contour(gx, gy, z, levels=30, colors="0.55", linewidths=0.4)


def _label_for(path: np.ndarray, steps: int | None) -> str:
    return "" if steps is None or len(path) >= steps + 1 else f" (diverged at step {len(path)})"


def plot_playground(
    function: str | TestFunction,
    trajectories: Mapping[str, np.ndarray],
    path: str | Path | None = None,
    *,
    title: str | None = None,
    steps: int | None = None,
    frames: int = 40,
    fps: int = 12,
) -> Figure:
    """Draw every trajectory (``{label: (n + 1, 2) array}``) over ``function``'s contours.

    The start and the known minima (or saddle points) are marked. ``path``'s suffix picks the
    output: ``.png``/``.svg``/``.pdf`` static, ``.gif`` animated (``frames`` frames at ``fps``,
    drawn with ``FuncAnimation`` and ``PillowWriter``). ``steps``, when given, lets labels say
    which runs diverged (ended early). Returns the figure, fully drawn.
    """
    f = get(function)
    suffix = "" if path is None else Path(path).suffix.lower()
    if path is not None and suffix not in (*STATIC_SUFFIXES, ".gif"):
        raise ValueError(f"unsupported output {suffix or path!r}; use .png, .svg, .pdf or .gif")
    if not trajectories:
        raise ValueError("no trajectories to plot")
    fig = Figure(figsize=(7, 6), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    _draw_contours(ax, f)
    lines: list[tuple[Line2D, np.ndarray]] = []
    for i, (label, traj) in enumerate(trajectories.items()):
        traj = np.asarray(traj, dtype=np.float64)
        if traj.ndim != 2 or traj.shape[1] != 2 or len(traj) == 0:
            raise ValueError(f"trajectory {label!r} must have shape (n, 2), got {traj.shape}")
        every = max(1, len(traj) // 25)
        (line,) = ax.plot(
            traj[:, 0],
            traj[:, 1],
            color=PALETTE[i % len(PALETTE)],
            lw=1.6,
            marker="o",
            markersize=3,
            markevery=every,
            label=label + _label_for(traj, steps),
        )
        lines.append((line, traj))
    first = np.asarray(next(iter(trajectories.values())))[0]
    ax.plot(
        *first,
        linestyle="none",
        marker="o",
        markersize=9,
        markerfacecolor="white",
        markeredgecolor="black",
        label="start",
    )
    for points, marker, label in (
        (f.minima, "*", "minimum"),
        (f.saddle_points, "X", "saddle point"),
    ):
        if points:
            xy = np.array(points)
            ax.plot(
                xy[:, 0],
                xy[:, 1],
                linestyle="none",
                marker=marker,
                markersize=14,
                markerfacecolor="white",
                markeredgecolor="black",
                label=label,
            )
    (x_lo, x_hi), (y_lo, y_hi) = f.bounds
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title or f"{f.name}: optimizer trajectories")
    ax.legend(loc="best", fontsize=8, framealpha=0.9)
    if suffix == ".gif":
        _save_gif(fig, lines, Path(path), frames, fps)
    elif path is not None:
        from optarena.atomic import replacing

        with replacing(path) as tmp:
            fig.savefig(tmp, dpi=110)
    return fig


def _save_gif(
    fig: Figure, lines: list[tuple[Line2D, np.ndarray]], path: Path, frames: int, fps: int
) -> None:
    longest = max(len(traj) for _, traj in lines)
    ends = np.unique(np.linspace(1, longest, max(2, min(frames, longest))).round().astype(int))

    def update(end: int) -> list[Line2D]:
        for line, traj in lines:
            line.set_data(traj[:end, 0], traj[:end, 1])
        return [line for line, _ in lines]

    anim = FuncAnimation(fig, update, frames=list(ends), blit=False, repeat=False)
    from optarena.atomic import replacing

    with replacing(path) as tmp:
        anim.save(tmp, writer=PillowWriter(fps=fps), dpi=72)
    update(longest)  # leave the figure complete for the caller

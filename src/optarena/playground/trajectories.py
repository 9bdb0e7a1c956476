"""Run an optimizer from ``optarena.optim`` on a 2-D test function and record its path."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from optarena import optim
from optarena.playground.functions import TestFunction, get

ESCAPE = 100.0  # a point this many plot-widths from the plot's centre counts as diverged


def resolve_lr(optimizer_name: str, lr: float | None) -> float:
    """``lr`` when given, else the optimizer's registered default (``spec(name).defaults``)."""
    if lr is not None:
        if not (math.isfinite(lr) and lr > 0):
            raise ValueError(f"lr must be a positive number, got {lr}")
        return float(lr)
    return float(optim.spec(optimizer_name).defaults["lr"])


def trajectory(
    function: str | TestFunction,
    optimizer_name: str,
    *,
    lr: float | None = None,
    steps: int | None = None,
    start: Sequence[float] | None = None,
    **hparams: Any,
) -> np.ndarray:
    """Positions ``(n + 1, 2)`` (float64) of ``optimizer_name`` minimising ``function``.

    Row 0 is ``start`` (default: the function's). ``lr=None`` uses the optimizer's registered
    default learning rate — the same one ``optarena compare`` starts from — so some optimizers
    visibly diverge on steep functions (plain SGD on Rosenbrock): pass ``lr`` to explore.
    ``steps`` defaults to the function's. ``n == steps`` unless the run diverges (a non-finite
    value, or a point more than ``ESCAPE`` plot-widths away); then the rows computed up to
    there (all finite) are returned and ``n < steps``.
    """
    f = get(function)
    steps = f.steps if steps is None else int(steps)
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    x0 = f.start if start is None else tuple(float(v) for v in start)
    if len(x0) != 2:
        raise ValueError(f"start must be two numbers, got {start!r}")
    point = torch.nn.Parameter(torch.tensor(x0, dtype=torch.float64))
    opt = optim.create(optimizer_name, [point], lr=resolve_lr(optimizer_name, lr), **hparams)
    if callable(getattr(opt, "train", None)):
        opt.train()
    (x_lo, x_hi), (y_lo, y_hi) = f.bounds
    centre = np.array([(x_lo + x_hi) / 2, (y_lo + y_hi) / 2])
    limit = ESCAPE * max(x_hi - x_lo, y_hi - y_lo)

    def closure() -> torch.Tensor:
        opt.zero_grad(set_to_none=True)
        value = f(point[0], point[1])
        value.backward()
        return value

    path = [np.array(x0, dtype=np.float64)]
    for _ in range(steps):
        opt.step(closure)
        now = point.detach().numpy().copy()
        if not np.all(np.isfinite(now)):
            break
        path.append(now)
        with torch.no_grad():
            value = float(f(point[0], point[1]))
        if not math.isfinite(value) or np.abs(now - centre).max() > limit:
            break
    return np.stack(path)

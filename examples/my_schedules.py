"""A user's own learning-rate schedule, written outside optarena: Smith's triangular CLR.

Smith 2017, "Cyclical Learning Rates for Training Neural Networks", WACV 2017,
arXiv:1506.01186, section 3.1 (the ``triangular`` policy). With ``cycle = floor(1 + t / 2s)``
and ``x = |t / s − 2·cycle + 1|``::

    lr(t) = base_lr + (max_lr − base_lr) · max(0, 1 − x)

so the rate climbs linearly from ``base_lr`` to ``max_lr`` over ``step_size`` counts, falls
back over the next ``step_size``, and repeats.

An optarena schedule is a frozen dataclass subclassing ``optarena.schedules.Schedule``: its
first field is ``base_lr`` (optarena passes the trial's learning rate there), the other fields
are the parameters (``--sched max_lr=0.1``), ``_lr(t)`` gives the rate at the integer count
``t = 0, 1, 2, ...`` and ``__post_init__`` checks the arguments. Being a frozen dataclass
defined at module level, it pickles, so worker processes and Ray tasks can run it.
"""

from __future__ import annotations

import dataclasses
import math

from optarena.schedules import Schedule


@dataclasses.dataclass(frozen=True)
class TriangularCLR(Schedule):
    """Smith's triangular cyclical LR between ``base_lr`` and ``max_lr``, half-cycle
    ``step_size`` counts (steps or epochs, whichever the trainer counts)."""

    max_lr: float
    step_size: int = 2000

    def __post_init__(self) -> None:
        super().__post_init__()  # checks base_lr > 0
        if not self.max_lr >= self.base_lr:
            raise ValueError(f"max_lr ({self.max_lr}) must be >= base_lr ({self.base_lr})")
        if isinstance(self.step_size, bool) or not isinstance(self.step_size, int):
            raise ValueError(f"step_size must be an integer, got {self.step_size!r}")
        if self.step_size < 1:
            raise ValueError(f"step_size must be >= 1, got {self.step_size}")

    def _lr(self, t: int) -> float:
        cycle = math.floor(1 + t / (2 * self.step_size))
        x = abs(t / self.step_size - 2 * cycle + 1)
        return self.base_lr + (self.max_lr - self.base_lr) * max(0.0, 1.0 - x)

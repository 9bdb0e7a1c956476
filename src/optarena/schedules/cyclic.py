"""Cosine and cyclical schedules: cosine, cosine-restarts (SGDR), one-cycle and clr.

Formulas follow Paddle ``CosineAnnealingDecay`` / torch ``CosineAnnealingLR``, torch
``CosineAnnealingWarmRestarts`` (Loshchilov & Hutter 2017, SGDR), torch ``OneCycleLR``
(Smith & Topin 2018; two phases, ``three_phase=False``) and torch ``CyclicLR`` (Smith 2017,
"Cyclical Learning Rates for Training Neural Networks").
"""

from __future__ import annotations

import dataclasses
import math

from optarena.schedules.base import (
    Schedule,
    check_choice,
    check_int,
    check_non_negative,
    check_number,
    check_positive,
)


def _cos_between(high: float, low: float, fraction: float) -> float:
    """``low + (high - low) * (1 + cos(pi * fraction)) / 2``: ``high`` at 0, ``low`` at 1."""
    return low + (high - low) * (1.0 + math.cos(math.pi * fraction)) / 2.0


@dataclasses.dataclass(frozen=True)
class CosineAnnealing(Schedule):
    """``eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2``.

    Past ``T_max`` the curve keeps following the cosine (rising again), exactly as Paddle's
    ``CosineAnnealingDecay`` and torch's ``CosineAnnealingLR`` do.
    """

    T_max: int
    eta_min: float = 0.0
    name = "cosine"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_int("T_max", self.T_max)
        check_non_negative("eta_min", self.eta_min)

    def _lr(self, t: int) -> float:
        return _cos_between(self.base_lr, self.eta_min, t / self.T_max)


@dataclasses.dataclass(frozen=True)
class CosineRestarts(Schedule):
    """SGDR: cosine from ``base_lr`` to ``eta_min`` over periods ``T_0, T_0*T_mult, ...``,
    restarting at ``base_lr`` after each (torch ``CosineAnnealingWarmRestarts``)."""

    T_0: int
    T_mult: int = 1
    eta_min: float = 0.0
    name = "cosine-restarts"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_int("T_0", self.T_0)
        check_int("T_mult", self.T_mult)
        check_non_negative("eta_min", self.eta_min)

    def _lr(self, t: int) -> float:
        if self.T_mult == 1:
            t_cur, t_i = t % self.T_0, self.T_0
        else:
            t_cur, t_i = t, self.T_0  # integer walk over the periods: no log rounding
            while t_cur >= t_i:
                t_cur -= t_i
                t_i *= self.T_mult
        return _cos_between(self.base_lr, self.eta_min, t_cur / t_i)


@dataclasses.dataclass(frozen=True)
class OneCycle(Schedule):
    """torch ``OneCycleLR`` (two phases): from ``max_lr / div_factor`` up to ``max_lr`` at step
    ``pct_start * total_steps - 1``, then down to ``max_lr / div_factor / final_div_factor`` at
    step ``total_steps - 1``, by cosine or linear annealing.

    ``max_lr`` defaults to ``base_lr``. torch refuses to step past ``total_steps``; here counts
    from ``total_steps - 1`` on stay at the final rate. Only the learning rate is scheduled
    (torch's momentum cycling is an optimizer concern).
    """

    total_steps: int
    max_lr: float | None = None
    pct_start: float = 0.3
    anneal_strategy: str = "cos"
    div_factor: float = 25.0
    final_div_factor: float = 1e4
    name = "one-cycle"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_lr is not None:
            check_positive("max_lr", self.max_lr)
        check_int("total_steps", self.total_steps, 2)
        check_number("pct_start", self.pct_start)
        check_choice("anneal_strategy", self.anneal_strategy, ("cos", "linear"))
        check_positive("div_factor", self.div_factor)
        check_positive("final_div_factor", self.final_div_factor)
        if not 1.0 < self.pct_start * self.total_steps < self.total_steps:
            raise ValueError(
                "one-cycle needs 1 < pct_start * total_steps < total_steps so that both phases "
                f"have at least one step, got pct_start={self.pct_start}, "
                f"total_steps={self.total_steps}"
            )

    @property
    def peak(self) -> float:
        return self.base_lr if self.max_lr is None else self.max_lr

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            return _cos_between(start, end, pct)
        return start + (end - start) * pct

    def _lr(self, t: int) -> float:
        initial = self.peak / self.div_factor
        final = initial / self.final_div_factor
        up_end = float(self.pct_start * self.total_steps) - 1.0
        down_end = float(self.total_steps - 1)
        if t <= up_end:
            return self._anneal(initial, self.peak, t / up_end)
        t = min(t, self.total_steps - 1)
        return self._anneal(self.peak, final, (t - up_end) / (down_end - up_end))


@dataclasses.dataclass(frozen=True)
class Cyclical(Schedule):
    """Smith's cyclical LR between ``base_lr`` (lower bound) and ``max_lr``, half-period
    ``step_size`` (torch ``CyclicLR`` with ``step_size_up = step_size_down = step_size``).

    ``triangular``: constant amplitude; ``triangular2``: amplitude halved each cycle;
    ``exp_range``: amplitude times ``gamma ** t``.
    """

    max_lr: float
    step_size: int = 2000
    mode: str = "triangular"
    gamma: float = 1.0
    name = "clr"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_positive("max_lr", self.max_lr)
        if self.max_lr < self.base_lr:
            raise ValueError(f"clr: max_lr ({self.max_lr}) must be >= base_lr ({self.base_lr})")
        check_int("step_size", self.step_size)
        check_choice("mode", self.mode, ("triangular", "triangular2", "exp_range"))
        check_positive("gamma", self.gamma)

    def _lr(self, t: int) -> float:
        total = 2.0 * self.step_size
        cycle = math.floor(1 + t / total)
        x = 1.0 + t / total - cycle
        scale = x / 0.5 if x <= 0.5 else (x - 1.0) / (0.5 - 1.0)
        if self.mode == "triangular":
            amplitude = 1.0
        elif self.mode == "triangular2":
            amplitude = 1.0 / 2.0 ** (cycle - 1)
        else:
            amplitude = self.gamma**t
        return self.base_lr + (self.max_lr - self.base_lr) * scale * amplitude

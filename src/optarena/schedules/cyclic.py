"""Cosine and cyclical schedules: cosine, cosine-restarts (SGDR), one-cycle and clr.

Formulas follow Paddle ``CosineAnnealingDecay`` / torch ``CosineAnnealingLR``, torch
``CosineAnnealingWarmRestarts`` (Loshchilov & Hutter 2017, SGDR), torch ``OneCycleLR``
(Smith & Topin 2018; two phases, ``three_phase=False``) and torch ``CyclicLR`` (Smith 2017,
"Cyclical Learning Rates for Training Neural Networks").
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

from optarena.schedules.base import (
    Schedule,
    check_bool,
    check_choice,
    check_int,
    check_non_negative,
    check_number,
    check_positive,
)
from optarena.schedules.decay import _CallableField


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
    restarting after each (torch ``CosineAnnealingWarmRestarts``).

    ``m_mul`` (Keras ``CosineDecayRestarts``) scales the height above ``eta_min`` by
    ``m_mul ** i`` in the ``i``-th period; ``T_mult`` may be a float >= 1 as in Keras (torch
    takes integers).
    """

    T_0: int
    T_mult: float = 1
    eta_min: float = 0.0
    m_mul: float = 1.0
    name = "cosine-restarts"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_int("T_0", self.T_0)
        if check_number("T_mult", self.T_mult) < 1:
            raise ValueError(f"T_mult must be >= 1, got {self.T_mult!r}")
        check_non_negative("eta_min", self.eta_min)
        check_positive("m_mul", self.m_mul)

    def _lr(self, t: int) -> float:
        if self.T_mult == 1:
            i, t_cur, t_i = t // self.T_0, t % self.T_0, self.T_0
        else:
            i, t_cur, t_i = 0, t, self.T_0  # walk over the periods: no log rounding
            while t_cur >= t_i:
                t_cur -= t_i
                t_i *= self.T_mult
                i += 1
        top = self.eta_min + (self.base_lr - self.eta_min) * self.m_mul**i
        return _cos_between(top, self.eta_min, t_cur / t_i)


@dataclasses.dataclass(frozen=True)
class OneCycle(Schedule):
    """torch ``OneCycleLR``: from ``max_lr / div_factor`` up to ``max_lr`` at step
    ``pct_start * total_steps - 1``, then down to ``max_lr / div_factor / final_div_factor`` at
    step ``total_steps - 1``, by cosine or linear annealing. With ``three_phase`` the rate first
    comes back to ``max_lr / div_factor`` at ``2 * pct_start * total_steps - 2``, then anneals
    to the final rate.

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
    three_phase: bool = False
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
        check_bool("three_phase", self.three_phase)
        back = 2 * self.pct_start * self.total_steps - 2
        if self.three_phase and not back < self.total_steps - 1:
            raise ValueError(
                f"one-cycle: three_phase needs 2 * pct_start * total_steps - 2 < total_steps - 1, "
                f"got pct_start={self.pct_start}, total_steps={self.total_steps}"
            )
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
        phases = [(0.0, up_end, initial, self.peak)]
        if self.three_phase:
            back = 2.0 * self.pct_start * self.total_steps - 2.0
            last = self.total_steps - 1.0
            phases += [(up_end, back, self.peak, initial), (back, last, initial, final)]
        else:
            phases.append((up_end, self.total_steps - 1.0, self.peak, final))
        t = min(t, self.total_steps - 1)
        for i, (start, end, high, low) in enumerate(phases):
            if t <= end or i == len(phases) - 1:
                return self._anneal(high, low, (t - start) / (end - start))
        raise AssertionError("unreachable")


_SCALES = {"triangular": "cycle", "triangular2": "cycle", "exp_range": "iterations"}


@dataclasses.dataclass(frozen=True)
class Cyclical(_CallableField, Schedule):
    """Smith's cyclical LR between ``base_lr`` (lower bound) and ``max_lr`` (torch ``CyclicLR``):
    up over ``step_size`` counts, down over ``step_size_down`` (default ``step_size``).

    ``triangular``: constant amplitude; ``triangular2``: amplitude halved each cycle;
    ``exp_range``: amplitude times ``gamma ** t``. A ``scale_fn`` (callable or
    ``module:function``) replaces the mode's; it gets the cycle number (``scale_mode="cycle"``,
    its default) or the count (``"iterations"``).
    """

    max_lr: float
    step_size: int = 2000
    mode: str = "triangular"
    gamma: float = 1.0
    step_size_down: int | None = None
    scale_fn: Callable[[float], float] | str | None = None
    scale_mode: str | None = None
    name = "clr"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_positive("max_lr", self.max_lr)
        if self.max_lr < self.base_lr:
            raise ValueError(f"clr: max_lr ({self.max_lr}) must be >= base_lr ({self.base_lr})")
        check_int("step_size", self.step_size)
        if self.step_size_down is not None:
            check_int("step_size_down", self.step_size_down)
        check_choice("mode", self.mode, tuple(_SCALES))
        check_positive("gamma", self.gamma)
        if self.scale_fn is not None:
            self._resolved("scale_fn")
        if self.scale_mode is not None:
            check_choice("scale_mode", self.scale_mode, ("cycle", "iterations"))

    def _scale(self, cycle: int, t: int) -> float:
        if self.scale_fn is not None:
            mode = self.scale_mode or "cycle"
            fn = self._resolved("scale_fn")
            return check_number("scale_fn", fn(cycle if mode == "cycle" else t))
        mode = self.scale_mode or _SCALES[self.mode]
        x = cycle if mode == "cycle" else t
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1.0 / 2.0 ** (x - 1)
        return self.gamma**x

    def _lr(self, t: int) -> float:
        down = self.step_size if self.step_size_down is None else self.step_size_down
        total = float(self.step_size + down)
        ratio = self.step_size / total
        cycle = math.floor(1 + t / total)
        x = 1.0 + t / total - cycle
        scale = x / ratio if x <= ratio else (x - 1.0) / (ratio - 1.0)
        return self.base_lr + (self.max_lr - self.base_lr) * scale * self._scale(cycle, t)

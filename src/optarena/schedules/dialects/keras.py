"""Keras 3 schedules (``keras.optimizers.schedules``) in Keras' argument spellings.

``base_lr`` plays Keras' ``initial_learning_rate``. ``ExponentialDecay``, ``PolynomialDecay``
and ``InverseTimeDecay`` compute what optarena's plain schedules compute in their Keras form;
``PiecewiseConstantDecay`` (switches *after* a boundary: ``t <= boundary`` keeps the earlier
value), ``CosineDecay`` (holds ``alpha * lr`` after ``decay_steps``, optional linear warm-up to
``warmup_target``) and ``CosineDecayRestarts`` (Keras' own period arithmetic) have classes here.
Reference: https://keras.io/api/optimizers/learning_rate_schedules/
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections.abc import Callable

from optarena.schedules import decay
from optarena.schedules.base import (
    Schedule,
    _freeze,
    check_increasing_ints,
    check_int,
    check_non_negative,
    check_number,
    check_positive,
)


@dataclasses.dataclass(frozen=True)
class PiecewiseConstant(Schedule):
    """``keras.optimizers.schedules.PiecewiseConstantDecay``: ``values[0]`` while
    ``t <= boundaries[0]``, ``values[i]`` while ``boundaries[i-1] < t <= boundaries[i]``,
    ``values[-1]`` after the last boundary (``base_lr`` is not used)."""

    boundaries: tuple[int, ...]
    values: tuple[float, ...]
    name = "keras:piecewise"

    def __post_init__(self) -> None:
        super().__post_init__()
        _freeze(self, "boundaries", check_increasing_ints("boundaries", self.boundaries, 0))
        values = tuple(check_non_negative("each of values", v) for v in self.values)
        if len(values) != len(self.boundaries) + 1:
            raise ValueError(
                f"keras:piecewise needs one more value than boundaries, got {len(values)} "
                f"values for {len(self.boundaries)} boundaries"
            )
        _freeze(self, "values", values)

    def _lr(self, t: int) -> float:
        return self.values[bisect.bisect_left(self.boundaries, t)]


@dataclasses.dataclass(frozen=True)
class CosineDecay(Schedule):
    """``keras.optimizers.schedules.CosineDecay``: without warm-up
    ``lr * ((1 - alpha) * (1 + cos(pi * min(t, decay_steps) / decay_steps)) / 2 + alpha)``;
    with ``warmup_target``, linear from ``base_lr`` (which may then be 0) to ``warmup_target``
    over ``warmup_steps``, then that cosine from ``warmup_target``."""

    decay_steps: int
    alpha: float = 0.0
    warmup_target: float | None = None
    warmup_steps: int = 0
    name = "keras:cosine"

    def __post_init__(self) -> None:
        if self.warmup_target is None:
            super().__post_init__()
        else:
            check_non_negative("base_lr", self.base_lr)
            check_positive("warmup_target", self.warmup_target)
        check_int("decay_steps", self.decay_steps)
        check_number("alpha", self.alpha)
        check_int("warmup_steps", self.warmup_steps, 0)

    def _decay(self, t: float, start: float) -> float:
        cosine = 0.5 * (1.0 + math.cos(math.pi * (t / self.decay_steps)))
        return start * ((1 - self.alpha) * cosine + self.alpha)

    def _lr(self, t: int) -> float:
        if self.warmup_target is None:
            return self._decay(min(t, self.decay_steps), self.base_lr)
        t = min(t, self.decay_steps + self.warmup_steps)
        if t < self.warmup_steps:
            return (self.warmup_target - self.base_lr) * (t / self.warmup_steps) + self.base_lr
        return self._decay(t - self.warmup_steps, self.warmup_target)


@dataclasses.dataclass(frozen=True)
class CosineDecayRestarts(Schedule):
    """``keras.optimizers.schedules.CosineDecayRestarts`` (SGDR): periods
    ``first_decay_steps * t_mul ** i`` found by Keras' closed form (a logarithm), height
    ``m_mul ** i``, floor ``alpha * base_lr``."""

    first_decay_steps: int
    t_mul: float = 2.0
    m_mul: float = 1.0
    alpha: float = 0.0
    name = "keras:cosine-restarts"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_int("first_decay_steps", self.first_decay_steps)
        if check_number("t_mul", self.t_mul) <= 0:
            raise ValueError(f"t_mul must be > 0, got {self.t_mul!r}")
        check_positive("m_mul", self.m_mul)
        check_number("alpha", self.alpha)

    def _lr(self, t: int) -> float:
        fraction = t / self.first_decay_steps
        if self.t_mul == 1.0:
            i = math.floor(fraction)
            fraction -= i
        else:
            i = math.floor(math.log(1.0 - fraction * (1.0 - self.t_mul)) / math.log(self.t_mul))
            done = (1.0 - self.t_mul**i) / (1.0 - self.t_mul)
            fraction = (fraction - done) / self.t_mul**i
        cosine = 0.5 * self.m_mul**i * (1.0 + math.cos(math.pi * fraction))
        return self.base_lr * ((1 - self.alpha) * cosine + self.alpha)


def exponential(
    base_lr: float, decay_steps: int, decay_rate: float, staircase: bool = False
) -> Schedule:
    """``keras.optimizers.schedules.ExponentialDecay``."""
    return decay.ExponentialDecay(
        base_lr, decay_rate=decay_rate, decay_steps=decay_steps, staircase=staircase
    )


def polynomial(
    base_lr: float,
    decay_steps: int,
    end_learning_rate: float = 1e-4,
    power: float = 1.0,
    cycle: bool = False,
) -> Schedule:
    """``keras.optimizers.schedules.PolynomialDecay``."""
    return decay.PolynomialDecay(
        base_lr, decay_steps, end_lr=end_learning_rate, power=power, cycle=cycle
    )


def inverse_time(
    base_lr: float, decay_steps: int, decay_rate: float, staircase: bool = False
) -> Schedule:
    """``keras.optimizers.schedules.InverseTimeDecay``."""
    return decay.InverseTimeDecay(
        base_lr, decay_rate=decay_rate, decay_steps=decay_steps, staircase=staircase
    )


#: optarena name -> (factory, the Keras class it follows)
FACTORIES: dict[str, tuple[Callable[..., Schedule], str]] = {
    "exponential": (exponential, "ExponentialDecay"),
    "piecewise": (PiecewiseConstant, "PiecewiseConstantDecay"),
    "polynomial": (polynomial, "PolynomialDecay"),
    "inverse-time": (inverse_time, "InverseTimeDecay"),
    "cosine": (CosineDecay, "CosineDecay"),
    "cosine-restarts": (CosineDecayRestarts, "CosineDecayRestarts"),
}


#: name -> what differs from the plain name (checked numerically by tests/frameworks/)
DIFFERS = {
    "exponential": "Keras spellings; the plain name takes the same (`decay_rate`, `decay_steps`)",
    "piecewise": "switches after a boundary (`t <= boundary` keeps the earlier value; plain "
    "switches at it)",
    "polynomial": "`end_learning_rate` for `end_lr`; end rate default 1e-4 as plain",
    "inverse-time": "Keras spellings; the plain name takes the same (`decay_rate`, "
    "`decay_steps`, `staircase`)",
    "cosine": "holds `alpha * lr` after `decay_steps` (plain `cosine` rises again past `T_max`); "
    "optional warm-up to `warmup_target`",
    "cosine-restarts": "`alpha` is relative to lr; default `t_mul` 2.0; Keras' closed-form "
    "period arithmetic",
}

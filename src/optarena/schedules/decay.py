"""Decay schedules: constant, step, multistep, exponential, natural-exp, inverse-time, polynomial,
piecewise, lambda, multiplicative and the tutorials' adjust-lr.

Formulas follow the Paddle 2.x ``paddle.optimizer.lr`` documentation (StepDecay, MultiStepDecay,
ExponentialDecay, NaturalExpDecay, InverseTimeDecay, PolynomialDecay, PiecewiseDecay,
LambdaDecay), ``torch.optim.lr_scheduler`` (StepLR, MultiStepLR, ExponentialLR, LambdaLR,
MultiplicativeLR) and Keras ``ExponentialDecay``; ``t`` plays the frameworks' ``epoch`` /
``last_epoch`` / ``step``.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections.abc import Callable
from typing import Any

from optarena.schedules.base import (
    Schedule,
    _freeze,
    check_bool,
    check_increasing_ints,
    check_int,
    check_non_negative,
    check_number,
    check_positive,
    resolve_callable,
)


@dataclasses.dataclass(frozen=True)
class Constant(Schedule):
    """``base_lr`` at every count."""

    name = "constant"

    def _lr(self, t: int) -> float:
        return self.base_lr


@dataclasses.dataclass(frozen=True)
class StepDecay(Schedule):
    """Paddle ``StepDecay`` / torch ``StepLR``: ``base_lr * gamma ** floor(t / step_size)``."""

    step_size: int
    gamma: float = 0.1
    name = "step"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_int("step_size", self.step_size)
        check_positive("gamma", self.gamma)

    def _lr(self, t: int) -> float:
        return self.base_lr * self.gamma ** (t // self.step_size)


@dataclasses.dataclass(frozen=True)
class MultiStepDecay(Schedule):
    """Paddle ``MultiStepDecay`` / torch ``MultiStepLR``: ``base_lr * gamma ** k`` where ``k`` is
    the number of milestones ``<= t``; a repeated milestone applies ``gamma`` once per repeat, as
    in torch."""

    milestones: tuple[int, ...]
    gamma: float = 0.1
    name = "multistep"

    def __post_init__(self) -> None:
        super().__post_init__()
        milestones = check_increasing_ints("milestones", self.milestones, 0, strict=False)
        _freeze(self, "milestones", milestones)
        check_positive("gamma", self.gamma)

    def _lr(self, t: int) -> float:
        return self.base_lr * self.gamma ** bisect.bisect_right(self.milestones, t)


@dataclasses.dataclass(frozen=True)
class ExponentialDecay(Schedule):
    """Exponential decay in either framework's spelling.

    Paddle ``ExponentialDecay`` / torch ``ExponentialLR`` (give ``gamma``):
    ``base_lr * gamma ** t``. Keras ``ExponentialDecay`` (give ``decay_rate`` and
    ``decay_steps``): ``base_lr * decay_rate ** (t / decay_steps)``, with the exponent floored
    when ``staircase`` is true.
    """

    gamma: float | None = None
    decay_rate: float | None = None
    decay_steps: int | None = None
    staircase: bool = False
    name = "exponential"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_bool("staircase", self.staircase)
        keras = self.decay_rate is not None or self.decay_steps is not None
        if self.gamma is not None and keras:
            raise ValueError(
                "exponential: give either gamma (Paddle/torch) or decay_rate and decay_steps "
                "(Keras), not both"
            )
        if keras:
            if self.decay_rate is None or self.decay_steps is None:
                raise ValueError(
                    "exponential: the Keras form needs both decay_rate and decay_steps"
                )
            check_positive("decay_rate", self.decay_rate)
            check_int("decay_steps", self.decay_steps)
        else:
            if self.gamma is None:
                raise ValueError(
                    "exponential needs gamma (Paddle/torch) or decay_rate and decay_steps (Keras)"
                )
            check_positive("gamma", self.gamma)
            if self.staircase:
                raise ValueError("exponential: staircase applies only to the Keras form")

    def _lr(self, t: int) -> float:
        if self.gamma is not None:
            return self.base_lr * self.gamma**t
        assert self.decay_rate is not None and self.decay_steps is not None
        exponent = t // self.decay_steps if self.staircase else t / self.decay_steps
        return self.base_lr * self.decay_rate**exponent


@dataclasses.dataclass(frozen=True)
class NaturalExpDecay(Schedule):
    """Paddle ``NaturalExpDecay``: ``base_lr * exp(-gamma * t)``."""

    gamma: float
    name = "natural-exp"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_positive("gamma", self.gamma)

    def _lr(self, t: int) -> float:
        return self.base_lr * math.exp(-self.gamma * t)


@dataclasses.dataclass(frozen=True)
class InverseTimeDecay(Schedule):
    """Inverse-time decay in either framework's spelling.

    Paddle ``InverseTimeDecay`` (give ``gamma``): ``base_lr / (1 + gamma * t)``. Keras
    ``InverseTimeDecay`` (give ``decay_rate`` and ``decay_steps``):
    ``base_lr / (1 + decay_rate * t / decay_steps)``, with ``t / decay_steps`` floored when
    ``staircase`` is true.
    """

    gamma: float | None = None
    decay_rate: float | None = None
    decay_steps: int | None = None
    staircase: bool = False
    name = "inverse-time"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_bool("staircase", self.staircase)
        keras = self.decay_rate is not None or self.decay_steps is not None
        if self.gamma is not None and keras:
            raise ValueError("inverse-time: give either gamma or decay_rate and decay_steps")
        if keras:
            if self.decay_rate is None or self.decay_steps is None:
                raise ValueError("inverse-time: the Keras form needs decay_rate and decay_steps")
            check_non_negative("decay_rate", self.decay_rate)
            check_int("decay_steps", self.decay_steps)
        else:
            if self.gamma is None:
                raise ValueError("inverse-time needs gamma, or decay_rate and decay_steps")
            check_positive("gamma", self.gamma)
            if self.staircase:
                raise ValueError("inverse-time: staircase applies only to the Keras form")

    def _lr(self, t: int) -> float:
        if self.gamma is not None:
            return self.base_lr / (1.0 + self.gamma * t)
        assert self.decay_rate is not None and self.decay_steps is not None
        p = t // self.decay_steps if self.staircase else t / self.decay_steps
        return self.base_lr / (1.0 + self.decay_rate * p)


@dataclasses.dataclass(frozen=True)
class PolynomialDecay(Schedule):
    """Paddle ``PolynomialDecay``: ``(base_lr - end_lr) * (1 - t / d) ** power + end_lr``.

    Without ``cycle``, ``t`` is capped at ``d = decay_steps``; with ``cycle``,
    ``d = decay_steps * ceil(t / decay_steps)`` (and ``d = decay_steps`` at ``t = 0``), so the
    rate climbs back to ``base_lr`` after each period.
    """

    decay_steps: int
    end_lr: float = 1e-4
    power: float = 1.0
    cycle: bool = False
    name = "polynomial"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_int("decay_steps", self.decay_steps)
        check_non_negative("end_lr", self.end_lr)
        check_positive("power", self.power)
        check_bool("cycle", self.cycle)

    def _lr(self, t: int) -> float:
        steps = self.decay_steps
        if self.cycle:
            steps = self.decay_steps * max(1, math.ceil(t / self.decay_steps))
        else:
            t = min(t, self.decay_steps)
        return (self.base_lr - self.end_lr) * (1.0 - t / steps) ** self.power + self.end_lr


@dataclasses.dataclass(frozen=True)
class PiecewiseDecay(Schedule):
    """Paddle ``PiecewiseDecay``: ``values[i]`` for the ``i`` with
    ``boundaries[i-1] <= t < boundaries[i]``; ``base_lr`` is not used."""

    boundaries: tuple[int, ...]
    values: tuple[float, ...]
    name = "piecewise"

    def __post_init__(self) -> None:
        super().__post_init__()
        _freeze(self, "boundaries", check_increasing_ints("boundaries", self.boundaries, 0))
        values = tuple(check_non_negative("each of values", v) for v in self.values)
        if len(values) != len(self.boundaries) + 1:
            raise ValueError(
                f"piecewise needs one more value than boundaries, got {len(values)} values for "
                f"{len(self.boundaries)} boundaries"
            )
        _freeze(self, "values", values)

    def _lr(self, t: int) -> float:
        return self.values[bisect.bisect_right(self.boundaries, t)]


class _CallableField:
    """Mixin for schedules holding a callable that may be given by ``module:function`` path;
    the resolved function is cached and not pickled (the field itself is)."""

    def _resolved(self, field: str) -> Callable[[int], Any]:
        cache = self.__dict__.setdefault("_resolved_cache", {})
        if field not in cache:
            cache[field] = resolve_callable(field, getattr(self, field))
        return cache[field]

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_resolved_cache"}


@dataclasses.dataclass(frozen=True)
class LambdaDecay(_CallableField, Schedule):
    """Paddle ``LambdaDecay`` / torch ``LambdaLR``: ``base_lr * lr_lambda(t)``.

    ``lr_lambda`` is a callable or a ``module:function`` path (configs and the CLI use paths;
    only module-level functions can be stored in checkpoints or sent to worker processes).
    """

    lr_lambda: Callable[[int], float] | str
    name = "lambda"

    def __post_init__(self) -> None:
        super().__post_init__()
        self._resolved("lr_lambda")

    def _lr(self, t: int) -> float:
        return self.base_lr * check_number("lr_lambda(t)", self._resolved("lr_lambda")(t))


@dataclasses.dataclass(frozen=True)
class MultiplicativeDecay(_CallableField, Schedule):
    """torch ``MultiplicativeLR``: ``base_lr * factor(1) * factor(2) * ... * factor(t)``.

    ``factor`` is a number (then ``base_lr * factor ** t``), a callable of the count, or a
    ``module:function`` path. A callable factor costs O(t) per evaluation.
    """

    factor: float | Callable[[int], float] | str
    name = "multiplicative"

    def __post_init__(self) -> None:
        super().__post_init__()
        if isinstance(self.factor, (int, float)):
            check_positive("factor", self.factor)
        else:
            self._resolved("factor")

    def _lr(self, t: int) -> float:
        if isinstance(self.factor, (int, float)):
            return self.base_lr * self.factor**t
        fn = self._resolved("factor")
        lr = self.base_lr
        for k in range(1, t + 1):
            lr *= check_number("factor(t)", fn(k))
        return lr


@dataclasses.dataclass(frozen=True)
class AdjustLr(Schedule):
    """The tutorials' ``Adjust_lr``: ``base_lr * factor ** floor(t / every)`` (0.95 every 2)."""

    every: int = 2
    factor: float = 0.95
    name = "adjust-lr"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_int("every", self.every)
        check_positive("factor", self.factor)

    def _lr(self, t: int) -> float:
        return self.base_lr * self.factor ** (t // self.every)

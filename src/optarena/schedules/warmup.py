"""Warm-up schedules: linear-warmup (a wrapper), noam, warmup-cosine and wsd.

Formulas follow Paddle ``LinearWarmup`` and ``NoamDecay`` (Vaswani et al. 2017, "Attention Is
All You Need"), optax ``warmup_cosine_decay_schedule`` / timm's cosine-with-warmup, and the
warmup-stable-decay schedule (Hu et al. 2024, MiniCPM; Hägele et al. 2024).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from optarena.schedules.base import (
    Schedule,
    _freeze,
    check_int,
    check_non_negative,
    check_number,
    check_positive,
)
from optarena.schedules.decay import Constant


def resolve_after(after: Any, base_lr: float) -> Schedule:
    """The schedule a warm-up hands over to.

    ``None``: constant ``base_lr``; a number: that constant; a name: that schedule with
    ``base_lr``; a mapping ``{"name": ..., "params": {...}, "base_lr": optional}``; or a schedule.
    """
    from optarena.schedules.registry import create  # the registry imports this module

    if after is None:
        return Constant(base_lr)
    if isinstance(after, Schedule):
        resolved = after
    elif isinstance(after, bool):
        raise ValueError(f"after must be a schedule, a name, a mapping or a number, got {after!r}")
    elif isinstance(after, (int, float)):
        resolved = Constant(check_positive("after", after))
    elif isinstance(after, str):
        resolved = create(after, base_lr)
    elif isinstance(after, Mapping):
        extra = set(after) - {"name", "params", "base_lr"}
        if "name" not in after or extra:
            raise ValueError(
                "after as a mapping needs 'name' and may have 'params' and 'base_lr', got "
                f"keys {sorted(after)}"
            )
        params = dict(after.get("params") or {})
        resolved = create(after["name"], after.get("base_lr", base_lr), **params)
    else:
        raise ValueError(f"after must be a schedule, a name, a mapping or a number, got {after!r}")
    if resolved.metric_driven:
        raise ValueError("after cannot be a metric-driven schedule")
    return resolved


@dataclasses.dataclass(frozen=True)
class LinearWarmup(Schedule):
    """Paddle ``LinearWarmup``: ``start_lr + (end_lr - start_lr) * t / warmup_steps`` while
    ``t < warmup_steps``, then ``after(t - warmup_steps)``.

    ``end_lr`` defaults to ``base_lr``; ``after`` (see :func:`resolve_after`) defaults to the
    constant ``base_lr``, which is Paddle's ``LinearWarmup`` with a float ``learning_rate``.
    """

    warmup_steps: int
    start_lr: float = 0.0
    end_lr: float | None = None
    after: Any = None
    name = "linear-warmup"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_int("warmup_steps", self.warmup_steps)
        check_non_negative("start_lr", self.start_lr)
        if self.end_lr is None:
            _freeze(self, "end_lr", float(self.base_lr))
        check_non_negative("end_lr", self.end_lr)
        _freeze(self, "after", resolve_after(self.after, self.base_lr))

    def _lr(self, t: int) -> float:
        if t < self.warmup_steps:
            assert self.end_lr is not None
            return self.start_lr + (self.end_lr - self.start_lr) * t / self.warmup_steps
        return self.after(t - self.warmup_steps)


@dataclasses.dataclass(frozen=True)
class Noam(Schedule):
    """Paddle ``NoamDecay``: ``base_lr * d_model ** -0.5 * min(t ** -0.5, t * warmup ** -1.5)``.

    At ``t = 0`` Paddle takes ``t ** -0.5`` as 1, so the rate there is 0 (as in Paddle).
    """

    d_model: float
    warmup_steps: int
    name = "noam"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_positive("d_model", self.d_model)
        check_int("warmup_steps", self.warmup_steps)

    def _lr(self, t: int) -> float:
        a = 1.0 if t == 0 else t**-0.5
        b = t * self.warmup_steps**-1.5
        return self.base_lr * self.d_model**-0.5 * min(a, b)


def _check_steps(name: str, warmup_steps: Any, total_steps: Any, min_lr: Any, base: float) -> None:
    check_int("warmup_steps", warmup_steps, 0)
    check_int("total_steps", total_steps)
    if warmup_steps >= total_steps:
        raise ValueError(
            f"{name}: warmup_steps ({warmup_steps}) must be < total_steps ({total_steps})"
        )
    check_non_negative("min_lr", min_lr)
    if min_lr > base:
        raise ValueError(f"{name}: min_lr ({min_lr}) must be <= base_lr ({base})")


@dataclasses.dataclass(frozen=True)
class WarmupCosine(Schedule):
    """Linear warm-up from 0 to ``base_lr`` over ``warmup_steps``, cosine decay to ``min_lr`` at
    ``total_steps``, ``min_lr`` after (optax ``warmup_cosine_decay_schedule`` with
    ``init_value=0``, ``decay_steps=total_steps``; timm's cosine with linear warm-up).

    ``s(t) = base_lr * t / W`` for ``t < W``; then
    ``min_lr + (base_lr - min_lr) * (1 + cos(pi * (t - W) / (T - W))) / 2`` up to ``T``.
    """

    warmup_steps: int
    total_steps: int
    min_lr: float = 0.0
    name = "warmup-cosine"

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_steps(self.name, self.warmup_steps, self.total_steps, self.min_lr, self.base_lr)

    def _lr(self, t: int) -> float:
        w, total = self.warmup_steps, self.total_steps
        if t < w:
            return self.base_lr * t / w
        if t >= total:
            return self.min_lr
        fraction = (t - w) / (total - w)
        return self.min_lr + (self.base_lr - self.min_lr) * (1 + math.cos(math.pi * fraction)) / 2


@dataclasses.dataclass(frozen=True)
class WarmupStableDecay(Schedule):
    """Warmup-stable-decay: linear from 0 to ``base_lr`` over ``warmup_steps``, constant, then
    linear to ``min_lr`` over the last ``D = round(decay_frac * total_steps)`` counts (reaching
    ``min_lr`` at ``total_steps``), ``min_lr`` after.
    """

    warmup_steps: int
    total_steps: int
    decay_frac: float = 0.2
    min_lr: float = 0.0
    name = "wsd"

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_steps(self.name, self.warmup_steps, self.total_steps, self.min_lr, self.base_lr)
        frac = check_number("decay_frac", self.decay_frac)
        if not 0.0 < frac <= 1.0:
            raise ValueError(f"wsd: decay_frac must be in (0, 1], got {frac}")
        if self.decay_steps < 1:
            raise ValueError(
                f"wsd: decay_frac * total_steps rounds to {self.decay_steps}; need >= 1 decay step"
            )
        if self.warmup_steps + self.decay_steps > self.total_steps:
            raise ValueError(
                f"wsd: warmup_steps ({self.warmup_steps}) + decay steps ({self.decay_steps}) "
                f"exceed total_steps ({self.total_steps})"
            )

    @property
    def decay_steps(self) -> int:
        return round(self.decay_frac * self.total_steps)

    def _lr(self, t: int) -> float:
        w, total, d = self.warmup_steps, self.total_steps, self.decay_steps
        if t < w:
            return self.base_lr * t / w
        if t < total - d:
            return self.base_lr
        if t >= total:
            return self.min_lr
        return self.base_lr + (self.min_lr - self.base_lr) * (t - (total - d)) / d

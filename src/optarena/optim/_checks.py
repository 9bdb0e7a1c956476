"""Argument checks shared by the registry and the optimizers' ``__init__`` (one message style)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch


def _as_number(name: str, value: Any) -> float:
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Interval:
    """A closed/open real interval a hyper-parameter must lie in; ``size`` > 0 means a tuple."""

    lo: float = -math.inf
    hi: float = math.inf
    lo_open: bool = False
    hi_open: bool = False
    integer: bool = False
    size: int = 0

    def describe(self) -> str:
        left = "(" if self.lo_open else "["
        right = ")" if self.hi_open or self.hi == math.inf else "]"
        lo = "-inf" if self.lo == -math.inf else f"{self.lo:g}"
        hi = "inf" if self.hi == math.inf else f"{self.hi:g}"
        return f"{left}{lo}, {hi}{right}"

    def check(self, name: str, value: Any) -> None:
        """Raise ``ValueError`` naming ``name`` unless ``value`` satisfies the interval."""
        if self.size:
            if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
                raise ValueError(f"{name} must be a sequence of {self.size} numbers, got {value!r}")
            if len(value) != self.size:
                raise ValueError(f"{name} must have {self.size} entries, got {value!r}")
            for i, item in enumerate(value):
                Interval(self.lo, self.hi, self.lo_open, self.hi_open, self.integer).check(
                    f"{name}[{i}]", item
                )
            return
        number = _as_number(name, value)
        if self.integer and (isinstance(value, float) and not value.is_integer()):
            raise ValueError(f"{name} must be an integer, got {value!r}")
        below = number <= self.lo if self.lo_open else number < self.lo
        above = number >= self.hi if self.hi_open else number > self.hi
        if below or above:
            kind = "an integer" if self.integer else "a number"
            raise ValueError(f"{name} must be {kind} in {self.describe()}, got {value!r}")


NON_NEGATIVE = Interval(0.0)
POSITIVE = Interval(0.0, lo_open=True)
UNIT_OPEN = Interval(0.0, 1.0, hi_open=True)  # [0, 1)
UNIT_CLOSED = Interval(0.0, 1.0)  # [0, 1]
BETAS = Interval(0.0, 1.0, hi_open=True, size=2)
OPEN_BETAS = Interval(0.0, 1.0, lo_open=True, hi_open=True, size=2)  # each in (0, 1)

#: Rules applied by ``optarena.optim.create`` to any hyper-parameter of these names.
#: A spec's own ``constraints`` override them (e.g. ``alpha`` means different things).
COMMON_RULES: dict[str, Interval] = {
    "lr": NON_NEGATIVE,
    "eps": NON_NEGATIVE,
    "weight_decay": NON_NEGATIVE,
    "momentum": UNIT_OPEN,
    "dampening": UNIT_CLOSED,
    "betas": BETAS,
    "nu": UNIT_CLOSED,
    "nus": Interval(0.0, 1.0, size=2),
    "rho": UNIT_CLOSED,
    "lr_decay": NON_NEGATIVE,
    "initial_accumulator_value": NON_NEGATIVE,
    "momentum_decay": NON_NEGATIVE,
    "lambd": NON_NEGATIVE,
    "t0": NON_NEGATIVE,
    "trust_coefficient": POSITIVE,
    "warmup_steps": Interval(0.0, integer=True),
    "k": Interval(1.0, integer=True),
}


def check(name: str, value: Any, rule: Interval) -> None:
    """Shorthand used by the optimizers' ``__init__``."""
    rule.check(name, value)


def checked(hparams: Mapping[str, Any], rules: Mapping[str, Interval]) -> dict[str, Any]:
    """``hparams`` checked in order against ``rules``, else :data:`COMMON_RULES`, by name.

    Keys with no rule pass unchecked; sequence values become tuples and integer ones ``int``.
    """
    out: dict[str, Any] = {}
    for name, value in hparams.items():
        rule = rules.get(name, COMMON_RULES.get(name))
        if rule is not None:
            rule.check(name, value)
            if rule.size:
                value = tuple(value)
            elif rule.integer:
                value = int(value)
        out[name] = value
    return out

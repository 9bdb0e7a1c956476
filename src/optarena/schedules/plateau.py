"""``reduce-on-plateau``: the one metric-driven schedule.

Follows torch ``ReduceLROnPlateau`` (and Paddle ``ReduceOnPlateau``): after more than
``patience`` calls to :meth:`ReduceOnPlateau.step` without an improvement of the monitored
metric (beyond ``threshold``, relative or absolute), the rate is multiplied by ``factor``
(never below ``min_lr``), then ``cooldown`` calls are ignored.
"""

from __future__ import annotations

import math
from typing import Any, SupportsFloat

from optarena.schedules.base import (
    Schedule,
    check_choice,
    check_count,
    check_int,
    check_non_negative,
    check_positive,
)

_STATE_KEYS = ("lr", "best", "num_bad_epochs", "cooldown_counter", "last_epoch")


class ReduceOnPlateau(Schedule):
    """Metric-driven: ``s.step(metric) -> float`` feeds one value (say the validation loss at
    the end of an epoch) and returns the new rate; ``s.lr`` is the current rate and ``s(t)``
    returns it too, whatever ``t`` (the rate depends on the metrics seen, not on the count).

    Being stateful it is **not** frozen, unlike every other schedule: it is a plain mutable
    object with :meth:`state_dict` / :meth:`load_state_dict`; it still pickles.
    """

    name = "reduce-on-plateau"
    metric_driven = True

    def __init__(
        self,
        base_lr: float,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float = 0.0,
        eps: float = 1e-8,
    ) -> None:
        self.base_lr = check_positive("base_lr", base_lr)
        self.mode = check_choice("mode", mode, ("min", "max"))
        self.factor = check_positive("factor", factor)
        if self.factor >= 1.0:
            raise ValueError(f"factor must be < 1, got {factor!r}")
        self.patience = check_int("patience", patience, 0)
        self.threshold = check_non_negative("threshold", threshold)
        self.threshold_mode = check_choice("threshold_mode", threshold_mode, ("rel", "abs"))
        self.cooldown = check_int("cooldown", cooldown, 0)
        self.min_lr = check_non_negative("min_lr", min_lr)
        self.eps = check_non_negative("eps", eps)
        self.reset()

    # frozen dataclass behaviour of the base class is switched off for this one
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__
    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.config() == other.config() and self.state_dict() == other.state_dict()

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.config()["params"].items())
        return f"ReduceOnPlateau(base_lr={self.base_lr!r}, {params}, lr={self.lr!r})"

    def reset(self) -> None:
        """Back to the state right after construction."""
        self.lr = self.base_lr
        self.best = math.inf if self.mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0

    def __call__(self, t: int) -> float:
        """The current rate (``t`` is checked but does not matter: see the class docstring)."""
        check_count(t)
        return float(self.lr)

    def is_better(self, current: float, best: float) -> bool:
        if self.mode == "min":
            if self.threshold_mode == "rel":
                return current < best * (1.0 - self.threshold)
            return current < best - self.threshold
        if self.threshold_mode == "rel":
            return current > best * (1.0 + self.threshold)
        return current > best + self.threshold

    def step(self, metric: SupportsFloat) -> float:
        """Feed one metric value; returns the (possibly reduced) learning rate."""
        current = float(metric)
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs during cooldown do not count
        if self.num_bad_epochs > self.patience:
            new_lr = max(self.lr * self.factor, self.min_lr)
            if self.lr - new_lr > self.eps:
                self.lr = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        return float(self.lr)

    def state_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in _STATE_KEYS}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        missing = [key for key in _STATE_KEYS if key not in state]
        if missing:
            raise ValueError(f"reduce-on-plateau state lacks {', '.join(missing)}")
        self.lr = check_positive("lr", state["lr"])
        best = float(state["best"])
        if math.isnan(best):
            raise ValueError("reduce-on-plateau state has best = nan")
        self.best = best
        self.num_bad_epochs = check_int("num_bad_epochs", state["num_bad_epochs"], 0)
        self.cooldown_counter = check_int("cooldown_counter", state["cooldown_counter"], 0)
        self.last_epoch = check_int("last_epoch", state["last_epoch"], 0)

    def config(self) -> dict[str, Any]:
        params = {
            "mode": self.mode,
            "factor": self.factor,
            "patience": self.patience,
            "threshold": self.threshold,
            "threshold_mode": self.threshold_mode,
            "cooldown": self.cooldown,
            "min_lr": self.min_lr,
            "eps": self.eps,
        }
        return {"name": self.name, "base_lr": float(self.base_lr), "params": params}

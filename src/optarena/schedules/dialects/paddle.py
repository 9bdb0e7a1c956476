"""Paddle 2.x schedules (``paddle.optimizer.lr``) in Paddle's argument spellings.

Most Paddle schedulers compute what optarena's plain schedule of the same name computes; their
dialect factories only take Paddle's spellings. Three differ and have classes here:
``ReduceOnPlateau`` (the metric is ignored during cooldown), ``OneCycleLR`` (an absolute
``end_learning_rate``; at ``t = total_steps`` it anneals one step past the end) and
``MultiStepDecay`` (milestones must be strictly increasing). The schedule's ``base_lr`` plays
Paddle's ``learning_rate`` (``max_learning_rate`` for one-cycle, ``base_learning_rate`` for
CyclicLR). Reference: https://www.paddlepaddle.org.cn/documentation/docs/en/api/paddle/
optimizer/lr/LRScheduler_en.html
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any, SupportsFloat

from optarena.schedules import compose, cyclic, decay, warmup
from optarena.schedules.base import (
    Schedule,
    check_bool,
    check_choice,
    check_increasing_ints,
    check_int,
    check_non_negative,
    check_number,
    check_positive,
)
from optarena.schedules.plateau import ReduceOnPlateau as _Plateau


class ReduceOnPlateau(_Plateau):
    """``paddle.optimizer.lr.ReduceOnPlateau``: while ``cooldown`` calls remain the metric is
    not looked at (torch still updates the best value then); ``epsilon`` is torch's ``eps``."""

    name = "paddle:reduce-on-plateau"

    def step(self, metric: SupportsFloat) -> float:
        current = float(metric)
        self.last_epoch += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            return float(self.lr)
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.num_bad_epochs > self.patience:
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
            new_lr = max(self.lr * self.factor, self.min_lr)
            if self.lr - new_lr > self.eps:
                self.lr = new_lr
        return float(self.lr)


@dataclasses.dataclass(frozen=True)
class OneCycle(Schedule):
    """``paddle.optimizer.lr.OneCycleLR`` with ``base_lr`` as ``max_learning_rate``: from
    ``base_lr / divide_factor`` to ``base_lr`` at ``phase_pct * total_steps - 1``, then to the
    absolute ``end_learning_rate`` at ``total_steps - 1`` (three phases: back to the initial
    rate at ``2 * phase_pct * total_steps - 2`` first). Paddle allows ``t = total_steps`` and
    anneals one step further there; later counts hold that rate (Paddle raises)."""

    total_steps: int
    divide_factor: float = 25.0
    end_learning_rate: float = 1e-4
    phase_pct: float = 0.3
    anneal_strategy: str = "cos"
    three_phase: bool = False
    name = "paddle:one-cycle"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_int("total_steps", self.total_steps, 2)
        check_positive("divide_factor", self.divide_factor)
        check_non_negative("end_learning_rate", self.end_learning_rate)
        pct = check_number("phase_pct", self.phase_pct)
        check_choice("anneal_strategy", self.anneal_strategy, ("cos", "linear"))
        check_bool("three_phase", self.three_phase)
        if not 1.0 < pct * self.total_steps < self.total_steps or (self.three_phase and pct >= 0.5):
            raise ValueError(
                f"paddle:one-cycle needs 1 < phase_pct * total_steps < total_steps (and "
                f"phase_pct < 0.5 with three_phase), got phase_pct={pct}, "
                f"total_steps={self.total_steps}"
            )

    def _lr(self, t: int) -> float:
        total, pct = self.total_steps, self.phase_pct
        initial = self.base_lr / float(self.divide_factor)
        if self.three_phase:
            ends = [pct * total - 1, 2 * pct * total - 2, total - 1]
            lrs = [initial, self.base_lr, initial, float(self.end_learning_rate)]
        else:
            ends = [pct * total - 1, total - 1]
            lrs = [initial, self.base_lr, float(self.end_learning_rate)]
        t = min(t, total)
        start = 0.0
        for i, end in enumerate(ends):
            if t <= end or i == len(ends) - 1:
                fraction = (t - start) / (end - start)
                if self.anneal_strategy == "cos":
                    cos_out = math.cos(math.pi * fraction) + 1
                    return lrs[i + 1] + (lrs[i] - lrs[i + 1]) / 2 * cos_out
                return (lrs[i + 1] - lrs[i]) * fraction + lrs[i]
            start = end
        raise AssertionError("unreachable")


def multistep(base_lr: float, milestones: Any, gamma: float = 0.1) -> Schedule:
    """``paddle.optimizer.lr.MultiStepDecay`` (strictly increasing milestones, gamma < 1)."""
    check_increasing_ints("milestones", milestones, 0)
    if check_number("gamma", gamma) >= 1.0:
        raise ValueError(f"paddle:multistep needs gamma < 1, got {gamma!r}")
    return decay.MultiStepDecay(base_lr, milestones=tuple(milestones), gamma=gamma)


def step(base_lr: float, step_size: int, gamma: float = 0.1) -> Schedule:
    """``paddle.optimizer.lr.StepDecay``."""
    return decay.StepDecay(base_lr, step_size=step_size, gamma=gamma)


def exponential(base_lr: float, gamma: float) -> Schedule:
    """``paddle.optimizer.lr.ExponentialDecay``: ``base_lr * gamma ** t``."""
    return decay.ExponentialDecay(base_lr, gamma=gamma)


def natural_exp(base_lr: float, gamma: float) -> Schedule:
    """``paddle.optimizer.lr.NaturalExpDecay``: ``base_lr * exp(-gamma * t)``."""
    return decay.NaturalExpDecay(base_lr, gamma=gamma)


def inverse_time(base_lr: float, gamma: float) -> Schedule:
    """``paddle.optimizer.lr.InverseTimeDecay``: ``base_lr / (1 + gamma * t)``."""
    return decay.InverseTimeDecay(base_lr, gamma=gamma)


def polynomial(
    base_lr: float, decay_steps: int, end_lr: float = 1e-4, power: float = 1.0, cycle: bool = False
) -> Schedule:
    """``paddle.optimizer.lr.PolynomialDecay``."""
    return decay.PolynomialDecay(base_lr, decay_steps, end_lr=end_lr, power=power, cycle=cycle)


def piecewise(base_lr: float, boundaries: Any, values: Any) -> Schedule:
    """``paddle.optimizer.lr.PiecewiseDecay``: ``values[i]`` from ``boundaries[i-1]`` on."""
    return decay.PiecewiseDecay(base_lr, boundaries=tuple(boundaries), values=tuple(values))


def lambda_(base_lr: float, lr_lambda: Callable[[int], float] | str) -> Schedule:
    """``paddle.optimizer.lr.LambdaDecay``: ``base_lr * lr_lambda(t)``."""
    return decay.LambdaDecay(base_lr, lr_lambda=lr_lambda)


def multiplicative(base_lr: float, lr_lambda: Callable[[int], float] | str) -> Schedule:
    """``paddle.optimizer.lr.MultiplicativeDecay``: ``base_lr * prod_{k<=t} lr_lambda(k)``."""
    return decay.MultiplicativeDecay(base_lr, factor=lr_lambda)


def noam(base_lr: float, d_model: float, warmup_steps: int) -> Schedule:
    """``paddle.optimizer.lr.NoamDecay`` (Paddle's ``learning_rate`` is ``base_lr``)."""
    return warmup.Noam(base_lr, d_model=d_model, warmup_steps=warmup_steps)


def linear_warmup(
    base_lr: float, warmup_steps: int, start_lr: float, end_lr: float, after: Any = None
) -> Schedule:
    """``paddle.optimizer.lr.LinearWarmup``; ``after`` plays a scheduler ``learning_rate``."""
    return warmup.LinearWarmup(base_lr, warmup_steps, start_lr=start_lr, end_lr=end_lr, after=after)


def cosine(base_lr: float, T_max: int, eta_min: float = 0.0) -> Schedule:
    """``paddle.optimizer.lr.CosineAnnealingDecay``."""
    return cyclic.CosineAnnealing(base_lr, T_max=T_max, eta_min=eta_min)


def cosine_restarts(base_lr: float, T_0: int, T_mult: int = 1, eta_min: float = 0.0) -> Schedule:
    """``paddle.optimizer.lr.CosineAnnealingWarmRestarts``."""
    check_int("T_mult", T_mult)
    return cyclic.CosineRestarts(base_lr, T_0=T_0, T_mult=T_mult, eta_min=eta_min)


def clr(
    base_lr: float,
    max_learning_rate: float,
    step_size_up: int,
    step_size_down: int | None = None,
    mode: str = "triangular",
    exp_gamma: float = 1.0,
    scale_fn: Callable[[float], float] | str | None = None,
    scale_mode: str = "cycle",
) -> Schedule:
    """``paddle.optimizer.lr.CyclicLR`` (``base_lr`` is ``base_learning_rate``)."""
    return cyclic.Cyclical(
        base_lr,
        max_lr=max_learning_rate,
        step_size=step_size_up,
        step_size_down=step_size_down,
        mode=mode,
        gamma=exp_gamma,
        scale_fn=scale_fn,
        scale_mode=scale_mode if scale_fn is not None else None,
    )


def linear_lr(
    base_lr: float, total_steps: int, start_factor: float = 1.0 / 3, end_factor: float = 1.0
) -> Schedule:
    """``paddle.optimizer.lr.LinearLR``."""
    return compose.LinearFactor(base_lr, start_factor, end_factor, total_steps)


#: optarena name -> (factory, the Paddle class it follows)
FACTORIES: dict[str, tuple[Callable[..., Schedule], str]] = {
    "step": (step, "StepDecay"),
    "multistep": (multistep, "MultiStepDecay"),
    "exponential": (exponential, "ExponentialDecay"),
    "natural-exp": (natural_exp, "NaturalExpDecay"),
    "inverse-time": (inverse_time, "InverseTimeDecay"),
    "polynomial": (polynomial, "PolynomialDecay"),
    "piecewise": (piecewise, "PiecewiseDecay"),
    "lambda": (lambda_, "LambdaDecay"),
    "multiplicative": (multiplicative, "MultiplicativeDecay"),
    "noam": (noam, "NoamDecay"),
    "linear-warmup": (linear_warmup, "LinearWarmup"),
    "cosine": (cosine, "CosineAnnealingDecay"),
    "cosine-restarts": (cosine_restarts, "CosineAnnealingWarmRestarts"),
    "one-cycle": (OneCycle, "OneCycleLR"),
    "clr": (clr, "CyclicLR"),
    "linear-lr": (linear_lr, "LinearLR"),
    "reduce-on-plateau": (ReduceOnPlateau, "ReduceOnPlateau"),
}

#: name -> what differs from the plain name (checked numerically by tests/frameworks/)
DIFFERS = {
    "multistep": "milestones strictly increasing and gamma < 1 (plain: repeats allowed)",
    "multiplicative": "Paddle spells the factor `lr_lambda` (plain: `factor`)",
    "linear-warmup": "`end_lr` is required",
    "cosine-restarts": "integer `T_mult` only (plain also takes a float and `m_mul`)",
    "one-cycle": "absolute `end_learning_rate` (plain: `final_div_factor`), `divide_factor`, "
    "`phase_pct`; at `t = total_steps` one step past the end",
    "clr": "Paddle's spellings (`max_learning_rate`, `step_size_up`, `exp_gamma`)",
    "linear-lr": "Paddle spells `total_iters` as `total_steps`",
    "reduce-on-plateau": "ignores the metric during cooldown (plain, like torch, still records "
    "a better value); `epsilon` for `eps`",
}

"""AdEMAMix, Pagliardini, Ablin & Grangier 2024, "The AdEMAMix Optimizer: Better, Faster,
Older", arXiv:2409.03137, Algorithm 1 (with the α and β₃ schedulers of its section 3)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import torch

from optarena.optim._base import Group, OwnOptimizer, State
from optarena.optim._cautious import cautious
from optarena.optim._checks import NON_NEGATIVE, Interval


def beta3_schedule(t: int, beta_start: float, beta3: float, horizon: int | None) -> float:
    """β₃(t) = min(exp(ln β_s · ln β₃ / ((1 − t/T)·ln β₃ + (t/T)·ln β_s)), β₃) for t < T,
    else β₃ (no schedule when ``horizon`` is None)."""
    if not horizon or t >= horizon or beta3 in (0.0, beta_start):
        return beta3
    ls, l3 = math.log(beta_start), math.log(beta3)
    return min(math.exp(ls * l3 / ((1 - t / horizon) * l3 + (t / horizon) * ls)), beta3)


class AdEMAMix(OwnOptimizer):
    r"""Adam plus a slow EMA m₂ of the gradients, mixed in with weight α. For t = 1, 2, ...::

        m₁ = β₁·m₁ + (1 − β₁)·g;    m₂ = β₃(t)·m₂ + (1 − β₃(t))·g;    ν = β₂·ν + (1 − β₂)·g²
        u = (m₁/(1 − β₁ᵗ) + α(t)·m₂) / (√(ν/(1 − β₂ᵗ)) + ε)     (cautious: u masked)
        θ ← θ − η·(u + λ·θ)

    α(t) = min(t·α/T, α) and β₃(t) (:func:`beta3_schedule`, from β_start = β₁) warm up over
    T = ``t_alpha_beta3`` steps; None (the default) uses α and β₃ from the first step.
    ``pytorch-optimizer`` follows the same equations; its default α is 5, as here (the paper
    sweeps α ∈ {5, 8}).

    Args:
        params: parameters or groups.  lr: η ≥ 0.  betas: (β₁, β₂, β₃) in [0, 1).  alpha: α ≥ 0.
        t_alpha_beta3: T ≥ 1 or None.  eps: ε ≥ 0.  weight_decay: λ ≥ 0.  cautious: flag.
    """

    _rules = {
        "betas": Interval(0.0, 1.0, hi_open=True, size=3),
        "alpha": NON_NEGATIVE,
        "t_alpha_beta3": Interval(1.0, integer=True),
    }
    _state_keys = ("step", "exp_avg", "exp_avg_slow", "exp_avg_sq")

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float, float] = (0.9, 0.999, 0.9999),
        alpha: float = 5.0,
        t_alpha_beta3: int | None = None,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        *,
        cautious: bool = False,
    ) -> None:
        hparams: dict[str, Any] = dict(lr=lr, betas=betas, alpha=alpha, eps=eps)
        if t_alpha_beta3 is not None:
            hparams["t_alpha_beta3"] = t_alpha_beta3
        hparams["weight_decay"] = weight_decay
        super().__init__(params, hparams, cautious=bool(cautious))

    def _update(self, p: torch.Tensor, grad: torch.Tensor, state: State, group: Group) -> None:
        beta1, beta2, beta3 = group["betas"]
        t, horizon = state["step"], group.get("t_alpha_beta3")
        alpha = group["alpha"] * (min(t / horizon, 1.0) if horizon else 1.0)
        beta3_t = beta3_schedule(t, beta1, beta3, horizon)
        m1, m2, nu = state["exp_avg"], state["exp_avg_slow"], state["exp_avg_sq"]
        m1.lerp_(grad, 1 - beta1)
        m2.lerp_(grad, 1 - beta3_t)
        nu.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        denom = (nu / (1 - beta2**t)).sqrt_().add_(group["eps"])
        update = m1.div(1 - beta1**t).add_(m2, alpha=alpha).div_(denom)
        if group["cautious"]:
            cautious(update, grad)
        p.mul_(1 - group["lr"] * group["weight_decay"])
        p.add_(update, alpha=-group["lr"])

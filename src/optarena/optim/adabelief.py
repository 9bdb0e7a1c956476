"""AdaBelief, Zhuang et al. 2020, "AdaBelief Optimizer: Adapting Stepsizes by the Belief in
Observed Gradients", NeurIPS 2020, arXiv:2010.07468, Algorithm 2."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from optarena.optim._base import Group, OwnOptimizer, State


class AdaBelief(OwnOptimizer):
    r"""Adam whose second moment tracks the "belief" (g − m)² instead of g².

    For step t and gradient g::

        m ← β₁·m + (1 − β₁)·g
        s ← β₂·s + (1 − β₂)·(g − m)² + ε           (with the new m; m₀ = s₀ = 0)
        m̂ = m / (1 − β₁ᵗ)          ŝ = s / (1 − β₂ᵗ)
        θ ← θ − α·m̂ / (√ŝ + ε)

    Weight decay is decoupled by default (θ ← θ(1 − αλ) first, as in the authors' release);
    ``decoupled_weight_decay=False`` adds λθ to g instead. ε defaults to 1e-16 as in the
    authors' PyTorch release (it enters s every step, so it is much smaller than Adam's).

    Args:
        params: parameters or parameter groups.
        lr: α ≥ 0.  betas: (β₁, β₂) in [0, 1).  eps: ε ≥ 0.  weight_decay: λ ≥ 0.
    """

    _state_keys = ("step", "exp_avg", "exp_avg_var")
    _grad_weight_decay = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-16,
        weight_decay: float = 0.0,
        *,
        decoupled_weight_decay: bool = True,
    ) -> None:
        hparams = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        super().__init__(params, hparams, decoupled_weight_decay=decoupled_weight_decay)

    def _update(self, p: torch.Tensor, grad: torch.Tensor, state: State, group: Group) -> None:
        beta1, beta2 = group["betas"]
        eps, t = group["eps"], state["step"]
        exp_avg, exp_avg_var = state["exp_avg"], state["exp_avg_var"]
        exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
        diff = grad - exp_avg
        exp_avg_var.mul_(beta2).addcmul_(diff, diff, value=1 - beta2).add_(eps)
        m_hat = exp_avg / (1 - beta1**t)
        denom = (exp_avg_var / (1 - beta2**t)).sqrt_().add_(eps)
        p.addcdiv_(m_hat, denom, value=-group["lr"])

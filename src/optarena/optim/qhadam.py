"""QHAdam, Ma & Yarats 2019, "Quasi-hyperbolic momentum and Adam for deep learning", ICLR 2019,
arXiv:1810.06801, Algorithm 2 (section 4)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from optarena.optim._base import Group, OwnOptimizer, State


class QHAdam(OwnOptimizer):
    r"""Quasi-hyperbolic Adam: QH averaging in both Adam moments.

    For step t = 1, 2, ... and gradient ∇ (plus λθ for L2 weight decay)::

        g ← β₁·g + (1 − β₁)·∇            s ← β₂·s + (1 − β₂)·∇²      (g₀ = s₀ = 0)
        ĝ = g / (1 − β₁ᵗ)                  ŝ = s / (1 − β₂ᵗ)
        θ ← θ − α·[(1 − ν₁)·∇ + ν₁·ĝ] / (√[(1 − ν₂)·∇² + ν₂·ŝ] + ε)

    ν₁ = ν₂ = 1 is Adam. Defaults follow the paper's recommendation ν = (0.7, 1),
    β = (0.995, 0.999). ``decoupled_weight_decay=True`` applies θ ← θ(1 − αλ) instead of L2.

    Args:
        params: parameters or parameter groups.
        lr: α ≥ 0.  betas: (β₁, β₂) in [0, 1).  nus: (ν₁, ν₂) in [0, 1].  eps: ε ≥ 0.
        weight_decay: λ ≥ 0.  decoupled_weight_decay: keyword-only; see above.
    """

    _state_keys = ("step", "exp_avg", "exp_avg_sq")
    _grad_weight_decay = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.995, 0.999),
        nus: tuple[float, float] = (0.7, 1.0),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        *,
        decoupled_weight_decay: bool = False,
    ) -> None:
        hparams = dict(lr=lr, betas=betas, nus=nus, eps=eps, weight_decay=weight_decay)
        super().__init__(params, hparams, decoupled_weight_decay=decoupled_weight_decay)

    def _update(self, p: torch.Tensor, grad: torch.Tensor, state: State, group: Group) -> None:
        (beta1, beta2), (nu1, nu2) = group["betas"], group["nus"]
        t = state["step"]
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        m_hat = exp_avg / (1 - beta1**t)
        s_hat = exp_avg_sq / (1 - beta2**t)
        numer = m_hat.mul_(nu1).add_(grad, alpha=1 - nu1)
        denom = s_hat.mul_(nu2).addcmul_(grad, grad, value=1 - nu2).sqrt_().add_(group["eps"])
        p.addcdiv_(numer, denom, value=-group["lr"])

"""LAMB, You et al. 2020, "Large Batch Optimization for Deep Learning: Training BERT in 76
minutes", ICLR 2020, arXiv:1904.00962, Algorithm 2 (φ = identity)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from optarena.optim._base import Group, OwnOptimizer, State


class Lamb(OwnOptimizer):
    r"""Layer-wise adaptive moments: Adam's direction, rescaled per tensor by a trust ratio.

    For step t and each parameter tensor ("layer") θ with gradient ∇::

        m ← β₁·m + (1 − β₁)·∇            v ← β₂·v + (1 − β₂)·∇²
        m̂ = m / (1 − β₁ᵗ)                 v̂ = v / (1 − β₂ᵗ)       (when bias_correction)
        r = m̂ / (√v̂ + ε)                   u = r + λ·θ
        θ ← θ − α · (‖θ‖ / ‖u‖) · u

    The trust ratio ‖θ‖/‖u‖ is replaced by 1 when either norm is 0 (fresh zero-initialised
    layers, zero updates), as in the reference implementations.

    Args:
        params: parameters or parameter groups.
        lr: α ≥ 0.  betas: (β₁, β₂) in [0, 1).  eps: ε ≥ 0.  weight_decay: λ ≥ 0 (decoupled,
        inside the trust ratio).  bias_correction: keyword-only, default True (Algorithm 2).
    """

    _state_keys = ("step", "exp_avg", "exp_avg_sq")

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-6,
        weight_decay: float = 0.01,
        *,
        bias_correction: bool = True,
    ) -> None:
        hparams = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        super().__init__(params, hparams, bias_correction=bias_correction)

    def _update(self, p: torch.Tensor, grad: torch.Tensor, state: State, group: Group) -> None:
        beta1, beta2 = group["betas"]
        t = state["step"]
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        m_hat, v_hat = exp_avg, exp_avg_sq
        if group["bias_correction"]:
            m_hat = exp_avg / (1 - beta1**t)
            v_hat = exp_avg_sq / (1 - beta2**t)
        update = m_hat / v_hat.sqrt().add_(group["eps"])
        if group["weight_decay"] != 0:
            update.add_(p, alpha=group["weight_decay"])
        p.sub_(update.mul_(trust_ratio(p, update) * group["lr"]))


def trust_ratio(param: torch.Tensor, update: torch.Tensor) -> torch.Tensor:
    """‖param‖ / ‖update‖, or 1 when either norm is zero; a 0-dim tensor (no host sync)."""
    w_norm = torch.linalg.vector_norm(param)
    u_norm = torch.linalg.vector_norm(update)
    ok = (w_norm > 0) & (u_norm > 0)
    return torch.where(ok, w_norm / torch.where(ok, u_norm, 1.0), 1.0)

"""LARS, You, Gitman & Ginsburg 2017, "Large Batch Training of Convolutional Networks",
arXiv:1708.03888, Algorithm 1."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from optarena.optim._base import Group, OwnOptimizer, State


class LARS(OwnOptimizer):
    r"""Layer-wise adaptive rate scaling: SGD with momentum and a local lr per tensor.

    For each parameter tensor ("layer") w with gradient ∇, weight decay β and global lr γ::

        λ = η · ‖w‖ / (‖∇‖ + β·‖w‖)          (local lr; 1 when ‖w‖ = 0 or ‖∇‖ = 0)
        v ← m·v + γ·λ·(∇ + β·w)
        w ← w − v

    Args:
        params: parameters or parameter groups.
        lr: γ ≥ 0.  momentum: m in [0, 1).  weight_decay: β ≥ 0.
        trust_coefficient: η > 0 (the paper's 0.001).
    """

    _state_keys = ("momentum_buffer",)

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1.0,
        momentum: float = 0.9,
        weight_decay: float = 5e-4,
        trust_coefficient: float = 1e-3,
    ) -> None:
        hparams = dict(
            lr=lr, momentum=momentum, weight_decay=weight_decay, trust_coefficient=trust_coefficient
        )
        super().__init__(params, hparams)

    def _update(self, p: torch.Tensor, grad: torch.Tensor, state: State, group: Group) -> None:
        wd, eta = group["weight_decay"], group["trust_coefficient"]
        w_norm = torch.linalg.vector_norm(p)
        g_norm = torch.linalg.vector_norm(grad)
        ok = (w_norm > 0) & (g_norm > 0)
        denom = torch.where(ok, g_norm + wd * w_norm, 1.0)
        local_lr = torch.where(ok, eta * w_norm / denom, 1.0)  # no host sync
        direction = grad.add(p, alpha=wd) if wd != 0 else grad.clone()
        buf = state["momentum_buffer"]
        buf.mul_(group["momentum"]).add_(direction.mul_(local_lr * group["lr"]))
        p.sub_(buf)

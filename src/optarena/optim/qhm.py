"""Quasi-hyperbolic momentum (QHM), Ma & Yarats 2019, "Quasi-hyperbolic momentum and Adam for
deep learning", ICLR 2019, arXiv:1810.06801, eq. (2)-(3)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from optarena.optim._base import Group, OwnOptimizer, State


class QHM(OwnOptimizer):
    r"""Quasi-hyperbolic momentum: a ν-weighted average of the gradient and normalized momentum.

    For each parameter θ with gradient ∇ (plus λθ for L2 weight decay)::

        g ← β·g + (1 − β)·∇              (g₀ = 0)
        θ ← θ − α·[(1 − ν)·∇ + ν·g]

    ν = 0 is plain SGD; ν = 1 is normalized momentum (g ← βg + (1−β)∇, θ ← θ − αg).
    The paper recommends ν = 0.7, β = 0.999. With ``decoupled_weight_decay=True`` the decay is
    applied to θ directly (θ ← θ(1 − αλ)) instead of being added to ∇.

    Args:
        params: parameters or parameter groups.
        lr: α ≥ 0.  momentum: β in [0, 1).  nu: ν in [0, 1].  weight_decay: λ ≥ 0.
        decoupled_weight_decay: keyword-only; see above.
    """

    _state_keys = ("momentum_buffer",)
    _grad_weight_decay = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        momentum: float = 0.999,
        nu: float = 0.7,
        weight_decay: float = 0.0,
        *,
        decoupled_weight_decay: bool = False,
    ) -> None:
        hparams = dict(lr=lr, momentum=momentum, nu=nu, weight_decay=weight_decay)
        super().__init__(params, hparams, decoupled_weight_decay=decoupled_weight_decay)

    def _update(self, p: torch.Tensor, grad: torch.Tensor, state: State, group: Group) -> None:
        lr, beta, nu = group["lr"], group["momentum"], group["nu"]
        buf = state["momentum_buffer"]
        buf.mul_(beta).add_(grad, alpha=1 - beta)
        p.add_(grad, alpha=-lr * (1 - nu))
        p.add_(buf, alpha=-lr * nu)

"""MARS-AdamW, Yuan, Liu, Wu, Zhou & Gu 2024, "MARS: Unleashing the Power of Variance Reduction
for Training Large Models", arXiv:2411.10438, Algorithm 2 (MARS-AdamW, the approximate
variance reduction of its eq. (9): g(x_{t−1}) on the previous batch)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from optarena.optim._base import Group, OwnOptimizer, State
from optarena.optim._checks import NON_NEGATIVE
from optarena.optim.adamw import decoupled_adam_step


class MARSAdamW(OwnOptimizer):
    r"""AdamW on a variance-reduced gradient c. For t = 1, 2, ... (g₀ = m₀ = v₀ = 0)::

        c = g_t + γ·β₁/(1 − β₁)·(g_t − g_{t−1});     c ← c / ‖c‖₂  if ‖c‖₂ > 1
        m = β₁·m + (1 − β₁)·c;      v = β₂·v + (1 − β₂)·c²
        u = (m/(1 − β₁ᵗ)) / (√(v/(1 − β₂ᵗ)) + ε)        (cautious: u masked against g_t)
        θ ← θ − η·(u + λ·θ)

    (‖·‖₂ per tensor.) Every parameter gets this update, as in the paper; the authors' code
    and ``pytorch-optimizer`` by default give 1-D tensors plain AdamW instead (their
    ``optimize_1d=False``) and add ε before the bias correction of v.

    Args:
        params: parameters or groups.  lr: η ≥ 0.  betas: (β₁, β₂) in [0, 1).  gamma: γ ≥ 0.
        eps: ε ≥ 0.  weight_decay: λ ≥ 0.  cautious: flag (keyword-only).
    """

    _rules = {"gamma": NON_NEGATIVE}
    _state_keys = ("step", "exp_avg", "exp_avg_sq", "last_grad")

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 3e-3,
        betas: tuple[float, float] = (0.95, 0.99),
        gamma: float = 0.025,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        *,
        cautious: bool = False,
    ) -> None:
        hparams = dict(lr=lr, betas=betas, gamma=gamma, eps=eps, weight_decay=weight_decay)
        super().__init__(params, hparams, cautious=bool(cautious))

    def _update(self, p: torch.Tensor, grad: torch.Tensor, state: State, group: Group) -> None:
        beta1, beta2 = group["betas"]
        t = state["step"]
        m, v, last = state["exp_avg"], state["exp_avg_sq"], state["last_grad"]
        c = (grad - last).mul_(group["gamma"] * beta1 / (1 - beta1)).add_(grad)
        norm = torch.linalg.vector_norm(c)
        if norm > 1:
            c.div_(norm)
        m.lerp_(c, 1 - beta1)
        v.mul_(beta2).addcmul_(c, c, value=1 - beta2)
        decoupled_adam_step(p, m, v, grad, t, group)
        last.copy_(grad)

"""AdamW (Loshchilov & Hutter 2019, arXiv:1711.05101, Algorithm 2) with the cautious flag of
Liang et al. 2024 (arXiv:2411.16085, Algorithm 1: C-AdamW)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from optarena.optim._base import Group, OwnOptimizer, State
from optarena.optim._cautious import cautious


class AdamW(OwnOptimizer):
    r"""AdamW; ``cautious=True`` is C-AdamW. For t = 1, 2, ... (m₀ = v₀ = 0)::

        m = β₁·m + (1 − β₁)·g;      v = β₂·v + (1 − β₂)·g²
        u = (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
        cautious:  u ← u ∘ φ · d / (nnz(φ) + 1),   φ = 𝟙[u ∘ g > 0]
        θ ← θ − η·u − η·λ·θ

    (``cautious=False`` matches ``torch.optim.AdamW``; the decay uses θ before the update).

    Args:
        params: parameters or groups.  lr: η ≥ 0.  betas: (β₁, β₂) in [0, 1).  eps: ε ≥ 0.
        weight_decay: λ ≥ 0.  cautious: mask the update (keyword-only).
    """

    _state_keys = ("step", "exp_avg", "exp_avg_sq")

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        *,
        cautious: bool = False,
    ) -> None:
        hparams = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        super().__init__(params, hparams, cautious=bool(cautious))

    def _update(self, p: torch.Tensor, grad: torch.Tensor, state: State, group: Group) -> None:
        beta1, beta2 = group["betas"]
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m.lerp_(grad, 1 - beta1)
        v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        decoupled_adam_step(p, m, v, grad, t, group)


def decoupled_adam_step(
    p: torch.Tensor, m: torch.Tensor, v: torch.Tensor, grad: torch.Tensor, t: int, group: Group
) -> None:
    """AdamW's parameter update from already-updated moments ``m``, ``v`` at step ``t``:
    bias-corrected direction (masked by ``grad``'s sign when ``group["cautious"]``), then
    decoupled weight decay and the step (Loshchilov & Hutter 2019, Algorithm 2)."""
    beta1, beta2 = group["betas"]
    denom = (v / (1 - beta2**t)).sqrt_().add_(group["eps"])
    update = m.div(1 - beta1**t).div_(denom)
    if group["cautious"]:
        cautious(update, grad)
    p.mul_(1 - group["lr"] * group["weight_decay"])
    p.add_(update, alpha=-group["lr"])

"""Lion, Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023,
arXiv:2302.06675, Algorithm 2."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from optarena.optim._base import Group, OwnOptimizer, State
from optarena.optim._cautious import cautious


class Lion(OwnOptimizer):
    r"""EvoLved sIgn mOmeNtum: every update entry is ±η (plus decoupled weight decay).

    For gradient g and momentum m (m₀ = 0)::

        c = β₁·m + (1 − β₁)·g
        θ ← θ − η·(sign(c) + λ·θ)      (cautious: sign(c) masked, see below)
        m ← β₂·m + (1 − β₂)·g

    ``cautious=True`` is C-Lion (Liang et al. 2024, arXiv:2411.16085): sign(c) ← sign(c) ∘ φ ·
    d/(nnz(φ) + 1) with φ = 𝟙[sign(c) ∘ g > 0] and d its number of entries.

    The paper suggests an lr 3-10× smaller than AdamW's and a λ 3-10× larger.

    Args:
        params: parameters or parameter groups.
        lr: η ≥ 0.  betas: (β₁, β₂) in [0, 1).  weight_decay: λ ≥ 0.  cautious: flag.
    """

    _state_keys = ("exp_avg",)

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-4,
        betas: tuple[float, float] = (0.9, 0.99),
        weight_decay: float = 0.0,
        *,
        cautious: bool = False,
    ) -> None:
        hparams = dict(lr=lr, betas=betas, weight_decay=weight_decay)
        super().__init__(params, hparams, cautious=bool(cautious))

    def _update(self, p: torch.Tensor, grad: torch.Tensor, state: State, group: Group) -> None:
        beta1, beta2 = group["betas"]
        exp_avg = state["exp_avg"]
        update = exp_avg.mul(beta1).add_(grad, alpha=1 - beta1).sign_()
        if group.get("cautious"):
            cautious(update, grad)
        if group["weight_decay"] != 0:
            update.add_(p, alpha=group["weight_decay"])
        p.add_(update, alpha=-group["lr"])
        exp_avg.mul_(beta2).add_(grad, alpha=1 - beta2)

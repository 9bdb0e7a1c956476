"""Lion, Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023,
arXiv:2302.06675, Algorithm 2."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch.optim import Optimizer

from optarena.optim._checks import BETAS, NON_NEGATIVE, check


class Lion(Optimizer):
    r"""EvoLved sIgn mOmeNtum: every update entry is ±η (plus decoupled weight decay).

    For gradient g and momentum m (m₀ = 0)::

        c = β₁·m + (1 − β₁)·g
        θ ← θ − η·(sign(c) + λ·θ)
        m ← β₂·m + (1 − β₂)·g

    The paper suggests an lr 3-10× smaller than AdamW's and a λ 3-10× larger.

    Args:
        params: parameters or parameter groups.
        lr: η ≥ 0.  betas: (β₁, β₂) in [0, 1).  weight_decay: λ ≥ 0.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-4,
        betas: tuple[float, float] = (0.9, 0.99),
        weight_decay: float = 0.0,
    ) -> None:
        check("lr", lr, NON_NEGATIVE)
        check("betas", betas, BETAS)
        check("weight_decay", weight_decay, NON_NEGATIVE)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """One Lion step; ``closure`` re-evaluates the model and returns the loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, wd = group["lr"], group["weight_decay"]
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.grad.is_sparse:
                    raise RuntimeError("Lion does not support sparse gradients")
                grad = p.grad
                state = self.state[p]
                if "exp_avg" not in state:
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                exp_avg = state["exp_avg"]
                update = exp_avg.mul(beta1).add_(grad, alpha=1 - beta1).sign_()
                if wd != 0:
                    update.add_(p, alpha=wd)
                p.add_(update, alpha=-lr)
                exp_avg.mul_(beta2).add_(grad, alpha=1 - beta2)
        return loss

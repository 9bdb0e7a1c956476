"""AdaBelief, Zhuang et al. 2020, "AdaBelief Optimizer: Adapting Stepsizes by the Belief in
Observed Gradients", NeurIPS 2020, arXiv:2010.07468, Algorithm 2."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch.optim import Optimizer

from optarena.optim._checks import BETAS, NON_NEGATIVE, check


class AdaBelief(Optimizer):
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
        check("lr", lr, NON_NEGATIVE)
        check("betas", betas, BETAS)
        check("eps", eps, NON_NEGATIVE)
        check("weight_decay", weight_decay, NON_NEGATIVE)
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """One AdaBelief step; ``closure`` re-evaluates the model and returns the loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.grad.is_sparse:
                    raise RuntimeError("AdaBelief does not support sparse gradients")
                grad = p.grad
                if wd != 0:
                    if group["decoupled_weight_decay"]:
                        p.mul_(1 - lr * wd)
                    else:
                        grad = grad.add(p, alpha=wd)
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_var"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state["step"] += 1
                t = state["step"]
                exp_avg, exp_avg_var = state["exp_avg"], state["exp_avg_var"]
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                diff = grad - exp_avg
                exp_avg_var.mul_(beta2).addcmul_(diff, diff, value=1 - beta2).add_(eps)
                m_hat = exp_avg / (1 - beta1**t)
                denom = (exp_avg_var / (1 - beta2**t)).sqrt_().add_(eps)
                p.addcdiv_(m_hat, denom, value=-lr)
        return loss

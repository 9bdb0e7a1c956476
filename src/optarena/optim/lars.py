"""LARS, You, Gitman & Ginsburg 2017, "Large Batch Training of Convolutional Networks",
arXiv:1708.03888, Algorithm 1."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch.optim import Optimizer

from optarena.optim._checks import NON_NEGATIVE, POSITIVE, UNIT_OPEN, check


class LARS(Optimizer):
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

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1.0,
        momentum: float = 0.9,
        weight_decay: float = 5e-4,
        trust_coefficient: float = 1e-3,
    ) -> None:
        check("lr", lr, NON_NEGATIVE)
        check("momentum", momentum, UNIT_OPEN)
        check("weight_decay", weight_decay, NON_NEGATIVE)
        check("trust_coefficient", trust_coefficient, POSITIVE)
        defaults = dict(
            lr=lr, momentum=momentum, weight_decay=weight_decay, trust_coefficient=trust_coefficient
        )
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """One LARS step; ``closure`` re-evaluates the model and returns the loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, m, wd = group["lr"], group["momentum"], group["weight_decay"]
            eta = group["trust_coefficient"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.grad.is_sparse:
                    raise RuntimeError("LARS does not support sparse gradients")
                grad = p.grad
                w_norm = torch.linalg.vector_norm(p)
                g_norm = torch.linalg.vector_norm(grad)
                ok = (w_norm > 0) & (g_norm > 0)
                denom = torch.where(ok, g_norm + wd * w_norm, 1.0)
                local_lr = torch.where(ok, eta * w_norm / denom, 1.0)  # no host sync
                direction = grad.add(p, alpha=wd) if wd != 0 else grad.clone()
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = torch.zeros_like(
                        p, memory_format=torch.preserve_format
                    )
                buf = state["momentum_buffer"]
                buf.mul_(m).add_(direction.mul_(local_lr * lr))
                p.sub_(buf)
        return loss

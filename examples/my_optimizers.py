"""A user's own optimizer, written outside optarena: quasi-hyperbolic momentum (QHM).

Ma & Yarats 2019, "Quasi-hyperbolic momentum and Adam for deep learning", ICLR 2019,
arXiv:1810.06801, eq. (2)-(3). For each parameter θ with gradient ∇::

    g ← β·g + (1 − β)·∇          (g starts at 0)
    θ ← θ − α·[(1 − ν)·∇ + ν·g]

ν = 0 is plain SGD, ν = 1 is normalized momentum. With ``weight_decay`` λ > 0 the gradient
is ∇ + λθ (L2 regularisation, as ``torch.optim.SGD`` does it).

This file needs only PyTorch. optarena uses it by its import path, e.g.
``optarena compare --optimizers sgd,my_optimizers:QHM`` with this folder on ``PYTHONPATH``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch


class QHM(torch.optim.Optimizer):
    """Quasi-hyperbolic momentum (Ma & Yarats 2019); defaults are the paper's ν=0.7, β=0.999.

    Args:
        params: parameters or parameter groups.
        lr: step size α ≥ 0.
        momentum: β in [0, 1).
        nu: ν in [0, 1].
        weight_decay: L2 coefficient λ ≥ 0 (added to the gradient).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        momentum: float = 0.999,
        nu: float = 0.7,
        weight_decay: float = 0.0,
    ) -> None:
        if not lr >= 0.0:
            raise ValueError(f"lr must be >= 0, got {lr}")
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        if not 0.0 <= nu <= 1.0:
            raise ValueError(f"nu must be in [0, 1], got {nu}")
        if not weight_decay >= 0.0:
            raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, nu=nu, weight_decay=weight_decay)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """One update; ``closure`` (optional) re-evaluates the model and returns the loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, beta, nu = group["lr"], group["momentum"], group["nu"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad
                if group["weight_decay"] != 0:
                    grad = grad.add(p, alpha=group["weight_decay"])
                state = self.state[p]
                if "momentum_buffer" not in state:  # lazy state: g starts at 0
                    state["momentum_buffer"] = torch.zeros_like(p)
                buf = state["momentum_buffer"]
                buf.mul_(beta).add_(grad, alpha=1.0 - beta)
                p.add_(grad, alpha=-lr * (1.0 - nu))
                p.add_(buf, alpha=-lr * nu)
        return loss

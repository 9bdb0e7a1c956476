"""Quasi-hyperbolic momentum (QHM), Ma & Yarats 2019, "Quasi-hyperbolic momentum and Adam for
deep learning", ICLR 2019, arXiv:1810.06801, eq. (2)-(3)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch.optim import Optimizer

from optarena.optim._checks import NON_NEGATIVE, UNIT_CLOSED, UNIT_OPEN, check


class QHM(Optimizer):
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
        check("lr", lr, NON_NEGATIVE)
        check("momentum", momentum, UNIT_OPEN)
        check("nu", nu, UNIT_CLOSED)
        check("weight_decay", weight_decay, NON_NEGATIVE)
        defaults = dict(
            lr=lr,
            momentum=momentum,
            nu=nu,
            weight_decay=weight_decay,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """One QHM step; ``closure`` re-evaluates the model and returns the loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, beta, nu, wd = group["lr"], group["momentum"], group["nu"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.grad.is_sparse:
                    raise RuntimeError("QHM does not support sparse gradients")
                grad = p.grad
                if wd != 0:
                    if group["decoupled_weight_decay"]:
                        p.mul_(1 - lr * wd)
                    else:
                        grad = grad.add(p, alpha=wd)
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = torch.zeros_like(
                        p, memory_format=torch.preserve_format
                    )
                buf = state["momentum_buffer"]
                buf.mul_(beta).add_(grad, alpha=1 - beta)
                p.add_(grad, alpha=-lr * (1 - nu))
                p.add_(buf, alpha=-lr * nu)
        return loss

"""Prodigy, Mishchenko & Defazio 2023, "Prodigy: An Expeditiously Adaptive Parameter-Free
Learner", ICML 2024, arXiv:2306.06101, Algorithm 4 (the Adam version)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import torch

from optarena.optim._base import OwnOptimizer
from optarena.optim._checks import POSITIVE


class Prodigy(OwnOptimizer):
    r"""Adam whose step size d is estimated on the fly (lr stays a multiplier, default 1).

    With x₀ the initial parameters, d₀ given, r₀ = 0, s₀ = m₀ = v₀ = 0; for k = 0, 1, ...
    (sums and norms over *all* parameters; γ = lr)::

        m = β₁·m + (1 − β₁)·d_k·g_k;          v = β₂·v + (1 − β₂)·d_k²·g_k²
        r = √β₂·r + (1 − √β₂)·γ·d_k²·⟨g_k, x₀ − x_k⟩
        s = √β₂·s + (1 − √β₂)·γ·d_k²·g_k
        d_{k+1} = max(d_k, r / ‖s‖₁)
        x_{k+1} = x_k − γ·d_k·m / (√v + d_k·ε)  − γ·d_k·λ·x_k      (decoupled decay λ)

    The authors' code (``prodigyopt``, and ``pytorch-optimizer``) drops the (1 − √β₂) factors
    and scales r, s by d_k/d₀ instead of d_k (both cancel in r/‖s‖₁), and adds d_coef,
    growth-rate, bias-correction and safeguard options; optarena follows the paper.

    Args:
        params: parameters or groups.  lr: γ ≥ 0 (keep 1).  betas: (β₁, β₂) in [0, 1).
        eps: ε ≥ 0.  weight_decay: λ ≥ 0.  d0: d₀ > 0.
    """

    _rules = {"d0": POSITIVE}
    _state_keys = ("exp_avg", "exp_avg_sq", "s")

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1.0,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        d0: float = 1e-6,
    ) -> None:
        hparams = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, d0=d0)
        super().__init__(params, hparams, d=float(d0), r=0.0)

    def _init_state(self, p: torch.Tensor) -> dict[str, Any]:
        return {**super()._init_state(p), "x0": p.detach().clone()}

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """One step; ``closure`` re-evaluates the model and returns the loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        d = self.param_groups[0]["d"]
        r_sum, s_norm, active = 0.0, 0.0, []
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            root = math.sqrt(beta2)
            gamma = group["lr"]
            r = group["r"] * root
            for p, grad, state in self._with_grads(group):
                x0 = state["x0"]
                r += (1 - root) * gamma * d * d * float(torch.sum(grad * (x0 - p)))
                state["exp_avg"].mul_(beta1).add_(grad, alpha=(1 - beta1) * d)
                state["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=(1 - beta2) * d * d)
                state["s"].mul_(root).add_(grad, alpha=(1 - root) * gamma * d * d)
                s_norm += float(state["s"].abs().sum())
                active.append((p, state, group))
            group["r"] = r
            r_sum += r
        if not active:
            return loss
        d_next = max(d, r_sum / s_norm) if s_norm > 0 else d
        for p, state, group in active:
            step = group["lr"] * d
            denom = state["exp_avg_sq"].sqrt().add_(d * group["eps"])
            p.mul_(1 - step * group["weight_decay"])
            p.addcdiv_(state["exp_avg"], denom, value=-step)
        for group in self.param_groups:
            group["d"] = d_next
        return loss

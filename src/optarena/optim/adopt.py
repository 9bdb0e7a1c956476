"""ADOPT, Taniguchi et al. 2024, "ADOPT: Modified Adam Can Converge with Any β₂ with the Optimal
Rate", NeurIPS 2024, arXiv:2411.02853, Algorithm 2 (with clipping)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from optarena.optim._base import Group, OwnOptimizer, State
from optarena.optim._cautious import cautious
from optarena.optim._checks import NON_NEGATIVE


class ADOPT(OwnOptimizer):
    r"""Adam with the second moment taken *before* the current gradient, and momentum after
    normalisation. The first step only sets v₀ = g₀² (no update); then for t = 1, 2, ...::

        n = clip(g_t / max(√v_{t−1}, ε), c_t),      c_t = t^{1/4}   (clip=False: no clipping)
        m_t = β₁·m_{t−1} + (1 − β₁)·n
        θ_t = θ_{t−1} − α·m_t                       (cautious: m_t masked, Liang et al. 2024)
        v_t = β₂·v_{t−1} + (1 − β₂)·g_t²

    Weight decay λ (not in the paper) is the authors' code's: decoupled θ ← θ(1 − αλ) when
    ``decoupled_weight_decay``, else g ← g + λθ; it starts with the first update.
    The reference code (and ``pytorch-optimizer``) counts the initialisation step as step 1 and
    clips at (t + 1)^{1/4}; optarena follows the paper's c_t = t^{1/4}.

    Args:
        params: parameters or groups.  lr: α ≥ 0.  betas: (β₁, β₂) in [0, 1).  eps: ε ≥ 0.
        weight_decay: λ ≥ 0.  decoupled_weight_decay, clip, cautious: flags (keyword-only).
    """

    _rules = {"eps": NON_NEGATIVE}
    _state_keys = ("step", "exp_avg", "exp_avg_sq")

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.9999),
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        decoupled_weight_decay: bool = False,
        clip: bool = True,
        cautious: bool = False,
    ) -> None:
        hparams = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        flags = dict(decoupled_weight_decay=bool(decoupled_weight_decay), clip=bool(clip))
        super().__init__(params, hparams, **flags, cautious=bool(cautious))

    def _update(self, p: torch.Tensor, grad: torch.Tensor, state: State, group: Group) -> None:
        beta1, beta2 = group["betas"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        t = state["step"] - 1  # the paper's t: 0 is the initialisation step
        if t == 0:
            v.addcmul_(grad, grad)
            return
        grad = self._decayed_grad(p, group)
        normed = grad / v.sqrt().clamp_(min=group["eps"])
        if group["clip"]:
            normed.clamp_(-(t**0.25), t**0.25)
        m.lerp_(normed, 1 - beta1)
        update = cautious(m.clone(), grad) if group["cautious"] else m
        p.add_(update, alpha=-group["lr"])
        v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)

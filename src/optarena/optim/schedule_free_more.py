"""Schedule-free SGD and RAdam, Defazio et al. 2024, "The Road Less Scheduled", NeurIPS 2024,
arXiv:2405.15682 (Algorithm 1 with an SGD / RAdam base step; reference code:
github.com/facebookresearch/schedule_free, ``SGDScheduleFree`` and ``RAdamScheduleFree``)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import torch

from optarena.optim._base import Group, State
from optarena.optim._checks import NON_NEGATIVE, OPEN_BETAS, Interval
from optarena.optim.schedule_free import ScheduleFreeAdamW


class ScheduleFreeSGD(ScheduleFreeAdamW):
    r"""Schedule-free SGD: x₁ = z₁ = θ₀; for t = 1, 2, ...::

        y_t = (1 − β)·z_t + β·x_t                     (gradient g_t taken at y_t)
        γ_t = γ · min(1, t / T_warmup)
        z_{t+1} = z_t − γ_t·(g_t + λ·y_t)
        c_{t+1} = tʳ·(max_{i≤t} γ_i)^p / Σ_{i≤t} iʳ·(max_{j≤i} γ_j)^p
        x_{t+1} = (1 − c_{t+1})·x_t + c_{t+1}·z_{t+1}

    β is ``momentum``, in (0, 1). Parameters hold y while training and x after :meth:`eval`.
    The reference's default lr is 1.0 (for its tuned settings); optarena's is 0.1.

    Args:
        params: parameters or groups.  lr: γ ≥ 0.  momentum: β in (0, 1).
        weight_decay: λ ≥ 0.  warmup_steps: T_warmup ≥ 0.  r, weight_lr_power: ≥ 0.
    """

    _rules = {
        "momentum": Interval(0.0, 1.0, lo_open=True, hi_open=True),
        "r": NON_NEGATIVE,
        "weight_lr_power": NON_NEGATIVE,
    }
    _state_keys = ()

    def __init__(  # noqa: D107 (the base's __init__ takes betas; this one momentum)
        self,
        params: Iterable[Any],
        lr: float = 0.1,
        momentum: float = 0.9,
        weight_decay: float = 0.0,
        warmup_steps: int = 0,
        r: float = 0.0,
        weight_lr_power: float = 2.0,
    ) -> None:
        hparams = dict(lr=lr, momentum=momentum, weight_decay=weight_decay)
        hparams.update(warmup_steps=warmup_steps, r=r, weight_lr_power=weight_lr_power)
        super(ScheduleFreeAdamW, self).__init__(
            params, hparams, k=0, lr_max=0.0, weight_sum=0.0, train_mode=True
        )

    def _beta1(self, group: Group) -> float:
        return group["momentum"]

    def _scheduled_lr(self, group: Group, t: int) -> float:
        warmup = group["warmup_steps"]
        return group["lr"] * (min(1.0, t / warmup) if warmup else 1.0)

    def _direction(self, grad: torch.Tensor, state: State, group: Group, t: int) -> torch.Tensor:
        return grad.clone()


def rectification(beta2: float, t: int) -> float | None:
    """RAdam's r_t (Liu et al. 2020, eq. (6)); None while ρ_t ≤ 4 (the warm-up phase)."""
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
    if rho_t <= 4:
        return None
    return math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))


class ScheduleFreeRAdam(ScheduleFreeAdamW):
    r"""Schedule-free RAdam: the schedule-free iteration with RAdam's rectified Adam step and no
    warmup. For t = 1, 2, ... (v₀ = 0)::

        v_t = β₂·v + (1 − β₂)·g_t²
        ρ_t > 4:  γ_t = γ·r_t,  u = g_t / (√(v_t/(1 − β₂ᵗ)) + ε)        (r_t: RAdam's)
        else:     γ_t = 0 (``silent_sgd_phase``) or γ,  u = g_t
        z, x, y as in :class:`ScheduleFreeSGD` with γ_t and u (+ λ·y_t), β = β₁.

    The paper names no RAdam variant; optarena follows the reference ``RAdamScheduleFree``.

    Args:
        params: parameters or groups.  lr: γ ≥ 0.  betas: β₁, β₂ in (0, 1).  eps: ε ≥ 0.
        weight_decay: λ ≥ 0.  r, weight_lr_power: ≥ 0.  silent_sgd_phase: flag (keyword-only).
    """

    _rules = {"betas": OPEN_BETAS, "r": NON_NEGATIVE, "weight_lr_power": NON_NEGATIVE}

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2.5e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        r: float = 0.0,
        weight_lr_power: float = 2.0,
        *,
        silent_sgd_phase: bool = True,
    ) -> None:
        hparams = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        hparams.update(r=r, weight_lr_power=weight_lr_power)
        super(ScheduleFreeAdamW, self).__init__(
            params, hparams, silent_sgd_phase=bool(silent_sgd_phase), k=0, lr_max=0.0,
            weight_sum=0.0, train_mode=True,
        )  # fmt: skip

    def _scheduled_lr(self, group: Group, t: int) -> float:
        rect = rectification(group["betas"][1], t)
        if rect is None:
            rect = 0.0 if group["silent_sgd_phase"] else 1.0
        return group["lr"] * rect

    def _direction(self, grad: torch.Tensor, state: State, group: Group, t: int) -> torch.Tensor:
        beta2 = group["betas"][1]
        v = state["exp_avg_sq"]
        v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        if rectification(beta2, t) is None:
            return grad.clone()
        return grad / (v / (1 - beta2**t)).sqrt_().add_(group["eps"])

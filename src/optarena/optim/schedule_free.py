"""Schedule-free AdamW, Defazio et al. 2024, "The Road Less Scheduled", NeurIPS 2024,
arXiv:2405.15682, Algorithm 1 (reference code: github.com/facebookresearch/schedule_free)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import torch

from optarena.optim._base import Group, OwnOptimizer, State
from optarena.optim._checks import NON_NEGATIVE, OPEN_BETAS


class ScheduleFreeAdamW(OwnOptimizer):
    r"""AdamW without a learning-rate schedule: gradients at y, averaging into x.

    Three sequences per parameter, x₁ = z₁ = y₁ = θ₀ and v₀ = 0; for t = 1, 2, ...::

        y_t = (1 − β₁)·z_t + β₁·x_t                  (the point the gradient g_t is taken at)
        v_t = β₂·v + (1 − β₂)·g_t²
        γ_t = γ · min(1, t / T_warmup) · √(1 − β₂ᵗ)
        z_{t+1} = z_t − γ_t·g_t / (√v_t + ε) − γ_t·λ·y_t
        c_{t+1} = tʳ·(max_{i≤t} γ_i)^p / Σ_{i≤t} iʳ·(max_{j≤i} γ_j)^p     (r = 0, p = 2: γ_t²/Σγ_i²)
        x_{t+1} = (1 − c_{t+1})·x_t + c_{t+1}·z_{t+1}

    The parameters hold y while training and x after :meth:`eval` (call :meth:`train` before the
    next :meth:`step`); the state keeps z and v, so x is recovered as
    x = (y − (1 − β₁)·z)/β₁, which is why β₁ must be in (0, 1). The running max of γ makes the
    weights robust to an external decreasing schedule (equal to the paper's γ_t otherwise).

    Args:
        params: parameters or parameter groups.
        lr: γ ≥ 0.  betas: β₁ in (0, 1), β₂ in (0, 1).  eps: ε ≥ 0.  weight_decay: λ ≥ 0.
        warmup_steps: T_warmup ≥ 0 (0: none).  r ≥ 0, weight_lr_power p ≥ 0: averaging weights.
    """

    _rules = {"betas": OPEN_BETAS, "r": NON_NEGATIVE, "weight_lr_power": NON_NEGATIVE}
    _state_keys = ("exp_avg_sq",)

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2.5e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        warmup_steps: int = 0,
        r: float = 0.0,
        weight_lr_power: float = 2.0,
    ) -> None:
        hparams = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        hparams.update(warmup_steps=warmup_steps, r=r, weight_lr_power=weight_lr_power)
        super().__init__(params, hparams, k=0, lr_max=0.0, weight_sum=0.0, train_mode=True)

    def eval(self) -> None:
        """Put x (the averaged iterate, the one to evaluate and keep) into the parameters."""
        self._switch(train=False)

    def train(self) -> None:
        """Put y (the point where gradients are taken) back into the parameters."""
        self._switch(train=True)

    @torch.no_grad()
    def _switch(self, *, train: bool) -> None:
        for group in self.param_groups:
            if group["train_mode"] == train:
                continue
            beta1 = self._beta1(group)
            weight = 1 - beta1 if train else 1 - 1 / beta1  # x -> y, or y -> x
            for p in group["params"]:
                z = self.state[p].get("z")
                if z is not None:
                    p.lerp_(z, weight)
            group["train_mode"] = train

    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """One step at y; ``closure`` re-evaluates the model and returns the loss."""
        if not all(group["train_mode"] for group in self.param_groups):
            raise RuntimeError(
                f"{type(self).__name__}.step() called in eval mode; call .train() first"
            )
        return super().step(closure)

    def _init_state(self, p: torch.Tensor) -> State:
        return {
            "z": p.detach().clone(memory_format=torch.preserve_format),
            **super()._init_state(p),
        }

    def _beta1(self, group: Group) -> float:
        """The interpolation weight β₁ of y = (1 − β₁)·z + β₁·x (SGD's ``momentum``)."""
        return group["betas"][0]

    def _scheduled_lr(self, group: Group, t: int) -> float:
        """γ_t: warmup, then Adam's bias correction √(1 − β₂ᵗ) folded into the lr."""
        warmup = group["warmup_steps"]
        lr = group["lr"] * (min(1.0, t / warmup) if warmup else 1.0)
        return lr * math.sqrt(1 - group["betas"][1] ** t)

    def _direction(self, grad: torch.Tensor, state: State, group: Group, t: int) -> torch.Tensor:
        """The step direction at y before weight decay: g/(√v + ε)."""
        exp_avg_sq = state["exp_avg_sq"]
        exp_avg_sq.mul_(group["betas"][1]).addcmul_(grad, grad, value=1 - group["betas"][1])
        return grad / exp_avg_sq.sqrt().add_(group["eps"])

    def _step_group(self, group: Group) -> None:
        beta1 = self._beta1(group)
        t = group["k"] + 1
        lr = self._scheduled_lr(group, t)
        group["lr_max"] = lr_max = max(lr, group["lr_max"])
        weight = t ** group["r"] * lr_max ** group["weight_lr_power"]
        group["weight_sum"] += weight
        ckp1 = weight / group["weight_sum"] if group["weight_sum"] > 0 else 0.0
        for p, grad, state in self._with_grads(group):
            z = state["z"]
            update = self._direction(grad, state, group, t)
            if group["weight_decay"] != 0:
                update.add_(p, alpha=group["weight_decay"])  # decay taken at y
            # y_{t+1} = (1-c) y_t + c z_t + γ (β₁(1-c) - 1) u   (x never stored)
            p.lerp_(z, ckp1)
            p.add_(update, alpha=lr * (beta1 * (1 - ckp1) - 1))
            z.sub_(update, alpha=lr)
        group["k"] = t

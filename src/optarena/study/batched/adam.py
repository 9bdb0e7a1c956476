"""Batched Adam-like rules following ``torch.optim``: Adam, AdamW, AMSGrad, Adamax, NAdam, RAdam.

References: Kingma & Ba 2015 (Adam, Adamax), Loshchilov & Hutter 2019 (AdamW), Reddi et al.
2018 (AMSGrad), Dozat 2016 (NAdam), Liu et al. 2020 (RAdam); the update order is that of
``torch/optim/{adam,adamax,nadam,radam}.py`` (single-tensor path).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from optarena.study.batched.base import Hp, Rule, State, decay

_ADAM_HP = ("beta1", "beta2", "eps", "weight_decay")


def _square_avg(avg: torch.Tensor, beta: Any, g: torch.Tensor) -> None:
    """``avg ← β·avg + (1 − β)·g²``."""
    avg.mul_(beta)
    if isinstance(beta, torch.Tensor):
        avg.addcmul_(g * (1 - beta), g)
    else:
        avg.addcmul_(g, g, value=1 - beta)


def _decoupled(group: Mapping[str, Any]) -> bool:
    return bool(group.get("decoupled_weight_decay", False))


class Adam(Rule):
    """Adam; AdamW when decoupled (``torch.optim.AdamW``); AMSGrad with ``amsgrad=True``."""

    name = "adam"
    hparams = _ADAM_HP
    state_keys = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")

    @classmethod
    def flags(cls, group: Mapping[str, Any]) -> tuple[Any, ...]:
        super().flags(group)
        return (bool(group["amsgrad"]), _decoupled(group))

    def __init__(self, amsgrad: bool, decoupled: bool) -> None:
        self.amsgrad, self.decoupled = amsgrad, decoupled

    def init_state(self, p: torch.Tensor, hp: Hp) -> State:
        keys = self.state_keys if self.amsgrad else self.state_keys[:2]
        return {key: torch.zeros_like(p) for key in keys}

    def update(self, p: torch.Tensor, g: torch.Tensor, s: State, hp: Hp, t: int) -> None:
        beta1, beta2 = hp["beta1"], hp["beta2"]
        g = decay(p, g, hp, self.decoupled)
        exp_avg, exp_avg_sq = s["exp_avg"], s["exp_avg_sq"]
        exp_avg.lerp_(g, 1 - beta1)
        _square_avg(exp_avg_sq, beta2, g)
        step_size = hp["lr"] / (1 - beta1**t)
        bc2_sqrt = (1 - beta2**t) ** 0.5
        if self.amsgrad:
            torch.maximum(s["max_exp_avg_sq"], exp_avg_sq, out=s["max_exp_avg_sq"])
            exp_avg_sq = s["max_exp_avg_sq"]
        denom = exp_avg_sq.sqrt().div_(bc2_sqrt).add_(hp["eps"]).div_(step_size)
        p.addcdiv_(exp_avg, denom, value=-1.0)


class Adamax(Rule):
    name = "adamax"
    hparams = _ADAM_HP
    state_keys = ("exp_avg", "exp_inf")

    def update(self, p: torch.Tensor, g: torch.Tensor, s: State, hp: Hp, t: int) -> None:
        beta1 = hp["beta1"]
        g = decay(p, g, hp, decoupled=False)
        exp_avg, exp_inf = s["exp_avg"], s["exp_inf"]
        exp_avg.lerp_(g, 1 - beta1)
        torch.maximum(exp_inf.mul_(hp["beta2"]), g.abs().add_(hp["eps"]), out=exp_inf)
        clr = hp["lr"] / (1 - beta1**t)
        p.addcdiv_(exp_avg * clr, exp_inf, value=-1.0)


class NAdam(Rule):
    name = "nadam"
    hparams = (*_ADAM_HP, "momentum_decay")
    state_keys = ("exp_avg", "exp_avg_sq", "mu_product")

    @classmethod
    def flags(cls, group: Mapping[str, Any]) -> tuple[Any, ...]:
        super().flags(group)
        return (_decoupled(group),)

    def __init__(self, decoupled: bool) -> None:
        self.decoupled = decoupled

    def init_state(self, p: torch.Tensor, hp: Hp) -> State:
        state = super().init_state(p, hp)
        state["mu_product"] = torch.ones(p.shape[0], 1, dtype=p.dtype, device=p.device)
        return state

    def update(self, p: torch.Tensor, g: torch.Tensor, s: State, hp: Hp, t: int) -> None:
        beta1, beta2, lr = hp["beta1"], hp["beta2"], hp["lr"]
        bias_correction2 = 1 - beta2**t
        g = decay(p, g, hp, self.decoupled)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (t * hp["momentum_decay"])))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * hp["momentum_decay"])))
        s["mu_product"].mul_(mu)
        mu_product = s["mu_product"]
        exp_avg, exp_avg_sq = s["exp_avg"], s["exp_avg_sq"]
        exp_avg.lerp_(g, 1 - beta1)
        _square_avg(exp_avg_sq, beta2, g)
        denom = exp_avg_sq.div(bias_correction2).sqrt_().add_(hp["eps"])
        p.addcdiv_(g * (-lr * (1.0 - mu) / (1.0 - mu_product)), denom)
        p.addcdiv_(exp_avg * (-lr * mu_next / (1.0 - mu_product * mu_next)), denom)


class RAdam(Rule):
    name = "radam"
    hparams = _ADAM_HP
    state_keys = ("exp_avg", "exp_avg_sq")

    @classmethod
    def flags(cls, group: Mapping[str, Any]) -> tuple[Any, ...]:
        super().flags(group)
        return (_decoupled(group),)

    def __init__(self, decoupled: bool) -> None:
        self.decoupled = decoupled

    def update(self, p: torch.Tensor, g: torch.Tensor, s: State, hp: Hp, t: int) -> None:
        beta1, beta2 = hp["beta1"], hp["beta2"]
        g = decay(p, g, hp, self.decoupled)
        exp_avg, exp_avg_sq = s["exp_avg"], s["exp_avg_sq"]
        exp_avg.lerp_(g, 1 - beta1)
        _square_avg(exp_avg_sq, beta2, g)
        bias_correction1 = 1 - beta1**t
        bias_correction2 = 1 - beta2**t
        corrected = exp_avg / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * (beta2**t) / bias_correction2
        corrected.mul_(hp["lr"])
        if not isinstance(rho_t, torch.Tensor) and rho_t <= 5.0:  # shared beta2: no rectifier
            p.sub_(corrected)
            return
        rect = (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
        rect = rect.clamp_min(0) ** 0.5 if isinstance(rect, torch.Tensor) else max(rect, 0) ** 0.5
        adaptive = exp_avg_sq.sqrt().add_(hp["eps"]).reciprocal_().mul_(bias_correction2**0.5)
        if isinstance(rho_t, torch.Tensor):
            adaptive = torch.where(rho_t > 5.0, adaptive * rect, 1.0)
        else:
            adaptive.mul_(rect)
        p.sub_(corrected.mul_(adaptive))

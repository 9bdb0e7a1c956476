"""Batched rules for optarena's own paper optimizers: QHAdam (Ma & Yarats 2019), LAMB (You et
al. 2020, per-trial per-tensor trust ratios) and AdaBelief (Zhuang et al. 2020); the update
order follows ``optarena/optim/{qhadam,lamb,adabelief}.py``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from optarena.study.batched.adam import _square_avg
from optarena.study.batched.base import Hp, Rule, State, axpy_, decay

_STATE = ("exp_avg", "exp_avg_sq")


class QHAdam(Rule):
    name = "qhadam"
    hparams = ("beta1", "beta2", "nu1", "nu2", "eps", "weight_decay")
    state_keys = _STATE

    @classmethod
    def flags(cls, group: Mapping[str, Any]) -> tuple[Any, ...]:
        return (bool(group["decoupled_weight_decay"]),)

    def __init__(self, decoupled: bool) -> None:
        self.decoupled = decoupled

    def update(self, p: torch.Tensor, g: torch.Tensor, s: State, hp: Hp, t: int) -> None:
        beta1, beta2, nu1, nu2 = hp["beta1"], hp["beta2"], hp["nu1"], hp["nu2"]
        g = decay(p, g, hp, self.decoupled)
        exp_avg, exp_avg_sq = s["exp_avg"], s["exp_avg_sq"]
        axpy_(exp_avg.mul_(beta1), 1 - beta1, g)
        _square_avg(exp_avg_sq, beta2, g)
        numer = axpy_(exp_avg * (nu1 / (1 - beta1**t)), 1 - nu1, g)
        denom = exp_avg_sq * (nu2 / (1 - beta2**t))
        denom.addcmul_(g * (1 - nu2), g).sqrt_().add_(hp["eps"])
        p.addcdiv_(numer.mul_(hp["lr"]), denom, value=-1.0)


class Lamb(Rule):
    name = "lamb"
    hparams = ("beta1", "beta2", "eps", "weight_decay")
    state_keys = _STATE

    @classmethod
    def flags(cls, group: Mapping[str, Any]) -> tuple[Any, ...]:
        return (bool(group["bias_correction"]),)

    def __init__(self, bias_correction: bool) -> None:
        self.bias_correction = bias_correction

    def update(self, p: torch.Tensor, g: torch.Tensor, s: State, hp: Hp, t: int) -> None:
        beta1, beta2 = hp["beta1"], hp["beta2"]
        exp_avg, exp_avg_sq = s["exp_avg"], s["exp_avg_sq"]
        axpy_(exp_avg.mul_(beta1), 1 - beta1, g)
        _square_avg(exp_avg_sq, beta2, g)
        m_hat, v_hat = exp_avg, exp_avg_sq
        if self.bias_correction:
            m_hat = exp_avg / (1 - beta1**t)
            v_hat = exp_avg_sq / (1 - beta2**t)
        update = m_hat / v_hat.sqrt().add_(hp["eps"])
        if "weight_decay" in hp:
            axpy_(update, hp["weight_decay"], p)
        w_norm, u_norm = self.layout.norm(p), self.layout.norm(update)
        ok = (w_norm > 0) & (u_norm > 0)
        trust = torch.where(ok, w_norm / torch.where(ok, u_norm, 1.0), 1.0)
        p.sub_(update.mul_(trust * hp["lr"]))


class AdaBelief(Rule):
    name = "adabelief"
    hparams = ("beta1", "beta2", "eps", "weight_decay")
    state_keys = ("exp_avg", "exp_avg_var")

    @classmethod
    def flags(cls, group: Mapping[str, Any]) -> tuple[Any, ...]:
        return (bool(group["decoupled_weight_decay"]),)

    def __init__(self, decoupled: bool) -> None:
        self.decoupled = decoupled

    def update(self, p: torch.Tensor, g: torch.Tensor, s: State, hp: Hp, t: int) -> None:
        beta1, beta2, eps = hp["beta1"], hp["beta2"], hp["eps"]
        g = decay(p, g, hp, self.decoupled)
        exp_avg, exp_avg_var = s["exp_avg"], s["exp_avg_var"]
        axpy_(exp_avg.mul_(beta1), 1 - beta1, g)
        diff = g - exp_avg
        _square_avg(exp_avg_var, beta2, diff)
        exp_avg_var.add_(eps)
        denom = (exp_avg_var / (1 - beta2**t)).sqrt_().add_(eps)
        p.addcdiv_(exp_avg * (hp["lr"] / (1 - beta1**t)), denom, value=-1.0)

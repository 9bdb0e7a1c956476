"""Batched rules for optarena's own paper optimizers: QHAdam (Ma & Yarats 2019), LAMB (You et
al. 2020, per-trial per-tensor trust ratios) and AdaBelief (Zhuang et al. 2020); the update
order follows ``optarena/optim/{qhadam,lamb,adabelief}.py``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from optarena.study.batched.base import Hp, Rule, State, decay

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
        exp_avg.mul_(beta1).add_((1 - beta1) * g)
        exp_avg_sq.mul_(beta2).add_((1 - beta2) * g * g)
        m_hat = exp_avg / (1 - beta1**t)
        s_hat = exp_avg_sq / (1 - beta2**t)
        numer = m_hat * nu1 + (1 - nu1) * g
        denom = (s_hat * nu2 + (1 - nu2) * g * g).sqrt_().add_(hp["eps"])
        p.sub_(hp["lr"] * numer / denom)


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
        exp_avg.mul_(beta1).add_((1 - beta1) * g)
        exp_avg_sq.mul_(beta2).add_((1 - beta2) * g * g)
        m_hat, v_hat = exp_avg, exp_avg_sq
        if self.bias_correction:
            m_hat = exp_avg / (1 - beta1**t)
            v_hat = exp_avg_sq / (1 - beta2**t)
        update = m_hat / v_hat.sqrt().add_(hp["eps"]) + hp["weight_decay"] * p
        w_norm, u_norm = self.layout.norm(p), self.layout.norm(update)
        ok = (w_norm > 0) & (u_norm > 0)
        trust = torch.where(ok, w_norm / torch.where(ok, u_norm, 1.0), 1.0)
        p.sub_(update * (trust * hp["lr"]))


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
        exp_avg.mul_(beta1).add_((1 - beta1) * g)
        diff = g - exp_avg
        exp_avg_var.mul_(beta2).add_((1 - beta2) * diff * diff).add_(eps)
        m_hat = exp_avg / (1 - beta1**t)
        denom = (exp_avg_var / (1 - beta2**t)).sqrt_().add_(eps)
        p.sub_(hp["lr"] * m_hat / denom)

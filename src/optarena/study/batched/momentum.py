"""Batched SGD-like rules: SGD (plain, heavy-ball, Nesterov), QHM, LARS and Lion.

SGD follows ``torch.optim.SGD`` (the first step copies the gradient into the momentum buffer);
QHM (Ma & Yarats 2019), LARS (You et al. 2017) and Lion (Chen et al. 2023) follow
``optarena.optim``'s own classes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from optarena.study.batched.base import Hp, Rule, State, axpy_, decay


class SGD(Rule):
    name = "sgd"
    hparams = ("momentum", "dampening", "weight_decay")
    state_keys = ("momentum_buffer",)

    @classmethod
    def flags(cls, group: Mapping[str, Any]) -> tuple[Any, ...]:
        super().flags(group)
        return (bool(group["nesterov"]), group["momentum"] != 0)

    def __init__(self, nesterov: bool, has_momentum: bool) -> None:
        self.nesterov, self.has_momentum = nesterov, has_momentum

    def update(self, p: torch.Tensor, g: torch.Tensor, s: State, hp: Hp, t: int) -> None:
        d = decay(p, g, hp, decoupled=False)
        if self.has_momentum:
            buf = s["momentum_buffer"]
            if t == 1:
                buf.copy_(d)
            else:
                axpy_(buf.mul_(hp["momentum"]), 1 - hp["dampening"], d)
            d = axpy_(d.clone(), hp["momentum"], buf) if self.nesterov else buf
        axpy_(p, -hp["lr"], d)


class QHM(Rule):
    name = "qhm"
    hparams = ("momentum", "nu", "weight_decay")
    state_keys = ("momentum_buffer",)

    @classmethod
    def flags(cls, group: Mapping[str, Any]) -> tuple[Any, ...]:
        return (bool(group["decoupled_weight_decay"]),)

    def __init__(self, decoupled: bool) -> None:
        self.decoupled = decoupled

    def update(self, p: torch.Tensor, g: torch.Tensor, s: State, hp: Hp, t: int) -> None:
        g = decay(p, g, hp, self.decoupled)
        beta, nu, lr = hp["momentum"], hp["nu"], hp["lr"]
        buf = s["momentum_buffer"]
        axpy_(buf.mul_(beta), 1 - beta, g)
        axpy_(p, -lr * (1 - nu), g)
        axpy_(p, -lr * nu, buf)


class LARS(Rule):
    name = "lars"
    hparams = ("momentum", "weight_decay", "trust_coefficient")
    state_keys = ("momentum_buffer",)
    freeze = ("momentum",)  # the buffer carries lr: a frozen trial must drop it too

    @classmethod
    def flags(cls, group: Mapping[str, Any]) -> tuple[Any, ...]:
        return ()

    def update(self, p: torch.Tensor, g: torch.Tensor, s: State, hp: Hp, t: int) -> None:
        wd, eta = hp.get("weight_decay", 0.0), hp["trust_coefficient"]
        w_norm, g_norm = self.layout.norm(p), self.layout.norm(g)
        ok = (w_norm > 0) & (g_norm > 0)
        denom = torch.where(ok, g_norm + wd * w_norm, 1.0)
        local_lr = torch.where(ok, eta * w_norm / denom, 1.0)
        direction = axpy_(g.clone(), wd, p)
        buf = s["momentum_buffer"]
        axpy_(buf.mul_(hp["momentum"]), local_lr * hp["lr"], direction)
        p.sub_(buf)


class Lion(Rule):
    name = "lion"
    hparams = ("beta1", "beta2", "weight_decay")
    state_keys = ("exp_avg",)

    @classmethod
    def flags(cls, group: Mapping[str, Any]) -> tuple[Any, ...]:
        return ()

    def update(self, p: torch.Tensor, g: torch.Tensor, s: State, hp: Hp, t: int) -> None:
        beta1, beta2 = hp["beta1"], hp["beta2"]
        exp_avg = s["exp_avg"]
        step = axpy_(exp_avg * beta1, 1 - beta1, g).sign_()
        if "weight_decay" in hp:
            axpy_(step, hp["weight_decay"], p)
        axpy_(p, -hp["lr"], step)
        axpy_(exp_avg.mul_(beta2), 1 - beta2, g)

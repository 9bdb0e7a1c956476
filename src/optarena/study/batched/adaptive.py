"""Batched per-coordinate adaptive rules following ``torch.optim``: RMSprop (plain and
centered; Hinton 2012, Graves 2013), Adagrad (Duchi et al. 2011) and Adadelta (Zeiler 2012)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from optarena.study.batched.adam import _square_avg
from optarena.study.batched.base import Hp, Rule, State, axpy_, decay


class RMSprop(Rule):
    name = "rmsprop"
    hparams = ("alpha", "eps", "weight_decay", "momentum")
    state_keys = ("square_avg", "momentum_buffer", "grad_avg")

    @classmethod
    def flags(cls, group: Mapping[str, Any]) -> tuple[Any, ...]:
        super().flags(group)
        return (bool(group["centered"]),)

    def __init__(self, centered: bool) -> None:
        self.centered = centered

    def update(self, p: torch.Tensor, g: torch.Tensor, s: State, hp: Hp, t: int) -> None:
        alpha = hp["alpha"]
        g = decay(p, g, hp, decoupled=False)
        square_avg = s["square_avg"]
        _square_avg(square_avg, alpha, g)
        if self.centered:
            grad_avg = s["grad_avg"].lerp_(g, 1 - alpha)
            avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        else:
            avg = square_avg.sqrt()
        avg = avg.add_(hp["eps"])
        buf = s["momentum_buffer"].mul_(hp["momentum"]).addcdiv_(g, avg)
        axpy_(p, -hp["lr"], buf)


class Adagrad(Rule):
    name = "adagrad"
    hparams = ("lr_decay", "weight_decay", "eps", "initial_accumulator_value")
    state_keys = ("sum",)

    def init_state(self, p: torch.Tensor, hp: Hp) -> State:
        return {"sum": torch.zeros_like(p) + hp["initial_accumulator_value"]}

    def update(self, p: torch.Tensor, g: torch.Tensor, s: State, hp: Hp, t: int) -> None:
        g = decay(p, g, hp, decoupled=False)
        clr = hp["lr"] / (1 + (t - 1) * hp["lr_decay"])
        s["sum"].addcmul_(g, g)
        std = s["sum"].sqrt().add_(hp["eps"])
        p.addcdiv_(g * clr, std, value=-1.0)


class Adadelta(Rule):
    name = "adadelta"
    hparams = ("rho", "eps", "weight_decay")
    state_keys = ("square_avg", "acc_delta")

    def update(self, p: torch.Tensor, g: torch.Tensor, s: State, hp: Hp, t: int) -> None:
        rho, eps = hp["rho"], hp["eps"]
        g = decay(p, g, hp, decoupled=False)
        square_avg, acc_delta = s["square_avg"], s["acc_delta"]
        _square_avg(square_avg, rho, g)
        std = square_avg.add(eps).sqrt_()
        delta = acc_delta.add(eps).sqrt_().div_(std).mul_(g)
        _square_avg(acc_delta, rho, delta)
        axpy_(p, -hp["lr"], delta)

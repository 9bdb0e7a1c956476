"""Paddle 2.x optimizers (``paddle.optimizer``), reproduced in torch with Paddle's defaults.

Each class follows the update Paddle's kernel computes (checked against paddlepaddle 3.x by
``tests/optim/test_frameworks.py``). Where Paddle requires a learning rate and gives no default
(``Adagrad``, ``RMSProp``) the default here is torch's (1e-2). A float ``weight_decay`` is
Paddle's ``L2Decay`` (added to the gradient), except in ``AdamW`` (decoupled) and ``Lamb``
(``lamb_weight_decay`` inside the trust ratio). Reference: https://www.paddlepaddle.org.cn/
documentation/docs/en/api/paddle/optimizer/Overview_en.html
"""

from __future__ import annotations

import math
from typing import Any

import torch

from optarena.optim._checks import Interval
from optarena.optim.dialects import options as opts
from optarena.optim.dialects.base import DialectOptimizer, zeros
from optarena.optim.dialects.paddle_lbfgs import LBFGS

_B = {"betas": (0.9, 0.999)}
Group = dict[str, Any]
State = dict[str, Any]


class _Paddle(DialectOptimizer):
    """Paddle's base-optimizer options: ``grad_clip`` (before the ``L2Decay`` regulariser; a
    parameter with attribute ``need_clip = False`` is not clipped, as in Paddle) and
    ``multi_precision`` (float32 master weights for float16/bfloat16 parameters; no effect on
    float32/float64 ones, as in Paddle)."""

    _options = opts.PADDLE

    def _check_options(self, options: dict[str, Any]) -> dict[str, Any]:
        return opts.check_paddle(options)

    def _clip(self, grads: list[torch.Tensor], params: list[torch.Tensor]) -> list[torch.Tensor]:
        """``grad_clip`` over the parameters whose ``need_clip`` attribute is not False (Paddle's
        ``ParamAttr(need_clip=False)``: left out of the norm and not scaled)."""
        chosen = [i for i, p in enumerate(params) if getattr(p, "need_clip", True) is not False]
        out = list(grads)
        clipped = opts.clip_paddle([grads[i] for i in chosen], self.options["grad_clip"])
        for i, g in zip(chosen, clipped, strict=True):
            out[i] = g
        return out


class SGD(_Paddle):
    """``paddle.optimizer.SGD``: ``p -= lr * g`` (lr 1e-3)."""

    _defaults = {"lr": 1e-3, "weight_decay": 0.0}
    decay = "l2"
    follows = "paddle.optimizer.SGD"

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        p.add_(g, alpha=-group["lr"])


class Momentum(_Paddle):
    """``paddle.optimizer.Momentum``: ``v = mu v + g``; ``p -= lr (g + mu v)`` with Nesterov,
    else ``p -= lr v`` (lr 1e-3, mu 0.9). ``rescale_grad`` is accepted and, as in Paddle's
    dynamic-graph mode (checked on paddlepaddle 3.3), has no effect."""

    _defaults = {
        "lr": 1e-3,
        "momentum": 0.9,
        "nesterov": False,
        "weight_decay": 0.0,
        "rescale_grad": 1.0,
    }
    follows = "paddle.optimizer.Momentum"

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        g = g + group["weight_decay"] * p
        v = state.setdefault("velocity", zeros(p))
        mu = group["momentum"]
        v.mul_(mu).add_(g)
        p.add_(g + mu * v if group["nesterov"] else v, alpha=-group["lr"])


class Adam(_Paddle):
    """``paddle.optimizer.Adam``: ``lr_t = lr sqrt(1 - b2^t) / (1 - b1^t)``,
    ``p -= lr_t m / (sqrt(v) + eps sqrt(1 - b2^t))``; ``amsgrad`` keeps ``max v``."""

    _defaults = {"lr": 1e-3, **_B, "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False}
    decay = "l2"
    follows = "paddle.optimizer.Adam"
    #: ``lazy_mode`` only changes sparse (``SelectedRows``) updates; dense gradients -- the only
    #: kind the dialects take -- update every row either way, so it is accepted and inert.
    _options = {**opts.PADDLE, **opts.LAZY}

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["m"], state["v"] = zeros(p), zeros(p)
        if group["amsgrad"]:
            state["v_max"] = zeros(p)

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        (b1, b2), t = group["betas"], state["step"]
        m, v = state["m"], state["v"]
        m.mul_(b1).add_(g, alpha=1 - b1)
        v.mul_(b2).addcmul_(g, g, value=1 - b2)
        if group["amsgrad"]:
            torch.maximum(state["v_max"], v, out=state["v_max"])
            v = state["v_max"]
        c2 = math.sqrt(1 - b2**t)
        lr_t = group["lr"] * c2 / (1 - b1**t)
        p.addcdiv_(m, v.sqrt().add_(group["eps"] * c2), value=-lr_t)


class AdamW(Adam):
    """``paddle.optimizer.AdamW``: ``p *= 1 - lr wd``, then Paddle's Adam (wd 0.01)."""

    _defaults = {**Adam._defaults, "weight_decay": 0.01}
    decay = "decoupled"
    follows = "paddle.optimizer.AdamW"


class Adamax(_Paddle):
    """``paddle.optimizer.Adamax``: ``u = max(b2 u + eps, |g|)`` (eps *inside* the max),
    ``p -= lr / (1 - b1^t) * m / u`` (lr 1e-3)."""

    _defaults = {"lr": 1e-3, **_B, "eps": 1e-8, "weight_decay": 0.0}
    decay = "l2"
    follows = "paddle.optimizer.Adamax"

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["m"], state["u"] = zeros(p), zeros(p)

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        (b1, b2), t = group["betas"], state["step"]
        state["m"].mul_(b1).add_(g, alpha=1 - b1)
        u = state["u"]
        torch.maximum(u.mul_(b2).add_(group["eps"]), g.abs(), out=u)
        p.addcdiv_(state["m"], u, value=-group["lr"] / (1 - b1**t))


class Adagrad(_Paddle):
    """``paddle.optimizer.Adagrad``: ``G += g^2``, ``p -= lr g / (sqrt(G) + eps)`` (eps 1e-6)."""

    _defaults = {"lr": 1e-2, "eps": 1e-6, "initial_accumulator_value": 0.0, "weight_decay": 0.0}
    decay = "l2"
    follows = "paddle.optimizer.Adagrad"

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["sum"] = torch.full_like(p, group["initial_accumulator_value"])

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        state["sum"].addcmul_(g, g)
        p.addcdiv_(g, state["sum"].sqrt().add_(group["eps"]), value=-group["lr"])


class Adadelta(_Paddle):
    """``paddle.optimizer.Adadelta`` (Zeiler 2012): lr 1e-3, rho 0.95, eps 1e-6."""

    _defaults = {"lr": 1e-3, "eps": 1e-6, "rho": 0.95, "weight_decay": 0.0}
    decay = "l2"
    follows = "paddle.optimizer.Adadelta"

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["sq_avg"], state["acc_delta"] = zeros(p), zeros(p)

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        rho, eps = group["rho"], group["eps"]
        sq, acc = state["sq_avg"], state["acc_delta"]
        sq.mul_(rho).addcmul_(g, g, value=1 - rho)
        delta = ((acc + eps) / (sq + eps)).sqrt_().mul_(g)
        acc.mul_(rho).addcmul_(delta, delta, value=1 - rho)
        p.add_(delta, alpha=-group["lr"])


class RMSProp(_Paddle):
    """``paddle.optimizer.RMSProp``: eps *inside* the root and lr inside the momentum buffer:
    ``mom = mu mom + lr g / sqrt(ms [- mg^2] + eps)``, ``p -= mom`` (rho 0.95, eps 1e-6)."""

    _defaults = {
        "lr": 1e-2,
        "rho": 0.95,
        "eps": 1e-6,
        "momentum": 0.0,
        "centered": False,
        "weight_decay": 0.0,
    }
    decay = "l2"
    follows = "paddle.optimizer.RMSProp"

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["mean_square"], state["moment"] = zeros(p), zeros(p)
        if group["centered"]:
            state["mean_grad"] = zeros(p)

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        rho = group["rho"]
        ms = state["mean_square"].mul_(rho).addcmul_(g, g, value=1 - rho)
        denom = ms.clone()
        if group["centered"]:
            mg = state["mean_grad"].mul_(rho).add_(g, alpha=1 - rho)
            denom.addcmul_(mg, mg, value=-1)
        mom = state["moment"]
        mom.mul_(group["momentum"]).addcdiv_(g, denom.add_(group["eps"]).sqrt_(), value=group["lr"])
        p.sub_(mom)


class Lamb(_Paddle):
    """``paddle.optimizer.Lamb``: ``r = m_hat / (sqrt(v_hat) + eps) + wd p``, ``p -= lr * trust
    * r`` with ``trust = |p| / |r|`` (1 when either is 0) -- and ``trust = 1`` whenever
    ``lamb_weight_decay`` (here ``weight_decay``) is 0 unless ``always_adapt``."""

    _defaults = {"lr": 1e-3, "weight_decay": 0.01, **_B, "eps": 1e-6, "always_adapt": False}
    follows = "paddle.optimizer.Lamb"

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["m"], state["v"] = zeros(p), zeros(p)

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        (b1, b2), t, wd = group["betas"], state["step"], group["weight_decay"]
        m = state["m"].mul_(b1).add_(g, alpha=1 - b1)
        v = state["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
        r = (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt_().add_(group["eps"]))
        r.add_(p, alpha=wd)
        trust = 1.0
        if wd != 0 or group["always_adapt"]:
            p_norm, r_norm = float(p.norm()), float(r.norm())
            trust = p_norm / r_norm if p_norm > 0 and r_norm > 0 else 1.0
        p.add_(r, alpha=-group["lr"] * trust)


class NAdam(_Paddle):
    """``paddle.optimizer.NAdam`` (Dozat 2016, with momentum decay psi): lr 2e-3."""

    _defaults = {"lr": 2e-3, **_B, "eps": 1e-8, "momentum_decay": 4e-3, "weight_decay": 0.0}
    decay = "l2"
    follows = "paddle.optimizer.NAdam"

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["m"], state["v"], state["mu_product"] = zeros(p), zeros(p), 1.0

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        (b1, b2), t, psi = group["betas"], state["step"], group["momentum_decay"]
        mu_t = b1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        state["mu_product"] *= mu_t
        prod = state["mu_product"]
        m = state["m"].mul_(b1).add_(g, alpha=1 - b1)
        v = state["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
        denom = (v / (1 - b2**t)).sqrt_().add_(group["eps"])
        lr = group["lr"]
        p.addcdiv_(g, denom, value=-lr * (1 - mu_t) / (1 - prod))
        p.addcdiv_(m, denom, value=-lr * mu_next / (1 - prod * mu_next))


class RAdam(_Paddle):
    """``paddle.optimizer.RAdam`` (Liu et al. 2020): rectified when ``rho_t > 5``, else plain
    bias-corrected momentum."""

    _defaults = {"lr": 1e-3, **_B, "eps": 1e-8, "weight_decay": 0.0}
    decay = "l2"
    follows = "paddle.optimizer.RAdam"

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["m"], state["v"] = zeros(p), zeros(p)

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        (b1, b2), t = group["betas"], state["step"]
        m = state["m"].mul_(b1).add_(g, alpha=1 - b1)
        v = state["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
        m_hat = m / (1 - b1**t)
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * t * b2**t / (1 - b2**t)
        if rho_t > 5:
            rect = math.sqrt(
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            )
            scale = math.sqrt(1 - b2**t) / (v.sqrt() + group["eps"])
            p.add_(m_hat * scale, alpha=-group["lr"] * rect)
        else:
            p.add_(m_hat, alpha=-group["lr"])


class ASGD(_Paddle):
    """``paddle.optimizer.ASGD``: stochastic *average* gradient over ``batch_num`` slots:
    ``d += g - y_i``, ``y_i = g`` with ``i = m mod n``, ``p -= lr d / min(m + 1, n)``."""

    _defaults = {"lr": 1e-3, "batch_num": 1, "weight_decay": 0.0}
    decay = "l2"
    follows = "paddle.optimizer.ASGD"

    def _rules(self) -> dict[str, Any]:
        return {"batch_num": Interval(1.0, integer=True)}

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["d"] = zeros(p)
        state["y"] = torch.zeros((group["batch_num"], *p.shape), dtype=p.dtype, device=p.device)

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        n, m = group["batch_num"], state["step"] - 1
        y = state["y"][m % n]
        state["d"].sub_(y).add_(g)
        y.copy_(g)
        p.add_(state["d"], alpha=-group["lr"] / min(m + 1, n))


class Rprop(_Paddle):
    """``paddle.optimizer.Rprop`` (Riedmiller & Braun 1993): per-entry step sizes start at lr
    and stay in ``learning_rate_range``; a sign flip shrinks the step and skips the update."""

    _defaults = {"lr": 1e-3, "learning_rate_range": (1e-5, 50.0), "etas": (0.5, 1.2)}
    follows = "paddle.optimizer.Rprop"

    def _rules(self) -> dict[str, Any]:
        return {"learning_rate_range": Interval(0.0, size=2), "etas": Interval(0.0, size=2)}

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["prev"] = zeros(p)
        state["step_size"] = torch.full_like(p, group["lr"])

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        (eta_minus, eta_plus), (lo, hi) = group["etas"], group["learning_rate_range"]
        sign = (g * state["prev"]).sign()
        size = state["step_size"]
        factor = torch.ones_like(size)
        factor[sign > 0], factor[sign < 0] = eta_plus, eta_minus
        size.mul_(factor)
        size.clamp_(lo, hi)
        g = g.masked_fill(sign < 0, 0.0)
        p.addcmul_(g.sign(), size, value=-1)
        state["prev"].copy_(g)


#: optarena name -> (class, lr range searched by tuners)
CLASSES: dict[str, tuple[type[torch.optim.Optimizer], tuple[float, float]]] = {
    "sgd": (SGD, (1e-5, 1.0)),
    "momentum": (Momentum, (1e-5, 1.0)),
    "adam": (Adam, (1e-5, 1e-1)),
    "adamw": (AdamW, (1e-5, 1e-1)),
    "adamax": (Adamax, (1e-5, 1e-1)),
    "adagrad": (Adagrad, (1e-4, 1.0)),
    "adadelta": (Adadelta, (1e-5, 10.0)),
    "rmsprop": (RMSProp, (1e-5, 1e-1)),
    "lamb": (Lamb, (1e-5, 1e-1)),
    "nadam": (NAdam, (1e-5, 1e-1)),
    "radam": (RAdam, (1e-5, 1e-1)),
    "asgd": (ASGD, (1e-5, 1.0)),
    "rprop": (Rprop, (1e-5, 1.0)),
    "lbfgs": (LBFGS, (1e-2, 10.0)),
}

#: Paddle classes without a dialect entry, and why.
NOT_OFFERED: dict[str, str] = {}


#: name -> what differs from the plain name (checked numerically by tests/frameworks/)
DIFFERS = {
    "sgd": "default lr 1e-3 (plain: 1e-2)",
    "momentum": "default lr 1e-3 (plain: 1e-2); `rescale_grad` has no effect (as in Paddle)",
    "adam": "same rule and defaults as `adam` (`amsgrad=True`: `amsgrad`)",
    "adamw": "same rule and defaults as `adamw`",
    "adamax": "eps inside the max, `max(b2 u + eps, abs(g))` (plain: `max(b2 u, abs(g) + eps)`); "
    "lr 1e-3 (plain: 2e-3)",
    "adagrad": "eps 1e-6 (plain: 1e-10); no `lr_decay`; Paddle has no default lr (1e-2 here)",
    "adadelta": "lr 1e-3, rho 0.95 (plain: lr 1.0, rho 0.9)",
    "rmsprop": "eps inside the root, lr inside the momentum buffer; rho 0.95, eps 1e-6 "
    "(plain: alpha 0.99, eps 1e-8); Paddle has no default lr (1e-2 here)",
    "lamb": "no trust ratio when `lamb_weight_decay` is 0 unless `always_adapt` (plain: always)",
    "nadam": "same rule and defaults as `nadam`",
    "radam": "same rule and defaults as `radam`",
    "asgd": "a stochastic *average* gradient over `batch_num` slots (plain `asgd` is torch's "
    "averaged SGD); lr 1e-3",
    "rprop": "step sizes bounded by `learning_rate_range` (plain: `step_sizes`); lr 1e-3",
    "lbfgs": "same rule and defaults as `lbfgs` (Paddle's is a port of torch's); also "
    "`max_eval`, `tolerance_grad`, `tolerance_change`; `weight_decay`/`grad_clip` refused "
    "(Paddle's step ignores them); a schedule drives the lr (Paddle's LBFGS ignores schedulers)",
}

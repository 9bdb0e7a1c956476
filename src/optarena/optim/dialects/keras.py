"""Keras 3 optimizers (``keras.optimizers``), reproduced in torch with Keras' defaults.

Each class follows the ``update_step`` of Keras 3 (checked against keras 3.x on the torch
backend by ``tests/frameworks/``). ``weight_decay`` is Keras' decoupled decay,
``p -= lr * wd * p`` before the update, for every class. Keras' base-optimizer options
``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum`` and
``ema_overwrite_frequency``, ``gradient_accumulation_steps`` and ``loss_scale_factor`` (no
effect: see :mod:`.options`) are accepted by every class. ``keras:muon`` is in :mod:`.keras_muon`.
Reference: https://keras.io/api/optimizers/
"""

from __future__ import annotations

import math
from typing import Any

import torch

from optarena.optim._checks import Interval
from optarena.optim.dialects import options as opts
from optarena.optim.dialects.base import DialectOptimizer, zeros

_B = {"betas": (0.9, 0.999)}
Group = dict[str, Any]
State = dict[str, Any]


class _Keras(DialectOptimizer):
    decay = "decoupled"
    _options = opts.KERAS

    def _check_options(self, options: dict[str, Any]) -> dict[str, Any]:
        return opts.check_keras(options)

    def _clip(self, grads: list[torch.Tensor], params: list[torch.Tensor]) -> list[torch.Tensor]:
        return opts.clip_keras(grads, self.options)

    def _gradients(self, live: list[torch.Tensor]) -> list[torch.Tensor] | None:
        """Keras' gradient accumulation (``_backend_apply_gradients``): sum the gradients, and
        every N-th step return ``(g + sum) / N``; on the others only the EMA runs. The step
        count (Keras' ``_iterations``) is kept in every parameter group."""
        n = self.options["gradient_accumulation_steps"]
        grads = [p.grad for p in live]
        if not n:
            return grads
        count = self.param_groups[0].get("keras_iterations", 0)
        for group in self.param_groups:
            group["keras_iterations"] = count + 1
        self._iteration = count // n
        sums = [self.state[p].setdefault("accumulated", torch.zeros_like(g))
                for p, g in zip(live, grads, strict=True)]  # fmt: skip
        if (count + 1) % n:
            for total, g in zip(sums, grads, strict=True):
                total.add_(g)
            for p in live:
                self._after_update(p, self.state[p])
            return None
        out = [(g + total) / n for g, total in zip(grads, sums, strict=True)]
        for total in sums:
            total.zero_()
        return out

    def _after_update(self, p: torch.Tensor, state: State) -> None:
        if self.options["use_ema"]:
            accumulating = self.options["gradient_accumulation_steps"]
            iteration = self._iteration if accumulating else state["step"] - 1
            opts.keras_ema(p, state, self.options, iteration)

    @torch.no_grad()
    def finalize_variable_values(self) -> None:
        """Keras' end-of-``fit`` step: with ``use_ema``, copy the moving averages into the
        parameters (optarena's trainer does not call it; see docs/framework-map.md)."""
        if not self.options["use_ema"]:
            return
        for group in self.param_groups:
            for p in group["params"]:
                if "average" in self.state[p]:
                    p.copy_(self.state[p]["average"])


class SGD(_Keras):
    """``keras.optimizers.SGD``: ``m = mu m - lr g``; ``p += mu m - lr g`` with Nesterov, else
    ``p += m`` -- the lr sits inside the buffer (lr 1e-2)."""

    _defaults = {"lr": 1e-2, "momentum": 0.0, "nesterov": False, "weight_decay": 0.0}
    follows = "keras.optimizers.SGD"

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        mu, lr = group["momentum"], group["lr"]
        if mu == 0:
            p.add_(g, alpha=-lr)
            return
        m = state.setdefault("momentum", zeros(p))
        m.mul_(mu).add_(g, alpha=-lr)
        p.add_(m * mu - lr * g if group["nesterov"] else m)


class RMSprop(_Keras):
    """``keras.optimizers.RMSprop``: ``inc = lr g / sqrt(v [- a^2] + eps)`` (eps inside the
    root); with momentum ``m = mu m + inc``, ``p -= m`` (lr 1e-3, rho 0.9, eps 1e-7)."""

    _defaults = {
        "lr": 1e-3,
        "rho": 0.9,
        "momentum": 0.0,
        "eps": 1e-7,
        "centered": False,
        "weight_decay": 0.0,
    }
    follows = "keras.optimizers.RMSprop"

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        rho = group["rho"]
        v = state.setdefault("velocity", zeros(p)).mul_(rho).addcmul_(g, g, value=1 - rho)
        denom = v.clone()
        if group["centered"]:
            a = state.setdefault("average_grad", zeros(p)).mul_(rho).add_(g, alpha=1 - rho)
            denom.addcmul_(a, a, value=-1)
        inc = g * group["lr"] / denom.add_(group["eps"]).sqrt_()
        if group["momentum"] > 0:
            m = state.setdefault("momentum", zeros(p))
            inc = m.mul_(group["momentum"]).add_(inc)
        p.sub_(inc)


class Adam(_Keras):
    """``keras.optimizers.Adam``: ``p -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)``
    -- eps is *not* bias-corrected, unlike torch (eps 1e-7)."""

    _defaults = {"lr": 1e-3, **_B, "eps": 1e-7, "amsgrad": False, "weight_decay": 0.0}
    follows = "keras.optimizers.Adam"

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["m"], state["v"] = zeros(p), zeros(p)
        if group["amsgrad"]:
            state["v_hat"] = zeros(p)

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        (b1, b2), t = group["betas"], state["step"]
        alpha = group["lr"] * math.sqrt(1 - b2**t) / (1 - b1**t)
        m = state["m"].add_((g - state["m"]) * (1 - b1))
        v = state["v"].add_((g * g - state["v"]) * (1 - b2))
        if group["amsgrad"]:
            v = torch.maximum(state["v_hat"], v, out=state["v_hat"])
        p.sub_(m * alpha / (v.sqrt() + group["eps"]))


class AdamW(Adam):
    """``keras.optimizers.AdamW``: Keras' Adam with weight decay 0.004."""

    _defaults = {**Adam._defaults, "weight_decay": 0.004}
    follows = "keras.optimizers.AdamW"


class Adamax(_Keras):
    """``keras.optimizers.Adamax``: ``u = max(b2 u, |g|)``,
    ``p -= lr m / ((1 - b1^t)(u + eps))``."""

    _defaults = {"lr": 1e-3, **_B, "eps": 1e-7, "weight_decay": 0.0}
    follows = "keras.optimizers.Adamax"

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["m"], state["u"] = zeros(p), zeros(p)

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        (b1, b2), t = group["betas"], state["step"]
        m = state["m"].add_((g - state["m"]) * (1 - b1))
        u = torch.maximum(state["u"].mul_(b2), g.abs(), out=state["u"])
        p.sub_(group["lr"] * m / ((1 - b1**t) * (u + group["eps"])))


class Adagrad(_Keras):
    """``keras.optimizers.Adagrad``: ``G += g^2``, ``p -= lr g / sqrt(G + eps)``
    (lr 1e-3, G starts at 0.1)."""

    _defaults = {
        "lr": 1e-3,
        "initial_accumulator_value": 0.1,
        "eps": 1e-7,
        "weight_decay": 0.0,
    }
    follows = "keras.optimizers.Adagrad"

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["sum"] = torch.full_like(p, group["initial_accumulator_value"])

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        acc = state["sum"].addcmul_(g, g)
        p.sub_(group["lr"] * g / (acc + group["eps"]).sqrt())


class Adadelta(_Keras):
    """``keras.optimizers.Adadelta`` (Zeiler 2012): lr 1e-3, rho 0.95, eps 1e-7."""

    _defaults = {"lr": 1e-3, "rho": 0.95, "eps": 1e-7, "weight_decay": 0.0}
    follows = "keras.optimizers.Adadelta"

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["acc_grad"], state["acc_delta"] = zeros(p), zeros(p)

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        rho, eps = group["rho"], group["eps"]
        acc_g = state["acc_grad"].mul_(rho).addcmul_(g, g, value=1 - rho)
        delta = -((state["acc_delta"] + eps).sqrt() * g) / (acc_g + eps).sqrt()
        state["acc_delta"].mul_(rho).addcmul_(delta, delta, value=1 - rho)
        p.add_(group["lr"] * delta)


class Nadam(_Keras):
    """``keras.optimizers.Nadam``: ``u_t = b1 (1 - 0.5 * 0.96^t)`` (no momentum-decay factor,
    unlike torch's NAdam), eps outside the root (lr 1e-3, eps 1e-7)."""

    _defaults = {"lr": 1e-3, **_B, "eps": 1e-7, "weight_decay": 0.0}
    follows = "keras.optimizers.Nadam"

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["m"], state["v"], state["u_product"] = zeros(p), zeros(p), 1.0

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        (b1, b2), t = group["betas"], state["step"]
        u_t = b1 * (1.0 - 0.5 * 0.96**t)
        u_next = b1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        state["u_product"] *= u_t
        prod = state["u_product"]
        m = state["m"].add_((g - state["m"]) * (1 - b1))
        v = state["v"].add_((g * g - state["v"]) * (1 - b2))
        m_hat = u_next * m / (1 - prod * u_next) + (1 - u_t) * g / (1 - prod)
        v_hat = v / (1 - b2**t)
        p.sub_(m_hat * group["lr"] / (v_hat.sqrt() + group["eps"]))


class Lion(_Keras):
    """``keras.optimizers.Lion`` (Chen et al. 2023): ``p -= lr sign(b1 m + (1 - b1) g)``,
    ``m = b2 m + (1 - b2) g`` (betas 0.9, 0.99)."""

    _defaults = {"lr": 1e-3, "betas": (0.9, 0.99), "weight_decay": 0.0}
    follows = "keras.optimizers.Lion"

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        b1, b2 = group["betas"]
        m = state.setdefault("m", zeros(p))
        p.sub_(group["lr"] * torch.sign(m * b1 + g * (1 - b1)))
        m.mul_(b2).add_(g * (1 - b2))


class Lamb(_Keras):
    """``keras.optimizers.Lamb``: Adam direction ``m_hat / (sqrt(v_hat) + eps)`` scaled by the
    trust ratio ``|p| / |update|`` (1 when either is 0); decay is decoupled (eps 1e-7)."""

    _defaults = {"lr": 1e-3, **_B, "eps": 1e-7, "weight_decay": 0.0}
    follows = "keras.optimizers.Lamb"

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["m"], state["v"] = zeros(p), zeros(p)

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        (b1, b2), t = group["betas"], state["step"]
        m = state["m"].add_((g - state["m"]) * (1 - b1))
        v = state["v"].add_((g * g - state["v"]) * (1 - b2))
        update = (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + group["eps"])
        w_norm, u_norm = float(p.norm()), float(update.norm())
        ratio = w_norm / u_norm if w_norm > 0 and u_norm > 0 else 1.0
        p.sub_(ratio * group["lr"] * update)


class Ftrl(_Keras):
    """``keras.optimizers.Ftrl`` (McMahan et al. 2013): follow-the-regularized-leader with
    L1/L2 strengths, shrinkage and ``beta`` (lr 1e-3, accumulator starts at 0.1)."""

    _defaults = {
        "lr": 1e-3,
        "learning_rate_power": -0.5,
        "initial_accumulator_value": 0.1,
        "l1_regularization_strength": 0.0,
        "l2_regularization_strength": 0.0,
        "l2_shrinkage_regularization_strength": 0.0,
        "beta": 0.0,
        "weight_decay": 0.0,
    }
    follows = "keras.optimizers.Ftrl"

    def _rules(self) -> dict[str, Any]:
        non_neg = Interval(0.0)
        return {
            "learning_rate_power": Interval(hi=0.0),
            "l1_regularization_strength": non_neg,
            "l2_regularization_strength": non_neg,
            "l2_shrinkage_regularization_strength": non_neg,
            "beta": non_neg,
        }

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["accumulator"] = torch.full_like(p, group["initial_accumulator_value"])
        state["linear"] = zeros(p)

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        lr, power = group["lr"], group["learning_rate_power"]
        l1 = group["l1_regularization_strength"]
        l2 = group["l2_regularization_strength"] + group["beta"] / (2.0 * lr)
        shrunk = g + 2 * group["l2_shrinkage_regularization_strength"] * p
        acc = state["accumulator"]
        new_acc = acc + g * g
        linear = state["linear"]
        linear.add_(shrunk - (new_acc.pow(-power) - acc.pow(-power)) / lr * p)
        quadratic = new_acc.pow(-power) / lr + 2 * l2
        p.copy_((linear.clamp(-l1, l1) - linear) / quadratic)
        acc.copy_(new_acc)


class Adafactor(_Keras):
    """``keras.optimizers.Adafactor`` (Shazeer & Stern 2018): factored second moments over the
    last two dimensions, relative step ``min(lr, 1 / sqrt(t))``, update clipping."""

    _defaults = {
        "lr": 1e-3,
        "beta_2_decay": -0.8,
        "epsilon_1": 1e-30,
        "epsilon_2": 1e-3,
        "clip_threshold": 1.0,
        "relative_step": True,
        "weight_decay": 0.0,
    }
    follows = "keras.optimizers.Adafactor"

    def _rules(self) -> dict[str, Any]:
        return {
            "beta_2_decay": Interval(hi=0.0),
            "epsilon_1": Interval(0.0),
            "epsilon_2": Interval(0.0),
            "clip_threshold": Interval(0.0, lo_open=True),
        }

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["v"] = zeros(p)
        if p.dim() >= 2:
            state["r"] = p.new_zeros(p.shape[:-1])
            state["c"] = p.new_zeros((*p.shape[:-2], p.shape[-1]))

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        t = state["step"]
        lr = group["lr"]
        if group["relative_step"]:
            lr = min(lr, 1 / math.sqrt(t))
        rho_t = min(lr, 1 / math.sqrt(t))
        alpha = max(group["epsilon_2"], float(_rms(p))) * rho_t
        sq = g * g + group["epsilon_1"]
        beta = 1 - t ** group["beta_2_decay"]
        if p.dim() >= 2:
            r = state["r"].mul_(beta).add_((1 - beta) * sq.mean(dim=-1))
            c = state["c"].mul_(beta).add_((1 - beta) * sq.mean(dim=-2))
            state["v"].copy_((r / r.mean(dim=-1, keepdim=True)).unsqueeze(-1) * c.unsqueeze(-2))
        else:
            state["v"].mul_(beta).add_((1 - beta) * sq)
        u = g / state["v"].sqrt()
        u = u / max(1.0, float(_rms(u)) / group["clip_threshold"])
        p.sub_(alpha * u)


class ScheduleFreeAdamW(_Keras):
    """``keras.optimizers.ScheduleFreeAdamW`` (Defazio et al. 2024) as Keras computes it: the
    parameters always hold the gradient point ``y``; ``z`` starts at the parameters, the
    average ``x`` is recovered from ``y`` and ``z`` each step; optional linear lr warm-up. No
    ``train()``/``eval()`` switch (Keras has none) -- evaluation happens at ``y``.

    As on Keras' torch backend (3.15), ``x_old`` is recovered with the *updated* ``z``: there
    ``momentum.value`` aliases the variable that is then updated in place (on the JAX and
    TensorFlow backends Keras uses the previous ``z``)."""

    _defaults = {"lr": 0.0025, **_B, "eps": 1e-8, "warmup_steps": 0, "weight_decay": 0.0}
    follows = "keras.optimizers.ScheduleFreeAdamW"

    def _rules(self) -> dict[str, Any]:
        return {"warmup_steps": Interval(0.0, integer=True)}

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["z"], state["v"] = p.detach().clone(), zeros(p)

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        (b1, b2), t = group["betas"], state["step"]
        lr = group["lr"]
        if group["warmup_steps"] > 0:
            lr *= min(t / group["warmup_steps"], 1.0)
        v = state["v"].add_((g * g - state["v"]) * (1 - b2))
        z = state["z"].sub_(lr * g / ((v / (1 - b2**t)).sqrt() + group["eps"]))
        weight = 1.0 / t
        x_old = (p - (1 - b1) * z) / b1
        x_new = (1 - weight) * x_old + weight * z
        p.copy_((1 - b1) * z + b1 * x_new)


def _rms(x: torch.Tensor) -> torch.Tensor:
    return x.square().mean().sqrt()


#: optarena name -> (class, lr range searched by tuners)
CLASSES: dict[str, tuple[type[DialectOptimizer], tuple[float, float]]] = {
    "sgd": (SGD, (1e-5, 1.0)),
    "rmsprop": (RMSprop, (1e-5, 1e-1)),
    "adam": (Adam, (1e-5, 1e-1)),
    "adamw": (AdamW, (1e-5, 1e-1)),
    "adamax": (Adamax, (1e-5, 1e-1)),
    "adagrad": (Adagrad, (1e-5, 1.0)),
    "adadelta": (Adadelta, (1e-5, 10.0)),
    "nadam": (Nadam, (1e-5, 1e-1)),
    "lion": (Lion, (1e-6, 1e-2)),
    "lamb": (Lamb, (1e-5, 1e-1)),
    "ftrl": (Ftrl, (1e-5, 1.0)),
    "adafactor": (Adafactor, (1e-5, 1e-1)),
    "schedule-free-adamw": (ScheduleFreeAdamW, (1e-5, 1e-1)),
}


def _add_muon() -> None:
    from optarena.optim.dialects.keras_muon import Muon  # keras_muon subclasses _Keras

    CLASSES["muon"] = (Muon, (1e-5, 1e-1))


_add_muon()

#: Keras classes without a dialect entry, and why.
NOT_OFFERED = {
    "LossScaleOptimizer": "a mixed-precision wrapper, not an update rule",
    "MultiOptimizer": "routes variables to inner optimizers; not an update rule of its own",
}

#: name -> what differs from the plain name (checked numerically by tests/frameworks/)
DIFFERS = {
    "sgd": "lr inside the momentum buffer (`m = mu m - lr g`): differs from torch once the lr "
    "changes; `momentum` is an argument (plain `momentum` is SGD with 0.9)",
    "rmsprop": "eps inside the root, lr inside the momentum buffer; lr 1e-3, rho 0.9, eps 1e-7 "
    "(plain: lr 1e-2, alpha 0.99, eps 1e-8)",
    "adam": "eps not bias-corrected (`sqrt(v) + eps` beside `lr sqrt(1 - b2^t)`); eps 1e-7; "
    "weight decay decoupled",
    "adamw": "as keras:adam with weight decay 0.004 (plain: eps 1e-8, weight decay 0.01)",
    "adamax": "eps added to `u` in the denominator (plain: inside the max); lr 1e-3, eps 1e-7",
    "adagrad": "eps inside the root; accumulator starts at 0.1; lr 1e-3",
    "adadelta": "lr 1e-3, rho 0.95, eps 1e-7 (plain: lr 1.0, rho 0.9, eps 1e-6)",
    "nadam": "Keras' schedule `u_t = b1 (1 - 0.5 * 0.96^t)` without torch's momentum decay; "
    "eps 1e-7, lr 1e-3",
    "lion": "same rule as `lion`; default lr 1e-3 (plain: 1e-4)",
    "lamb": "weight decay decoupled (outside the trust ratio); eps 1e-7 (plain: 1e-6, decay 0.01)",
    "ftrl": "no plain counterpart",
    "adafactor": "Keras' Adafactor; no plain counterpart",
    "muon": "Keras' Muon: Moonlight scaling `sqrt(max(rows, cols)) * rms_rate`, Keras' AdamW "
    "(eps 1e-7) on non-2-D tensors, embeddings and `exclude_layers` (names or roles), weight "
    "decay 0.004 on both routes; plain `muon` is torch.optim.Muon routed by role",
    "schedule-free-adamw": "parameters hold `y` throughout (plain `schedule-free-adamw` swaps "
    "to `x` for evaluation with `train()`/`eval()`); lr 2.5e-3 with optional `warmup_steps`; "
    "follows Keras' torch backend, which recovers `x` with the updated `z`",
}

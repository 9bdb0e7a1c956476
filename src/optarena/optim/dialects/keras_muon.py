"""``keras:muon``: ``keras.optimizers.Muon`` (Keras 3 ``optimizers/muon.py``) in torch.

Muon (Jordan et al. 2024) with Keras' choices: momentum ``m = mu m + g`` (Nesterov
``g + mu m`` by default), five quintic Newton-Schulz steps ``(a, b, c) = (3.4445, -4.7750,
2.0315)`` on ``X / (|X|_F + 1e-7)`` (transposed when it has more rows than columns), and the
Moonlight scaling ``sqrt(max(rows, cols)) * rms_rate`` (Liu et al. 2025, arXiv:2502.16982;
``rms_rate=None`` turns it off). As on Keras' torch backend, ``|X|_F`` and the square root are
float32 for float64 tensors (bit-identical to Keras 3.15 in float64). Every tensor that is
not exactly 2-D, every embedding (when ``exclude_embeddings``) and every tensor matching an
``exclude_layers`` pattern runs Keras' AdamW step instead (its Adam with eps outside the root,
lr ``lr * adam_lr_ratio``). Weight decay is decoupled with the *unscaled* lr:
``weight_decay`` on Muon tensors, ``adam_weight_decay`` on the AdamW ones.

Keras decides by the variable's path; here a tensor is an embedding when the trainer tags it
with the role ``embedding`` (:func:`optarena.optim.routing.role_groups`) or, given named
parameters (torch's ``param_names``), when its name contains ``embedding``. An
``exclude_layers`` pattern is ``re.search``-ed in the name when there is one, else in the role
(``hidden``, ``embedding``, ``head``, ``vector``): ``exclude_layers=["head"]`` sends the
output layer to AdamW, as Keras' docs advise.
"""

from __future__ import annotations

import math
import re
from typing import Any

import torch

from optarena.optim._checks import Interval
from optarena.optim.dialects.base import zeros
from optarena.optim.dialects.keras import _Keras

Group = dict[str, Any]
State = dict[str, Any]


class _OrNone(Interval):
    """An interval that also admits ``None`` (Keras' "off")."""

    def check(self, name: str, value: Any) -> None:
        if value is not None:
            super().check(name, value)


class Muon(_Keras):
    """``keras.optimizers.Muon``: Newton-Schulz-orthogonalised momentum on 2-D tensors, Keras'
    AdamW on the rest (lr 1e-3, momentum 0.95, weight decay 0.004, rms_rate 0.2)."""

    _defaults = {
        "lr": 1e-3,
        "adam_beta_1": 0.9,
        "adam_beta_2": 0.999,
        "adam_weight_decay": 0.004,
        "eps": 1e-7,
        "weight_decay": 0.004,
        "exclude_layers": None,
        "exclude_embeddings": True,
        "muon_a": 3.4445,
        "muon_b": -4.7750,
        "muon_c": 2.0315,
        "adam_lr_ratio": 1.0,
        "momentum": 0.95,
        "ns_steps": 5,
        "nesterov": True,
        "rms_rate": 0.2,
    }
    decay = "none"  # per route, below
    follows = "keras.optimizers.Muon"
    routes_params = True

    def _rules(self) -> dict[str, Any]:
        unit = Interval(0.0, 1.0, hi_open=True)
        return {
            "adam_beta_1": unit,
            "adam_beta_2": unit,
            "adam_weight_decay": _OrNone(0.0),
            "adam_lr_ratio": Interval(0.0),
            "ns_steps": Interval(1.0, integer=True),
            "rms_rate": _OrNone(0.0),
        }

    def __init__(self, params: Any, **hparams: Any) -> None:
        layers = hparams.get("exclude_layers")
        if layers is not None:
            if isinstance(layers, str) or not all(isinstance(x, str) for x in layers):
                raise ValueError(f"exclude_layers must be a list of patterns, got {layers!r}")
            for pattern in layers:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"exclude_layers: bad pattern {pattern!r}: {exc}") from None
            hparams["exclude_layers"] = tuple(layers)
        super().__init__(params, **hparams)

    def _uses_adamw(self, p: torch.Tensor, group: Group) -> bool:
        """Keras' ``_should_use_adamw``, with names or roles standing in for variable paths."""
        if p.dim() != 2:
            return True
        names = group.get("param_names")
        name = (
            next((names[i] for i, q in enumerate(group["params"]) if q is p), None)
            if names
            else None
        )
        role = group.get("role", "")
        if group["exclude_embeddings"] and (
            role == "embedding" or (name is not None and "embedding" in name.lower())
        ):
            return True
        target = name if name is not None else role
        return any(re.search(k, target) for k in group["exclude_layers"] or ())

    def _init_state(self, p: torch.Tensor, state: State, group: Group) -> None:
        state["momentum"] = zeros(p)
        state["adamw"] = self._uses_adamw(p, group)
        if state["adamw"]:
            state["velocity"] = zeros(p)

    def _update(self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group) -> None:
        lr = group["lr"]
        wd = group["adam_weight_decay"] if state["adamw"] else group["weight_decay"]
        if wd:
            p.sub_(p * wd * lr)
        if state["adamw"]:
            self._adamw(p, g, state, group, lr * group["adam_lr_ratio"])
            return
        mu = group["momentum"]
        m = state["momentum"]
        m.add_(g + m * (mu - 1))
        update = _newton_schulz(g + mu * m if group["nesterov"] else m, group)
        step = lr * update
        if group["rms_rate"] is not None:
            # Keras' torch backend takes this root of an int32 tensor: a float32 value
            root = float(torch.tensor(max(p.shape[0], p.shape[1]), dtype=torch.float32).sqrt())
            step = step * root * group["rms_rate"]
        p.sub_(step)

    def _adamw(
        self, p: torch.Tensor, g: torch.Tensor, state: State, group: Group, lr: float
    ) -> None:
        b1, b2, t = group["adam_beta_1"], group["adam_beta_2"], state["step"]
        alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        m = state["momentum"].add_((g - state["momentum"]) * (1 - b1))
        v = state["velocity"].add_((g * g - state["velocity"]) * (1 - b2))
        p.sub_(m * alpha / (v.sqrt() + group["eps"]))


def _newton_schulz(x: torch.Tensor, group: Group) -> torch.Tensor:
    """Keras' ``zeropower_via_newtonschulz5``: ``X <- a X + (b A + c A^2) X``, ``A = X X^T``."""
    a, b, c = group["muon_a"], group["muon_b"], group["muon_c"]
    tall = x.shape[-2] > x.shape[-1]
    if tall:
        x = x.transpose(-2, -1)
    # Keras' torch backend takes this norm in float32 for float64 tensors (``ops.norm`` casts to
    # ``result_type(float64, float)``, which is float32); other dtypes keep their own
    low = x.to(torch.float32) if x.dtype == torch.float64 else x
    x = x / (torch.linalg.matrix_norm(low, keepdim=True) + 1e-7)
    for _ in range(group["ns_steps"]):
        gram = x @ x.transpose(-2, -1)
        x = a * x + (b * gram + c * gram @ gram) @ x
    return x.transpose(-2, -1) if tall else x

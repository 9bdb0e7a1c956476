"""PyTorch's own optimizers, registered as they are (the wrappers add nothing).

The factory of each spec is the ``torch.optim`` class itself; the spec's defaults are torch's
defaults (except SGD's lr, 1e-2 instead of torch's 1e-3, and the fixed flags that make
``momentum``, ``nesterov``, ``rmsprop-centered`` and ``amsgrad`` what their names say).
Reference: https://pytorch.org/docs/stable/optim.html
"""

from __future__ import annotations

from typing import Any

import torch

from optarena.optim._checks import UNIT_OPEN, Interval
from optarena.optim.registry import register
from optarena.optim.spec import Factory

_DOC = "https://pytorch.org/docs/stable/generated/torch.optim.{}.html"
_ADAM = {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0}
_SGD = {"lr": 1e-2, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}
_RMSPROP = {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0}
_ADAGRAD = {
    "lr": 1e-2,
    "lr_decay": 0.0,
    "weight_decay": 0.0,
    "initial_accumulator_value": 0.0,
    "eps": 1e-10,
}
_ADADELTA = {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0}
_ASGD = {"lr": 1e-2, "lambd": 1e-4, "alpha": 0.75, "t0": 1e6, "weight_decay": 0.0}
_RPROP = {"lr": 1e-2, "etas": (0.5, 1.2), "step_sizes": (1e-6, 50.0)}


def _torch(
    name: str,
    cls: Factory,
    defaults: dict[str, Any],
    lr_range: tuple[float, float],
    paper: str,
    description: str = "",
    **extra: Any,
) -> None:
    """Register ``torch.optim`` class ``cls``; its docs page follows ``paper`` in the reference."""
    register(
        name,
        cls,
        defaults=defaults,
        lr_range=lr_range,
        reference=f"{paper}; " + _DOC.format(cls.__name__),
        description=description or f"torch.optim.{cls.__name__}",
        **extra,
    )


def _register_all() -> None:
    optim = torch.optim
    sgds = (
        ("sgd", {}, "Robbins & Monro 1951", "plain stochastic gradient descent"),
        (
            "momentum",
            {"momentum": 0.9},
            "Polyak 1964 (heavy ball)",
            "SGD with heavy-ball momentum 0.9 (Paddle's Momentum)",
        ),
        (
            "nesterov",
            {"momentum": 0.9, "nesterov": True},
            "Nesterov 1983; Sutskever et al. 2013",
            "SGD with Nesterov momentum 0.9",
        ),
    )
    for name, flags, paper, description in sgds:
        _torch(name, optim.SGD, {**_SGD, **flags}, (1e-4, 1.0), paper, description)
    for name, centered in (("rmsprop", False), ("rmsprop-centered", True)):
        _torch(
            name,
            optim.RMSprop,
            {**_RMSPROP, "centered": centered},
            (1e-5, 1e-1),
            "Hinton 2012 (lecture 6e); Graves 2013 (centered)",
            "RMSProp" + (", centered (Graves 2013)" if centered else ""),
            constraints={"alpha": UNIT_OPEN},
            aliases={"rho": "alpha"},  # Paddle's RMSProp calls the smoothing constant rho
        )
    adams = (
        ("adam", optim.Adam, {"lr": 1e-3, **_ADAM, "amsgrad": False}, "Kingma & Ba 2015"),
        ("amsgrad", optim.Adam, {"lr": 1e-3, **_ADAM, "amsgrad": True}, "Reddi et al. 2018"),
        (
            "adamw",
            optim.AdamW,
            {"lr": 1e-3, **_ADAM, "weight_decay": 1e-2, "amsgrad": False},
            "Loshchilov & Hutter 2019",
        ),
        ("adamax", optim.Adamax, {"lr": 2e-3, **_ADAM}, "Kingma & Ba 2015, sec. 7"),
        ("nadam", optim.NAdam, {"lr": 2e-3, **_ADAM, "momentum_decay": 4e-3}, "Dozat 2016"),
        ("radam", optim.RAdam, {"lr": 1e-3, **_ADAM}, "Liu et al. 2020"),
    )
    for name, cls, defaults, paper in adams:
        ams = " (amsgrad=True)" if "ams" in name else ""
        _torch(name, cls, defaults, (1e-5, 1e-1), paper, f"torch.optim.{cls.__name__}{ams}")
    _torch("adagrad", optim.Adagrad, _ADAGRAD, (1e-4, 1.0), "Duchi et al. 2011")
    _torch("adadelta", optim.Adadelta, _ADADELTA, (1e-2, 10.0), "Zeiler 2012")
    _torch(
        "asgd",
        optim.ASGD,
        _ASGD,
        (1e-4, 1.0),
        "Polyak & Juditsky 1992",
        "averaged SGD (torch.optim.ASGD)",
        constraints={"alpha": Interval(0.0)},
    )
    _torch(
        "rprop",
        optim.Rprop,
        _RPROP,
        (1e-4, 1.0),
        "Riedmiller & Braun 1993",
        "resilient backpropagation (full-batch)",
        constraints={"step_sizes": Interval(0.0, size=2)},
    )


_register_all()

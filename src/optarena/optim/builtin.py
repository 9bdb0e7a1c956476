"""PyTorch's own optimizers, registered as they are (the wrappers add nothing).

The factory of each spec is the ``torch.optim`` class itself; the spec's defaults are torch's
defaults (except SGD's lr, 1e-2 instead of torch's 1e-3, and the fixed flags that make
``momentum``, ``nesterov``, ``rmsprop-centered`` and ``amsgrad`` what their names say).
Reference: https://pytorch.org/docs/stable/optim.html
"""

from __future__ import annotations

import torch

from optarena.optim._checks import UNIT_OPEN, Interval
from optarena.optim.registry import register

_DOC = "https://pytorch.org/docs/stable/generated/torch.optim.{}.html"
_ADAM = {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0}


def _register_all() -> None:
    optim = torch.optim
    sgd = {"momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}
    register(
        "sgd",
        optim.SGD,
        defaults={"lr": 1e-2, **sgd},
        lr_range=(1e-4, 1.0),
        reference="Robbins & Monro 1951; " + _DOC.format("SGD"),
        description="plain stochastic gradient descent",
    )
    register(
        "momentum",
        optim.SGD,
        defaults={"lr": 1e-2, **sgd, "momentum": 0.9},
        lr_range=(1e-4, 1.0),
        reference="Polyak 1964 (heavy ball); " + _DOC.format("SGD"),
        description="SGD with heavy-ball momentum 0.9 (Paddle's Momentum)",
    )
    register(
        "nesterov",
        optim.SGD,
        defaults={"lr": 1e-2, **sgd, "momentum": 0.9, "nesterov": True},
        lr_range=(1e-4, 1.0),
        reference="Nesterov 1983; Sutskever et al. 2013; " + _DOC.format("SGD"),
        description="SGD with Nesterov momentum 0.9",
    )
    rms = {"alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0}
    for name, centered in (("rmsprop", False), ("rmsprop-centered", True)):
        register(
            name,
            optim.RMSprop,
            defaults={"lr": 1e-2, **rms, "centered": centered},
            lr_range=(1e-5, 1e-1),
            constraints={"alpha": UNIT_OPEN},
            aliases={"rho": "alpha"},  # Paddle's RMSProp calls the smoothing constant rho
            reference="Hinton 2012 (lecture 6e); Graves 2013 (centered); " + _DOC.format("RMSprop"),
            description="RMSProp" + (", centered (Graves 2013)" if centered else ""),
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
        register(
            name,
            cls,
            defaults=defaults,
            lr_range=(1e-5, 1e-1),
            reference=f"{paper}; " + _DOC.format(cls.__name__),
            description=f"torch.optim.{cls.__name__}"
            + (" (amsgrad=True)" if "ams" in name else ""),
        )
    register(
        "adagrad",
        optim.Adagrad,
        defaults={
            "lr": 1e-2,
            "lr_decay": 0.0,
            "weight_decay": 0.0,
            "initial_accumulator_value": 0.0,
            "eps": 1e-10,
        },
        lr_range=(1e-4, 1.0),
        reference="Duchi et al. 2011; " + _DOC.format("Adagrad"),
        description="torch.optim.Adagrad",
    )
    register(
        "adadelta",
        optim.Adadelta,
        defaults={"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0},
        lr_range=(1e-2, 10.0),
        reference="Zeiler 2012; " + _DOC.format("Adadelta"),
        description="torch.optim.Adadelta",
    )
    register(
        "asgd",
        optim.ASGD,
        defaults={"lr": 1e-2, "lambd": 1e-4, "alpha": 0.75, "t0": 1e6, "weight_decay": 0.0},
        lr_range=(1e-4, 1.0),
        constraints={"alpha": Interval(0.0)},
        reference="Polyak & Juditsky 1992; " + _DOC.format("ASGD"),
        description="averaged SGD (torch.optim.ASGD)",
    )
    register(
        "rprop",
        optim.Rprop,
        defaults={"lr": 1e-2, "etas": (0.5, 1.2), "step_sizes": (1e-6, 50.0)},
        lr_range=(1e-4, 1.0),
        constraints={"step_sizes": Interval(0.0, size=2)},
        reference="Riedmiller & Braun 1993; " + _DOC.format("Rprop"),
        description="resilient backpropagation (full-batch)",
    )


_register_all()

"""Registers optarena's own optimizers (one module per algorithm) under their names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from torch.optim import Optimizer

from optarena.optim._checks import OPEN_BETAS, Interval
from optarena.optim.adabelief import AdaBelief
from optarena.optim.lamb import Lamb
from optarena.optim.lars import LARS
from optarena.optim.lion import Lion
from optarena.optim.lookahead import Lookahead
from optarena.optim.qhadam import QHAdam
from optarena.optim.qhm import QHM
from optarena.optim.registry import create, register, spec
from optarena.optim.schedule_free import ScheduleFreeAdamW

_MA_YARATS = "Ma & Yarats 2019, arXiv:1810.06801"


def lookahead(
    params: Iterable[Any],
    *,
    base: str = "adam",
    k: int = 5,
    alpha: float = 0.5,
    **base_hparams: Any,
) -> Lookahead:
    """``Lookahead(create(base, params, **base_hparams), k=k, alpha=alpha)``.

    Hyper-parameters other than ``base``, ``k`` and ``alpha`` (``lr`` included) go to the base
    optimizer, whose own defaults fill the rest.
    """
    if not isinstance(base, str):
        raise ValueError(f"lookahead: base must be an optimizer name, got {base!r}")
    try:
        inner = create(base, params, **base_hparams)
    except ValueError as exc:
        raise ValueError(f"lookahead over {base!r}: {exc}") from None
    return Lookahead(inner, k=k, alpha=alpha)


#: (name, class, lr_range, reference, description, extra spec fields)
_OWN: tuple[tuple[str, type[Optimizer], tuple[float, float], str, str, dict[str, Any]], ...] = (
    (
        "qhm",
        QHM,
        (1e-4, 1.0),
        _MA_YARATS,
        "quasi-hyperbolic momentum (nu=0: SGD, nu=1: normalized momentum)",
        {},
    ),
    ("qhadam", QHAdam, (1e-5, 1e-1), _MA_YARATS, "quasi-hyperbolic Adam (nus=(1, 1): Adam)", {}),
    (
        "lamb",
        Lamb,
        (1e-5, 1e-1),
        "You et al. 2020, arXiv:1904.00962",
        "layer-wise adaptive moments (Adam direction times a per-tensor trust ratio)",
        {},
    ),
    (
        "lars",
        LARS,
        (1e-2, 1e2),
        "You, Gitman & Ginsburg 2017, arXiv:1708.03888",
        "layer-wise adaptive rate scaling with momentum",
        {},
    ),
    (
        "lion",
        Lion,
        (1e-6, 1e-2),
        "Chen et al. 2023, arXiv:2302.06675",
        "sign momentum: every update entry is +-lr",
        {},
    ),
    (
        "adabelief",
        AdaBelief,
        (1e-5, 1e-1),
        "Zhuang et al. 2020, arXiv:2010.07468",
        "Adam with the belief (g - m)^2 as second moment",
        {},
    ),
    (
        "schedule-free-adamw",
        ScheduleFreeAdamW,
        (1e-5, 1e-1),
        "Defazio et al. 2024, arXiv:2405.15682",
        "schedule-free AdamW; call optimizer.train()/.eval() around evaluation",
        {"constraints": {"betas": OPEN_BETAS}},
    ),
)


def _register_all() -> None:
    for name, cls, lr_range, reference, description, extra in _OWN:
        register(
            name, cls, lr_range=lr_range, reference=reference, description=description, **extra
        )
    register(
        "lookahead",
        lookahead,
        defaults={"lr": spec("adam").defaults["lr"], "base": "adam", "k": 5, "alpha": 0.5},
        lr_range=spec("adam").lr_range,
        has_betas=True,
        has_eps=True,
        has_weight_decay=True,
        constraints={"alpha": Interval(0.0, 1.0, lo_open=True)},
        reference="Zhang et al. 2019, arXiv:1907.08610",
        description="k fast steps of a base optimizer (default adam), then one slow step",
    )


_register_all()

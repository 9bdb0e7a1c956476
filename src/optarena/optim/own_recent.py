"""Registers optarena's implementations of the 2023-24 optimizers (one module per algorithm)."""

from __future__ import annotations

from typing import Any

from torch.optim import Optimizer

from optarena.optim._checks import Interval
from optarena.optim.adamw import AdamW
from optarena.optim.ademamix import AdEMAMix
from optarena.optim.adopt import ADOPT
from optarena.optim.lion import Lion
from optarena.optim.mars import MARSAdamW
from optarena.optim.prodigy import Prodigy
from optarena.optim.registry import register
from optarena.optim.schedule_free_more import ScheduleFreeRAdam, ScheduleFreeSGD
from optarena.optim.soap import SOAP

_LIANG = "Liang et al. 2024, arXiv:2411.16085"
_DEFAZIO = "Defazio et al. 2024, arXiv:2405.15682"

#: (name, class, lr_range, reference, description, extra spec fields)
_RECENT: tuple[tuple[str, type[Optimizer], tuple[float, float], str, str, dict[str, Any]], ...] = (
    ("adopt", ADOPT, (1e-5, 1e-1), "Taniguchi et al. 2024, arXiv:2411.02853",
     "Adam with v from before the current gradient (converges for any beta2)", {}),
    ("mars-adamw", MARSAdamW, (1e-5, 1e-1), "Yuan et al. 2024, arXiv:2411.10438",
     "AdamW on a variance-reduced gradient (MARS-approx)", {}),
    ("cautious-adamw", AdamW, (1e-5, 1e-1), _LIANG,
     "C-AdamW: AdamW updates masked where they disagree with the gradient",
     {"defaults": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 1e-2,
                   "cautious": True}}),
    ("cautious-lion", Lion, (1e-6, 1e-2), _LIANG, "C-Lion: Lion with the cautious mask",
     {"defaults": {"lr": 1e-4, "betas": (0.9, 0.99), "weight_decay": 0.0, "cautious": True}}),
    ("ademamix", AdEMAMix, (1e-5, 1e-1), "Pagliardini et al. 2024, arXiv:2409.03137",
     "Adam mixed with a slow gradient EMA (beta3, alpha)",
     {"constraints": {"betas": Interval(0.0, 1.0, hi_open=True, size=3)}}),
    ("prodigy", Prodigy, (1e-2, 10.0), "Mishchenko & Defazio 2023, arXiv:2306.06101",
     "parameter-free Adam: estimates its step size d (keep lr=1)", {}),
    ("schedule-free-sgd", ScheduleFreeSGD, (1e-3, 10.0), _DEFAZIO,
     "schedule-free SGD; call optimizer.train()/.eval() around evaluation",
     {"constraints": {"momentum": Interval(0.0, 1.0, lo_open=True, hi_open=True)}}),
    ("schedule-free-radam", ScheduleFreeRAdam, (1e-5, 1e-1), _DEFAZIO,
     "schedule-free RAdam (no warmup needed); call .train()/.eval()",
     {"constraints": {"betas": Interval(0.0, 1.0, lo_open=True, hi_open=True, size=2)}}),
    ("soap", SOAP, (1e-5, 1e-1), "Vyas et al. 2024, arXiv:2409.11321",
     "Adam in the eigenbasis of Shampoo's preconditioner", {}),
)  # fmt: skip


def _register_all() -> None:
    for name, cls, lr_range, reference, description, extra in _RECENT:
        register(
            name, cls, lr_range=lr_range, reference=reference, description=description, **extra
        )


_register_all()

"""optarena's optimizer library: a registry of frozen specs over torch's and its own optimizers.

>>> import torch, optarena.optim as optim
>>> w = torch.nn.Parameter(torch.zeros(3))
>>> opt = optim.create("adam", [w], lr=1e-3)
>>> optim.spec("qhm").defaults["lr"]
0.01
"""

from __future__ import annotations

from optarena.optim import builtin as _builtin  # noqa: F401  (registers torch's optimizers)
from optarena.optim import dialects as _dialects  # noqa: F401  (paddle:NAME, keras:NAME)
from optarena.optim import own as _own  # noqa: F401  (registers optarena's own)
from optarena.optim import own_recent as _own_recent  # noqa: F401  (adopt, soap, ...)
from optarena.optim import recent as _recent  # noqa: F401  (muon, adafactor, lbfgs, routed)
from optarena.optim.adabelief import AdaBelief
from optarena.optim.adamw import AdamW
from optarena.optim.ademamix import AdEMAMix
from optarena.optim.adopt import ADOPT
from optarena.optim.lamb import Lamb
from optarena.optim.lars import LARS
from optarena.optim.lion import Lion
from optarena.optim.lookahead import Lookahead
from optarena.optim.mars import MARSAdamW
from optarena.optim.prodigy import Prodigy
from optarena.optim.qhadam import QHAdam
from optarena.optim.qhm import QHM
from optarena.optim.registry import catalog, create, names, register, spec, unregister
from optarena.optim.schedule_free import ScheduleFreeAdamW
from optarena.optim.schedule_free_more import ScheduleFreeRAdam, ScheduleFreeSGD
from optarena.optim.soap import SOAP
from optarena.optim.spec import OptimizerSpec

__all__ = [
    "ADOPT",
    "LARS",
    "SOAP",
    "AdEMAMix",
    "AdamW",
    "MARSAdamW",
    "Prodigy",
    "ScheduleFreeRAdam",
    "ScheduleFreeSGD",
    "QHM",
    "AdaBelief",
    "Lamb",
    "Lion",
    "Lookahead",
    "OptimizerSpec",
    "QHAdam",
    "ScheduleFreeAdamW",
    "catalog",
    "create",
    "names",
    "register",
    "spec",
    "unregister",
]

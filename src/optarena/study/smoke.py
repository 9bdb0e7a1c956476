"""``compare --smoke``: the same study on a tiny budget, to check that it runs end to end."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SMOKE_SUBSET = 256


def smoke_budget(raw: Mapping[str, Any]) -> dict[str, Any]:
    """``raw`` cut to one epoch, one seed, at most 256 training and 256 validation/test
    examples, with the tuner, the pre-training and the range tests cut likewise. Nothing else
    changes: the same optimizers, schedules and models run."""
    out = dict(raw)
    out["epochs"] = 1
    out["seeds"] = 1
    out["subset"] = min(int(raw.get("subset") or SMOKE_SUBSET), SMOKE_SUBSET)
    out["eval_subset"] = min(int(raw.get("eval_subset") or SMOKE_SUBSET), SMOKE_SUBSET)
    out["tune"] = {**dict(raw.get("tune", {})), "trials": 2, "epochs": 1}
    if "pretrain" in raw:
        out["pretrain"] = {**dict(raw["pretrain"]), "epochs": 1, "subset": SMOKE_SUBSET}
    if "lr_find" in raw:
        out["lr_find"] = {**dict(raw["lr_find"]), "steps": 20, "subset": SMOKE_SUBSET}
    return out

"""Paddle 2.x hyper-parameter spellings, translated to the torch names optarena uses.

Users bring configs from Paddle tutorials (``paddle.optimizer.Adam(learning_rate=..., beta1=...,
beta2=..., epsilon=...)``); ``create`` accepts those keys wherever the optimizer has the torch
counterpart. Per-optimizer spellings (Paddle's RMSProp ``rho`` is torch's ``alpha``) live in the
spec's ``aliases``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Paddle key -> torch key, for every optimizer that has the torch key.
PADDLE: dict[str, str] = {
    "learning_rate": "lr",
    "epsilon": "eps",
    "use_nesterov": "nesterov",
    "lamb_weight_decay": "weight_decay",
}


def translate(
    hparams: Mapping[str, Any],
    accepted: frozenset[str],
    defaults: Mapping[str, Any],
    extra: Mapping[str, str],
) -> dict[str, Any]:
    """Rename Paddle keys to torch keys; ``beta1``/``beta2`` become ``betas``.

    A key is renamed only when the optimizer does not itself accept it and does accept its
    target. Giving both spellings of one hyper-parameter is an error.
    """
    out = dict(hparams)
    renames = {**PADDLE, **extra}
    for source, target in renames.items():
        if source in out and source not in accepted and target in accepted:
            if target in hparams:
                raise ValueError(f"pass either {target!r} or {source!r}, not both")
            out[target] = out.pop(source)
    halves = [key for key in ("beta1", "beta2") if key in out and key not in accepted]
    if halves and "betas" in accepted:
        if "betas" in hparams:
            raise ValueError("pass either 'betas' or 'beta1'/'beta2', not both")
        beta1, beta2 = defaults.get("betas", (None, None))
        betas = (out.pop("beta1", beta1), out.pop("beta2", beta2))
        if None in betas:
            raise ValueError("pass both 'beta1' and 'beta2' (this optimizer has no default betas)")
        out["betas"] = betas
    return out

"""Paddle 2.x and Keras 3 hyper-parameter spellings, translated to the torch names optarena uses.

Users bring configs from Paddle tutorials (``paddle.optimizer.Adam(learning_rate=..., beta1=...,
beta2=..., epsilon=...)``); ``create`` accepts those keys wherever the optimizer has the torch
counterpart. Per-optimizer spellings (Paddle's RMSProp ``rho`` is torch's ``alpha``) live in the
spec's ``aliases``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Paddle/Keras key -> torch key, for every optimizer that has the torch key.
PADDLE: dict[str, str] = {
    "learning_rate": "lr",
    "epsilon": "eps",
    "use_nesterov": "nesterov",
    "lamb_weight_decay": "weight_decay",
}
#: The two halves of ``betas`` in Paddle's and in Keras' spelling.
BETA_HALVES = (("beta1", "beta2"), ("beta_1", "beta_2"))


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
    for first, second in BETA_HALVES:
        halves = [key for key in (first, second) if key in out and key not in accepted]
        if not halves or "betas" not in accepted:
            continue
        if "betas" in out:
            raise ValueError(f"pass either 'betas' or {first!r}/{second!r}, not both")
        beta1, beta2 = defaults.get("betas", (None, None))
        betas = (out.pop(first, beta1), out.pop(second, beta2))
        if None in betas:
            raise ValueError(f"pass both {first!r} and {second!r} (no default betas here)")
        out["betas"] = betas
    return out


def framework_spellings(given: Mapping[str, Any], translated: Mapping[str, Any]) -> list[str]:
    """The keys of ``given`` that :func:`translate` renamed (sorted)."""
    return sorted(set(given) - set(translated))

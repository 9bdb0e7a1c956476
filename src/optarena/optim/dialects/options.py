"""Framework-wide optimizer options of the dialects: Keras' gradient clipping and EMA, Paddle's
``grad_clip``, ``multi_precision`` and ``lazy_mode``.

These belong to the framework's optimizer *base* class, not to one update rule: every
``keras:NAME`` accepts :data:`KERAS`, every ``paddle:NAME`` :data:`PADDLE` (``lazy_mode`` only
``paddle:adam``/``paddle:adamw``, as in Paddle). Both frameworks clip *before* weight decay
(Paddle: before its ``L2Decay`` regulariser; Keras: before the decoupled decay) and before the
update rule. References: ``keras.optimizers.Optimizer`` (Keras 3 ``base_optimizer.py``:
``_clip_gradients``, ``clip_by_global_norm``, ``_update_model_variables_moving_average``) and
``paddle.nn.ClipGradByNorm`` / ``ClipGradByGlobalNorm`` / ``ClipGradByValue``
(``paddle/nn/clip.py``, dynamic-graph branch).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import torch

#: Keras' base-optimizer options and defaults (``keras.optimizers.Optimizer``).
KERAS: dict[str, Any] = {
    "clipnorm": None,
    "clipvalue": None,
    "global_clipnorm": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}
#: Paddle's base-optimizer options every ``paddle:NAME`` takes (LBFGS excepted).
PADDLE: dict[str, Any] = {"grad_clip": None, "multi_precision": False}
#: Paddle's Adam/AdamW extra option (only sparse gradients are affected).
LAZY: dict[str, Any] = {"lazy_mode": False}

#: (option, which entries take it, what it does here) for docs/framework-map.md
DESCRIBED: list[tuple[str, str, str]] = [
    ("clipnorm", "every `keras:NAME`",
     "each gradient scaled to L2 norm <= clipnorm (`g * c / max(|g|, c)`), before weight decay"),
    ("global_clipnorm", "every `keras:NAME`",
     "all gradients scaled together to global L2 norm <= c (`clip_by_global_norm`)"),
    ("clipvalue", "every `keras:NAME`", "each entry clipped to [-v, v]; at most one clip option"),
    ("use_ema, ema_momentum, ema_overwrite_frequency", "every `keras:NAME`",
     "after each update `avg = m avg + (1 - m) p` (`m = 0` on the first step); every "
     "`ema_overwrite_frequency` steps `p = avg`. `finalize_variable_values()` copies the "
     "averages in as Keras' `fit` does at its end; optarena's trainer does not call it"),
    ("gradient_accumulation_steps", "every `keras:NAME`",
     "N >= 2: gradients are summed over N steps; every N-th step applies their mean (clipped, "
     "then decay and update); parameters do not move on the others. The rule's step count and "
     "the EMA's iteration are `steps // N`, as Keras' `iterations`; the EMA runs every step"),
    ("loss_scale_factor", "every `keras:NAME`",
     "accepted, no effect: Keras' `fit` multiplies the loss by it and `apply` divides the "
     "gradients by it again; optarena's trainer does not scale the loss, so neither does the "
     "dialect divide (the result equals Keras' `fit` up to float rounding)"),
    ("grad_clip", "every `paddle:NAME` but lbfgs",
     "a table `{class = \"ClipGradByNorm\" | \"ClipGradByGlobalNorm\" | \"ClipGradByValue\", "
     "clip_norm = ... | max = ..., min = ...}` (or a Paddle clip object); applied before the "
     "`L2Decay` weight decay, as Paddle does. A parameter with `p.need_clip = False` (Paddle's "
     "`ParamAttr(need_clip=False)`) is left out of the clip and the global norm"),
    ("multi_precision", "every `paddle:NAME` but lbfgs",
     "float32 master weights (and state) for float16/bfloat16 parameters; no effect on "
     "float32/float64 parameters (checked against Paddle on CPU)"),
    ("lazy_mode", "`paddle:adam`, `paddle:adamw`",
     "Paddle updates only the rows present in a sparse gradient; dialects take dense "
     "gradients only, where it has no effect (accepted so Paddle configs load)"),
]  # fmt: skip

#: Paddle clip classes -> (kind, accepted keys)
_PADDLE_CLIPS = {
    "ClipGradByNorm": ("norm", ("clip_norm",)),
    "ClipGradByGlobalNorm": ("global_norm", ("clip_norm", "group_name", "auto_skip_clip")),
    "ClipGradByValue": ("value", ("max", "min")),
}
_CLIP_KEY = "class"


def _number(name: str, value: Any, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'> 0' if positive else '>= 0'}, got {value!r}")
    return float(value)


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, got {value!r}")
    return value


def check_keras(options: Mapping[str, Any]) -> dict[str, Any]:
    """Keras' option checks (``BaseOptimizer.__init__``), raising ``ValueError``."""
    out = dict(options)
    clips = [k for k in ("clipnorm", "clipvalue", "global_clipnorm") if out[k] is not None]
    if len(clips) > 1:
        raise ValueError(f"only one of clipnorm, clipvalue and global_clipnorm can be set: {clips}")
    for key in clips:
        out[key] = _number(key, out[key])
    out["use_ema"] = _flag("use_ema", out["use_ema"])
    momentum = _number("ema_momentum", out["ema_momentum"])
    if momentum > 1:
        raise ValueError(f"ema_momentum must be in [0, 1], got {momentum!r}")
    out["ema_momentum"] = momentum
    freq = out["ema_overwrite_frequency"]
    if freq is not None and (isinstance(freq, bool) or not isinstance(freq, int) or freq < 1):
        raise ValueError(f"ema_overwrite_frequency must be an integer >= 1 or None, got {freq!r}")
    if out["loss_scale_factor"] is not None:
        out["loss_scale_factor"] = _number("loss_scale_factor", out["loss_scale_factor"],
                                           positive=True)  # fmt: skip
    steps = out["gradient_accumulation_steps"]
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps < 2):
        raise ValueError(
            f"gradient_accumulation_steps must be an integer >= 2 or None, got {steps!r}"
        )
    return out


def paddle_clip(value: Any) -> dict[str, Any] | None:
    """``grad_clip`` as ``{"kind", "clip_norm" | "max"/"min", "auto_skip_clip"}`` (or None).

    Accepts a table ``{class = "ClipGradByGlobalNorm", clip_norm = 1.0}`` (study files, CLI)
    or a Paddle clip object itself (read by its class name and attributes).
    """
    if value is None:
        return None
    if not isinstance(value, Mapping):
        cls = type(value).__name__
        if cls not in _PADDLE_CLIPS:
            raise ValueError(
                f"grad_clip must be a table with {_CLIP_KEY!r} one of {sorted(_PADDLE_CLIPS)}, "
                f"got {value!r}"
            )
        keys = _PADDLE_CLIPS[cls][1]
        value = {_CLIP_KEY: cls, **{k: getattr(value, k) for k in keys if hasattr(value, k)}}
    table = dict(value)
    cls = table.pop(_CLIP_KEY, None)
    if cls not in _PADDLE_CLIPS:
        raise ValueError(
            f"grad_clip[{_CLIP_KEY!r}] must be one of {sorted(_PADDLE_CLIPS)}, got {cls!r}"
        )
    kind, keys = _PADDLE_CLIPS[cls]
    unknown = sorted(set(table) - set(keys))
    if unknown:
        raise ValueError(f"grad_clip {cls}: unknown key(s) {unknown} (accepted: {list(keys)})")
    if kind == "value":
        if "max" not in table:
            raise ValueError("grad_clip ClipGradByValue needs 'max'")
        hi = float(table["max"])
        lo = table.get("min")
        if lo is None:
            if hi <= 0:
                raise ValueError(
                    f"grad_clip ClipGradByValue: max must be > 0 without min, got {hi}"
                )
            lo = -hi
        if not (math.isfinite(hi) and math.isfinite(float(lo)) and float(lo) <= hi):
            raise ValueError(f"grad_clip ClipGradByValue: need finite min <= max, got {lo}, {hi}")
        return {"kind": kind, "min": float(lo), "max": hi}
    if "clip_norm" not in table:
        raise ValueError(f"grad_clip {cls} needs 'clip_norm'")
    norm = _number(f"grad_clip {cls} clip_norm", table["clip_norm"], positive=True)
    skip = _flag("auto_skip_clip", table.get("auto_skip_clip", False))
    return {"kind": kind, "clip_norm": norm, "auto_skip_clip": skip}


def check_paddle(options: Mapping[str, Any]) -> dict[str, Any]:
    """Paddle's option checks, raising ``ValueError``."""
    out = dict(options)
    out["grad_clip"] = paddle_clip(out.get("grad_clip"))
    for key in ("multi_precision", "lazy_mode"):
        if key in out:
            out[key] = _flag(key, out[key])
    return out


def _keras_weak(x: torch.Tensor) -> torch.Tensor:
    """Keras' torch backend meets a Python float in ``ops.maximum``/``ops.minimum`` at
    ``result_type(dtype, float)``: float32 for a float64 tensor (other dtypes stay)."""
    return x.to(torch.float32) if x.dtype == torch.float64 else x


def clip_keras(grads: Sequence[torch.Tensor], options: Mapping[str, Any]) -> list[torch.Tensor]:
    """Keras' ``_clip_gradients`` (a zero or unset value means no clipping). As on Keras' torch
    backend, the norm-clip denominators and the global scale are float32 for float64 tensors."""
    grads = list(grads)
    if options.get("clipnorm"):
        c = options["clipnorm"]
        out = []
        for g in grads:
            norm = _keras_weak(g.square().sum().sqrt())
            out.append(g * c / torch.maximum(norm, norm.new_tensor(c)))
        return out
    if options.get("global_clipnorm"):
        c = options["global_clipnorm"]
        inverse = _keras_weak(1.0 / torch.stack([g.square().sum() for g in grads]).sum().sqrt())
        scale = c * torch.minimum(inverse, inverse.new_tensor(1.0 / c))
        return [g * scale for g in grads]
    if options.get("clipvalue"):
        v = options["clipvalue"]
        return [g.clamp(-v, v) for g in grads]
    return grads


def clip_paddle(
    grads: Sequence[torch.Tensor], clip: Mapping[str, Any] | None
) -> list[torch.Tensor]:
    """Paddle's dynamic-graph ``ClipGradBy*`` over the step's gradients."""
    grads = list(grads)
    if clip is None or not grads:
        return grads
    if clip["kind"] == "value":
        return [g.clamp(clip["min"], clip["max"]) for g in grads]
    c = clip["clip_norm"]
    if clip["kind"] == "norm":
        out = []
        for g in grads:
            norm = float(g.square().sum().sqrt())
            out.append(g * (c / norm) if norm > c else g)
        return out
    norm = torch.stack([g.square().sum() for g in grads]).sum().sqrt()
    limit = norm.new_tensor(c)
    if clip["auto_skip_clip"] and not bool(norm > limit):
        return grads
    scale = limit / torch.maximum(norm, limit)
    return [g * scale for g in grads]


def keras_ema(
    p: torch.Tensor, state: dict[str, Any], options: Mapping[str, Any], iteration: int
) -> None:
    """Keras' EMA after the update: ``avg = m avg + (1 - m) p`` (``m = 0`` while Keras'
    ``iterations`` is 0), and ``p = avg`` when ``(iterations + 1) % ema_overwrite_frequency``
    is 0; ``iteration`` is Keras' ``iterations`` before it counts this step."""
    if iteration == 0 or "average" not in state:
        state["average"] = p.detach().clone()
    else:
        m = options["ema_momentum"]
        state["average"].mul_(m).add_(p * (1.0 - m))
    freq = options["ema_overwrite_frequency"]
    if freq and (iteration + 1) % freq == 0:
        p.copy_(state["average"])

"""The base class of the framework-dialect optimizers: one per-tensor update rule each.

A dialect optimizer reproduces another framework's update *as that framework computes it*
(Paddle 2.x ``paddle.optimizer``, Keras 3 ``keras.optimizers``), in torch. Subclasses set
``_defaults`` and implement :meth:`DialectOptimizer._update` for one tensor; this class keeps
the step count, the lazily created state and the weight-decay form the framework uses:
``"l2"`` (Paddle's ``L2Decay``: ``g + wd * p``), ``"decoupled"`` (Keras, Paddle's AdamW:
``p - lr * wd * p`` before the update) or ``"none"`` (the rule handles it itself).
Framework-wide options (``_options``: Keras' clipping and EMA, Paddle's ``grad_clip`` and
``multi_precision``; :mod:`optarena.optim.dialects.options`) act around the rule: the step's
gradients (:meth:`DialectOptimizer._gradients`, which may accumulate them and skip the update)
are clipped first (:meth:`DialectOptimizer._clip`), float16/bfloat16 parameters may update a
float32 master copy, and :meth:`DialectOptimizer._after_update` runs last (EMA).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

import torch

from optarena.optim._checks import checked


class DialectOptimizer(torch.optim.Optimizer):
    """A ``torch.optim.Optimizer`` running a framework's per-tensor rule (see module doc)."""

    #: ``lr`` plus every hyper-parameter with the framework's default.
    _defaults: ClassVar[Mapping[str, Any]] = {}
    #: ``"l2"``, ``"decoupled"`` or ``"none"``: how ``weight_decay`` acts (see module doc).
    decay: ClassVar[str] = "none"
    #: the framework class reproduced, e.g. ``"paddle.optimizer.RMSProp"``.
    follows: ClassVar[str] = ""
    #: framework-wide options (clipping, EMA ...; :mod:`.options`) with their defaults: kept in
    #: ``self.options``, not in the parameter groups.
    _options: ClassVar[Mapping[str, Any]] = {}

    def __init__(self, params: Iterable[Any], **hparams: Any) -> None:
        unknown = sorted(set(hparams) - set(self._defaults) - set(self._options))
        if unknown:
            raise ValueError(f"{type(self).__name__}: unknown hyper-parameter(s) {unknown}")
        options = {k: hparams.pop(k, v) for k, v in self._options.items()}
        self.options = self._check_options(options)
        merged = {**self._defaults, **hparams}
        if merged.get("weight_decay") is None and "weight_decay" in merged:
            merged["weight_decay"] = 0.0  # the frameworks' None means no decay
        super().__init__(params, checked(merged, self._rules()))

    def _check_options(self, options: dict[str, Any]) -> dict[str, Any]:
        """The checked framework-wide options (``ValueError`` on bad values)."""
        return options

    def _gradients(self, live: list[torch.Tensor]) -> list[torch.Tensor] | None:
        """The gradients this step applies, or None to skip the update (Keras' accumulation)."""
        return [p.grad for p in live]

    def _clip(self, grads: list[torch.Tensor], params: list[torch.Tensor]) -> list[torch.Tensor]:
        """The step's gradients (of ``params``) after the framework's clipping (before decay)."""
        return grads

    def _after_update(self, p: torch.Tensor, state: dict[str, Any]) -> None:
        """Hook run after a tensor's update (Keras' EMA)."""

    def _rules(self) -> dict[str, Any]:
        """Extra value rules by key (the common ones apply otherwise)."""
        return {}

    def _init_state(self, p: torch.Tensor, state: dict[str, Any], group: dict[str, Any]) -> None:
        """Create the per-tensor state (called once, before the first update)."""

    def _update(
        self, p: torch.Tensor, g: torch.Tensor, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        raise NotImplementedError

    def _begin_group(self, group: dict[str, Any]) -> None:
        """Hook run once per group and step, before its tensors (for whole-group rules)."""

    @torch.no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        live = [p for group in self.param_groups for p in group["params"] if p.grad is not None]
        if any(p.grad.is_sparse for p in live):
            raise ValueError(f"{type(self).__name__} does not take sparse gradients")
        raw = self._gradients(live)
        if raw is None:
            return loss
        grads = dict(zip(map(id, live), self._clip(raw, live), strict=True))
        for group in self.param_groups:
            self._begin_group(group)
            for p in group["params"]:
                if p.grad is None:
                    continue
                self._step_tensor(p, grads[id(p)], group)
        return loss

    def _step_tensor(self, p: torch.Tensor, g: torch.Tensor, group: dict[str, Any]) -> None:
        state = self.state[p]
        master = self.options.get("multi_precision") and p.dtype in (torch.float16, torch.bfloat16)
        if master and "master" not in state:
            state["master"] = p.detach().float()  # Paddle's float32 master weight
        target = state["master"] if master else p
        g = g.float() if master else g
        if "step" not in state:
            state["step"] = 0
            self._init_state(target, state, group)
        state["step"] += 1
        wd = float(group.get("weight_decay", 0.0) or 0.0)
        if wd and self.decay == "l2":
            g = g.add(target, alpha=wd)
        elif wd and self.decay == "decoupled":
            target.mul_(1.0 - group["lr"] * wd)
        self._update(target, g, state, group)
        if master:
            p.copy_(target)
        self._after_update(p, state)


def zeros(p: torch.Tensor) -> torch.Tensor:
    """A zero state tensor shaped like ``p``."""
    return torch.zeros_like(p, memory_format=torch.preserve_format)

"""The shape of a batched update rule: one optimizer family stepping K trials at once.

A rule works on the flat ``[k, P]`` parameters of k trials (dimension 0 = trial, see
:mod:`~optarena.study.batched.layout`). Per-trial hyper-parameters are ``[k, 1]`` tensors (or
``[k, P]`` when they differ between parameter tensors) that broadcast over the rest, so one
kernel launch updates every trial of the family. The arithmetic follows the single-tensor code
path of ``torch.optim`` (https://pytorch.org/docs/stable/optim.html) and of optarena's own
optimizers, operation by operation, so results equal the serial trainer's to float rounding.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import torch

from optarena.study.batched.layout import Layout

Hp = dict[str, Any]  # per-trial tensors, or floats shared by the whole family
State = dict[str, torch.Tensor]


class UnsupportedError(ValueError):
    """This optimizer (or one of its settings) has no batched rule; the trial runs serially."""


class Rule:
    """One optimizer family. Subclasses name what they read and write the update.

    ``hparams``: per-trial numbers read from a parameter group (``betas``-like pairs are split
    into ``beta1``/``beta2`` by :meth:`read`); ``state_keys``: zero-initialised state tensors;
    ``flags(group)``: the settings that change the code path (trials split on them).
    """

    name: ClassVar[str] = "rule"
    hparams: ClassVar[tuple[str, ...]] = ()
    state_keys: ClassVar[tuple[str, ...]] = ()
    #: hyper-parameters that must be zeroed (besides lr) to freeze a masked trial
    freeze: ClassVar[tuple[str, ...]] = ()
    #: where each parameter tensor lives in the flat buffer (set by the group)
    layout: Layout

    @classmethod
    def flags(cls, group: Mapping[str, Any]) -> tuple[Any, ...]:
        if group.get("maximize", False):
            raise UnsupportedError(f"{cls.name}: maximize=True has no batched rule")
        return ()

    @classmethod
    def read(cls, group: Mapping[str, Any]) -> dict[str, float]:
        """The per-trial numbers of ``group`` (pairs split as ``<key>1``/``<key>2``)."""
        out: dict[str, float] = {}
        for key in cls.hparams:
            if key in group:
                out[key] = float(group[key])
                continue
            pair, index = key[:-1] + "s", int(key[-1]) - 1  # beta1 -> betas[0], nu2 -> nus[1]
            if pair not in group:
                raise UnsupportedError(f"{cls.name}: parameter group has no {key!r}")
            out[key] = float(group[pair][index])
        return out

    def init_state(self, p: torch.Tensor, hp: Hp) -> State:
        return {key: torch.zeros_like(p) for key in self.state_keys}

    def update(self, p: torch.Tensor, g: torch.Tensor, s: State, hp: Hp, t: int) -> None:
        """Update ``p`` in place; ``hp`` holds ``lr`` and :attr:`hparams`; ``t`` counts from 1."""
        raise NotImplementedError


Num = float | torch.Tensor  # a hyper-parameter: a float when every trial shares it


def axpy_(x: torch.Tensor, a: Num, y: torch.Tensor) -> torch.Tensor:
    """``x += a·y`` in one pass, for a float or a per-trial tensor ``a``."""
    if isinstance(a, torch.Tensor):
        return x.addcmul_(a, y)
    return x.add_(y, alpha=a)


def decay(p: torch.Tensor, g: torch.Tensor, hp: Hp, decoupled: bool) -> torch.Tensor:
    """Weight decay as torch applies it: ``p *= 1 - lr·λ`` (decoupled) or ``g + λ·p`` (L2);
    nothing when no trial of the family decays (``weight_decay`` then absent from ``hp``)."""
    wd = hp.get("weight_decay")
    if wd is None:
        return g
    if decoupled:
        p.mul_(1 - hp["lr"] * wd)
        return g
    if isinstance(wd, torch.Tensor):
        return torch.addcmul(g, wd, p)
    return g.add(p, alpha=wd)

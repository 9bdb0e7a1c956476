"""The frozen description of one registered optimizer."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import torch

from optarena.optim._checks import Interval

Factory = Callable[..., torch.optim.Optimizer]


@dataclass(frozen=True)
class OptimizerSpec:
    """What optarena knows about an optimizer: how to build it and how to tune it.

    ``factory(params, **hparams)`` builds the optimizer; ``defaults`` (always holding ``lr``)
    fill every hyper-parameter the caller leaves out; ``lr_range`` is the log-uniform range a
    tuner searches. ``needs_closure``: ``step`` must get a closure (L-BFGS);
    ``routes_params``: the trainer passes groups tagged with each parameter's role
    (:func:`optarena.optim.routing.role_groups`). ``constraints`` override the common value
    rules by key; ``aliases`` map extra (framework) spellings to this optimizer's own keys.
    """

    name: str
    factory: Factory
    defaults: Mapping[str, Any]
    lr_range: tuple[float, float]
    has_momentum: bool = False
    has_betas: bool = False
    has_eps: bool = False
    has_weight_decay: bool = False
    needs_closure: bool = False
    routes_params: bool = False  # wants role-tagged groups (optarena.optim.routing.role_groups)
    reference: str = ""
    description: str = ""
    constraints: Mapping[str, Interval] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "defaults", MappingProxyType(dict(self.defaults)))
        object.__setattr__(self, "constraints", MappingProxyType(dict(self.constraints)))
        object.__setattr__(self, "aliases", MappingProxyType(dict(self.aliases)))
        if "lr" not in self.defaults:
            raise ValueError(f"optimizer {self.name!r}: defaults must hold 'lr'")
        lo, hi = self.lr_range
        if not 0 < lo < hi:
            raise ValueError(f"optimizer {self.name!r}: lr_range must satisfy 0 < lo < hi")
        if not lo <= self.defaults["lr"] <= hi:
            raise ValueError(f"optimizer {self.name!r}: default lr is outside lr_range")

    @property
    def named_params(self) -> frozenset[str]:
        """Keyword names the factory declares (everything after ``params``)."""
        return frozenset(_keyword_names(self.factory))

    @property
    def accepts_any(self) -> bool:
        """True when the factory takes ``**kwargs`` (it then checks the extra keys itself)."""
        return any(
            p.kind is inspect.Parameter.VAR_KEYWORD for p in _signature(self.factory).values()
        )

    def row(self) -> dict[str, Any]:
        """One catalog row (first key ``name``)."""
        return {
            "name": self.name,
            "defaults": dict(self.defaults),
            "lr_range": self.lr_range,
            "reference": self.reference,
        }


def _signature(factory: Callable[..., Any]) -> Mapping[str, inspect.Parameter]:
    try:
        return inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return {}


def _keyword_names(factory: Callable[..., Any]) -> list[str]:
    params = list(_signature(factory).values())
    if params and params[0].kind in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    ):
        params = params[1:]  # the parameters argument itself
    keyword_kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return [p.name for p in params if p.kind in keyword_kinds]


def signature_defaults(factory: Callable[..., Any]) -> dict[str, Any]:
    """Defaults declared in ``factory``'s signature (after ``params``), by keyword."""
    sig = _signature(factory)
    return {
        name: sig[name].default
        for name in _keyword_names(factory)
        if sig[name].default is not inspect.Parameter.empty
    }

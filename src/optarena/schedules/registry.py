"""The schedule registry: names -> specs, ``create`` with parameter checks, ``catalog``.

Names are explicit strings (DESIGN convention 3). ``create`` also accepts a
``package.module:callable`` path to a user factory ``f(base_lr, **params) -> Schedule`` (a
``Schedule`` subclass is such a factory).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from optarena.imports import is_object_path, load_object
from optarena.registry import Registry
from optarena.schedules import cyclic, decay, plateau, warmup
from optarena.schedules.base import Schedule

Factory = Callable[..., Schedule]


@dataclasses.dataclass(frozen=True)
class ScheduleSpec:
    """A registered schedule: its factory ``f(base_lr, **params)`` and what it follows."""

    name: str
    factory: Factory
    follows: str = ""
    description: str = ""


_REGISTRY: Registry[ScheduleSpec] = Registry("schedule")


def register(
    name: str,
    factory: Factory | None = None,
    *,
    follows: str = "",
    description: str = "",
    overwrite: bool = False,
) -> Any:
    """Register ``factory(base_lr, **params) -> Schedule`` under ``name``.

    Without ``factory`` it returns a decorator: ``@register("my-schedule")``.
    """
    if factory is None:

        def decorator(f: Factory) -> Factory:
            register(name, f, follows=follows, description=description, overwrite=overwrite)
            return f

        return decorator
    if not callable(factory):
        raise ValueError(f"the factory for schedule {name!r} must be callable, got {factory!r}")
    doc = description or (inspect.getdoc(factory) or "").split("\n", 1)[0]
    _REGISTRY.add(name, ScheduleSpec(name, factory, follows, doc), overwrite=overwrite)
    return factory


def names() -> list[str]:
    """The registered schedule names, sorted."""
    return _REGISTRY.names()


def spec(name: str) -> ScheduleSpec:
    return _REGISTRY.get(name)


def _parameters(factory: Factory) -> list[inspect.Parameter]:
    """The factory's parameters after ``base_lr``."""
    try:
        params = list(inspect.signature(factory).parameters.values())
    except (TypeError, ValueError):
        return []
    return params[1:]


def _describe(p: inspect.Parameter) -> str:
    return p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"


def check_params(name: str, factory: Factory, params: Mapping[str, Any]) -> None:
    """Unknown or missing parameters raise ``ValueError`` listing the accepted ones."""
    accepted = _parameters(factory)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted):
        return
    known = {p.name for p in accepted if p.kind is not inspect.Parameter.VAR_POSITIONAL}
    listing = ", ".join(_describe(p) for p in accepted) or "none"
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValueError(
            f"schedule {name!r} has no parameter {', '.join(map(repr, unknown))}; "
            f"accepted: {listing}"
        )
    missing = [
        p.name
        for p in accepted
        if p.default is inspect.Parameter.empty
        and p.kind is not inspect.Parameter.VAR_POSITIONAL
        and p.name not in params
    ]
    if missing:
        raise ValueError(
            f"schedule {name!r} needs {', '.join(map(repr, missing))}; accepted: {listing}"
        )


def _factory(name: str) -> Factory:
    if name not in _REGISTRY and isinstance(name, str) and is_object_path(name):
        factory = load_object(name)
        if not callable(factory):
            raise ValueError(f"{name!r} is not callable")
        return factory
    return _REGISTRY.get(name).factory


def create(name: str, base_lr: float, **params: Any) -> Schedule:
    """Build the schedule ``name`` (registered, or a ``module:callable`` path) at ``base_lr``.

    >>> create("step", 0.1, step_size=30)(30)
    0.010000000000000002
    """
    factory = _factory(name)
    check_params(name, factory, params)
    try:
        schedule = factory(base_lr, **params)
    except TypeError as exc:  # e.g. a user factory with an unusual signature
        raise ValueError(f"cannot build schedule {name!r}: {exc}") from exc
    if not isinstance(schedule, Schedule):
        raise ValueError(
            f"{name!r} must build an optarena.schedules.Schedule, got {type(schedule).__name__} "
            "(for a plain function of t use the 'lambda' schedule with lr_lambda='module:fn')"
        )
    return schedule


def from_config(config: Mapping[str, Any]) -> Schedule:
    """Inverse of ``Schedule.config()``: ``{"name", "base_lr", "params"}`` -> schedule."""
    if not isinstance(config, Mapping) or "name" not in config or "base_lr" not in config:
        raise ValueError(f"a schedule config needs 'name' and 'base_lr', got {config!r}")
    return create(config["name"], config["base_lr"], **dict(config.get("params") or {}))


def catalog() -> list[dict[str, Any]]:
    """One row per schedule: name, the framework it follows, its parameters with defaults."""
    rows = []
    for name in names():
        entry = _REGISTRY.get(name)
        params = ", ".join(_describe(p) for p in _parameters(entry.factory))
        rows.append({"name": name, "follows": entry.follows, "parameters": params or "-"})
    return rows


_BUILTINS: tuple[tuple[type[Schedule], str], ...] = (
    (decay.Constant, "-"),
    (decay.StepDecay, "Paddle StepDecay / torch StepLR"),
    (decay.MultiStepDecay, "Paddle MultiStepDecay / torch MultiStepLR"),
    (decay.ExponentialDecay, "Paddle ExponentialDecay / torch ExponentialLR; Keras"),
    (decay.NaturalExpDecay, "Paddle NaturalExpDecay"),
    (decay.InverseTimeDecay, "Paddle InverseTimeDecay"),
    (decay.PolynomialDecay, "Paddle PolynomialDecay"),
    (decay.PiecewiseDecay, "Paddle PiecewiseDecay"),
    (decay.LambdaDecay, "Paddle LambdaDecay / torch LambdaLR"),
    (decay.MultiplicativeDecay, "torch MultiplicativeLR"),
    (decay.AdjustLr, "the tutorials' Adjust_lr"),
    (warmup.Noam, "Paddle NoamDecay"),
    (cyclic.CosineAnnealing, "Paddle CosineAnnealingDecay / torch CosineAnnealingLR"),
    (cyclic.CosineRestarts, "torch CosineAnnealingWarmRestarts (SGDR)"),
    (warmup.LinearWarmup, "Paddle LinearWarmup"),
    (cyclic.OneCycle, "torch OneCycleLR"),
    (cyclic.Cyclical, "Smith 2017 / torch CyclicLR"),
    (warmup.WarmupCosine, "timm / optax warmup-cosine"),
    (warmup.WarmupStableDecay, "warmup-stable-decay"),
    (plateau.ReduceOnPlateau, "Paddle ReduceOnPlateau / torch ReduceLROnPlateau"),
)

for _cls, _follows in _BUILTINS:
    register(_cls.name, _cls, follows=_follows)

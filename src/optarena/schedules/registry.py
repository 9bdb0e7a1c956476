"""The schedule registry: names -> specs, ``create`` with parameter checks, ``catalog``.

Names are explicit strings (DESIGN convention 3). ``create`` also accepts a
``package.module:callable`` path to a user factory ``f(base_lr, **params) -> Schedule`` (a
``Schedule`` subclass is such a factory).
"""

from __future__ import annotations

import dataclasses
import inspect
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from optarena.imports import is_object_path, load_object
from optarena.registry import Registry
from optarena.schedules import compose, cyclic, decay, plateau, warmup
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

#: ``DIALECT:NAME`` prefixes of the framework dialects (``optarena.schedules.dialects``).
DIALECTS = ("paddle", "keras")
#: Paddle/Keras argument spellings -> optarena's, renamed where a factory lacks the former.
SPELLINGS = {
    "end_learning_rate": "end_lr",
    "max_learning_rate": "max_lr",
    "step_size_up": "step_size",
    "exp_gamma": "gamma",
    "divide_factor": "div_factor",
    "phase_pct": "pct_start",
    "first_decay_steps": "T_0",
    "t_mul": "T_mult",
    "total_steps": "total_iters",
    "epsilon": "eps",
}
#: spellings of the base rate itself (they replace ``base_lr``)
BASE_SPELLINGS = ("learning_rate", "initial_learning_rate", "base_learning_rate")
_WARNED: set[str] = set()


def dialect_of(name: str) -> str:
    """``"paddle"`` / ``"keras"`` for a dialect name, ``""`` for a plain one."""
    head, sep, _ = name.partition(":") if isinstance(name, str) else ("", "", "")
    return head if sep and head in DIALECTS else ""


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


def names(dialect: str = "") -> list[str]:
    """The registered schedule names, sorted: the plain ones, or those of ``dialect``."""
    if dialect and dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r} (known: {', '.join(DIALECTS)})")
    return [n for n in _REGISTRY.names() if dialect_of(n) == dialect]


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
    path = isinstance(name, str) and is_object_path(name) and not dialect_of(name)
    if path and name not in _REGISTRY:
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
    base_lr, params = _translate(name, factory, base_lr, params)
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


def _translate(
    name: str, factory: Factory, base_lr: float, params: dict[str, Any]
) -> tuple[float, dict[str, Any]]:
    """Apply :data:`SPELLINGS` and :data:`BASE_SPELLINGS`; a plain name warns once."""
    accepted = {p.name for p in _parameters(factory)}
    out, renamed = dict(params), []
    for source in BASE_SPELLINGS:
        if source in out and source not in accepted:
            base_lr = out.pop(source)
            renamed.append(source)
    for source, target in SPELLINGS.items():
        if source in out and source not in accepted and target in accepted:
            if target in out:
                raise ValueError(f"schedule {name!r}: pass either {target!r} or {source!r}")
            out[target] = out.pop(source)
            renamed.append(source)
    if renamed and not dialect_of(name) and name not in _WARNED and name in _REGISTRY:
        _WARNED.add(name)
        others = [f"{d}:{name}" for d in DIALECTS if f"{d}:{name}" in _REGISTRY]
        hint = f"; for a framework's rule use {' or '.join(map(repr, others))}" if others else ""
        warnings.warn(
            f"schedule {name!r} got framework spelling(s) {', '.join(map(repr, renamed))}: "
            f"it runs optarena's plain rule ({_REGISTRY.get(name).follows}){hint}",
            UserWarning,
            stacklevel=3,
        )
    return base_lr, out


def from_config(config: Mapping[str, Any]) -> Schedule:
    """Inverse of ``Schedule.config()``: ``{"name", "base_lr", "params"}`` -> schedule."""
    if not isinstance(config, Mapping) or "name" not in config or "base_lr" not in config:
        raise ValueError(f"a schedule config needs 'name' and 'base_lr', got {config!r}")
    return create(config["name"], config["base_lr"], **dict(config.get("params") or {}))


def catalog(dialect: str = "") -> list[dict[str, Any]]:
    """One row per schedule of ``dialect`` (see :func:`names`): name, the framework it
    follows, its parameters with defaults."""
    rows = []
    for name in names(dialect):
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
    (decay.InverseTimeDecay, "Paddle InverseTimeDecay; Keras InverseTimeDecay"),
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
    (plateau.ReduceOnPlateau, "torch ReduceLROnPlateau"),
    (compose.Sequential, "torch SequentialLR"),
    (compose.Chained, "torch ChainedScheduler"),
    (compose.LinearFactor, "torch LinearLR / Paddle LinearLR"),
    (compose.ConstantFactor, "torch ConstantLR"),
    (compose.PolynomialFactor, "torch PolynomialLR"),
)

for _cls, _follows in _BUILTINS:
    register(_cls.name, _cls, follows=_follows)

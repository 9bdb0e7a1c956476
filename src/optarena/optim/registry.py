"""The optimizer registry: ``register``, ``spec``, ``names``, ``catalog`` and ``create``.

``create`` is the one place hyper-parameters are checked: Paddle spellings are translated,
unknown keys are rejected with the accepted list, values are checked against the common rules
(and the spec's own constraints), then the spec's defaults fill the rest and the factory runs.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import torch

from optarena.imports import is_object_path, load_object
from optarena.optim._checks import COMMON_RULES, Interval
from optarena.optim.aliases import framework_spellings, translate
from optarena.optim.spec import Factory, OptimizerSpec, signature_defaults
from optarena.registry import Registry

_REGISTRY: Registry[OptimizerSpec] = Registry("optimizer")

#: ``DIALECT:NAME`` prefixes of the framework dialects (``optarena.optim.dialects``).
DIALECTS = ("paddle", "keras")
_WARNED: set[str] = set()


def dialect_of(name: str) -> str:
    """``"paddle"`` / ``"keras"`` for a dialect name, ``""`` for a plain one."""
    head, sep, _ = name.partition(":") if isinstance(name, str) else ("", "", "")
    return head if sep and head in DIALECTS else ""


#: lr used when a user's optimizer declares no default lr.
FALLBACK_LR = 1e-3


def build_spec(name: str, factory: Factory, **fields: Any) -> OptimizerSpec:
    """An :class:`OptimizerSpec`, filling what ``fields`` leave out from ``factory``'s signature.

    Missing ``defaults`` come from the signature (``lr`` falls back to 1e-3 when it has none),
    a missing ``lr_range`` spans two decades either side of the default lr, and missing
    capability flags are read off the accepted keyword names.
    """
    if not callable(factory):
        raise ValueError(f"optimizer {name!r}: factory must be callable, got {factory!r}")
    defaults = dict(fields.pop("defaults", None) or signature_defaults(factory))
    if not isinstance(defaults.get("lr"), (int, float)) or isinstance(defaults.get("lr"), bool):
        defaults["lr"] = FALLBACK_LR
    lr = float(defaults["lr"])
    fields.setdefault("lr_range", (lr / 100.0, lr * 100.0) if lr > 0 else (1e-6, 1.0))
    probe = OptimizerSpec(name=name, factory=factory, defaults=defaults, **fields)
    keys = probe.named_params | set(defaults)
    flags = {
        "has_momentum": "momentum" in keys,
        "has_betas": "betas" in keys,
        "has_eps": "eps" in keys,
        "has_weight_decay": "weight_decay" in keys,
    }
    flags = {k: v for k, v in flags.items() if k not in fields}
    return OptimizerSpec(name=name, factory=factory, defaults=defaults, **fields, **flags)


def register(
    name: str, factory: Factory, *, overwrite: bool = False, **spec_fields: Any
) -> OptimizerSpec:
    """Register ``factory(params, **hparams) -> Optimizer`` under ``name``; returns its spec.

    ``spec_fields`` are :class:`OptimizerSpec` fields (``defaults``, ``lr_range``, flags,
    ``reference``, ``description``, ``constraints``, ``aliases``).
    """
    if isinstance(name, str) and is_object_path(name) and not dialect_of(name):
        raise ValueError(f"{name!r} looks like a 'module:Name' path; pick a plain name")
    return _REGISTRY.add(name, build_spec(name, factory, **spec_fields), overwrite=overwrite)


def unregister(name: str) -> None:
    """Remove ``name`` (tests and plugins that re-register)."""
    _REGISTRY.remove(name)


def names(dialect: str = "") -> list[str]:
    """Registered optimizer names, sorted: the plain (torch-rule) ones, or those of
    ``dialect`` (``"paddle"``, ``"keras"``)."""
    if dialect and dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r} (known: {', '.join(DIALECTS)})")
    return [n for n in _REGISTRY.names() if dialect_of(n) == dialect]


def spec(name: str) -> OptimizerSpec:
    """The spec of a registered name, a ``zoo:NAME`` (:mod:`optarena.optim.zoo`), or a
    ``package.module:ClassName`` Optimizer class."""
    if isinstance(name, str) and name.startswith("zoo:"):
        from optarena.optim import zoo

        return zoo.spec(name)
    path = isinstance(name, str) and is_object_path(name) and not dialect_of(name)
    if path and name not in _REGISTRY:
        return _spec_from_path(name)
    return _REGISTRY.get(name)


def catalog(dialect: str = "") -> list[dict[str, Any]]:
    """One row per registered optimizer of ``dialect`` (see :func:`names`)."""
    return [_REGISTRY.get(n).row() for n in names(dialect)]


def _spec_from_path(path: str) -> OptimizerSpec:
    obj = load_object(path)
    if not (isinstance(obj, type) and issubclass(obj, torch.optim.Optimizer)):
        raise ValueError(f"{path!r} is not a torch.optim.Optimizer subclass (got {obj!r})")
    doc = (obj.__doc__ or "").strip().splitlines()
    return build_spec(path, obj, reference=path, description=doc[0] if doc else "")


def check_hparams(s: OptimizerSpec, hparams: Mapping[str, Any]) -> dict[str, Any]:
    """Translate spellings, reject unknown keys and bad values; returns the cleaned mapping."""
    accepted = s.named_params
    hp = translate(hparams, accepted, s.defaults, s.aliases)
    _say_which_rule(s.name, framework_spellings(hparams, hp))
    if not s.accepts_any:
        unknown = sorted(set(hp) - accepted)
        if unknown:
            raise ValueError(
                f"unknown hyper-parameter{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(map(repr, unknown))} for optimizer {s.name!r} "
                f"(accepted: {', '.join(sorted(accepted))})"
            )
    rules: dict[str, Interval] = {**COMMON_RULES, **s.constraints}
    for key, value in hp.items():
        rule = rules.get(key)
        if rule is None or value is None:
            continue
        try:
            rule.check(key, value)
        except ValueError as exc:
            raise ValueError(f"optimizer {s.name!r}: {exc}") from None
        if rule.size and not isinstance(value, tuple):
            hp[key] = tuple(value)
    return hp


def _say_which_rule(name: str, spellings: list[str]) -> None:
    """Warn once per plain name given framework spellings which rule runs."""
    if not spellings or dialect_of(name) or name in _WARNED or name not in _REGISTRY:
        return
    _WARNED.add(name)
    others = [f"{d}:{name}" for d in DIALECTS if f"{d}:{name}" in _REGISTRY]
    hint = f"; for a framework's rule use {' or '.join(map(repr, others))}" if others else ""
    warnings.warn(
        f"optimizer {name!r} got framework spelling(s) {', '.join(map(repr, spellings))}: "
        f"it runs the plain rule ({_REGISTRY.get(name).description}){hint}",
        UserWarning,
        stacklevel=4,
    )


def create(name: str, params: Iterable[Any], **hparams: Any) -> torch.optim.Optimizer:
    """Build optimizer ``name`` over ``params``; ``lr`` is an ordinary hyper-parameter.

    Raises ``ValueError`` for unknown names (with close matches), unknown hyper-parameters (with
    the accepted ones) and values outside their range.
    """
    s = spec(name)
    hp = check_hparams(s, hparams)
    named = s.named_params
    fill = {k: v for k, v in s.defaults.items() if k in named and k not in hp}
    optimizer = s.factory(params, **fill, **hp)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise ValueError(f"optimizer {s.name!r}: factory returned {type(optimizer).__name__}")
    return optimizer

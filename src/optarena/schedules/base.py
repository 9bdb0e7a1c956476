"""The schedule base class and the argument checks every schedule shares.

A schedule is a pure function of an integer count ``t = 0, 1, 2, ...`` (steps or epochs: the
trainer decides) to a learning rate (DESIGN convention 1). Schedules are small frozen
dataclasses, so they compare by value, hash and pickle; their arguments are checked when built.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from optarena.imports import load_object, object_path


@dataclasses.dataclass(frozen=True)
class Schedule:
    """Base class: ``s(t) -> float`` is the learning rate at count ``t``.

    Subclasses are frozen dataclasses whose first field is ``base_lr``; they implement
    :meth:`_lr` and check their own arguments in ``__post_init__`` (calling ``super()``).
    ``name`` is the registered name (used by :meth:`config`); ``metric_driven`` is False for
    every schedule except ``reduce-on-plateau``.
    """

    base_lr: float

    name: ClassVar[str] = ""
    metric_driven: ClassVar[bool] = False

    def __post_init__(self) -> None:
        check_positive("base_lr", self.base_lr)

    def __call__(self, t: int) -> float:
        """The learning rate at count ``t`` (a non-negative integer)."""
        return float(self._lr(check_count(t)))

    def _lr(self, t: int) -> float:
        raise NotImplementedError

    def config(self) -> dict[str, Any]:
        """Plain data (JSON- and ``weights_only``-safe) that :func:`create` turns back into it.

        Callables are stored as their ``module:qualname`` path and nested schedules as their own
        config, so a schedule whose ``lr_lambda`` was a module-level function round-trips.
        """
        params = {
            f.name: _plain(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.init and f.name != "base_lr"
        }
        name = type(self).name or object_path(type(self))
        return {"name": name, "base_lr": float(self.base_lr), "params": params}


def _plain(value: Any) -> Any:
    if isinstance(value, Schedule):
        return value.config()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if callable(value):
        return object_path(value)
    raise ValueError(f"cannot store parameter value {value!r} as plain data")


def _freeze(obj: object, field: str, value: Any) -> None:
    """Normalise a field of a frozen dataclass inside ``__post_init__``."""
    object.__setattr__(obj, field, value)


# -- argument checks (each raises ValueError naming the argument) ---------------------------


def check_count(t: Any) -> int:
    """``t`` must be a non-negative integer count."""
    if isinstance(t, bool) or not isinstance(t, numbers.Integral):
        raise ValueError(f"the count t must be a non-negative integer, got {t!r}")
    if t < 0:
        raise ValueError(f"the count t must be non-negative, got {t}")
    return int(t)


def check_number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


def check_positive(name: str, value: Any) -> float:
    if check_number(name, value) <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return float(value)


def check_non_negative(name: str, value: Any) -> float:
    if check_number(name, value) < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return float(value)


def check_int(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def check_choice(name: str, value: Any, choices: Iterable[str]) -> str:
    allowed = tuple(choices)
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}, got {value!r}")
    return str(value)


def check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, got {value!r}")
    return value


def check_increasing_ints(
    name: str, values: Any, minimum: int = 1, *, strict: bool = True
) -> tuple[int, ...]:
    """A non-empty, increasing sequence of integers >= ``minimum`` (repeats allowed unless
    ``strict``)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f"{name} must be a list of integers, got {values!r}")
    items = tuple(check_int(f"each of {name}", v, minimum) for v in values)
    if not items:
        raise ValueError(f"{name} must not be empty")
    if any(b < a or (strict and b == a) for a, b in zip(items[:-1], items[1:], strict=True)):
        how = "strictly increasing" if strict else "non-decreasing"
        raise ValueError(f"{name} must be {how}, got {list(items)}")
    return items


def resolve_callable(name: str, value: Any) -> Callable[..., Any]:
    """A callable, or a ``module:function`` path naming one."""
    if isinstance(value, str):
        value = load_object(value)
    if not callable(value):
        raise ValueError(f"{name} must be callable or a 'module:function' path, got {value!r}")
    return value

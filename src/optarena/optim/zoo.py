"""``zoo:NAME``: any optimizer of the maintained ``pytorch-optimizer`` package (optional extra
``optarena[zoo]``), with its own defaults and an LR range of two decades either side of them.

Reference: https://pytorch-optimizers.readthedocs.io (Hyeongchan Kim, ``pytorch_optimizer``).
Names are the package's own (``get_supported_optimizers()``), lower case: ``zoo:adan``,
``zoo:sophiah``... A few need more than ``step()`` from a trainer and are refused with the
reason (:data:`UNSUPPORTED`).
"""

from __future__ import annotations

import functools
import importlib
import inspect
from typing import Any

from optarena.errors import unknown_name
from optarena.optim.spec import OptimizerSpec

PREFIX = "zoo:"
EXTRA = "pip install 'optarena[zoo]' (the pytorch-optimizer package)"

#: zoo names a plain training loop cannot drive, and why.
UNSUPPORTED = {
    "adahessian": "needs loss.backward(create_graph=True) (Hessian-vector products)",
    "sophiah": "needs loss.backward(create_graph=True) (Hessian-vector products)",
    "alig": "needs the loss passed to step()",
    "bsam": "needs a closure computing the loss twice per step (SAM family)",
    "lomo": "fuses the backward pass into the optimizer (needs the model)",
    "adalomo": "fuses the backward pass into the optimizer (needs the model)",
    "distributedmuon": "needs torch.distributed",
    "galore": "needs rank/projection settings per parameter group",
    "demo": "needs torch.distributed",
}


def _package() -> Any:
    try:
        return importlib.import_module("pytorch_optimizer")
    except ImportError:
        raise ValueError(f"zoo optimizers need the optional extra: {EXTRA}") from None


def names() -> list[str]:
    """Every usable ``zoo:NAME``, sorted (ValueError naming the extra when it is absent)."""
    supported = _package().get_supported_optimizers()
    return sorted(f"{PREFIX}{n}" for n in supported if n not in UNSUPPORTED)


@functools.cache
def spec(name: str) -> OptimizerSpec:
    """The spec of ``zoo:NAME``: the package's class, its signature's defaults."""
    from optarena.optim.registry import build_spec

    short = name.removeprefix(PREFIX).lower()
    if short in UNSUPPORTED:
        raise ValueError(f"{name!r} is not supported: it {UNSUPPORTED[short]}")
    package = _package()
    if short not in package.get_supported_optimizers():
        raise unknown_name("zoo optimizer", name, names())
    cls = package.load_optimizer(short)
    doc = (cls.__doc__ or "").strip().splitlines()
    return build_spec(
        f"{PREFIX}{short}",
        _strict(cls),
        reference=f"pytorch-optimizer: {cls.__module__}.{cls.__name__}",
        description=doc[0] if doc else cls.__name__,
    )


def _strict(cls: type) -> Any:
    """``cls`` as a factory whose signature drops ``**kwargs``: the package's classes accept
    and ignore unknown keywords, so a misspelt hyper-parameter would pass silently."""
    sig = inspect.signature(cls)
    kept = [p for p in sig.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]

    def factory(params: Any, **hparams: Any) -> Any:
        return cls(params, **hparams)

    factory.__signature__ = sig.replace(parameters=kept)  # type: ignore[attr-defined]
    factory.__name__ = factory.__qualname__ = cls.__name__
    factory.__doc__ = cls.__doc__
    return factory


def catalog() -> list[dict[str, Any]]:
    """One row per usable zoo optimizer (name, defaults, lr_range, reference)."""
    rows = []
    for name in names():
        try:
            rows.append(spec(name).row())
        except (ValueError, TypeError):  # a class whose signature cannot be read
            continue
    return rows

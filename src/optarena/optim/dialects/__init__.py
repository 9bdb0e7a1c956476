"""Framework dialects: ``paddle:NAME`` and ``keras:NAME`` optimizers.

A plain name (``rmsprop``) follows torch's rule; ``paddle:rmsprop`` and ``keras:rmsprop`` follow
Paddle's and Keras' rules and defaults exactly (see ``docs/framework-map.md``). Each dialect
entry is registered in the ordinary optimizer registry under its prefixed name, with a factory
whose signature lists the framework's hyper-parameters (torch spellings: ``lr``, ``eps``,
``betas``; the framework spellings ``learning_rate``, ``epsilon``, ``beta1``/``beta_1`` ...
are translated by the registry).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

from torch.optim import Optimizer

from optarena.optim.dialects import keras, paddle
from optarena.optim.registry import register

#: dialect -> {optarena name: (class, lr_range)}
TABLES = {"paddle": paddle.CLASSES, "keras": keras.CLASSES}
#: dialect -> {framework class name: why it has no entry}
NOT_OFFERED = {"paddle": paddle.NOT_OFFERED, "keras": keras.NOT_OFFERED}
_DOCS = {
    "paddle": "https://www.paddlepaddle.org.cn/documentation/docs/en/api/paddle/optimizer/{}_en.html",
    "keras": "https://keras.io/api/optimizers/{}/",
}


def all_defaults(cls: type[Optimizer]) -> dict[str, Any]:
    """A dialect class's hyper-parameters and framework-wide options, with their defaults."""
    return {**cls._defaults, **getattr(cls, "_options", {})}  # type: ignore[attr-defined]


def _factory(cls: type[Optimizer]) -> Any:
    """``make(params, *, <the class's hyper-parameters>)``: a factory with a real signature."""

    def make(params: Iterable[Any], **hparams: Any) -> Optimizer:
        return cls(params, **hparams)

    keyword = inspect.Parameter.KEYWORD_ONLY
    make.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("params", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [inspect.Parameter(k, keyword, default=v) for k, v in all_defaults(cls).items()]
    )
    make.__doc__ = cls.__doc__
    return make


def _register_all() -> None:
    for dialect, table in TABLES.items():
        for name, (cls, lr_range) in table.items():
            doc = (cls.__doc__ or "").strip().splitlines()[0]
            page = cls.follows.rsplit(".", 1)[-1]
            page = page.lower() if dialect == "keras" else page
            register(
                f"{dialect}:{name}",
                _factory(cls),
                defaults=all_defaults(cls),
                lr_range=lr_range,
                needs_closure=getattr(cls, "needs_closure", False),
                routes_params=getattr(cls, "routes_params", False),
                **getattr(cls, "spec_flags", {}),
                reference=f"{cls.follows}; " + _DOCS[dialect].format(page),
                description=doc,
            )


_register_all()

"""``paddle:lbfgs``: ``paddle.optimizer.LBFGS`` (Liu & Nocedal 1989), closure-driven.

Paddle's LBFGS (``paddle/optimizer/lbfgs.py``) is a port of ``torch.optim.LBFGS``: the same
two-loop recursion, the same first step ``min(1, 1 / |g|_1) * lr``, the same curvature test
``y.s > 1e-10``, the same optional ``line_search_fn="strong_wolfe"`` (cubic interpolation,
``c1 = 1e-4``, ``c2 = 0.9``) and the same defaults, so it runs on torch's class with Paddle's
spellings (checked step by step against paddlepaddle 3.3 by ``tests/frameworks/``). The
trainer passes a closure (the spec has ``needs_closure``), as for the plain ``lbfgs``.

Paddle's constructor also takes ``weight_decay`` and ``grad_clip``, but its ``step`` never
applies them (it reads the raw gradients); optarena refuses a value for them rather than
ignoring it silently. Paddle's LBFGS keeps its own ``learning_rate`` (``set_lr`` and
LR schedulers do not reach it); here a schedule does drive the lr, as for torch's class.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import torch

from optarena.optim._checks import Interval, checked


class LBFGS(torch.optim.LBFGS):
    """``paddle.optimizer.LBFGS``: torch's L-BFGS run through a closure, Paddle's names.

    Defaults lr 1.0, max_iter 20, history 100; optional strong-Wolfe line search."""

    _defaults: ClassVar[dict[str, Any]] = {
        "lr": 1.0,
        "max_iter": 20,
        "max_eval": None,
        "tolerance_grad": 1e-7,
        "tolerance_change": 1e-9,
        "history_size": 100,
        "line_search_fn": None,
        "weight_decay": None,
        "grad_clip": None,
    }
    follows: ClassVar[str] = "paddle.optimizer.LBFGS"
    needs_closure: ClassVar[bool] = True
    spec_flags: ClassVar[dict[str, bool]] = {"has_weight_decay": False}

    def __init__(self, params: Iterable[Any], **hparams: Any) -> None:
        unknown = sorted(set(hparams) - set(self._defaults))
        if unknown:
            raise ValueError(f"LBFGS: unknown hyper-parameter(s) {unknown}")
        hp = {**self._defaults, **hparams}
        for key in ("weight_decay", "grad_clip"):
            if hp.pop(key) not in (None, 0, 0.0):
                raise ValueError(
                    f"paddle:lbfgs: Paddle's LBFGS accepts {key} but never applies it; "
                    f"leave {key} unset"
                )
        if hp["line_search_fn"] not in (None, "strong_wolfe"):
            raise ValueError(
                f"line_search_fn must be None or 'strong_wolfe', got {hp['line_search_fn']!r}"
            )
        positive_int = Interval(1.0, integer=True)
        rules = {"max_iter": positive_int, "history_size": positive_int}
        if hp["max_eval"] is not None:
            rules["max_eval"] = positive_int
        rules["tolerance_grad"] = rules["tolerance_change"] = Interval(0.0)
        super().__init__(params, **checked(hp, rules))

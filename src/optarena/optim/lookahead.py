"""Lookahead, Zhang, Lucas, Hinton & Ba 2019, "Lookahead Optimizer: k steps forward, 1 step
back", NeurIPS 2019, arXiv:1907.08610, Algorithm 1."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch.optim import Optimizer

from optarena.optim._checks import Interval, check


class Lookahead(Optimizer):
    r"""Wraps any optimizer A ("fast weights" θ) with slow weights φ (φ₀ = θ₀)::

        every step:        θ ← A(θ, ∇)
        every k-th step:   φ ← φ + α·(θ − φ);   θ ← φ

    ``param_groups`` *are* the inner optimizer's (the same list and dicts), so an LR schedule
    that sets ``group["lr"]`` reaches the inner optimizer. ``state_dict()`` holds the inner
    optimizer's state, the slow weights and the step count.

    Args:
        optimizer: the inner optimizer (already built over the parameters).
        k: synchronisation period, an integer ≥ 1 (keyword-only).
        alpha: slow-weight step size α in (0, 1] (keyword-only).
    """

    def __init__(self, optimizer: Optimizer, *, k: int = 5, alpha: float = 0.5) -> None:
        if not isinstance(optimizer, Optimizer):
            raise ValueError(f"Lookahead wraps a torch.optim.Optimizer, got {optimizer!r}")
        check("k", k, Interval(1.0, integer=True))
        check("alpha", alpha, Interval(0.0, 1.0, lo_open=True))
        params = [p for group in optimizer.param_groups for p in group["params"]]
        super().__init__(params, {})  # hooks, profiling, own state for the slow weights
        self.optimizer = optimizer
        self.k = int(k)
        self.alpha = float(alpha)
        self.lookahead_step = 0

    @property  # type: ignore[override]
    def param_groups(self) -> list[dict[str, Any]]:
        inner = self.__dict__.get("optimizer")
        return inner.param_groups if inner is not None else self.__dict__["_own_groups"]

    @param_groups.setter
    def param_groups(self, value: list[dict[str, Any]]) -> None:
        inner = self.__dict__.get("optimizer")
        if inner is None:
            self.__dict__["_own_groups"] = value  # only during Optimizer.__init__
        else:
            inner.param_groups = value

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        if "optimizer" in self.__dict__:
            self.optimizer.add_param_group(param_group)  # slow weights start at first step
        else:
            super().add_param_group(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.optimizer.zero_grad(set_to_none=set_to_none)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """One inner step; every ``k``-th one also pulls the slow weights and resets θ to them."""
        params = self._params()
        for p in params:
            state = self.state[p]
            if "slow_param" not in state:
                state["slow_param"] = p.detach().clone(memory_format=torch.preserve_format)
        loss = self.optimizer.step(closure)
        self.lookahead_step += 1
        if self.lookahead_step % self.k == 0:
            for p in params:
                slow = self.state[p]["slow_param"]
                slow.lerp_(p, self.alpha)
                p.copy_(slow)
        return loss

    def _params(self) -> list[torch.Tensor]:
        return [p for group in self.param_groups for p in group["params"]]

    def state_dict(self) -> dict[str, Any]:
        index = {id(p): i for i, p in enumerate(self._params())}
        slow = {
            index[id(p)]: s["slow_param"]
            for p, s in self.state.items()
            if "slow_param" in s and id(p) in index
        }
        return {
            "inner": self.optimizer.state_dict(),
            "slow": slow,
            "lookahead_step": self.lookahead_step,
            "k": self.k,
            "alpha": self.alpha,
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        missing = {"inner", "slow", "lookahead_step", "k", "alpha"} - set(state_dict)
        if missing:
            raise ValueError(f"not a Lookahead state_dict (missing {sorted(missing)})")
        self.optimizer.load_state_dict(state_dict["inner"])
        params = self._params()
        self.state.clear()
        for i, slow in state_dict["slow"].items():
            p = params[int(i)]
            self.state[p]["slow_param"] = slow.detach().to(dtype=p.dtype, device=p.device).clone()
        self.lookahead_step = int(state_dict["lookahead_step"])
        self.k = int(state_dict["k"])
        self.alpha = float(state_dict["alpha"])

    def __getstate__(self) -> dict[str, Any]:  # copy/pickle keep the inner optimizer
        return dict(self.__dict__)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __repr__(self) -> str:
        return f"Lookahead(k={self.k}, alpha={self.alpha}, optimizer={self.optimizer!r})"

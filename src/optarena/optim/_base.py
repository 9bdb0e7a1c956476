"""The step skeleton shared by optarena's own optimizers: closure, parameter loop, lazy state,
weight decay and the common hyper-parameter checks (``torch.optim.Optimizer`` conventions)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, ClassVar

import torch
from torch.optim import Optimizer

from optarena.optim._checks import Interval, checked

Group = dict[str, Any]
State = dict[str, Any]


class OwnOptimizer(Optimizer):
    """A drop-in ``torch.optim.Optimizer`` whose subclasses write only their update equations.

    ``__init__`` checks ``hparams`` (by ``_rules``, else the common rules); they, then the
    ``unchecked`` flags and group state, become the group defaults. :meth:`step` evaluates the
    closure with gradients enabled, then for each parameter with a gradient (sparse ones are
    refused): applies weight decay when ``_grad_weight_decay`` is set
    (``group["decoupled_weight_decay"]``: θ ← θ(1 − αλ), else ∇ ← ∇ + λθ), creates the state
    on first use (``_state_keys`` in order: ``step`` an int counted up before each update, the
    others zero tensors shaped like the parameter) and calls :meth:`_update`. Subclasses with
    per-group work override :meth:`_step_group`.
    """

    _rules: ClassVar[Mapping[str, Interval]] = {}
    _state_keys: ClassVar[tuple[str, ...]] = ()
    _grad_weight_decay: ClassVar[bool] = False

    def __init__(self, params: Iterable[Any], hparams: Mapping[str, Any], **unchecked: Any):
        super().__init__(params, {**checked(hparams, self._rules), **unchecked})

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """One optimisation step; ``closure`` re-evaluates the model and returns the loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            self._step_group(group)
        return loss

    def _step_group(self, group: Group) -> None:
        for p, grad, state in self._with_grads(group):
            self._update(p, grad, state, group)

    def _update(self, p: torch.Tensor, grad: torch.Tensor, state: State, group: Group) -> None:
        """Apply the algorithm's update to ``p`` in place (under ``torch.no_grad``)."""
        raise NotImplementedError

    def _init_state(self, p: torch.Tensor) -> State:
        return {
            key: 0 if key == "step" else torch.zeros_like(p, memory_format=torch.preserve_format)
            for key in self._state_keys
        }

    @staticmethod
    def _decayed_grad(p: torch.Tensor, group: Group) -> torch.Tensor:
        grad, wd = p.grad, group["weight_decay"]
        if wd != 0:
            if group["decoupled_weight_decay"]:
                p.mul_(1 - group["lr"] * wd)
            else:
                grad = grad.add(p, alpha=wd)
        return grad

    def _with_grads(self, group: Group) -> Iterator[tuple[torch.Tensor, torch.Tensor, State]]:
        """``(parameter, gradient, state)`` for each parameter of ``group`` that has a gradient."""
        for p in group["params"]:
            if p.grad is None:
                continue
            if p.grad.is_sparse:
                raise RuntimeError(f"{type(self).__name__} does not support sparse gradients")
            grad = self._decayed_grad(p, group) if self._grad_weight_decay else p.grad
            state = self.state[p]
            if not state:
                state.update(self._init_state(p))
            if "step" in self._state_keys:
                state["step"] += 1
            yield p, grad, state

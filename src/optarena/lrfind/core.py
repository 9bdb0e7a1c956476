"""The LR range test (Smith 2015, "Cyclical Learning Rates for Training Neural Networks", §3.3),
run the way fastai's ``Learner.lr_find`` runs it (``fastai.callback.schedule.LRFinder``).

One mini-batch per learning rate; batch ``i`` of ``steps`` runs at
``start * (end / start) ** (i / steps)`` (fastai's ``SchedExp`` at ``pos = train_iter / num_it``,
so ``end`` itself is never tried), or linearly. The loss recorded against a rate is the one of the
batch whose step used that rate, computed before the step. It is smoothed by fastai's
``AvgSmoothLoss`` (``avg = beta * avg + (1 - beta) * loss``, reported debiased as
``avg / (1 - beta**n)``, from the first batch on) and the test stops once the smoothed loss exceeds
``diverge_factor`` times the best so far, or at the first non-finite loss. Suggestions read the
smoothed curve without its first ``steps // 10`` and last 5 points, cut at the first NaN. The
model, the optimizer, the gradients and the global torch RNG are restored afterwards.

One deliberate robustness change to fastai: the divergence check (and the best loss it compares
with) starts after the first ``steps // 10`` points, which the suggestions ignore anyway, so a
loss spike on one of the first batches does not end the test.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from optarena.lrfind.suggest import Point, suggest

Batch = tuple[Tensor, Tensor]
BatchIterFactory = Callable[[int], Iterable[Batch]]
OptimizerOrFactory = torch.optim.Optimizer | Callable[[Iterable[nn.Parameter]], Any]

SUGGESTION_NAMES = ("valley", "steep", "minimum", "slide")


@dataclass
class LRFindResult:
    """What one range test saw. Arrays hold one entry per batch actually run."""

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    stopped_early: bool
    stop_reason: str | None
    suggestions: dict[str, float | None]
    points: dict[str, Point | None] = field(default_factory=dict)
    skip_start: int = 0
    skip_end: int = 0

    @property
    def suggested(self) -> float | None:
        """The headline suggestion (:func:`optarena.lrfind.suggest.suggested`)."""
        return self.suggestions.get("suggested")

    def summary(self) -> dict[str, Any]:
        """The JSON-ready line the CLI prints."""
        out: dict[str, Any] = {name: self.suggestions.get(name) for name in SUGGESTION_NAMES}
        out["suggested"] = self.suggested
        out["stopped_early"] = self.stopped_early
        out["stop_reason"] = self.stop_reason
        out["steps_run"] = int(self.lrs.size)
        return out


def lr_schedule(start: float, end: float, steps: int, mode: str = "exp") -> np.ndarray:
    """``steps`` learning rates from ``start`` towards ``end``, geometric or linear.

    Rate ``i`` sits at ``pos = i / steps`` of the way (fastai ``LRFinder``): ``end`` is excluded.
    """
    if not (math.isfinite(start) and math.isfinite(end)) or start <= 0 or end <= start:
        raise ValueError(f"need 0 < start < end, got start={start}, end={end}")
    if steps < 2:
        raise ValueError(f"steps must be at least 2, got {steps}")
    pos = np.arange(steps, dtype=np.float64) / steps
    if mode == "exp":
        return start * (end / start) ** pos
    if mode == "linear":
        return start + (end - start) * pos
    raise ValueError(f"mode must be 'exp' or 'linear', got {mode!r}")


def _cycle_batches(factory: BatchIterFactory) -> Iterator[Batch]:
    epoch = 0
    while True:
        empty = True
        for batch in factory(epoch):
            empty = False
            yield batch
        if empty:
            raise ValueError("the batch iterator factory produced no batches")
        epoch += 1


def _snapshot(model: nn.Module, optimizer: torch.optim.Optimizer) -> dict[str, Any]:
    return {
        "model": copy.deepcopy(model.state_dict()),
        "optimizer": copy.deepcopy(optimizer.state_dict()),
        "training": {name: m.training for name, m in model.named_modules()},
        "grads": [None if p.grad is None else p.grad.detach().clone() for p in model.parameters()],
        "rng": torch.get_rng_state(),
        "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None,
    }


def _restore(model: nn.Module, optimizer: torch.optim.Optimizer, snap: dict[str, Any]) -> None:
    with torch.no_grad():
        model.load_state_dict(snap["model"])
    optimizer.load_state_dict(snap["optimizer"])
    for name, module in model.named_modules():
        module.training = snap["training"].get(name, module.training)
    for param, grad in zip(model.parameters(), snap["grads"], strict=True):
        param.grad = grad
    torch.set_rng_state(snap["rng"])
    if snap["cuda_rng"] is not None:
        torch.cuda.set_rng_state_all(snap["cuda_rng"])


def lr_range_test(
    model: nn.Module,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    batch_iter_factory: BatchIterFactory,
    optimizer_factory: OptimizerOrFactory,
    *,
    start: float = 1e-7,
    end: float = 10.0,
    steps: int = 100,
    smooth: float = 0.98,
    diverge_factor: float = 4.0,
    mode: str = "exp",
    skip_start: int | None = None,
    skip_end: int = 5,
) -> LRFindResult:
    """Run the range test and suggest learning rates (fastai ``lr_find`` semantics).

    ``batch_iter_factory(epoch)`` yields ``(x, y)`` batches; it is called again with the next
    epoch when a pass runs out. ``optimizer_factory`` is a callable ``params -> Optimizer`` or an
    existing optimizer over the model's parameters (its state is restored afterwards).
    Suggestions read the smoothed curve from ``skip_start`` (default ``steps // 10``) to
    ``skip_end`` points before its end, cut at the first non-finite value; a rule gets ``None``
    when nothing is left. ``suggestions`` holds fastai's four rules and ``"suggested"``.
    """
    lrs = lr_schedule(start, end, steps, mode)
    if not 0 <= smooth < 1:
        raise ValueError(f"smooth must be in [0, 1), got {smooth}")
    if diverge_factor <= 1:
        raise ValueError(f"diverge_factor must be > 1, got {diverge_factor}")
    skip_start = steps // 10 if skip_start is None else skip_start
    if not 0 <= skip_start < steps or skip_end < 0:
        raise ValueError(f"need 0 <= skip_start < steps and skip_end >= 0, got {skip_start}")

    params = list(model.parameters())
    if isinstance(optimizer_factory, torch.optim.Optimizer):
        optimizer = optimizer_factory
    else:
        optimizer = optimizer_factory(params)
    device = params[0].device if params else torch.device("cpu")
    snap = _snapshot(model, optimizer)
    raw: list[float] = []
    smoothed: list[float] = []
    stop_reason: str | None = None
    try:
        if callable(getattr(optimizer, "train", None)):
            optimizer.train()  # schedule-free optimizers step only in train mode
        model.train()
        batches = _cycle_batches(batch_iter_factory)
        avg, count, best = 0.0, 0, math.inf
        for i, lr in enumerate(lrs):
            for group in optimizer.param_groups:
                group["lr"] = float(lr)
            x, y = next(batches)
            x, y = x.to(device), y.to(device)

            seen: list[float] = []

            def closure(x: Tensor = x, y: Tensor = y, seen: list[float] = seen) -> Tensor:
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(model(x), y)
                loss.backward()
                seen.append(float(loss.detach()))
                return loss

            optimizer.step(closure)  # torch.optim contract: step evaluates the closure
            if not seen:
                raise ValueError(f"{type(optimizer).__name__}.step(closure) never called it")
            value = seen[0]  # the loss before the step (a line search may call it again)
            raw.append(value)
            if not math.isfinite(value):
                smoothed.append(math.nan)
                stop_reason = f"non-finite loss at lr={lr:.3g}"
                break
            count += 1
            avg = smooth * avg + (1 - smooth) * value
            smoothed.append(avg / (1 - smooth**count))
            if i >= skip_start:
                best = min(best, smoothed[-1])
                if smoothed[-1] > diverge_factor * best:
                    stop_reason = f"loss diverged at lr={lr:.3g}"
                    break
    finally:
        _restore(model, optimizer, snap)

    run = len(raw)
    tried = lrs[:run]
    curve = np.asarray(smoothed, dtype=np.float64)
    usable = slice(skip_start, max(skip_start, run - skip_end))
    sel_lrs, sel_losses = tried[usable], curve[usable]
    bad = np.flatnonzero(~np.isfinite(sel_losses))
    if bad.size:
        sel_lrs, sel_losses = sel_lrs[: bad[0]], sel_losses[: bad[0]]
    found = suggest(sel_lrs, sel_losses)
    return LRFindResult(
        lrs=tried,
        losses=np.asarray(raw, dtype=np.float64),
        smoothed=curve,
        stopped_early=stop_reason is not None,
        stop_reason=stop_reason,
        suggestions={k: (None if v is None else v[0]) for k, v in found.items()},
        points={k: (None if v is None else v[1]) for k, v in found.items()},
        skip_start=skip_start,
        skip_end=skip_end,
    )

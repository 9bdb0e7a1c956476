"""Evaluation of a model on one split: mean loss and metric (accuracy by default), in eval mode,
without grads."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from optarena.data import Split, batches


@torch.no_grad()
def evaluate(
    model: nn.Module,
    split: Split,
    *,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    transform: Callable[..., torch.Tensor] | None,
    batch_size: int,
    device: torch.device,
    metric_sum: Callable[[torch.Tensor, torch.Tensor], float] | None = None,
    finish: Callable[[float], float] | None = None,
) -> tuple[float, float]:
    """Example-weighted mean loss and metric over ``split`` (model left in eval mode);
    ``metric_sum(logits, y)`` sums the metric over a batch (default: correct predictions,
    so the metric is accuracy); ``finish`` maps the mean to the reported value (perplexity)."""
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    for xb, yb in batches(
        split, batch_size, seed=0, epoch=0, shuffle=False, transform=transform, train=False
    ):
        xb, yb = xb.to(device), yb.to(device)
        logits = model(xb)
        total_loss += float(loss_fn(logits, yb)) * len(yb)
        if metric_sum is None:
            correct += int((logits.argmax(dim=1) == yb).sum())
        else:
            correct += metric_sum(logits, yb)
        count += len(yb)
    if count == 0:
        raise ValueError("cannot evaluate on an empty split")
    mean = correct / count
    return total_loss / count, finish(mean) if finish is not None else mean

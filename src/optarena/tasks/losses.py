"""Named losses a task can train with (``Task.loss``), each ``(output, target) -> mean``.

``cross_entropy`` takes logits N×K (or N×T×K for sequences) and integer labels; the regression
losses (``mse``, ``mae``, ``huber``) take outputs whose elements match the targets (an N×1 output
against N targets is reshaped); ``bce`` takes logits and 0/1 targets of the same size
(torch.nn.functional semantics throughout).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch.nn import functional as F

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def matched(output: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``output`` reshaped to ``target``'s shape when they hold as many elements (N×1 vs N)."""
    if output.shape != target.shape and output.numel() == target.numel():
        output = output.reshape(target.shape)
    return output, target.to(output.dtype)


def cross_entropy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy against integer labels (sequences: over every position)."""
    if logits.dim() == 3:
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
    return F.cross_entropy(logits, y)


def mse(output: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.mse_loss(*matched(output, y))


def mae(output: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.l1_loss(*matched(output, y))


def huber(output: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.huber_loss(*matched(output, y))


def bce(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(*matched(logits, y))


LOSSES: dict[str, LossFn] = {
    "cross_entropy": cross_entropy,
    "mse": mse,
    "mae": mae,
    "huber": huber,
    "bce": bce,
}


def per_example(output: torch.Tensor, y: torch.Tensor, power: int) -> torch.Tensor:
    """Each example's mean ``|output - y| ** power`` (a 1-D tensor of length N)."""
    output, y = matched(output, y)
    err = (output - y).abs() ** power
    return err.reshape(len(y), -1).mean(dim=1)

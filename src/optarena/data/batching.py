"""Mini-batches by index slicing on tensors; the order depends only on (seed, epoch).

Every trial with the same data seed therefore sees the same batches in the same order, whatever
its optimizer, model or global RNG state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import torch

from optarena.data.split import generator
from optarena.data.types import Split


def batch_order(n: int, *, seed: int, epoch: int) -> torch.Tensor:
    """The permutation of ``range(n)`` for one epoch, from its own generator."""
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    return torch.randperm(n, generator=generator("batch-order", seed, epoch))


def num_batches(n: int, batch_size: int, *, drop_last: bool = False) -> int:
    """How many batches ``batches`` yields for ``n`` examples."""
    return n // batch_size if drop_last else -(-n // batch_size)


def batches(
    split: Split,
    batch_size: int,
    *,
    seed: int,
    epoch: int,
    shuffle: bool = True,
    drop_last: bool = False,
    transform: Callable[..., torch.Tensor] | None = None,
    train: bool = True,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield ``(x, y)`` batches; ``transform(xb, seed=, epoch=, batch_index=, train=)`` if given."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    n = len(split)
    order = batch_order(n, seed=seed, epoch=epoch) if shuffle else None
    for b in range(num_batches(n, batch_size, drop_last=drop_last)):
        lo, hi = b * batch_size, min(n, (b + 1) * batch_size)
        if order is None:
            xb, yb = split.x[lo:hi], split.y[lo:hi]
        else:
            idx = order[lo:hi]
            xb, yb = split.x[idx], split.y[idx]
        if transform is not None:
            xb = transform(xb, seed=seed, epoch=epoch, batch_index=b, train=train)
        yield xb, yb

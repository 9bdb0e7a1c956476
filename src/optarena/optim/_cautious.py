"""The cautious mask, Liang et al. 2024, "Cautious Optimizers: Improving Training with One Line
of Code", arXiv:2411.16085, Algorithm 1 (C-AdamW) and its Lion variant."""

from __future__ import annotations

import torch


def cautious(update: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
    r"""``update`` with the entries whose sign disagrees with ``grad`` zeroed, rescaled::

        φ = 𝟙[u ∘ g > 0];    u ← u ∘ φ · d / (nnz(φ) + 1)       (d = number of entries)

    (in place on ``update``, which is returned).
    """
    mask = (update * grad > 0).to(update.dtype)
    return update.mul_(mask).mul_(mask.numel() / (mask.sum() + 1))

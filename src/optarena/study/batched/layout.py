"""One flat ``[K, P]`` tensor for all of a group's parameters, and its per-tensor segments.

Keeping the K trials' parameters in one contiguous buffer turns an update into a handful of
kernels over ``[k, P]`` instead of a handful per parameter tensor; the models see ``[K, *shape]``
views of it. Per-tensor quantities (LAMB/LARS trust ratios, gradient-norm clipping, per-group
weight decay) are computed per segment and broadcast back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch


class Layout:
    """Where each parameter tensor lives in the flat buffer (same for every trial)."""

    def __init__(self, shapes: Sequence[Sequence[int]], device: torch.device | str = "cpu"):
        self.shapes = [tuple(s) for s in shapes]
        self.sizes = [math.prod(s) for s in self.shapes]
        self.offsets = [sum(self.sizes[:i]) for i in range(len(self.sizes))]
        self.total = sum(self.sizes)
        self.segment = torch.repeat_interleave(
            torch.arange(len(self.sizes), device=device),
            torch.tensor(self.sizes, device=device),
        )

    def flatten(self, tensors: Sequence[torch.Tensor]) -> torch.Tensor:
        """``[K, P]`` from stacked ``[K, *shape]`` tensors (a copy)."""
        return torch.cat([t.reshape(t.shape[0], -1) for t in tensors], dim=1)

    def flatten_into(self, tensors: Sequence[torch.Tensor], out: torch.Tensor) -> torch.Tensor:
        """Copy stacked ``[K, *shape]`` tensors into ``out`` [K, P] (one copy each)."""
        for view, t in zip(self.views(out), tensors, strict=True):
            view.copy_(t)
        return out

    def views(self, flat: torch.Tensor) -> list[torch.Tensor]:
        """``[K, *shape]`` views of ``flat`` (they share its storage and its autograd graph)."""
        k = flat.shape[0]
        return [
            flat[:, o : o + n].view((k, *s))
            for o, n, s in zip(self.offsets, self.sizes, self.shapes, strict=True)
        ]

    def expand(self, per_tensor: torch.Tensor) -> torch.Tensor:
        """``[k, T]`` values per (trial, tensor) -> ``[k, P]`` per element."""
        return per_tensor[:, self.segment]

    def norms(self, x: torch.Tensor) -> torch.Tensor:
        """‖x[i, segment t]‖₂ as ``[k, T]``."""
        squares = torch.zeros(x.shape[0], len(self.sizes), dtype=x.dtype, device=x.device)
        return squares.index_add_(1, self.segment, x * x).sqrt_()

    def norm(self, x: torch.Tensor) -> torch.Tensor:
        """The per-segment norm of ``x`` broadcast back to ``[k, P]``."""
        return self.expand(self.norms(x))

"""Batch transforms on tensors: scaling to [0, 1], random crop with padding, horizontal flip,
and per-channel normalisation with statistics of the training split.

The augmentations follow torchvision's ``RandomCrop(size, padding=p)`` (zero padding, a uniform
offset in ``[0, 2p]`` per image) and ``RandomHorizontalFlip(0.5)``, but act on a whole batch and
draw from a generator seeded by ``(seed, epoch, batch_index)``, so they too are identical for
every optimizer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from optarena.data.split import generator
from optarena.data.types import Split

AUGMENTATIONS = ("crop", "flip")


def channel_stats(x: torch.Tensor, chunk: int = 4096) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-channel mean and (population) std of ``x`` scaled as the transform scales it."""
    scale = 1.0 / 255.0 if x.dtype == torch.uint8 else 1.0
    dims = (0, 2, 3) if x.ndim == 4 else (0,)
    total = torch.zeros(x.shape[1], dtype=torch.float64)
    square = torch.zeros_like(total)
    count = 0
    for start in range(0, x.shape[0], chunk):
        part = x[start : start + chunk].double() * scale
        total += part.sum(dim=dims)
        square += (part * part).sum(dim=dims)
        count += part.numel() // x.shape[1]
    if count == 0:
        raise ValueError("cannot compute normalisation statistics of an empty training split")
    mean = total / count
    std = (square / count - mean * mean).clamp_min(0).sqrt()
    return mean.float(), torch.where(std > 1e-12, std, torch.ones_like(std)).float()


def random_crop(x: torch.Tensor, pad: int, g: torch.Generator) -> torch.Tensor:
    """Zero-pad by ``pad`` and cut a random ``H×W`` window from each image of the batch."""
    b, c, h, w = x.shape
    padded = torch.nn.functional.pad(x, (pad, pad, pad, pad))
    dy = torch.randint(0, 2 * pad + 1, (b,), generator=g)
    dx = torch.randint(0, 2 * pad + 1, (b,), generator=g)
    rows = (dy[:, None] + torch.arange(h))[:, :, None]  # b×h×1
    cols = (dx[:, None] + torch.arange(w))[:, None, :]  # b×1×w
    out = padded[torch.arange(b)[:, None, None], :, rows, cols]  # b×h×w×c
    return out.permute(0, 3, 1, 2).contiguous()


def random_flip(x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """Mirror each image left-right with probability 1/2."""
    flip = torch.rand(x.shape[0], generator=g) < 0.5
    return torch.where(flip[:, None, None, None], x.flip(-1), x)


@dataclass(frozen=True)
class Transform:
    """Maps a raw batch (uint8 images or float features) to a float32 batch."""

    mean: torch.Tensor | None
    std: torch.Tensor | None
    divisor: float  # 255 for uint8 images (as torchvision's ToTensor), else 1
    augment: tuple[str, ...] = ()
    pad: int = 4

    def __call__(
        self, xb: torch.Tensor, *, seed: int, epoch: int, batch_index: int, train: bool = True
    ) -> torch.Tensor:
        x = xb.float() / self.divisor if self.divisor != 1.0 else xb.float()
        if train and self.augment:
            g = generator("augment", seed, epoch, batch_index)
            if "crop" in self.augment:
                x = random_crop(x, self.pad, g)
            if "flip" in self.augment:
                x = random_flip(x, g)
        if self.mean is not None and self.std is not None:
            shape = (1, -1, 1, 1) if x.ndim == 4 else (1, -1)
            x = (x - self.mean.view(shape)) / self.std.view(shape)
        return x


def make_transform(
    train_split: Split, *, normalize: bool = True, augment: Sequence[str] = (), pad: int = 4
) -> Transform:
    """A ``Transform`` whose normalisation statistics come from ``train_split``."""
    augment = tuple(augment)
    if unknown := [a for a in augment if a not in AUGMENTATIONS]:
        raise ValueError(f"unknown augmentation {unknown}; choose from {', '.join(AUGMENTATIONS)}")
    if augment and train_split.x.ndim != 4:
        raise ValueError("crop/flip augmentation needs images (N×C×H×W), not tabular data")
    if pad < 0:
        raise ValueError(f"crop padding must be non-negative, got {pad}")
    divisor = 255.0 if train_split.x.dtype == torch.uint8 else 1.0
    mean, std = channel_stats(train_split.x) if normalize else (None, None)
    return Transform(mean, std, divisor, augment, pad)

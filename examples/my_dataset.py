"""A classifier with its own ``torch.utils.data.Dataset`` and its own loss: two interleaved
spirals, one 2-D point per item, trained with label-smoothed cross-entropy, scored by accuracy
(higher is better).

    optarena compare --task my_dataset:SpiralTask --optimizers sgd,adam --seeds 3
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import Dataset

import optarena


class Spirals(Dataset):
    """``n`` points on two spirals (a fixed generator: the same points every time)."""

    def __init__(self, n: int = 600, noise: float = 0.15) -> None:
        g = torch.Generator().manual_seed(1234)
        t = torch.rand(n, generator=g) * 3 * math.pi
        self.labels = torch.arange(n) % 2
        sign = 1 - 2 * self.labels.float()
        self.points = torch.stack([sign * t * torch.cos(t), sign * t * torch.sin(t)], 1) / 10
        self.points += noise * torch.randn(n, 2, generator=g)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        return self.points[i], int(self.labels[i])


class SpiralTask(optarena.UserTask):
    """The task protocol by subclassing: a model per seed, the data, the loss."""

    def __init__(self, epochs: int = 10) -> None:
        super().__init__(name="spirals", metric="accuracy", epochs=epochs, batch_size=32)

    def make_model(self, seed: int) -> nn.Module:
        return nn.Sequential(nn.Linear(2, 64), nn.Tanh(), nn.Linear(64, 2))

    def make_data(self) -> Dataset:
        return Spirals()

    def loss_fn(self, output: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(output, y, label_smoothing=0.1)

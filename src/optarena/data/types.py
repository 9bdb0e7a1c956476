"""The in-memory containers every data reader produces and every trainer consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch


@dataclass(frozen=True)
class Split:
    """One split as tensors: ``x`` is uint8 N×C×H×W (images) or float32 N×D; ``y`` int64 N
    (labels), or floating targets of any shape (a user task's regression)."""

    x: torch.Tensor
    y: torch.Tensor

    def __post_init__(self) -> None:
        if self.x.shape[0] != self.y.shape[0]:
            raise ValueError(f"x has {self.x.shape[0]} rows but y has {self.y.shape[0]}")
        if self.y.dtype != torch.int64 and not self.y.dtype.is_floating_point:
            raise ValueError(f"labels must be int64 (or floating targets), got {self.y.dtype}")

    def __len__(self) -> int:
        return int(self.y.shape[0])

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.x.shape[1:])


@dataclass(frozen=True)
class Dataset:
    """A named dataset with train / val / test splits and its class names."""

    name: str
    train: Split
    val: Split
    test: Split
    classes: list[str]
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    @property
    def input_shape(self) -> tuple[int, ...]:
        return self.train.input_shape

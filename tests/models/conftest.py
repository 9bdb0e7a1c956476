"""Fixtures for the model-zoo tests: extra arguments some registered models require."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn


class ChannelAgnosticNet(nn.Module):
    """A tiny scriptable backbone: channel mean → conv 4@3×3 → 2×2 average pool → fc → fc."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(2)
        self.fc = nn.Linear(16, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(torch.relu(self.conv(x.mean(dim=1, keepdim=True))))
        return self.fc(x.flatten(1))


@pytest.fixture
def torchscript_weights(tmp_path: Path) -> Path:
    """A TorchScript backbone file that accepts any (C, H, W) image."""
    torch.manual_seed(123)
    path = tmp_path / "backbone.pt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.save(torch.jit.script(ChannelAgnosticNet()), str(path))
    return path


@pytest.fixture
def model_kwargs(torchscript_weights: Path) -> Callable[[str], dict[str, Any]]:
    """Keyword arguments a registered model needs to be built at all (most need none)."""
    required = {"frozen-backbone": {"weights": str(torchscript_weights)}}
    return lambda name: dict(required.get(name, {}))

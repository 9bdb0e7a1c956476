"""CIFAR-style residual networks (He, Zhang, Ren & Sun, CVPR 2016, arXiv:1512.03385).

* ``resnet18`` — the ImageNet ResNet-18 block layout ([2, 2, 2, 2] basic blocks, 64-512
  channels) with the usual CIFAR stem: one 3×3 conv, no initial max-pool; 1×1-conv + BN
  projection shortcuts where the shape changes.
* ``resnet20`` — the paper's CIFAR-10 ResNet (section 4.2): 3×3 conv 16, three stages of
  ``blocks`` (3) basic blocks with 16/32/64 channels, global average pool, fc. Shortcuts are
  option A (parameter-free: stride-2 subsampling and zero-padded channels) as in the paper;
  ``shortcut="B"`` uses 1×1-conv projections instead.

Global average pooling lets both work on any spatial size; convs use He (Kaiming) normal
initialisation, batch-norm scale 1 and shift 0.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from optarena.models.base import image_shape


class _ZeroPadShortcut(nn.Module):
    """Option A: subsample by ``stride`` and pad the new channels with zeros."""

    def __init__(self, extra_channels: int, stride: int) -> None:
        super().__init__()
        self.extra, self.stride = extra_channels, stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x[:, :, :: self.stride, :: self.stride]
        return F.pad(x, (0, 0, 0, 0, self.extra // 2, self.extra - self.extra // 2))


class BasicBlock(nn.Module):
    """Two 3×3 conv-BN layers with a residual connection (ReLU after the sum)."""

    def __init__(self, c_in: int, c_out: int, stride: int, shortcut: str = "B") -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or c_in != c_out:
            if shortcut == "A":
                self.shortcut = _ZeroPadShortcut(c_out - c_in, stride)
            else:
                self.shortcut = nn.Sequential(
                    nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out)
                )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    """Stem conv → stages of basic blocks → global average pool → fc."""

    def __init__(
        self,
        in_channels: int,
        num_classes: int,
        widths: tuple[int, ...],
        blocks: tuple[int, ...],
        shortcut: str,
    ) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, widths[0], 3, padding=1, bias=False),
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(),
        )
        layers: list[nn.Module] = []
        c_in = widths[0]
        for stage, (width, count) in enumerate(zip(widths, blocks, strict=True)):
            for index in range(count):
                stride = 2 if stage > 0 and index == 0 else 1
                layers.append(BasicBlock(c_in, width, stride, shortcut))
                c_in = width
        self.stages = nn.Sequential(*layers)
        self.pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(c_in, num_classes)
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(module, nn.BatchNorm2d):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.pool(self.stages(self.stem(x))))


def _check_shortcut(shortcut: str) -> str:
    if shortcut not in ("A", "B"):
        raise ValueError(
            f"resnet: shortcut must be 'A' (zero-pad) or 'B' (1x1 conv), got {shortcut!r}"
        )
    return shortcut


def resnet18(input_shape: tuple[int, ...], num_classes: int, *, width: int = 64) -> nn.Module:
    """CIFAR-style ResNet-18: 3×3 stem, no max-pool, [2, 2, 2, 2] blocks of width·(1, 2, 4, 8)."""
    channels, _, _ = image_shape("resnet18", input_shape, num_classes)
    if width < 1:
        raise ValueError(f"resnet18: width must be >= 1, got {width}")
    widths = (width, 2 * width, 4 * width, 8 * width)
    return ResNet(channels, num_classes, widths, (2, 2, 2, 2), shortcut="B")


def resnet20(
    input_shape: tuple[int, ...], num_classes: int, *, blocks: int = 3, shortcut: str = "A"
) -> nn.Module:
    """He et al. CIFAR ResNet with 6·blocks+2 layers (20 for ``blocks=3``), widths 16/32/64."""
    channels, _, _ = image_shape("resnet20", input_shape, num_classes)
    if blocks < 1:
        raise ValueError(f"resnet20: blocks must be >= 1, got {blocks}")
    return ResNet(channels, num_classes, (16, 32, 64), (blocks,) * 3, _check_shortcut(shortcut))

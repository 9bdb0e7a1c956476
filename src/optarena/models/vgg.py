"""A narrow VGG-11 (Simonyan & Zisserman 2015, arXiv:1409.1556, configuration "A").

The eight 3×3 conv layers and five max-pools of VGG-11 with every width divided by
``width_div`` (64 → 16 by default), optional batch-norm after each conv (Ioffe & Szegedy 2015),
a global average pool and a small classifier (linear ``hidden`` → ReLU → dropout → linear).
A max-pool is skipped once the feature map is 1×1, so inputs from 8×8 up work.
"""

from __future__ import annotations

from torch import nn

from optarena.models.base import image_shape

# VGG-11 ("A"): numbers are conv output channels, "M" a 2×2 max-pool.
VGG11 = (64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M")


def vgg11_small(
    input_shape: tuple[int, ...],
    num_classes: int,
    *,
    width_div: int = 4,
    batch_norm: bool = True,
    hidden: int = 128,
    dropout: float = 0.5,
) -> nn.Module:
    """VGG-11 layout, widths ÷ ``width_div``, BN optional, small classifier."""
    channels, height, width = image_shape("vgg11-small", input_shape, num_classes)
    if width_div < 1 or hidden < 1 or not 0.0 <= dropout < 1.0:
        raise ValueError(
            "vgg11-small: need width_div >= 1, hidden >= 1 and 0 <= dropout < 1, got "
            f"{width_div}, {hidden}, {dropout}"
        )
    layers: list[nn.Module] = []
    c_in = channels
    for item in VGG11:
        if item == "M":
            if height > 1 or width > 1:
                layers.append(nn.MaxPool2d(2, ceil_mode=True))
                height, width = -(-height // 2), -(-width // 2)
            continue
        c_out = max(int(item) // width_div, 1)
        layers.append(nn.Conv2d(c_in, c_out, 3, padding=1, bias=not batch_norm))
        if batch_norm:
            layers.append(nn.BatchNorm2d(c_out))
        layers.append(nn.ReLU())
        c_in = c_out
    return nn.Sequential(
        *layers,
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(c_in, hidden),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(hidden, num_classes),
    )

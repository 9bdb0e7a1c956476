"""Shape checks and small helpers every model family shares."""

from __future__ import annotations

import torch
from torch import nn


def check_shape(name: str, input_shape: tuple[int, ...], num_classes: int) -> tuple[int, ...]:
    """Validate ``input_shape`` (``(D,)`` or ``(C, H, W)``) and ``num_classes``; return shape."""
    shape = tuple(input_shape)
    if len(shape) not in (1, 3) or not all(isinstance(d, int) and d > 0 for d in shape):
        raise ValueError(
            f"model {name!r}: input_shape must be (D,) or (C, H, W) of positive ints, got {shape}"
        )
    if not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(f"model {name!r}: num_classes must be an int >= 2, got {num_classes!r}")
    return shape


def image_shape(name: str, input_shape: tuple[int, ...], num_classes: int) -> tuple[int, int, int]:
    """Like :func:`check_shape` but the model needs images: a clear error for tabular input."""
    shape = check_shape(name, input_shape, num_classes)
    if len(shape) != 3:
        raise ValueError(
            f"model {name!r} needs image input (C, H, W), got the tabular shape {shape}; "
            "use 'mlp' or 'logreg' for tabular data"
        )
    return shape  # type: ignore[return-value]


def flat_size(name: str, features: nn.Module, input_shape: tuple[int, ...]) -> int:
    """Number of features ``features`` yields for one input (a dry forward on zeros).

    A too-small input (a spatial size shrinking to zero) becomes a ``ValueError``.
    """
    try:
        with torch.no_grad():
            out = features(torch.zeros(1, *input_shape))
    except RuntimeError as exc:
        raise ValueError(f"model {name!r}: input shape {tuple(input_shape)} is too small") from exc
    if out.numel() == 0:
        raise ValueError(f"model {name!r}: input shape {tuple(input_shape)} is too small")
    return int(out[0].numel())


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow ``padding='same'``: total ``max((ceil(n/s)-1)·s + k - n, 0)``, extra at end."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class TFSamePool(nn.Module):
    """Max-pooling with TensorFlow's ``'same'`` padding (padded cells never win: ``-inf``)."""

    def __init__(self, kernel: int, stride: int) -> None:
        super().__init__()
        self.kernel, self.stride = kernel, stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        top, bottom = same_padding(x.shape[-2], self.kernel, self.stride)
        left, right = same_padding(x.shape[-1], self.kernel, self.stride)
        x = nn.functional.pad(x, (left, right, top, bottom), value=float("-inf"))
        return nn.functional.max_pool2d(x, self.kernel, self.stride)

    def extra_repr(self) -> str:
        return f"kernel={self.kernel}, stride={self.stride}, padding='same'"

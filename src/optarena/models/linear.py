"""Models that flatten any input: multinomial logistic regression and a ReLU MLP."""

from __future__ import annotations

import math
from collections.abc import Sequence

from torch import nn

from optarena.models.base import check_shape

_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "gelu": nn.GELU, "sigmoid": nn.Sigmoid}


def logreg(input_shape: tuple[int, ...], num_classes: int) -> nn.Module:
    """Flatten → one linear layer (softmax regression; the loss applies the softmax)."""
    shape = check_shape("logreg", input_shape, num_classes)
    return nn.Sequential(nn.Flatten(), nn.Linear(math.prod(shape), num_classes))


def parse_hidden(hidden: int | str | Sequence[int]) -> tuple[int, ...]:
    """``256``, ``"256,128"`` or ``[256, 128]`` -> ``(256, 128)``; ``()``/``""`` means none."""
    if isinstance(hidden, int):
        sizes: tuple[int, ...] = (hidden,)
    elif isinstance(hidden, str):
        try:
            sizes = tuple(int(part) for part in hidden.replace(" ", "").split(",") if part)
        except ValueError:
            raise ValueError(f"mlp: hidden must be comma-separated ints, got {hidden!r}") from None
    else:
        sizes = tuple(hidden)
    if not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes):
        raise ValueError(f"mlp: hidden sizes must be positive ints, got {hidden!r}")
    return sizes


def mlp(
    input_shape: tuple[int, ...],
    num_classes: int,
    *,
    hidden: int | str | Sequence[int] = (256, 128),
    activation: str = "relu",
    dropout: float = 0.0,
) -> nn.Module:
    """Flatten → [linear → activation (→ dropout)] per hidden size → linear to the classes."""
    shape = check_shape("mlp", input_shape, num_classes)
    if activation not in _ACTIVATIONS:
        known = ", ".join(sorted(_ACTIVATIONS))
        raise ValueError(f"mlp: unknown activation {activation!r} (known: {known})")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"mlp: dropout must be in [0, 1), got {dropout}")
    layers: list[nn.Module] = [nn.Flatten()]
    width = math.prod(shape)
    for size in parse_hidden(hidden):
        layers += [nn.Linear(width, size), _ACTIVATIONS[activation]()]
        if dropout:
            layers.append(nn.Dropout(dropout))
        width = size
    layers.append(nn.Linear(width, num_classes))
    return nn.Sequential(*layers)

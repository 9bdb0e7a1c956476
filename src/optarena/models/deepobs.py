"""DeepOBS test-problem networks (Schneider, Balles & Hennig 2019, arXiv:1903.05499).

Layouts and initialisation follow DeepOBS's ``testproblems_modules`` (``net_mnist_2c2d``,
``net_cifar10_3c3d``), including TensorFlow's ``'same'`` padding for the max-pools. Only the
input channels, spatial size and class count adapt to the data.

Regularisation is the task's business, not the model's: DeepOBS trains ``fmnist_2c2d`` without
any, and ``cifar10_3c3d`` with an L2 penalty of 0.002 on the weights (see the ``cifar10-3c3d``
task's ``l2``).
"""

from __future__ import annotations

from torch import nn

from optarena.models.base import TFSamePool, flat_size, image_shape


def _trunc_normal(module: nn.Conv2d | nn.Linear, std: float, bias: float) -> None:
    """TensorFlow's ``truncated_normal(stddev=std)``: redraws beyond two standard deviations."""
    nn.init.trunc_normal_(module.weight, mean=0.0, std=std, a=-2 * std, b=2 * std)
    nn.init.constant_(module.bias, bias)


def two_c_two_d(input_shape: tuple[int, ...], num_classes: int) -> nn.Module:
    """DeepOBS ``2c2d``: conv 32@5×5 same → ReLU → max-pool 2/2 same → conv 64@5×5 same → ReLU →
    max-pool 2/2 same → fc 1024 → ReLU → fc classes.

    Weights ~ truncated normal (std 0.05), biases 0.05 (DeepOBS ``net_mnist_2c2d``).
    """
    channels, _, _ = image_shape("2c2d", input_shape, num_classes)
    features = nn.Sequential(
        nn.Conv2d(channels, 32, 5, padding=2),
        nn.ReLU(),
        TFSamePool(2, 2),
        nn.Conv2d(32, 64, 5, padding=2),
        nn.ReLU(),
        TFSamePool(2, 2),
        nn.Flatten(),
    )
    width = flat_size("2c2d", features, input_shape)
    model = nn.Sequential(
        *features, nn.Linear(width, 1024), nn.ReLU(), nn.Linear(1024, num_classes)
    )
    for module in model.modules():
        if isinstance(module, nn.Conv2d | nn.Linear):
            _trunc_normal(module, std=0.05, bias=0.05)
    return model


def three_c_three_d(input_shape: tuple[int, ...], num_classes: int) -> nn.Module:
    """DeepOBS ``3c3d``: conv 64@5×5 valid → ReLU → max-pool 3/2 same → conv 96@3×3 valid → ReLU →
    max-pool 3/2 same → conv 128@3×3 same → ReLU → max-pool 3/2 same → fc 512 → fc 256 → fc
    classes (ReLU between).

    Conv weights Glorot/Xavier normal, dense weights Glorot uniform, all biases 0
    (DeepOBS ``net_cifar10_3c3d``). DeepOBS adds L2 0.002 on the weights: the task's ``l2``.
    """
    channels, _, _ = image_shape("3c3d", input_shape, num_classes)
    features = nn.Sequential(
        nn.Conv2d(channels, 64, 5),
        nn.ReLU(),
        TFSamePool(3, 2),
        nn.Conv2d(64, 96, 3),
        nn.ReLU(),
        TFSamePool(3, 2),
        nn.Conv2d(96, 128, 3, padding=1),
        nn.ReLU(),
        TFSamePool(3, 2),
        nn.Flatten(),
    )
    width = flat_size("3c3d", features, input_shape)
    model = nn.Sequential(
        *features,
        nn.Linear(width, 512),
        nn.ReLU(),
        nn.Linear(512, 256),
        nn.ReLU(),
        nn.Linear(256, num_classes),
    )
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.xavier_normal_(module.weight)
            nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Linear):
            nn.init.xavier_uniform_(module.weight)
            nn.init.zeros_(module.bias)
    return model

"""The small CNNs of the framework tutorials this tool replaces.

* ``mnist-cnn`` — the PaddlePaddle 2.x MNIST tutorial network (“手写数字识别”): conv 20@5×5 pad 2 →
  ReLU → max-pool 2 → conv 20@5×5 pad 2 → ReLU → max-pool 2 → linear to the classes.
* ``cifar-cnn`` — the CIFAR-10 tutorial network: conv 32@5×5 → pool → conv 32@5×5 → pool →
  conv 64@5×5 → pool → linear 64 → linear to the classes, ReLU after every hidden layer. Padding
  2 keeps each conv "same", so 32×32 inputs end at 64·4·4 features and any size ≥ 8 works.
"""

from __future__ import annotations

from torch import nn

from optarena.models.base import flat_size, image_shape


def _conv_block(c_in: int, c_out: int) -> list[nn.Module]:
    return [nn.Conv2d(c_in, c_out, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2)]


def mnist_cnn(input_shape: tuple[int, ...], num_classes: int) -> nn.Module:
    """PaddlePaddle MNIST tutorial CNN (20 filters per conv, one linear layer)."""
    channels, _, _ = image_shape("mnist-cnn", input_shape, num_classes)
    features = nn.Sequential(*_conv_block(channels, 20), *_conv_block(20, 20), nn.Flatten())
    width = flat_size("mnist-cnn", features, input_shape)
    return nn.Sequential(*features, nn.Linear(width, num_classes))


def cifar_cnn(input_shape: tuple[int, ...], num_classes: int) -> nn.Module:
    """CIFAR-10 tutorial CNN: three 5×5 conv + pool blocks (32, 32, 64), linear 64, linear."""
    channels, _, _ = image_shape("cifar-cnn", input_shape, num_classes)
    blocks = _conv_block(channels, 32) + _conv_block(32, 32) + _conv_block(32, 64)
    features = nn.Sequential(*blocks, nn.Flatten())
    width = flat_size("cifar-cnn", features, input_shape)
    return nn.Sequential(*features, nn.Linear(width, 64), nn.ReLU(), nn.Linear(64, num_classes))

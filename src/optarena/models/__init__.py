"""The model zoo: ``create(name, input_shape, num_classes, **kwargs) -> nn.Module``.

Every model adapts to the data's channels, spatial size and class count and is built with
PyTorch's global RNG, so ``torch.manual_seed`` before :func:`create` fixes its initial weights.
A ``package.module:factory`` path names a user's own factory with the same signature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from torch import nn

from optarena.imports import is_object_path, load_object
from optarena.models.backbone import frozen_backbone
from optarena.models.deepobs import three_c_three_d, two_c_two_d
from optarena.models.linear import logreg, mlp
from optarena.models.resnet import resnet18, resnet20
from optarena.models.transformer import char_transformer
from optarena.models.tutorial_cnns import cifar_cnn, mnist_cnn
from optarena.models.vgg import vgg11_small
from optarena.registry import Registry

Factory = Callable[..., nn.Module]


@dataclass(frozen=True)
class ModelSpec:
    """A registered model: its factory, the inputs it takes and where it comes from."""

    name: str
    factory: Factory
    inputs: str = "images"  # "images" (C, H, W) or "any" (also tabular (D,))
    reference: str = ""
    description: str = ""


_REGISTRY: Registry[ModelSpec] = Registry("model")


def register(
    name: str,
    factory: Factory,
    *,
    inputs: str = "images",
    reference: str = "",
    description: str = "",
    overwrite: bool = False,
) -> ModelSpec:
    """Add ``factory(input_shape, num_classes, **kwargs) -> nn.Module`` under ``name``."""
    if inputs not in ("images", "any", "tokens"):
        raise ValueError(f"inputs must be 'images', 'any' or 'tokens', got {inputs!r}")
    doc = (factory.__doc__ or "").strip().splitlines()
    spec = ModelSpec(name, factory, inputs, reference, description or (doc[0] if doc else ""))
    return _REGISTRY.add(name, spec, overwrite=overwrite)


def names() -> list[str]:
    return _REGISTRY.names()


def spec(name: str) -> ModelSpec:
    return _REGISTRY.get(name)


def catalog() -> list[dict[str, str]]:
    return [
        {"name": s.name, "inputs": s.inputs, "description": s.description, "reference": s.reference}
        for s in map(_REGISTRY.get, _REGISTRY.names())
    ]


def create(name: str, input_shape: tuple[int, ...], num_classes: int, **kwargs: Any) -> nn.Module:
    """Build model ``name`` for inputs of ``input_shape`` (``(C, H, W)`` or ``(D,)``)."""
    factory = load_object(name) if is_object_path(name) else _REGISTRY.get(name).factory
    try:
        return factory(tuple(input_shape), num_classes, **kwargs)
    except TypeError as exc:
        if "keyword argument" in str(exc):
            raise ValueError(f"model {name!r}: {exc}") from exc
        raise


register("logreg", logreg, inputs="any", reference="softmax regression")
register("mlp", mlp, inputs="any", description="Flatten → ReLU MLP (hidden=(256, 128)) → classes")
register("mnist-cnn", mnist_cnn, reference="PaddlePaddle 2.x MNIST tutorial")
register("cifar-cnn", cifar_cnn, reference="CIFAR-10 CNN tutorial")
register(
    "2c2d",
    two_c_two_d,
    reference="DeepOBS fmnist_2c2d, arXiv:1903.05499",
    description="conv 32@5 → pool → conv 64@5 → pool → fc 1024 → classes (DeepOBS init)",
)
register(
    "3c3d",
    three_c_three_d,
    reference="DeepOBS cifar10_3c3d, arXiv:1903.05499",
    description="conv 64@5, 96@3, 128@3 with 3/2 max-pools → fc 512 → fc 256 → classes",
)
register("resnet18", resnet18, reference="He et al. 2016 (CIFAR-style stem)")
register("resnet20", resnet20, reference="He et al. 2016, section 4.2 (option-A shortcuts)")
register("vgg11-small", vgg11_small, reference="Simonyan & Zisserman 2015, config A")
register(
    "frozen-backbone",
    frozen_backbone,
    reference="Keras transfer-learning tutorial",
    description="Frozen backbone from a local weights file + trained head (weights=PATH)",
)
register(
    "char-transformer",
    char_transformer,
    inputs="tokens",
    reference="nanoGPT (Karpathy 2022); Radford et al. 2019",
    description="causal transformer LM over tokens (width 64, depth 2, 4 heads)",
)

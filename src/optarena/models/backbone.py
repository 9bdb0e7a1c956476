"""Transfer learning: a frozen backbone from a local weights file and a small trained head.

As in the Keras transfer-learning tutorial (VGG16 features, then dense → batch-norm → dropout →
dense), only the head learns. Because the backbone never changes, its features are computed once
per split (eval mode, no autograd) by :func:`extract_features` and cached in memory and on disk,
keyed by the weights file's SHA-256, the preprocessing and the data's fingerprint — so comparing
many optimizers on the head costs one backbone pass in total.

Weights are either a TorchScript archive (``torch.jit.save``; no ``arch`` needed) or a
``state_dict`` for a registered architecture (``arch="resnet20"``...), loaded with
``torch.load(weights_only=True)``; the architecture's final linear layer is dropped.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from optarena.data.types import Split

HEADS = ("dense-bn-dropout-dense", "linear")
_MEMORY: OrderedDict[str, Split] = OrderedDict()
_MEMORY_SIZE = 8


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def split_fingerprint(split: Split) -> str:
    """SHA-256 of a split's shapes, dtypes and bytes (what the backbone would see)."""
    digest = hashlib.sha256()
    for tensor in (split.x, split.y):
        tensor = tensor.detach().cpu().contiguous()
        digest.update(f"{tuple(tensor.shape)}{tensor.dtype}".encode())
        digest.update(memoryview(tensor.numpy()).cast("B"))
    return digest.hexdigest()


class FrozenBackbone(nn.Module):
    """A feature extractor whose parameters never train; it stays in eval mode.

    Inputs may be raw uint8 images (scaled to [0, 1]) or floats; ``mean``/``std`` (per
    channel) are applied next, as the backbone's training did. Output: float32 N×D.
    """

    def __init__(
        self,
        module: nn.Module,
        *,
        fingerprint: str,
        mean: Sequence[float] | None = None,
        std: Sequence[float] | None = None,
    ) -> None:
        super().__init__()
        self.module = module
        for param in self.module.parameters():
            param.requires_grad_(False)
        self.fingerprint = fingerprint
        self.mean = None if mean is None else torch.tensor(mean, dtype=torch.float32)
        self.std = None if std is None else torch.tensor(std, dtype=torch.float32)
        self.module.eval()

    def train(self, mode: bool = True) -> FrozenBackbone:
        super().train(mode)
        self.module.eval()  # batch-norm statistics and dropout stay frozen too
        return self

    def preprocess(self, x: torch.Tensor) -> torch.Tensor:
        x = x.float() / 255.0 if x.dtype == torch.uint8 else x.float()
        if self.mean is not None and x.dim() == 4:
            x = x - self.mean.view(1, -1, 1, 1)
        if self.std is not None and x.dim() == 4:
            x = x / self.std.view(1, -1, 1, 1)
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return self.module(self.preprocess(x)).flatten(1).float()


def _drop_classifier(model: nn.Module) -> str:
    """Replace the last ``nn.Linear`` by ``nn.Identity``; return its qualified name."""
    linears = [name for name, mod in model.named_modules() if isinstance(mod, nn.Linear)]
    if not linears:
        raise ValueError("the backbone architecture has no final linear layer to drop")
    parent_name, _, child = linears[-1].rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    parent._modules[child] = nn.Identity()
    return linears[-1]


def load_backbone(
    weights: str | Path,
    *,
    arch: str | None = None,
    input_shape: tuple[int, ...] | None = None,
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
    **arch_kwargs: Any,
) -> FrozenBackbone:
    """Load a frozen backbone from ``weights`` (TorchScript, or a ``state_dict`` for ``arch``)."""
    path = Path(weights).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"backbone weights file {str(path)!r} does not exist")
    if arch is None:
        try:
            with warnings.catch_warnings():  # torch >= 2.9 marks TorchScript as deprecated
                warnings.simplefilter("ignore", DeprecationWarning)
                module: nn.Module = torch.jit.load(str(path), map_location="cpu")
        except (RuntimeError, ValueError) as exc:
            raise ValueError(
                f"{str(path)!r} is not a TorchScript archive; for a state_dict name its "
                "architecture (arch=...)"
            ) from exc
    else:
        from optarena.models import create

        if input_shape is None:
            raise ValueError("a state_dict backbone needs the input_shape it was trained on")
        module = create(arch, input_shape, 2, **arch_kwargs)
        dropped = _drop_classifier(module)
        state = torch.load(path, map_location="cpu", weights_only=True)
        if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
            state = state["state_dict"]
        if not isinstance(state, dict):
            raise ValueError(f"{str(path)!r} holds no state_dict (got {type(state).__name__})")
        state = {
            k: v for k, v in state.items() if k not in (f"{dropped}.weight", f"{dropped}.bias")
        }
        try:
            module.load_state_dict(state, strict=True)
        except RuntimeError as exc:
            raise ValueError(f"weights in {str(path)!r} do not fit {arch!r}: {exc}") from exc
    settings = {"arch": arch, "kwargs": arch_kwargs, "shape": input_shape, "mean": mean, "std": std}
    tag = json.dumps(settings, sort_keys=True, default=str)
    fingerprint = hashlib.sha256(f"{file_sha256(path)}|{tag}".encode()).hexdigest()
    return FrozenBackbone(module, fingerprint=fingerprint, mean=mean, std=std)


def default_cache_dir() -> Path:
    from optarena.data.cache import cache_root

    return cache_root() / "features"


def extract_features(
    backbone: FrozenBackbone,
    split: Split,
    batch_size: int = 256,
    *,
    cache_dir: str | Path | None = None,
    disk_cache: bool = True,
) -> Split:
    """The backbone's float32 N×D features of ``split`` (labels kept), computed once and cached.

    The cache key is ``sha256(backbone fingerprint | split fingerprint)``; a hit in memory or in
    ``cache_dir`` (default ``$OPTARENA_CACHE/features`` or ``~/.cache/optarena/features``)
    skips the backbone entirely.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    key = hashlib.sha256(f"{backbone.fingerprint}|{split_fingerprint(split)}".encode()).hexdigest()
    if key in _MEMORY:
        _MEMORY.move_to_end(key)
        return _MEMORY[key]
    file = Path(cache_dir or default_cache_dir()) / f"{key[:40]}.pt"
    features: Split | None = None
    if disk_cache and file.is_file():
        try:
            stored = torch.load(file, map_location="cpu", weights_only=True)
            features = Split(stored["x"], stored["y"])
        except (RuntimeError, KeyError, ValueError, EOFError):
            features = None  # a torn or foreign file: recompute and overwrite
    if features is None:
        backbone.eval()
        with torch.no_grad():
            chunks = [
                backbone(split.x[i : i + batch_size]) for i in range(0, len(split), batch_size)
            ]
        x = torch.cat(chunks) if chunks else torch.zeros(0, 0)
        features = Split(x.float().contiguous(), split.y.clone())
        if disk_cache:
            file.parent.mkdir(parents=True, exist_ok=True)
            from optarena.atomic import torch_save

            torch_save({"x": features.x, "y": features.y}, file)
    _MEMORY[key] = features
    while len(_MEMORY) > _MEMORY_SIZE:
        _MEMORY.popitem(last=False)
    return features


def head(
    input_dim: int,
    num_classes: int,
    *,
    head: str = "dense-bn-dropout-dense",
    hidden: int = 256,
    dropout: float = 0.5,
) -> nn.Module:
    """The trained head: ``"dense-bn-dropout-dense"`` (Keras transfer tutorial: dense ``hidden``
    + ReLU → batch-norm → dropout → dense classes) or ``"linear"``."""
    if head not in HEADS:
        raise ValueError(f"unknown head {head!r} (known: {', '.join(HEADS)})")
    if input_dim < 1 or num_classes < 2 or hidden < 1 or not 0.0 <= dropout < 1.0:
        raise ValueError(
            f"head: need input_dim >= 1, num_classes >= 2, hidden >= 1, 0 <= dropout < 1; got "
            f"{input_dim}, {num_classes}, {hidden}, {dropout}"
        )
    if head == "linear":
        return nn.Linear(input_dim, num_classes)
    return nn.Sequential(
        nn.Linear(input_dim, hidden),
        nn.ReLU(),
        nn.BatchNorm1d(hidden),
        nn.Dropout(dropout),
        nn.Linear(hidden, num_classes),
    )


_head_factory = head  # ``frozen_backbone`` has a ``head`` argument that shadows the factory


class BackboneClassifier(nn.Module):
    """``head(backbone(x))`` end to end; only the head has trainable parameters."""

    def __init__(self, backbone: FrozenBackbone, head_module: nn.Module) -> None:
        super().__init__()
        self.backbone, self.head = backbone, head_module

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.backbone(x))


def frozen_backbone(
    input_shape: tuple[int, ...],
    num_classes: int,
    *,
    weights: str | Path | None = None,
    arch: str | None = None,
    backbone_kwargs: dict[str, Any] | None = None,
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
    head: str = "dense-bn-dropout-dense",
    hidden: int = 256,
    dropout: float = 0.5,
) -> BackboneClassifier:
    """Model-zoo entry ``frozen-backbone``: frozen backbone from ``weights`` + a fresh head."""
    from optarena.models.base import check_shape

    shape = check_shape("frozen-backbone", input_shape, num_classes)
    if weights is None:
        raise ValueError("model 'frozen-backbone' needs weights=PATH (TorchScript or state_dict)")
    backbone = load_backbone(
        weights, arch=arch, input_shape=shape, mean=mean, std=std, **(backbone_kwargs or {})
    )
    try:
        with torch.no_grad():
            dim = backbone(torch.zeros(1, *shape)).shape[1]
    except RuntimeError as exc:
        raise ValueError(f"backbone {str(weights)!r} cannot take inputs of shape {shape}") from exc
    head_module = _head_factory(dim, num_classes, head=head, hidden=hidden, dropout=dropout)
    return BackboneClassifier(backbone, head_module)

"""frozen-backbone: weights from a local file, frozen parameters, features computed once."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from optarena import models
from optarena.data.types import Split
from optarena.models import backbone as bb


@pytest.fixture
def images() -> Split:
    gen = torch.Generator().manual_seed(0)
    x = torch.randint(0, 256, (10, 1, 8, 8), dtype=torch.uint8, generator=gen)
    return Split(x, torch.arange(10) % 3)


@pytest.fixture(autouse=True)
def empty_memory_cache():
    bb._MEMORY.clear()
    yield
    bb._MEMORY.clear()


def count_forwards(module: nn.Module) -> list[int]:
    calls = [0]
    module.register_forward_hook(lambda *_: calls.__setitem__(0, calls[0] + 1))
    return calls


def test_state_dict_backbone_loads_with_weights_only_and_drops_the_classifier(
    tmp_path, monkeypatch
):
    torch.manual_seed(1)
    source = models.create("mnist-cnn", (1, 8, 8), 4)
    path = tmp_path / "mnist_cnn.pt"
    torch.save(source.state_dict(), path)
    seen = []
    real_load = torch.load

    def spy(*args, **kwargs):
        seen.append(kwargs.get("weights_only"))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    backbone = bb.load_backbone(path, arch="mnist-cnn", input_shape=(1, 8, 8))
    assert seen == [True]
    x = torch.randn(3, 1, 8, 8)
    expected = source[:-1](x)  # everything but the final linear layer: 20·2·2 features
    assert torch.allclose(backbone(x), expected.flatten(1), atol=1e-6)
    assert all(not p.requires_grad for p in backbone.parameters())


def test_weights_that_do_not_fit_and_missing_files_are_clear_errors(tmp_path):
    path = tmp_path / "cnn.pt"
    torch.save(models.create("cifar-cnn", (3, 8, 8), 4).state_dict(), path)
    with pytest.raises(ValueError, match="do not fit"):
        bb.load_backbone(path, arch="mnist-cnn", input_shape=(3, 8, 8))
    with pytest.raises(ValueError, match="not a TorchScript"):
        bb.load_backbone(path)  # a state_dict without its architecture
    with pytest.raises(FileNotFoundError):
        bb.load_backbone(tmp_path / "nope.pt", arch="mnist-cnn", input_shape=(1, 8, 8))
    with pytest.raises(ValueError, match="weights=PATH"):
        models.create("frozen-backbone", (1, 8, 8), 3)


def test_backbone_stays_frozen_while_the_head_trains(tmp_path):
    torch.manual_seed(2)
    path = tmp_path / "vgg.pt"
    arch_kwargs = {"width_div": 16, "hidden": 4}  # a backbone with batch-norm statistics
    torch.save(models.create("vgg11-small", (1, 8, 8), 5, **arch_kwargs).state_dict(), path)
    model = models.create(
        "frozen-backbone",
        (1, 8, 8),
        3,
        weights=str(path),
        arch="vgg11-small",
        backbone_kwargs=arch_kwargs,
        hidden=8,
    )
    before = {k: v.clone() for k, v in model.backbone.state_dict().items()}  # incl. BN stats
    head_before = [p.clone() for p in model.head.parameters()]
    trainable = [p for p in model.parameters() if p.requires_grad]
    assert {id(p) for p in trainable} == {id(p) for p in model.head.parameters()}
    opt = torch.optim.SGD(trainable, lr=0.1)
    model.train()
    assert not model.backbone.module.training and model.head.training
    for _ in range(3):
        opt.zero_grad()
        nn.functional.cross_entropy(model(torch.randn(6, 1, 8, 8)), torch.arange(6) % 3).backward()
        opt.step()
    for key, value in model.backbone.state_dict().items():
        assert torch.equal(value, before[key]), key
    assert any(
        not torch.equal(a, b) for a, b in zip(head_before, model.head.parameters(), strict=True)
    )


def test_features_are_computed_once_and_cached_in_memory_and_on_disk(
    torchscript_weights, images, tmp_path
):
    backbone = bb.load_backbone(torchscript_weights)
    calls = count_forwards(backbone)
    first = bb.extract_features(backbone, images, batch_size=4, cache_dir=tmp_path)
    assert calls[0] == 3  # ceil(10 / 4) batches
    assert first.x.dtype == torch.float32 and first.x.shape == (10, 5)
    assert torch.equal(first.y, images.y)
    assert torch.allclose(first.x, backbone.module(images.x.float() / 255))  # uint8 -> [0, 1]
    again = bb.extract_features(backbone, images, batch_size=4, cache_dir=tmp_path)
    assert calls[0] == 3 and again is first  # memory hit
    bb._MEMORY.clear()
    from_disk = bb.extract_features(backbone, images, batch_size=4, cache_dir=tmp_path)
    assert calls[0] == 3 and torch.equal(from_disk.x, first.x)  # disk hit
    other = Split(images.x.flip(0), images.y.flip(0))
    bb.extract_features(backbone, other, batch_size=4, cache_dir=tmp_path)
    assert calls[0] == 6  # different data, different key


def test_preprocessing_is_part_of_the_cache_key(torchscript_weights, images, tmp_path):
    plain = bb.load_backbone(torchscript_weights)
    centred = bb.load_backbone(torchscript_weights, mean=[0.5], std=[0.25])
    assert plain.fingerprint != centred.fingerprint
    a = bb.extract_features(plain, images, cache_dir=tmp_path)
    b = bb.extract_features(centred, images, cache_dir=tmp_path)
    scaled = (images.x.float() / 255 - 0.5) / 0.25
    assert torch.allclose(b.x, plain.module(scaled).flatten(1))
    assert not torch.equal(a.x, b.x)


def test_heads():
    dense = bb.head(12, 4, hidden=8, dropout=0.25)
    kinds = [type(m) for m in dense]
    assert kinds == [nn.Linear, nn.ReLU, nn.BatchNorm1d, nn.Dropout, nn.Linear]
    assert dense[3].p == 0.25 and dense(torch.randn(5, 12)).shape == (5, 4)
    assert isinstance(bb.head(12, 4, head="linear"), nn.Linear)
    with pytest.raises(ValueError, match="unknown head"):
        bb.head(12, 4, head="mlp")

"""Every registered model adapts to the data's shape, trains, and is seeded."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from optarena import models
from optarena.models.base import TFSamePool, same_padding
from optarena.models.linear import parse_hidden

IMAGE_SHAPES = [((1, 28, 28), 10), ((3, 32, 32), 7), ((3, 20, 24), 3)]
# classifiers of images or features; token models (language models) have their own test below
CLASSIFIERS = [n for n in models.names() if models.spec(n).inputs != "tokens"]
TOKEN_MODELS = [n for n in models.names() if models.spec(n).inputs == "tokens"]


def n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("name", CLASSIFIERS)
@pytest.mark.parametrize(("shape", "classes"), IMAGE_SHAPES)
def test_every_model_builds_runs_and_backprops(name, shape, classes, model_kwargs):
    torch.manual_seed(0)
    model = models.create(name, shape, classes, **model_kwargs(name))
    x = torch.randn(4, *shape)
    logits = model(x)
    assert logits.shape == (4, classes)
    nn.functional.cross_entropy(logits, torch.tensor([0, 1, 2, 0]) % classes).backward()
    trainable = [p for p in model.parameters() if p.requires_grad]
    assert trainable
    for p in trainable:
        assert p.grad is not None and torch.isfinite(p.grad).all()


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_tabular_input_works_or_is_a_clear_error(name, model_kwargs):
    if models.spec(name).inputs == "any":
        assert models.create(name, (64,), 10, **model_kwargs(name))(torch.randn(3, 64)).shape == (
            3,
            10,
        )
    else:
        with pytest.raises(ValueError, match=r"\(C, H, W\)|cannot take"):
            models.create(name, (64,), 10, **model_kwargs(name))


@pytest.mark.parametrize("name", models.names())
def test_initialisation_is_deterministic_under_manual_seed(name, model_kwargs):
    shape = (16,) if name in TOKEN_MODELS else (3, 16, 16)
    states = []
    for _ in range(2):
        torch.manual_seed(7)
        states.append(models.create(name, shape, 5, **model_kwargs(name)).state_dict())
    assert states[0].keys() == states[1].keys()
    for key in states[0]:
        assert torch.equal(states[0][key], states[1][key]), key


@pytest.mark.parametrize("name", TOKEN_MODELS)
def test_token_models_predict_the_next_token_at_every_position(name, model_kwargs):
    torch.manual_seed(0)
    model = models.create(name, (12,), 50, **model_kwargs(name))
    x = torch.randint(0, 50, (3, 12))
    logits = model(x)
    assert logits.shape == (3, 12, 50)
    nn.functional.cross_entropy(logits.reshape(-1, 50), x.reshape(-1)).backward()
    assert all(p.grad is not None for p in model.parameters() if p.requires_grad)
    with pytest.raises(ValueError, match="token sequences"):
        models.create(name, (3, 16, 16), 50, **model_kwargs(name))


@pytest.mark.parametrize("bad", [(), (3, 32), (0, 28, 28), (1, 28, 28, 1)])
def test_bad_input_shapes_are_rejected(bad):
    with pytest.raises(ValueError, match="input_shape"):
        models.create("mlp", bad, 10)


def test_bad_class_count_and_too_small_images_are_clear_errors():
    with pytest.raises(ValueError, match="num_classes"):
        models.create("logreg", (4,), 1)
    with pytest.raises(ValueError, match="too small"):
        models.create("3c3d", (3, 8, 8), 10)  # 8 -5+1=4 -> pool 2 -> 3x3 valid conv -> 0


def test_unknown_model_suggests_close_names():
    with pytest.raises(ValueError, match="did you mean 'resnet20'"):
        models.create("resnet-20", (3, 32, 32), 10)
    with pytest.raises(ValueError, match="unexpected keyword"):
        models.create("logreg", (4,), 3, hidden=3)


def test_object_path_names_a_user_factory():
    model = models.create("optarena.models.linear:logreg", (5,), 3)
    assert n_params(model) == 5 * 3 + 3


# Parameter counts on the canonical shapes, from the layer shapes:
# conv = out·in·k·k + out, linear = out·in + out.
def test_mnist_cnn_parameter_count():
    conv1 = 20 * 1 * 5 * 5 + 20  # 520
    conv2 = 20 * 20 * 5 * 5 + 20  # 10,020
    fc = 10 * (20 * 7 * 7) + 10  # 28 -> 14 -> 7 after two 2x2 pools: 9,810
    assert n_params(models.create("mnist-cnn", (1, 28, 28), 10)) == conv1 + conv2 + fc == 20350


def test_cifar_cnn_parameter_count():
    conv1 = 32 * 3 * 25 + 32
    conv2 = 32 * 32 * 25 + 32
    conv3 = 64 * 32 * 25 + 32 * 2
    fc1 = 64 * (64 * 4 * 4) + 64  # 32 -> 16 -> 8 -> 4 ("same" convs, three pools)
    fc2 = 10 * 64 + 10
    total = conv1 + conv2 + conv3 + fc1 + fc2
    assert n_params(models.create("cifar-cnn", (3, 32, 32), 10)) == total == 145578


def test_2c2d_parameter_count_matches_deepobs():
    conv1 = 32 * 1 * 25 + 32
    conv2 = 64 * 32 * 25 + 64
    fc1 = 1024 * (64 * 7 * 7) + 1024  # 28 -> 14 -> 7 ("same" pools)
    fc2 = 10 * 1024 + 10
    total = conv1 + conv2 + fc1 + fc2
    assert n_params(models.create("2c2d", (1, 28, 28), 10)) == total == 3274634


def test_3c3d_parameter_count_matches_deepobs():
    conv1 = 64 * 3 * 25 + 64  # 32 -> 28 (valid) -> 14 (pool 3/2 same)
    conv2 = 96 * 64 * 9 + 96  # 14 -> 12 (valid) -> 6
    conv3 = 128 * 96 * 9 + 128  # 6 -> 6 (same) -> 3
    fc1 = 512 * (128 * 3 * 3) + 512
    fc2 = 256 * 512 + 256
    fc3 = 10 * 256 + 10
    total = conv1 + conv2 + conv3 + fc1 + fc2 + fc3
    assert n_params(models.create("3c3d", (3, 32, 32), 10)) == total == 895210


def test_resnet20_parameter_count_with_option_a_shortcuts():
    conv = lambda c_in, c_out: c_in * c_out * 9  # noqa: E731  (bias-free 3x3 convs)
    bn = lambda c: 2 * c  # noqa: E731
    stem = conv(3, 16) + bn(16)
    stage1 = 3 * (2 * conv(16, 16) + 2 * bn(16))
    stage2 = conv(16, 32) + conv(32, 32) + 2 * bn(32) + 2 * (2 * conv(32, 32) + 2 * bn(32))
    stage3 = conv(32, 64) + conv(64, 64) + 2 * bn(64) + 2 * (2 * conv(64, 64) + 2 * bn(64))
    fc = 64 * 10 + 10
    total = stem + stage1 + stage2 + stage3 + fc
    assert n_params(models.create("resnet20", (3, 32, 32), 10)) == total == 269722
    with_projection = models.create("resnet20", (3, 32, 32), 10, shortcut="B")
    assert n_params(with_projection) == total + 16 * 32 + bn(32) + 32 * 64 + bn(64)


def test_option_a_shortcut_subsamples_and_zero_pads():
    block = models.resnet.BasicBlock(2, 4, stride=2, shortcut="A")
    x = torch.arange(2 * 4 * 4, dtype=torch.float32).reshape(1, 2, 4, 4)
    out = block.shortcut(x)
    assert out.shape == (1, 4, 2, 2)
    assert torch.equal(out[0, 1:3], x[0, :, ::2, ::2])
    assert out[0, 0].abs().sum() == 0 and out[0, 3].abs().sum() == 0


def test_resnet18_is_cifar_style():
    model = models.create("resnet18", (3, 32, 32), 10)
    assert model.stem[0].kernel_size == (3, 3) and model.stem[0].stride == (1, 1)
    assert not any(isinstance(m, nn.MaxPool2d) for m in model.modules())
    assert len(model.stages) == 8 and model.fc.in_features == 512


def test_2c2d_uses_deepobs_truncated_normal_init():
    torch.manual_seed(0)
    model = models.create("2c2d", (1, 28, 28), 10)
    std = 0.05
    # Variance of a normal truncated at ±2σ: σ²(1 - 2·2·φ(2) / (2Φ(2) - 1)).
    phi2 = math.exp(-2.0) / math.sqrt(2 * math.pi)
    big_phi2 = 0.5 * (1 + math.erf(2 / math.sqrt(2)))
    expected_std = std * math.sqrt(1 - 4 * phi2 / (2 * big_phi2 - 1))
    fc1 = model[7]
    assert fc1.weight.abs().max() <= 2 * std
    assert float(fc1.weight.detach().double().std()) == pytest.approx(expected_std, rel=0.01)
    for m in model.modules():
        if isinstance(m, nn.Conv2d | nn.Linear):
            assert torch.all(m.bias == 0.05)


def test_3c3d_uses_glorot_init_and_zero_biases():
    torch.manual_seed(0)
    model = models.create("3c3d", (3, 32, 32), 10)
    fc1 = model[10]
    limit = math.sqrt(6 / (fc1.in_features + fc1.out_features))
    assert fc1.weight.abs().max() <= limit
    assert float(fc1.weight.detach().double().std()) == pytest.approx(
        limit / math.sqrt(3), rel=0.02
    )
    conv2 = model[3]  # fan_in 64·9, fan_out 96·9
    assert float(conv2.weight.detach().double().std()) == pytest.approx(
        math.sqrt(2 / (64 * 9 + 96 * 9)), rel=0.03
    )
    assert all(torch.all(m.bias == 0) for m in model.modules() if hasattr(m, "bias"))


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "expected"),
    [
        (28, 2, 2, (0, 0)),
        (7, 2, 2, (0, 1)),
        (28, 3, 2, (0, 1)),
        (6, 3, 2, (0, 1)),
        (5, 3, 2, (1, 1)),
    ],
)
def test_same_padding_matches_tensorflow(size, kernel, stride, expected):
    assert same_padding(size, kernel, stride) == expected


def test_tf_same_pool_matches_a_direct_reference():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 7, 6, dtype=torch.float64)
    out = TFSamePool(3, 2)(x)
    # TF 'same': output ceil(n/s); window i starts at i·s - pad_before and is clipped to the image.
    ref = torch.empty(2, 3, 4, 3, dtype=torch.float64)
    (top, _), (left, _) = same_padding(7, 3, 2), same_padding(6, 3, 2)
    for i in range(4):
        for j in range(3):
            r0, c0 = max(i * 2 - top, 0), max(j * 2 - left, 0)
            r1, c1 = min(i * 2 - top + 3, 7), min(j * 2 - left + 3, 6)
            ref[:, :, i, j] = x[:, :, r0:r1, c0:c1].amax(dim=(-2, -1))
    assert torch.equal(out, ref)


def test_mlp_hidden_sizes_and_errors():
    assert (
        parse_hidden("64, 32") == (64, 32) and parse_hidden(16) == (16,) and parse_hidden([]) == ()
    )
    model = models.create("mlp", (1, 8, 8), 10, hidden="32,16", activation="tanh", dropout=0.1)
    widths = [(m.in_features, m.out_features) for m in model if isinstance(m, nn.Linear)]
    assert widths == [(64, 32), (32, 16), (16, 10)]
    assert n_params(models.create("mlp", (64,), 10, hidden=())) == 64 * 10 + 10
    for bad in ({"hidden": "a,b"}, {"hidden": [0]}, {"activation": "swish"}, {"dropout": 1.0}):
        with pytest.raises(ValueError):
            models.create("mlp", (64,), 10, **bad)


def test_vgg11_small_layout_and_batch_norm_switch():
    model = models.create("vgg11-small", (3, 32, 32), 10)
    convs = [m.out_channels for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert convs == [16, 32, 64, 64, 128, 128, 128, 128]
    assert sum(isinstance(m, nn.MaxPool2d) for m in model.modules()) == 5
    plain = models.create("vgg11-small", (3, 32, 32), 10, batch_norm=False, width_div=8)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in plain.modules())
    assert [m.out_channels for m in plain.modules() if isinstance(m, nn.Conv2d)][0] == 8
    tiny = models.create("vgg11-small", (1, 8, 8), 3)  # pools stop at 1x1
    assert sum(isinstance(m, nn.MaxPool2d) for m in tiny.modules()) == 3


def test_catalog_rows_start_with_the_name():
    rows = models.catalog()
    assert [r["name"] for r in rows] == models.names()
    assert all(list(r)[0] == "name" and r["description"] for r in rows)

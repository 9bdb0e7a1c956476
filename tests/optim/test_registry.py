"""Registry-driven tests: every registered optimizer, present and future, is checked here."""

from __future__ import annotations

import copy
import math

import pytest
import torch

from optarena import optim
from optarena.optim import Lookahead

REQUIRED = {
    "sgd", "momentum", "nesterov", "rmsprop", "rmsprop-centered", "adam", "amsgrad", "adamw",
    "adamax", "nadam", "radam", "adagrad", "adadelta", "asgd", "rprop", "qhm", "qhadam", "lamb",
    "lars", "lion", "adabelief", "schedule-free-adamw", "lookahead",
}  # fmt: skip


def _start(quadratic, offset: float = 0.1, dtype=torch.float64) -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(2)
    return [
        (c + offset * torch.sign(torch.randn(c.shape, generator=gen, dtype=torch.float64)))
        .to(dtype)
        .requires_grad_(True)
        for c in quadratic.centers
    ]


def _run(optimizer, params, loss_fn, steps: int) -> float:
    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = loss_fn(params)
        loss.backward()
        return loss

    for _ in range(steps):
        optimizer.step(closure)
    return _value(loss_fn, params)


def _value(loss_fn, params) -> float:
    with torch.no_grad():
        return float(loss_fn(params))


def test_required_names_are_registered():
    assert REQUIRED <= set(optim.names())
    assert optim.names() == sorted(optim.names())


@pytest.mark.parametrize("name", optim.names())
def test_spec_is_consistent(name):
    s = optim.spec(name)
    lo, hi = s.lr_range
    assert s.name == name
    assert 0 < lo <= s.defaults["lr"] <= hi
    assert s.reference
    with pytest.raises((AttributeError, TypeError)):
        s.defaults["lr"] = 1.0  # frozen
    with pytest.raises(AttributeError):
        s.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize("name", optim.names())
def test_reduces_a_convex_quadratic(name, quadratic):
    params = _start(quadratic)
    initial = _value(quadratic, params)
    optimizer = optim.create(name, params)
    final = _run(optimizer, params, quadratic, steps=400)
    if hasattr(optimizer, "eval"):
        optimizer.eval()
        final = _value(quadratic, params)
    assert math.isfinite(final)
    assert final < 0.5 * initial, f"{name}: {initial} -> {final}"


@pytest.mark.parametrize("name", optim.names())
def test_state_dict_round_trip_continues_bit_identically(name, quadratic):
    # float32, as users train: torch's NAdam keeps a float32 scalar state that load_state_dict
    # casts to the parameters' dtype, so a float64 round trip is not bit-exact in torch itself.
    params = _start(quadratic, offset=1.0, dtype=torch.float32)
    optimizer = optim.create(name, params)
    _run(optimizer, params, quadratic, steps=7)  # mid-way through lookahead's k=5 cycle

    saved_state = copy.deepcopy(optimizer.state_dict())
    fresh = [p.detach().clone().requires_grad_(True) for p in params]
    restored = optim.create(name, fresh)
    restored.load_state_dict(saved_state)

    _run(optimizer, params, quadratic, steps=6)
    _run(restored, fresh, quadratic, steps=6)
    for a, b in zip(params, fresh, strict=True):
        assert torch.equal(a, b), name
    assert_same_state(optimizer.state_dict(), restored.state_dict())


def assert_same_state(a, b) -> None:
    if isinstance(a, torch.Tensor):
        assert torch.equal(a, b)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            assert_same_state(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_same_state(x, y)
    else:
        assert a == b


@pytest.mark.parametrize("name", optim.names())
def test_validation_rejects_bad_values(name):
    s = optim.spec(name)
    w = [torch.zeros(2, requires_grad=True)]
    bad = [{"lr": -1.0}, {"lr": float("nan")}, {"lr": "fast"}, {"no_such_hparam": 1}]
    if s.has_betas:
        bad += [{"betas": (1.0, 0.999)}, {"betas": (0.9, -0.1)}, {"betas": (0.9,)}]
    if s.has_eps:
        bad.append({"eps": -1e-8})
    if s.has_weight_decay:
        bad.append({"weight_decay": -0.1})
    if s.has_momentum:
        bad += [{"momentum": 1.0}, {"momentum": -0.5}]
    for hparams in bad:
        with pytest.raises(ValueError, match=next(iter(hparams))):
            optim.create(name, w, **hparams)


def test_unknown_hparam_lists_accepted_ones():
    w = [torch.zeros(2, requires_grad=True)]
    with pytest.raises(ValueError, match=r"'momentum'.*'adam'.*accepted: amsgrad, betas"):
        optim.create("adam", w, momentum=0.9)


def test_unknown_name_suggests_close_matches():
    with pytest.raises(ValueError, match=r"unknown optimizer 'adamm'; did you mean 'adam'"):
        optim.create("adamm", [torch.zeros(1, requires_grad=True)])


def test_named_validation_rules():
    w = [torch.zeros(2, requires_grad=True)]
    for name, hparams in [
        ("qhm", {"nu": 1.5}),
        ("qhadam", {"nus": (0.7, -0.1)}),
        ("lookahead", {"k": 0}),
        ("lookahead", {"k": 2.5}),
        ("lookahead", {"alpha": 0.0}),
        ("lookahead", {"alpha": 1.5}),
        ("rmsprop", {"alpha": 1.0}),
        ("sgd", {"dampening": 2.0}),
        ("lars", {"trust_coefficient": 0.0}),
        ("schedule-free-adamw", {"betas": (0.0, 0.999)}),
        ("schedule-free-adamw", {"warmup_steps": -1}),
    ]:
        with pytest.raises(ValueError, match=next(iter(hparams))):
            optim.create(name, w, **hparams)


def test_own_classes_validate_in_init_as_drop_ins():
    w = [torch.zeros(2, requires_grad=True)]
    with pytest.raises(ValueError, match=r"nu must be a number in \[0, 1\], got 1.5"):
        optim.QHM(w, nu=1.5)
    with pytest.raises(ValueError, match=r"betas\[1\] must be a number in \[0, 1\)"):
        optim.Lion(w, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Lookahead wraps a torch.optim.Optimizer"):
        Lookahead("adam")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "cls", "hparams"),
    [
        ("adam", torch.optim.Adam, {"lr": 1e-3}),
        ("adamw", torch.optim.AdamW, {"lr": 3e-3, "weight_decay": 0.1}),
        ("momentum", torch.optim.SGD, {"lr": 0.05, "momentum": 0.9}),
        ("nesterov", torch.optim.SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
        ("rmsprop-centered", torch.optim.RMSprop, {"lr": 1e-2, "centered": True}),
        ("amsgrad", torch.optim.Adam, {"lr": 1e-3, "amsgrad": True}),
        ("nadam", torch.optim.NAdam, {}),
        ("adadelta", torch.optim.Adadelta, {}),
        ("rprop", torch.optim.Rprop, {}),
    ],
)
def test_wrappers_add_nothing(name, cls, hparams, quadratic):
    """create(name) and the torch class give bit-identical trajectories."""
    ours, theirs = _start(quadratic, 1.0), _start(quadratic, 1.0)
    wrapper_args = {k: v for k, v in hparams.items() if k in ("lr", "weight_decay")}
    _run(optim.create(name, ours, **wrapper_args), ours, quadratic, steps=20)
    _run(cls(theirs, **hparams), theirs, quadratic, steps=20)
    for a, b in zip(ours, theirs, strict=True):
        assert torch.equal(a, b)


def test_paddle_spellings():
    w = [torch.zeros(2, requires_grad=True)]
    group = optim.create("adam", w, learning_rate=0.1, beta1=0.8, epsilon=1e-6).param_groups[0]
    assert (group["lr"], group["betas"], group["eps"]) == (0.1, (0.8, 0.999), 1e-6)
    assert optim.create("rmsprop", w, rho=0.5).param_groups[0]["alpha"] == 0.5
    assert optim.create("adadelta", w, rho=0.5).param_groups[0]["rho"] == 0.5
    assert optim.create("momentum", w, use_nesterov=True).param_groups[0]["nesterov"] is True
    lamb = optim.create("lamb", w, lamb_weight_decay=0.2, beta2=0.9).param_groups[0]
    assert (lamb["weight_decay"], lamb["betas"]) == (0.2, (0.9, 0.9))
    inner = optim.create("lookahead", w, base="adam", learning_rate=0.3, beta2=0.9)
    assert inner.param_groups[0]["lr"] == 0.3 and inner.param_groups[0]["betas"] == (0.9, 0.9)
    with pytest.raises(ValueError, match="either 'lr' or 'learning_rate'"):
        optim.create("adam", w, lr=0.1, learning_rate=0.1)
    with pytest.raises(ValueError, match="either 'betas' or 'beta1'"):
        optim.create("adam", w, betas=(0.9, 0.9), beta1=0.5)
    with pytest.raises(ValueError, match=r"betas\[0\]"):
        optim.create("adam", w, beta1=1.5)


def test_betas_lists_become_tuples():
    w = [torch.zeros(2, requires_grad=True)]
    assert optim.create("adam", w, betas=[0.5, 0.6]).param_groups[0]["betas"] == (0.5, 0.6)


def test_object_path_creates_a_users_class():
    w = [torch.zeros(2, requires_grad=True)]
    s = optim.spec("torch.optim:Adagrad")
    assert s.defaults["lr"] == 0.01 and s.has_eps and not s.has_betas
    opt = optim.create("torch.optim:Adagrad", w, lr_decay=0.1)
    assert isinstance(opt, torch.optim.Adagrad) and opt.param_groups[0]["lr_decay"] == 0.1
    with pytest.raises(ValueError, match="no_such"):
        optim.create("torch.optim:Adagrad", w, no_such=1)
    with pytest.raises(ValueError, match="not a torch.optim.Optimizer subclass"):
        optim.spec("collections:OrderedDict")
    with pytest.raises(ValueError, match="cannot import module"):
        optim.spec("no_such_module_xyz:Opt")


def test_register_a_factory_and_catalog():
    def my_sgd(params, lr=0.05, momentum=0.5):
        return torch.optim.SGD(params, lr=lr, momentum=momentum)

    try:
        s = optim.register("test-my-sgd", my_sgd, reference="test")
        assert s.defaults == {"lr": 0.05, "momentum": 0.5} and s.has_momentum
        assert s.lr_range == pytest.approx((5e-4, 5.0))
        opt = optim.create("test-my-sgd", [torch.zeros(1, requires_grad=True)], momentum=0.1)
        assert opt.param_groups[0]["momentum"] == 0.1
        with pytest.raises(ValueError, match="already registered"):
            optim.register("test-my-sgd", my_sgd)
        row = next(r for r in optim.catalog() if r["name"] == "test-my-sgd")
        assert list(row) == ["name", "defaults", "lr_range", "reference"]
    finally:
        optim.unregister("test-my-sgd")
    assert "test-my-sgd" not in optim.names()
    assert [r["name"] for r in optim.catalog()] == optim.names()

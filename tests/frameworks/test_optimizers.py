"""Every ``paddle:NAME`` / ``keras:NAME`` optimizer stepped side by side with the framework's own
class: 20 steps on fixed float64 gradients, 1e-6 relative (issue 13).

Both sides get the same keyword arguments in the framework's spelling (optarena translates
them), so the spellings are checked too. Learning rates and decays are powers of two where the
framework keeps them in float32, so the comparison is sharp.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from optarena import optim

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # keras' numpy-2 notice

SHAPES = ((3, 4), (5,), (2, 3, 4))
STEPS = 20
LR_CHANGES = {7: 0.5, 13: 2.0}  # multiply the lr at these steps in the "changing lr" runs

PADDLE = [
    ("sgd", "SGD", {}),
    ("sgd", "SGD", {"learning_rate": 0.125, "weight_decay": 0.0625}),
    ("momentum", "Momentum", {}),
    ("momentum", "Momentum", {"learning_rate": 0.125, "momentum": 0.75, "use_nesterov": True}),
    ("momentum", "Momentum", {"learning_rate": 0.125, "weight_decay": 0.25, "rescale_grad": 0.5}),
    ("adam", "Adam", {}),
    ("adam", "Adam", {"learning_rate": 0.0625, "epsilon": 0.125, "beta1": 0.5, "beta2": 0.75}),
    ("adam", "Adam", {"learning_rate": 0.0625, "amsgrad": True, "weight_decay": 0.125}),
    ("adamw", "AdamW", {}),
    ("adamw", "AdamW", {"learning_rate": 0.0625, "weight_decay": 0.0}),
    ("adamax", "Adamax", {}),
    ("adamax", "Adamax", {"learning_rate": 0.0625, "epsilon": 0.125, "weight_decay": 0.25}),
    ("adagrad", "Adagrad", {"learning_rate": 0.125}),
    ("adagrad", "Adagrad", {"learning_rate": 0.125, "initial_accumulator_value": 0.5}),
    ("adadelta", "Adadelta", {}),
    ("adadelta", "Adadelta", {"learning_rate": 0.5, "rho": 0.5, "epsilon": 0.0625}),
    ("rmsprop", "RMSProp", {"learning_rate": 0.0078125}),
    ("rmsprop", "RMSProp", {"learning_rate": 0.0078125, "momentum": 0.5, "epsilon": 0.125}),
    ("rmsprop", "RMSProp", {"learning_rate": 0.0078125, "centered": True, "rho": 0.75}),
    ("lamb", "Lamb", {}),
    ("lamb", "Lamb", {"learning_rate": 0.0625, "lamb_weight_decay": 0.0}),
    ("lamb", "Lamb", {"learning_rate": 0.0625, "lamb_weight_decay": 0.0, "always_adapt": True}),
    ("nadam", "NAdam", {}),
    ("nadam", "NAdam", {"learning_rate": 0.0625, "momentum_decay": 0.125, "weight_decay": 0.25}),
    ("radam", "RAdam", {}),
    ("radam", "RAdam", {"learning_rate": 0.0625, "beta2": 0.5, "weight_decay": 0.25}),
    ("asgd", "ASGD", {}),
    ("asgd", "ASGD", {"learning_rate": 0.0625, "batch_num": 3, "weight_decay": 0.125}),
    ("rprop", "Rprop", {}),
    ("rprop", "Rprop", {"learning_rate": 0.0625, "learning_rate_range": (0.01, 0.1)}),
]

KERAS = [
    ("sgd", "SGD", {}),
    ("sgd", "SGD", {"learning_rate": 0.125, "momentum": 0.75, "weight_decay": 0.0625}),
    ("sgd", "SGD", {"learning_rate": 0.125, "momentum": 0.75, "nesterov": True}),
    ("rmsprop", "RMSprop", {}),
    ("rmsprop", "RMSprop", {"momentum": 0.5, "centered": True, "epsilon": 0.125, "rho": 0.5}),
    ("adam", "Adam", {}),
    ("adam", "Adam", {"epsilon": 0.125, "beta_1": 0.5, "beta_2": 0.75, "amsgrad": True}),
    ("adamw", "AdamW", {}),
    ("adamw", "AdamW", {"learning_rate": 0.0625, "weight_decay": 0.0}),
    ("adamax", "Adamax", {}),
    ("adamax", "Adamax", {"epsilon": 0.125, "weight_decay": 0.5}),
    ("adagrad", "Adagrad", {}),
    ("adagrad", "Adagrad", {"learning_rate": 0.125, "initial_accumulator_value": 0.0}),
    ("adadelta", "Adadelta", {}),
    ("adadelta", "Adadelta", {"learning_rate": 0.5, "rho": 0.5, "epsilon": 0.0625}),
    ("nadam", "Nadam", {}),
    ("nadam", "Nadam", {"learning_rate": 0.0625, "beta_1": 0.5, "weight_decay": 0.25}),
    ("lion", "Lion", {}),
    ("lion", "Lion", {"learning_rate": 0.0625, "beta_2": 0.5, "weight_decay": 0.5}),
    ("lamb", "Lamb", {}),
    ("lamb", "Lamb", {"learning_rate": 0.0625, "weight_decay": 0.25}),
    ("ftrl", "Ftrl", {}),
    ("ftrl", "Ftrl", {
        "learning_rate": 0.125, "learning_rate_power": -0.25, "l1_regularization_strength": 0.0625,
        "l2_regularization_strength": 0.125, "l2_shrinkage_regularization_strength": 0.03125,
        "beta": 0.5,
    }),
    ("adafactor", "Adafactor", {}),
    ("adafactor", "Adafactor", {"learning_rate": 0.125, "relative_step": False,
                                "clip_threshold": 0.5, "beta_2_decay": -0.5}),
    ("schedule-free-adamw", "ScheduleFreeAdamW", {}),
    ("schedule-free-adamw", "ScheduleFreeAdamW", {"learning_rate": 0.0625, "beta_1": 0.5,
                                                  "warmup_steps": 5, "weight_decay": 0.25}),
]  # fmt: skip

#: (dialect name, framework kwargs) also run with the lr changed mid-run (lr inside buffers)
CHANGING_LR = {
    "paddle": [("momentum", {"learning_rate": 0.125}), ("rmsprop", {"learning_rate": 0.0625,
                                                                    "momentum": 0.5})],
    "keras": [("sgd", {"learning_rate": 0.125, "momentum": 0.75}),
              ("rmsprop", {"learning_rate": 0.0625, "momentum": 0.5})],
}  # fmt: skip


def _problem(seed: int = 0) -> tuple[list[np.ndarray], list[list[np.ndarray]]]:
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(s) for s in SHAPES]
    grads = [[rng.standard_normal(s) for s in SHAPES] for _ in range(STEPS)]
    return params, grads


def _lr_at(lr: float, step: int, change: bool) -> float:
    if change:
        for at, factor in LR_CHANGES.items():
            if step >= at:
                lr *= factor
    return lr


def _ours(name: str, kwargs: dict, p0, grads, change: bool = False) -> list[np.ndarray]:
    params = [torch.tensor(x, requires_grad=True) for x in p0]
    opt = optim.create(name, params, **kwargs)
    lr = opt.param_groups[0]["lr"]
    for i, step_grads in enumerate(grads):
        opt.param_groups[0]["lr"] = _lr_at(lr, i, change)
        for p, g in zip(params, step_grads, strict=True):
            p.grad = torch.tensor(g)
        opt.step()
    return [p.detach().numpy() for p in params]


def _paddle(paddle, cls_name: str, kwargs: dict, p0, grads, change: bool = False):
    params = [
        paddle.create_parameter(
            x.shape, "float64", default_initializer=paddle.nn.initializer.Assign(x)
        )
        for x in p0
    ]
    opt = getattr(paddle.optimizer, cls_name)(parameters=params, **kwargs)
    lr = opt.get_lr()
    for i, step_grads in enumerate(grads):
        if change:
            opt.set_lr(_lr_at(lr, i, change))
        loss = sum((p * paddle.to_tensor(g)).sum() for p, g in zip(params, step_grads, strict=True))
        loss.backward()
        opt.step()
        opt.clear_grad()
    return [p.numpy() for p in params]


def _keras(keras, cls_name: str, kwargs: dict, p0, grads, change: bool = False):
    variables = [keras.Variable(x, dtype="float64") for x in p0]
    opt = getattr(keras.optimizers, cls_name)(**kwargs)
    opt.build(variables)
    lr = float(keras.ops.convert_to_numpy(opt.learning_rate))
    for i, step_grads in enumerate(grads):
        if change:
            opt.learning_rate = _lr_at(lr, i, change)
        opt.apply([torch.tensor(g) for g in step_grads], variables)
    return [keras.ops.convert_to_numpy(v) for v in variables]


def _error(ours, theirs, p0) -> float:
    """The largest difference relative to how far the framework moved the tensor."""
    errors = []
    for a, b, x in zip(ours, theirs, p0, strict=True):
        moved = float(np.abs(b - x).max())
        assert moved > 1e-8, "the framework did not move the parameters"
        errors.append(float(np.abs(a - b).max()) / moved)
    return max(errors)


def _assert_close(ours, theirs, p0, label: str) -> None:
    """Within 1e-6 of the parameters' scale (and the framework did move them)."""
    _error(ours, theirs, p0)
    for a, b in zip(ours, theirs, strict=True):
        err = float(np.abs(a - b).max()) / float(np.abs(b).max())
        assert err <= 1e-6, f"{label}: relative error {err:.2e}"


def _label(case: tuple) -> str:
    return f"{case[0]}-{'-'.join(f'{k}={v}' for k, v in case[2].items()) or 'defaults'}"


@pytest.mark.parametrize("case", PADDLE, ids=_label)
def test_paddle_dialect_matches_paddle(case, paddle):
    name, cls_name, kwargs = case
    p0, grads = _problem()
    ours = _ours(f"paddle:{name}", kwargs, p0, grads)
    _assert_close(ours, _paddle(paddle, cls_name, kwargs, p0, grads), p0, f"paddle:{name}")


@pytest.mark.parametrize("case", KERAS, ids=_label)
def test_keras_dialect_matches_keras(case, keras):
    name, cls_name, kwargs = case
    p0, grads = _problem()
    ours = _ours(f"keras:{name}", kwargs, p0, grads)
    _assert_close(ours, _keras(keras, cls_name, kwargs, p0, grads), p0, f"keras:{name}")


def test_changing_learning_rate(paddle, keras):
    p0, grads = _problem(1)
    classes = {"paddle": {n: c for n, c, _ in PADDLE}, "keras": {n: c for n, c, _ in KERAS}}
    runners = {"paddle": lambda *a: _paddle(paddle, *a), "keras": lambda *a: _keras(keras, *a)}
    for dialect, cases in CHANGING_LR.items():
        for name, kwargs in cases:
            theirs = runners[dialect](classes[dialect][name], kwargs, p0, grads, True)
            ours = _ours(f"{dialect}:{name}", kwargs, p0, grads, change=True)
            _assert_close(ours, theirs, p0, f"{dialect}:{name} with a changing lr")


#: stepped by test_muon_lbfgs.py (closures, named parameters)
ELSEWHERE = {"paddle": {"paddle:lbfgs"}, "keras": {"keras:muon"}}


def test_every_dialect_name_is_checked_here():
    assert {f"paddle:{n}" for n, _, _ in PADDLE} | ELSEWHERE["paddle"] == set(optim.names("paddle"))
    assert {f"keras:{n}" for n, _, _ in KERAS} | ELSEWHERE["keras"] == set(optim.names("keras"))


def _torch_rule(name: str, kwargs: dict, p0, grads) -> list[np.ndarray]:
    with pytest.warns(UserWarning, match="runs the plain rule"):
        from optarena.optim import registry

        registry._WARNED.discard(name)
        return _ours(name, kwargs, p0, grads)


@pytest.mark.parametrize(
    ("plain", "framework", "cls_name", "kwargs"),
    [
        ("rmsprop", "paddle", "RMSProp", {"learning_rate": 0.0078125, "rho": 0.75,
                                          "epsilon": 0.125}),
        ("adamax", "paddle", "Adamax", {"learning_rate": 0.0625, "epsilon": 0.125}),
        ("lamb", "paddle", "Lamb", {"learning_rate": 0.0625, "lamb_weight_decay": 0.0}),
        ("adam", "keras", "Adam", {"learning_rate": 0.0625, "epsilon": 0.125}),
        ("rmsprop", "keras", "RMSprop", {"learning_rate": 0.0078125, "epsilon": 0.125}),
    ],
)  # fmt: skip
def test_the_plain_name_differs_where_the_issue_says(plain, framework, cls_name, kwargs, request):
    """The differences are real: the plain (torch-rule) name does not reproduce the framework."""
    module = request.getfixturevalue(framework)
    p0, grads = _problem(2)
    run = _paddle if framework == "paddle" else _keras
    theirs = run(module, cls_name, kwargs, p0, grads)
    ours = _torch_rule(plain, kwargs, p0, grads)
    err = _error(ours, theirs, p0)
    assert err > 1e-3, f"{plain} unexpectedly reproduces {framework}"


def test_keras_sgd_momentum_differs_from_torch_once_the_lr_changes(keras):
    """Keras keeps the lr inside the momentum buffer: same as torch at a fixed lr, not after a
    change (issue 13)."""
    p0, grads = _problem(3)
    kwargs = {"learning_rate": 0.125, "momentum": 0.75}
    for change, differs in ((False, False), (True, True)):
        theirs = _keras(keras, "SGD", kwargs, p0, grads, change)
        ours = _ours("keras:sgd", kwargs, p0, grads, change)
        _assert_close(ours, theirs, p0, "keras:sgd")
        plain = _ours("sgd", {"lr": 0.125, "momentum": 0.75}, p0, grads, change)
        assert (_error(plain, theirs, p0) > 1e-3) == differs, change

"""``keras:muon`` against ``keras.optimizers.Muon`` (which tensors take the Muon step and which
Keras' AdamW fallback) and ``paddle:lbfgs`` against ``paddle.optimizer.LBFGS`` through a closure,
with and without the strong-Wolfe line search; float64, 1e-6 relative (issue 13)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from optarena import optim

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

#: name -> shape; Keras routes by name: 2-D -> Muon unless an embedding or excluded
MUON_SHAPES = {
    "dense_kernel": (6, 4),  # tall: transposed for Newton-Schulz
    "wide_kernel": (3, 5),
    "embedding_table": (7, 3),  # AdamW while exclude_embeddings
    "output_kernel": (4, 2),  # AdamW when exclude_layers=["output"]
    "bias": (5,),  # AdamW: not 2-D
    "conv_kernel": (2, 3, 4),  # AdamW: not 2-D
}
STEPS = 20


def _problem(seed: int):
    rng = np.random.default_rng(seed)
    p0 = {n: rng.standard_normal(s) for n, s in MUON_SHAPES.items()}
    grads = [{n: rng.standard_normal(s) for n, s in MUON_SHAPES.items()} for _ in range(STEPS)]
    return p0, grads


def _ours_muon(kwargs: dict, p0, grads, groups=None) -> dict[str, np.ndarray]:
    params = {n: torch.tensor(x, requires_grad=True) for n, x in p0.items()}
    if groups is None:  # named parameters, as torch's optimizers take them
        arg = [{"params": [(n, p) for n, p in params.items()]}]
    else:  # role-tagged groups without names, as the trainer passes routed optimizers
        arg = [{"params": [params[n] for n in names], "role": role} for role, names in groups]
    opt = optim.create("keras:muon", arg, **kwargs)
    for step in grads:
        for n, p in params.items():
            p.grad = torch.tensor(step[n])
        opt.step()
    return {n: p.detach().numpy() for n, p in params.items()}


def _keras_muon(keras, kwargs: dict, p0, grads) -> dict[str, np.ndarray]:
    variables = [keras.Variable(x, dtype="float64", name=n) for n, x in p0.items()]
    opt = keras.optimizers.Muon(**kwargs)
    opt.build(variables)
    for step in grads:
        opt.apply([torch.tensor(step[v.name]) for v in variables], variables)
    return {v.name: keras.ops.convert_to_numpy(v) for v in variables}


def _errors(ours: dict, theirs: dict, p0: dict) -> dict[str, float]:
    out = {}
    for n, b in theirs.items():
        assert float(np.abs(b - p0[n]).max()) > 1e-6, f"Keras did not move {n}"
        out[n] = float(np.abs(ours[n] - b).max()) / float(np.abs(b).max())
    return out


MUON = [
    {},
    {"exclude_layers": ["output"]},
    {"learning_rate": 0.0625, "momentum": 0.5, "nesterov": False, "rms_rate": None,
     "weight_decay": 0.0625, "adam_weight_decay": 0.125, "adam_lr_ratio": 0.5, "ns_steps": 3,
     "exclude_embeddings": False, "epsilon": 0.125, "adam_beta_1": 0.5, "adam_beta_2": 0.75},
    {"learning_rate": 0.03125, "clipnorm": 1.0, "muon_a": 2.0, "muon_b": -1.5, "muon_c": 0.5,
     "adam_weight_decay": None},
]  # fmt: skip


@pytest.mark.parametrize("kwargs", MUON, ids=lambda k: "-".join(k) or "defaults")
def test_keras_muon_matches_keras(kwargs, keras):
    p0, grads = _problem(0)
    errors = _errors(_ours_muon(kwargs, p0, grads), _keras_muon(keras, kwargs, p0, grads), p0)
    assert max(errors.values()) <= 1e-6, errors


def test_keras_muon_routes_by_role_without_names(keras):
    """Role tags stand in for Keras' variable paths: ``embedding`` (excluded by default) and an
    ``exclude_layers`` pattern matched against the role (``head``)."""
    p0, grads = _problem(1)
    groups = [
        ("hidden", ["dense_kernel", "wide_kernel"]),
        ("embedding", ["embedding_table"]),
        ("head", ["output_kernel"]),
        ("vector", ["bias"]),
        ("hidden", ["conv_kernel"]),
    ]
    ours = _ours_muon({"exclude_layers": ["head"]}, p0, grads, groups)
    theirs = _keras_muon(keras, {"exclude_layers": ["output"]}, p0, grads)
    assert max(_errors(ours, theirs, p0).values()) <= 1e-6
    # and the routing matters: sending the head to Muon gives other numbers
    muon_head = _ours_muon({}, p0, grads, groups)
    assert _errors(muon_head, theirs, p0)["output_kernel"] > 1e-3


def _lbfgs_data(seed: int):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((16, 4)), rng.standard_normal((16, 3)), rng.standard_normal((3, 4))


def _loss(w, b, x, y, ops):
    """A smooth non-quadratic loss: mean log-cosh of the residuals plus a quartic term."""
    r = x @ w.T + b - y
    return ops.log(ops.cosh(r)).mean() + 0.01 * (w * w * w * w).sum()


def _ours_lbfgs(kwargs: dict, data, steps: int) -> list[np.ndarray]:
    x, y, w0 = (torch.tensor(a) for a in data)
    w = w0.clone().requires_grad_(True)
    b = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    opt = optim.create("paddle:lbfgs", [w, b], **kwargs)

    def closure():
        opt.zero_grad()
        loss = _loss(w, b, x, y, torch)
        loss.backward()
        return loss

    for _ in range(steps):
        opt.step(closure)
    return [w.detach().numpy(), b.detach().numpy()]


def _paddle_lbfgs(paddle, kwargs: dict, data, steps: int) -> list[np.ndarray]:
    x, y = paddle.to_tensor(data[0]), paddle.to_tensor(data[1])
    init = paddle.nn.initializer.Assign
    w = paddle.create_parameter([3, 4], "float64", default_initializer=init(data[2]))
    b = paddle.create_parameter([3], "float64", default_initializer=init(np.zeros(3)))
    opt = paddle.optimizer.LBFGS(parameters=[w, b], **kwargs)

    def closure():
        opt.clear_grad()
        loss = _loss(w, b, x, y, paddle)
        loss.backward()
        return loss

    for _ in range(steps):
        opt.step(closure)
    return [w.numpy(), b.numpy()]


@pytest.mark.parametrize(
    "kwargs",
    [{"max_iter": 4},
     {"learning_rate": 0.5, "max_iter": 3, "history_size": 2},
     {"max_iter": 5, "line_search_fn": "strong_wolfe"},
     {"learning_rate": 0.25, "max_iter": 6, "max_eval": 7, "history_size": 3,
      "tolerance_change": 1e-6, "line_search_fn": "strong_wolfe"}],
    ids=["defaults", "lr-history", "strong_wolfe", "strong_wolfe-custom"],
)  # fmt: skip
def test_paddle_lbfgs_matches_paddle(kwargs, paddle):
    data = _lbfgs_data(0)
    ours, theirs = _ours_lbfgs(kwargs, data, 3), _paddle_lbfgs(paddle, kwargs, data, 3)
    for a, b0, b in zip(ours, [data[2], np.zeros(3)], theirs, strict=True):
        assert float(np.abs(b - b0).max()) > 1e-3, "Paddle did not move the parameters"
        assert float(np.abs(a - b).max()) / float(np.abs(b).max()) <= 1e-6

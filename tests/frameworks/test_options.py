"""Framework-wide options of the dialects stepped against the real frameworks (issue 13): Keras'
``clipnorm`` / ``clipvalue`` / ``global_clipnorm`` / ``use_ema`` /
``gradient_accumulation_steps`` / ``loss_scale_factor``, Paddle's ``grad_clip`` /
``multi_precision`` / ``lazy_mode``; 20 float64 steps, 1e-6 relative. Each case also checks the
option changed the result, so a dialect that ignored it would fail.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from optarena import optim

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SHAPES = ((3, 4), (5,), (2, 3, 4))
STEPS = 20


def _problem(seed: int = 0, scale: float = 1.0, dtype: str = "float64"):
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    grads = [[(scale * rng.standard_normal(s)).astype(dtype) for s in SHAPES] for _ in range(STEPS)]
    return params, grads


def _ours(name: str, kwargs: dict, p0, grads, finalize: bool = False,
          no_clip: int | None = None) -> list[np.ndarray]:  # fmt: skip
    params = [torch.tensor(x, requires_grad=True) for x in p0]
    if no_clip is not None:
        params[no_clip].need_clip = False
    opt = optim.create(name, params, **kwargs)
    for step_grads in grads:
        for p, g in zip(params, step_grads, strict=True):
            p.grad = torch.tensor(g)
        opt.step()
    if finalize:
        opt.finalize_variable_values()
    return [p.detach().numpy() for p in params]


def _paddle(paddle, cls_name: str, kwargs: dict, p0, grads, no_clip: int | None = None):
    init = paddle.nn.initializer.Assign
    dtype = str(p0[0].dtype)
    attrs = [paddle.ParamAttr(need_clip=i != no_clip) for i in range(len(p0))]
    params = [paddle.create_parameter(x.shape, dtype, attr=a, default_initializer=init(x))
              for x, a in zip(p0, attrs, strict=True)]  # fmt: skip
    opt = getattr(paddle.optimizer, cls_name)(parameters=params, **kwargs)
    for step_grads in grads:
        loss = sum((p * paddle.to_tensor(g)).sum() for p, g in zip(params, step_grads, strict=True))
        loss.backward()
        opt.step()
        opt.clear_grad()
    return [p.numpy() for p in params]


def _keras(keras, cls_name: str, kwargs: dict, p0, grads, finalize: bool = False):
    variables = [keras.Variable(x, dtype="float64") for x in p0]
    opt = getattr(keras.optimizers, cls_name)(**kwargs)
    opt.build(variables)
    for step_grads in grads:
        opt.apply([torch.tensor(g) for g in step_grads], variables)
    if finalize:
        opt.finalize_variable_values(variables)
    return [keras.ops.convert_to_numpy(v) for v in variables]


def _rel(a_list, b_list) -> float:
    return max(
        float(np.abs(a - b).max()) / float(np.abs(b).max())
        for a, b in zip(a_list, b_list, strict=True)
    )


def _check(ours, theirs, without, label: str, differs: bool = True) -> None:
    assert _rel(ours, theirs) <= 1e-6, f"{label}: relative error {_rel(ours, theirs):.2e}"
    if differs:
        assert _rel(without, theirs) > 1e-4, f"{label}: the option made no difference"


KERAS = [
    ("adam", "Adam", {"clipnorm": 1.0}),
    ("sgd", "SGD", {"learning_rate": 0.125, "momentum": 0.75, "global_clipnorm": 2.0}),
    ("rmsprop", "RMSprop", {"clipvalue": 0.5, "momentum": 0.5}),
    ("lion", "Lion", {"global_clipnorm": 0.5, "weight_decay": 0.5}),
    ("adamw", "AdamW", {"learning_rate": 0.0625, "use_ema": True, "ema_momentum": 0.75}),
    ("adam", "Adam", {"learning_rate": 0.0625, "use_ema": True, "ema_overwrite_frequency": 3}),
    ("adagrad", "Adagrad", {"use_ema": True, "ema_momentum": 0.5, "ema_overwrite_frequency": 4,
                            "clipnorm": 0.5}),
    ("adam", "Adam", {"gradient_accumulation_steps": 3, "weight_decay": 0.25}),
    ("sgd", "SGD", {"learning_rate": 0.125, "momentum": 0.75, "gradient_accumulation_steps": 2,
                    "global_clipnorm": 0.5}),
    ("adamw", "AdamW", {"gradient_accumulation_steps": 2, "use_ema": True, "ema_momentum": 0.5,
                        "ema_overwrite_frequency": 3}),
]  # fmt: skip
_EMA = {"use_ema", "ema_momentum", "ema_overwrite_frequency"}
_KERAS_OPTIONS = {"clipnorm", "clipvalue", "global_clipnorm", "gradient_accumulation_steps"} | _EMA


def _label(case: tuple) -> str:
    return f"{case[0]}-{'-'.join(f'{k}={v}' for k, v in case[2].items())}"


@pytest.mark.parametrize("case", KERAS, ids=_label)
def test_keras_options_match_keras(case, keras):
    name, cls_name, kwargs = case
    p0, grads = _problem()
    plain = {k: v for k, v in kwargs.items() if k not in _KERAS_OPTIONS}
    without = _ours(f"keras:{name}", plain, p0, grads)
    # an EMA that never overwrites leaves the parameters as they were: only its average differs
    inert_ema = kwargs.get("use_ema") and not kwargs.get("ema_overwrite_frequency")
    differs = not inert_ema or bool(kwargs.get("gradient_accumulation_steps"))
    _check(_ours(f"keras:{name}", kwargs, p0, grads), _keras(keras, cls_name, kwargs, p0, grads),
           without, f"keras:{name}", differs)  # fmt: skip
    if kwargs.get("use_ema"):  # the averages themselves, as Keras' fit leaves the model
        ours = _ours(f"keras:{name}", kwargs, p0, grads, finalize=True)
        theirs = _keras(keras, cls_name, kwargs, p0, grads, finalize=True)
        _check(ours, theirs, without, f"keras:{name} finalized")


@pytest.mark.parametrize(("name", "cls_name"), [("adam", "Adam"), ("rmsprop", "RMSprop")])
def test_keras_loss_scale_factor_is_undone_as_in_fit(name, cls_name, keras):
    """Keras' ``fit`` multiplies the loss (so the gradients) by ``loss_scale_factor`` and ``apply``
    divides them again; optarena's trainer does not scale the loss, so the dialect leaves the
    gradients alone: equal to Keras given the scaled gradients, unequal to Keras given raw ones."""
    p0, grads = _problem(3)
    factor = {"loss_scale_factor": 1024.0, "learning_rate": 0.0625}
    scaled = [[g * 1024.0 for g in step] for step in grads]
    theirs = _keras(keras, cls_name, factor, p0, scaled)
    ours = _ours(f"keras:{name}", factor, p0, grads)
    assert _rel(ours, theirs) <= 1e-6
    assert _rel(ours, _ours(f"keras:{name}", {"learning_rate": 0.0625}, p0, grads)) == 0.0
    assert _rel(_keras(keras, cls_name, factor, p0, grads), theirs) > 1e-4


def _clips(paddle) -> dict:
    return {
        "norm": paddle.nn.ClipGradByNorm(clip_norm=1.0),
        "global": paddle.nn.ClipGradByGlobalNorm(clip_norm=2.0),
        "global_skip": paddle.nn.ClipGradByGlobalNorm(clip_norm=4.0, auto_skip_clip=True),
        "value": paddle.nn.ClipGradByValue(max=0.5, min=-0.25),
        "symmetric": paddle.nn.ClipGradByValue(max=0.5),
    }


PADDLE = [
    ("sgd", "SGD", {"learning_rate": 0.125, "weight_decay": 0.25}, "norm"),
    ("adam", "Adam", {"learning_rate": 0.0625, "weight_decay": 0.125}, "global"),
    ("momentum", "Momentum", {"learning_rate": 0.125, "weight_decay": 0.25}, "value"),
    ("lamb", "Lamb", {"learning_rate": 0.0625}, "global"),
    ("adamw", "AdamW", {"learning_rate": 0.0625}, "global_skip"),
    ("rmsprop", "RMSProp", {"learning_rate": 0.0078125, "momentum": 0.5}, "symmetric"),
    ("nadam", "NAdam", {"learning_rate": 0.0625}, "value"),
]


@pytest.mark.parametrize("case", PADDLE, ids=lambda c: f"{c[0]}-{c[3]}")
def test_paddle_grad_clip_matches_paddle(case, paddle):
    """float64, except ``ClipGradByNorm``: Paddle's CPU kernel for it is float32-only."""
    name, cls_name, kwargs, clip = case
    p0, grads = _problem(1, scale=2.0, dtype="float32" if clip == "norm" else "float64")
    clip_obj = _clips(paddle)[clip]
    theirs = _paddle(paddle, cls_name, {**kwargs, "grad_clip": clip_obj}, p0, grads)
    without = _ours(f"paddle:{name}", kwargs, p0, grads)
    _check(_ours(f"paddle:{name}", {**kwargs, "grad_clip": clip_obj}, p0, grads), theirs, without,
           f"paddle:{name} {clip}")  # fmt: skip
    table = {"class": type(clip_obj).__name__}
    table.update({k: getattr(clip_obj, k) for k in ("clip_norm", "max", "min", "auto_skip_clip")
                  if hasattr(clip_obj, k)})  # fmt: skip
    assert _rel(_ours(f"paddle:{name}", {**kwargs, "grad_clip": table}, p0, grads), theirs) <= 1e-6


@pytest.mark.parametrize("clip", ["global", "value"])
def test_paddle_need_clip_false_is_left_out_of_the_clip(clip, paddle):
    """Paddle's ``ParamAttr(need_clip=False)`` as a ``need_clip = False`` tensor attribute."""
    p0, grads = _problem(4, scale=2.0)
    kwargs = {"learning_rate": 0.0625, "grad_clip": _clips(paddle)[clip]}
    theirs = _paddle(paddle, "Adam", kwargs, p0, grads, no_clip=1)
    _check(_ours("paddle:adam", kwargs, p0, grads, no_clip=1), theirs,
           _ours("paddle:adam", kwargs, p0, grads), f"paddle:adam need_clip {clip}")  # fmt: skip


@pytest.mark.parametrize(
    ("name", "cls_name", "kwargs", "dtype"),
    [("adam", "Adam", {"multi_precision": True, "lazy_mode": True}, "float64"),
     ("adam", "Adam", {"multi_precision": True}, "float32"),
     ("adamw", "AdamW", {"lazy_mode": True}, "float64"),
     ("momentum", "Momentum", {"multi_precision": True, "learning_rate": 0.125}, "float32")],
)  # fmt: skip
def test_paddle_precision_and_lazy_mode_are_inert_on_dense_float(name, cls_name, kwargs, dtype,
                                                                paddle):  # fmt: skip
    """``multi_precision`` only acts on float16/bfloat16 parameters and ``lazy_mode`` only on
    sparse gradients: on dense float32/float64 ones (CPU) Paddle's numbers are those without."""
    p0, grads = _problem(2, dtype=dtype)
    theirs = _paddle(paddle, cls_name, kwargs, p0, grads)
    plain = {k: v for k, v in kwargs.items() if k not in ("multi_precision", "lazy_mode")}
    assert _rel(_paddle(paddle, cls_name, plain, p0, grads), theirs) == 0.0
    assert _rel(_ours(f"paddle:{name}", kwargs, p0, grads), theirs) <= 1e-6

"""The vectorized engine equals the serial trainer in float64: mixed optimizers, seeds and
schedules in one group, batch-norm, trials diverging mid-run, gradient clipping; and trials that
used to fall back to the serial path: dropout (per-trial masks from each trial's own RNG) and
reduce-on-plateau (per-trial plateau state stepped on the host once per epoch)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from optarena import models
from optarena.data.transforms import Transform
from optarena.store import Store
from optarena.study import parse_spec, run_study
from optarena.study.executors import vectorized
from optarena.study.executors.vec_forward import functional_base, mask_call_order, mlp_forward

KEYS = (
    "best_val_acc",
    "best_epoch",
    "test_acc",
    "final_test_acc",
    "final_val_acc",
    "final_train_loss",
    "epochs_run",
    "steps_run",
    "diverged_at",
)


@pytest.fixture
def float64(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Models and batches in float64, in the serial trainer and the engine alike."""
    call = Transform.__call__
    monkeypatch.setattr(Transform, "__call__", lambda self, xb, **kw: call(self, xb, **kw).double())
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(torch.float32)


def _results(path: Path) -> tuple[dict[str, dict], dict[tuple, float]]:
    with Store(path) as store:
        summaries = {
            t.id: {"state": t.state.value, **(t.summary or {})} for t in store.trials("default")
        }
        frame = store.metrics_frame()
    frame = frame[frame["name"] != "wall_s"]
    curves = {(r.trial_id, r.step, r.epoch, r.split, r.name): r.value for r in frame.itertuples()}
    return summaries, curves


def compare(
    tmp_path: Path, raw: dict[str, Any], monkeypatch: pytest.MonkeyPatch, rel: float = 1e-9
) -> dict[str, dict]:
    """Run ``raw`` vectorized (no trial may fall back) and serially; assert equal numbers."""

    def no_fallback(*args: object) -> None:
        raise AssertionError("a groupable trial fell back to the serial path")

    spec = parse_spec(raw)
    with monkeypatch.context() as m:
        m.setattr(vectorized, "run_job", no_fallback)
        run_study(spec, store_path=tmp_path / "v.db", out=tmp_path / "v", executor="vectorized")
    run_study(spec, store_path=tmp_path / "s.db", out=tmp_path / "s", executor="serial")
    (vec, vc), (ser, sc) = _results(tmp_path / "v.db"), _results(tmp_path / "s.db")
    assert vec.keys() == ser.keys()
    for trial_id, expected in ser.items():
        for key in ("state", *KEYS):
            got, want = vec[trial_id].get(key), expected.get(key)
            if isinstance(want, float):
                assert math.isclose(got, want, rel_tol=rel, abs_tol=rel), (trial_id, key)
            else:
                assert got == want, (trial_id, key, got, want)
    assert vc.keys() == sc.keys()
    for key, value in sc.items():
        assert math.isclose(vc[key], value, rel_tol=rel, abs_tol=rel), key
    return ser


def test_mixed_optimizers_seeds_and_schedules_in_one_group(
    tmp_path: Path, tiny: dict, float64: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = {
        **tiny,
        "optimizers": {"nesterov": {}, "adamw": {}, "qhadam": {}},
        "lrs": [0.02],
        "seeds": 2,
        "schedule_unit": "step",
        "schedules": {"none": {}, "cosine": {"T_max": 5}},
    }
    ser = compare(tmp_path, raw, monkeypatch)
    assert len(ser) == 12 and {s["state"] for s in ser.values()} == {"complete"}


def test_trials_diverging_mid_run_are_masked_and_the_rest_goes_on(
    tmp_path: Path, tiny: dict, float64: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = {
        **tiny,
        "epochs": 3,
        "seeds": 1,
        "clip_grad": 50.0,
        "optimizers": {
            "momentum": {"lrs": [0.05, 2.0]},
            "sgd": {"lrs": [6.0]},
            "adam": {"lrs": [1e-3]},
        },
    }
    ser = compare(tmp_path, raw, monkeypatch)
    diverged = sorted(s["diverged_at"]["epoch"] for s in ser.values() if s["state"] == "diverged")
    assert diverged == [1, 3]  # one before any epoch ended, one after two epochs
    assert sum(s["state"] == "complete" for s in ser.values()) == 2


def _bn_mlp(input_shape: tuple[int, ...], num_classes: int) -> torch.nn.Module:
    """A small MLP with batch-norm (running statistics are buffers)."""
    width = math.prod(input_shape)
    return torch.nn.Sequential(
        torch.nn.Flatten(),
        torch.nn.Linear(width, 32),
        torch.nn.BatchNorm1d(32),
        torch.nn.ReLU(),
        torch.nn.Linear(32, num_classes),
    )


@pytest.fixture
def bn_model() -> Iterator[str]:
    models.register("test-bn-mlp", _bn_mlp, inputs="any", overwrite=True)
    yield "test-bn-mlp"
    models._REGISTRY.remove("test-bn-mlp")


def test_batch_norm_models_group(
    tmp_path: Path, tiny: dict, float64: None, bn_model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 151 examples in batches of 50: the 1-example tail is skipped, as the serial trainer does
    raw = {
        **tiny,
        "model": bn_model,
        "subset": 151,
        "seeds": 2,
        "optimizers": {"momentum": {}, "adam": {}, "lars": {}},
        "lrs": [0.05],
    }
    ser = compare(tmp_path, raw, monkeypatch)
    assert {s["steps_run"] for s in ser.values()} == {6}


def _lr_rows(path: Path) -> set[float]:
    with Store(path) as store:
        frame = store.metrics_frame()
    return set(frame[(frame["name"] == "lr") & (frame["split"] == "train")]["value"])


@pytest.mark.usefixtures("float64")
def test_dropout_mlp_groups_with_the_serial_trainers_masks(
    tmp_path: Path, tiny: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = {
        **tiny,
        "model_kwargs": {"dropout": 0.3},
        "seeds": 2,
        "optimizers": {"momentum": {}, "adam": {}},
        "lrs": [0.05],
    }
    compare(tmp_path, raw, monkeypatch)


def _bn_dropout_mlp(input_shape: tuple[int, ...], num_classes: int) -> torch.nn.Module:
    """Batch-norm (so the vmapped path, not the hand-batched MLP) and a nested dropout."""
    width = math.prod(input_shape)
    return torch.nn.Sequential(
        torch.nn.Flatten(),
        torch.nn.Linear(width, 16),
        torch.nn.BatchNorm1d(16),
        torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Dropout(0.5)),
        torch.nn.Linear(16, num_classes),
    )


@pytest.fixture
def bn_dropout() -> Iterator[str]:
    models.register("test-bn-dropout", _bn_dropout_mlp, inputs="any", overwrite=True)
    yield "test-bn-dropout"
    models._REGISTRY.remove("test-bn-dropout")


@pytest.mark.usefixtures("float64")
def test_dropout_in_a_vmapped_model_equals_serial(
    tmp_path: Path, tiny: dict, bn_dropout: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, masks = functional_base(_bn_dropout_mlp((64,), 10))
    assert mlp_forward(base) is None and [name for name, _ in masks] == ["3.1"]
    raw = {**tiny, "model": bn_dropout, "subset": 100, "seeds": 2, "optimizers": ["sgd"]}
    raw["lrs"] = [0.05]
    compare(tmp_path, raw, monkeypatch)


def test_a_dropout_called_twice_falls_back() -> None:
    class Twice(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc, self.drop = torch.nn.Linear(4, 2), torch.nn.Dropout(0.5)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.fc(self.drop(self.drop(x)))

    base, masks = functional_base(Twice())
    assert mask_call_order(base, masks, torch.empty(2, 4, device="meta")) is None


@pytest.mark.usefixtures("float64")
def test_reduce_on_plateau_groups_and_steps_per_trial(
    tmp_path: Path, tiny: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = {
        **tiny,
        "epochs": 3,
        "seeds": 1,
        "optimizers": ["momentum"],
        "lrs": [0.02, 0.05],
        # mode max on a falling validation loss: from epoch 2 on, every epoch cuts the rate
        "schedules": {"reduce-on-plateau": {"mode": "max", "patience": 0, "factor": 0.5}},
    }
    compare(tmp_path, raw, monkeypatch)
    assert _lr_rows(tmp_path / "v.db") == {0.02, 0.01, 0.05, 0.025}  # epoch 3 runs at half

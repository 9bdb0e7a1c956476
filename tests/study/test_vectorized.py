"""The vectorized executor (vmap over stacked parameters) equals running trials one by one."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from optarena.store import Store
from optarena.study import parse_spec, run_study
from optarena.study.executors import vectorized

KEYS = (
    "best_val_acc",
    "best_epoch",
    "test_acc",
    "final_test_acc",
    "final_val_acc",
    "final_train_loss",
    "epochs_run",
    "steps_run",
)


def _summaries(path: Path) -> dict[str, dict]:
    with Store(path) as store:
        return {
            t.id: {"state": t.state.value, **(t.summary or {})} for t in store.trials("default")
        }


def _curves(path: Path) -> dict[tuple, float]:
    with Store(path) as store:
        frame = store.metrics_frame()
    frame = frame[frame["name"] != "wall_s"]
    return {(r.trial_id, r.step, r.epoch, r.split, r.name): r.value for r in frame.itertuples()}


def test_vectorized_equals_serial_for_several_optimizers(
    tmp_path: Path, tiny: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fallback(*args: object) -> None:
        raise AssertionError("a groupable trial fell back to the serial path")

    monkeypatch.setattr(vectorized, "run_job", no_fallback)
    spec = parse_spec(
        {
            **tiny,
            "optimizers": {"sgd": {}, "momentum": {}, "adam": {}, "rmsprop": {"alpha": 0.9}},
            "lrs": [0.01],
            "seeds": 2,
            "schedules": {"cosine": {"T_max": 2}},
        }
    )
    run_study(spec, store_path=tmp_path / "v.db", out=tmp_path / "v", executor="vectorized")
    monkeypatch.undo()
    run_study(spec, store_path=tmp_path / "s.db", out=tmp_path / "s", executor="serial")
    vec, ser = _summaries(tmp_path / "v.db"), _summaries(tmp_path / "s.db")
    assert vec.keys() == ser.keys() and len(vec) == 8
    for trial_id, expected in ser.items():
        for key in ("state", *KEYS):
            got, want = vec[trial_id].get(key), expected.get(key)
            if isinstance(want, float):
                assert math.isclose(got, want, rel_tol=1e-4, abs_tol=1e-5), (trial_id, key)
            else:
                assert got == want, (trial_id, key)
    vc, sc = _curves(tmp_path / "v.db"), _curves(tmp_path / "s.db")
    assert vc.keys() == sc.keys()
    for key, value in sc.items():
        assert math.isclose(vc[key], value, rel_tol=1e-4, abs_tol=1e-5), key

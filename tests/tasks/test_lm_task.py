"""The standard-library language-model task and metric directions (lower is better for bpc)."""

from __future__ import annotations

import math

import pytest
import torch

from optarena import metrics, tasks
from optarena.analysis import leaderboard
from optarena.store import Store
from optarena.tasks.lm import split_of, stdlib_corpus, windows
from optarena.train import TrialConfig, run_trial


def test_metric_directions():
    assert metrics.higher_is_better("accuracy") and metrics.higher_is_better("acc")
    assert not metrics.higher_is_better("bpc") and not metrics.higher_is_better("loss")
    bpc = metrics.get("bpc")
    assert bpc.better(1.0, 2.0) and not bpc.better(2.0, 1.0) and bpc.better(3.0, None)
    assert not bpc.better(math.nan, 2.0)
    assert metrics.get("acc").better(0.9, 0.8) and not metrics.get("acc").better(0.8, 0.9)
    assert metrics.of_summary({"test_acc": 0.5}).name == "accuracy"
    assert metrics.of_summary({"metric": "bpc"}).name == "bpc"
    with pytest.raises(ValueError, match="did you mean 'bpc'"):
        metrics.get("bpcc")


def test_windows_are_shifted_by_one_byte():
    split = windows(b"abcdefghij", context=3, cap=100)
    assert split.x.tolist() == [[97, 98, 99], [100, 101, 102], [103, 104, 105]]
    assert split.y.tolist() == [[98, 99, 100], [101, 102, 103], [104, 105, 106]]
    assert len(windows(bytes(1000), context=3, cap=10)) == 10


def test_corpus_splits_by_file_and_records_the_python_version(tmp_path):
    for i in range(60):
        (tmp_path / f"mod{i}.py").write_text(f"def f{i}():\n    return {i}\n" * 20)
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "skip.py").write_text("x" * 1000)
    data = stdlib_corpus(context=16, root=str(tmp_path))
    buckets = [split_of(f"mod{i}.py") for i in range(60)]
    assert data.info["files"] == {s: buckets.count(s) for s in ("train", "val", "test")}
    assert data.info["python"].count(".") == 2 and data.num_classes == 256
    assert data.train.x.shape[1] == 16 and data.train.x.dtype == torch.int64
    assert b"x" * 16 not in bytes(data.train.x.flatten().tolist())  # test/ left out


def test_task_metric_is_bits_per_character():
    task = tasks.get("stdlib-char-lm")
    assert task.scored_by.key == "bpc" and not task.scored_by.higher_is_better
    logits = torch.zeros(2, 5, 256)  # uniform: 8 bits per byte
    y = torch.randint(0, 256, (2, 5))
    assert task.metric_fn(logits, y) == pytest.approx(8.0)
    assert task.loss_fn(logits, y).item() == pytest.approx(8 * math.log(2))


@pytest.mark.slow
def test_lm_trials_rank_by_bits_per_character_lower_first(tmp_path):
    store = Store(tmp_path / "s.db")
    store.add_study("lm")
    ids = {}
    for optimizer, lr in (("adamw", 3e-3), ("sgd", 1e-4)):  # sgd at 1e-4 barely moves
        config = TrialConfig(task="stdlib-char-lm", optimizer=optimizer, lr=lr, epochs=1,
                             subset=96, batch_size=32, task_options={"context": 16})  # fmt: skip
        result = run_trial(config, out_dir=tmp_path / optimizer)
        assert result.state == "complete" and result.summary["metric"] == "bpc"
        assert "test_acc" not in result.summary
        ids[optimizer] = result.summary["test_bpc"]
        trial_id = store.add_trial("lm", config.to_dict())
        store.finish(trial_id, result.state, result.summary)
    assert ids["adamw"] < ids["sgd"]
    board = leaderboard(store, "lm")
    assert board["optimizer"].tolist() == ["adamw", "sgd"]
    assert board["metric"].tolist() == ["bpc", "bpc"]
    assert board["mean"].tolist() == [ids["adamw"], ids["sgd"]]

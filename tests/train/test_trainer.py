"""The trainer for one trial: determinism, resume after SIGKILL, divergence, checkpoints."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import torch

from optarena.train import TrialConfig, run_trial, test_checkpoint
from optarena.train.checkpoint import BEST, LAST


def _epochs_without_time(result):
    return [{k: v for k, v in e.items() if k != "wall_s"} for e in result.epochs]


def test_same_config_and_seed_give_bit_identical_metrics(tmp_path, small_config, without_times):
    first = run_trial(small_config, out_dir=tmp_path / "a")
    second = run_trial(small_config, out_dir=tmp_path / "b")
    assert first.state == second.state == "complete"
    assert _epochs_without_time(first) == _epochs_without_time(second)
    assert without_times(first.summary) == without_times(second.summary)
    assert first.summary["epochs_run"] == 3 and 1 <= first.summary["best_epoch"] <= 3


def test_a_different_seed_gives_different_numbers(tmp_path, small_config):
    first = run_trial(small_config, out_dir=tmp_path / "a")
    other = run_trial(small_config.replace(seed=2), out_dir=tmp_path / "b")
    assert first.epochs[0]["train_loss"] != other.epochs[0]["train_loss"]


def test_summary_and_history_are_consistent(tmp_path, small_config):
    result = run_trial(small_config, out_dir=tmp_path)
    best = max(result.epochs, key=lambda e: e["val_acc"])
    assert result.summary["best_val_acc"] == best["val_acc"]
    assert result.summary["best_epoch"] == best["epoch"]
    assert result.summary["final_val_acc"] == result.epochs[-1]["val_acc"]
    assert 0.0 <= result.summary["test_acc"] <= 1.0 and result.summary["final_test_acc"] is not None
    assert (tmp_path / BEST).is_file() and (tmp_path / LAST).is_file()
    assert result.summary["test_acc"] > 0.5  # digits with an MLP learns quickly


def test_best_checkpoint_test_metrics_equal_optarena_test(tmp_path, small_config):
    result = run_trial(small_config, out_dir=tmp_path)
    tested = test_checkpoint(tmp_path / BEST)
    assert tested["trial_id"] == result.trial_id
    assert tested["test_acc"] == result.summary["test_acc"]
    assert tested["epoch"] == result.summary["best_epoch"]


def test_checkpoints_load_with_weights_only(tmp_path, small_config):
    run_trial(small_config, out_dir=tmp_path)
    payload = torch.load(tmp_path / LAST, weights_only=True)
    assert payload["config"]["optimizer"] == "momentum"
    assert set(payload) >= {"model", "optimizer", "schedule", "rng", "progress", "trial_id"}


def test_huge_lr_ends_diverged_not_crashed(tmp_path, small_config):
    result = run_trial(small_config.replace(optimizer="sgd", lr=1e3), out_dir=tmp_path)
    assert result.state == "diverged"
    at = result.summary["diverged_at"]
    assert at["epoch"] >= 1 and at["step"] >= 0
    assert result.summary["final_test_acc"] is None


class ListRecorder:
    """Keeps metric rows in memory, as the store would."""

    def __init__(self):
        self.rows = []

    def log(self, rows):
        self.rows += rows

    def truncate(self, after_epoch):
        self.rows = [r for r in self.rows if r[1] is None or r[1] <= after_epoch]


@pytest.mark.parametrize("schedule_unit", ["epoch", "step"])
def test_schedule_sets_the_learning_rate_per_unit(tmp_path, small_config, schedule_unit):
    from optarena import schedules

    sched = {"step_size": 2, "gamma": 0.5}
    config = small_config.replace(schedule="step", sched=sched, schedule_unit=schedule_unit)
    recorder = ListRecorder()
    run_trial(config, out_dir=tmp_path, recorder=recorder)
    schedule = schedules.create("step", config.lr, **sched)
    step_lrs = [
        (step, epoch, value)
        for step, epoch, split, name, value in recorder.rows
        if name == "lr" and step is not None
    ]
    assert len(step_lrs) > 6
    for step, epoch, value in step_lrs:
        count = step if schedule_unit == "step" else epoch - 1
        assert value == schedule(count)


def test_reduce_on_plateau_is_stepped_with_the_validation_loss(tmp_path, small_config):
    config = small_config.replace(
        schedule="reduce-on-plateau",
        sched={"patience": 0, "factor": 0.5, "mode": "min"},
        lr=1.0,
        optimizer="sgd",
    )
    result = run_trial(config, out_dir=tmp_path)
    lrs = [e["lr"] for e in result.epochs]
    assert lrs[0] == 1.0 and all(b <= a for a, b in zip(lrs, lrs[1:], strict=False))


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from optarena.train import TrialConfig, run_trial
    config = TrialConfig.from_dict({config!r})
    def on_event(event, payload):
        if event == "step" and payload["step"] == {kill_at}:
            os.kill(os.getpid(), signal.SIGKILL)
    run_trial(config, out_dir={out!r}, on_event=on_event)
    """
)


def test_sigkill_mid_epoch_then_resume_gives_the_uninterrupted_numbers(
    tmp_path, small_config, without_times
):
    reference = run_trial(small_config, out_dir=tmp_path / "ref")
    steps_per_epoch = reference.summary["steps_run"] // 3
    out = str(tmp_path / "killed")
    script = KILLER.format(config=small_config.to_dict(), kill_at=steps_per_epoch + 3, out=out)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr
    resumed_events = []
    resumed = run_trial(
        small_config, out_dir=out, on_event=lambda e, p: resumed_events.append((e, p))
    )
    assert resumed_events[0][1]["resumed_at"] == 1
    assert without_times(resumed.summary) == without_times(reference.summary)
    assert _epochs_without_time(resumed) == _epochs_without_time(reference)


def test_config_rejects_bad_values():
    with pytest.raises(ValueError, match="lr must be a positive"):
        TrialConfig(task="digits-mlp", optimizer="sgd", lr=-1.0)
    with pytest.raises(ValueError, match="exactly one of task"):
        TrialConfig(optimizer="sgd", lr=0.1)
    with pytest.raises(ValueError, match="schedule_unit"):
        TrialConfig(task="digits-mlp", optimizer="sgd", lr=0.1, schedule_unit="week")
    with pytest.raises(ValueError, match="unknown trial config keys"):
        TrialConfig.from_dict({"task": "digits-mlp", "optimizer": "sgd", "lr": 0.1, "lrr": 1})


def test_trial_id_ignores_runtime_fields_only(small_config):
    assert small_config.trial_id == small_config.replace(device="cpu", threads=2).trial_id
    assert small_config.trial_id != small_config.replace(seed=9).trial_id
    assert json.loads(json.dumps(small_config.to_dict()))["optimizer"] == "momentum"


@pytest.mark.parametrize("optimizer", ["momentum", "schedule-free-adamw"])
def test_the_best_checkpoint_is_tested_once_when_it_is_the_last_model(
    tmp_path, small_config, monkeypatch, optimizer
):
    """When the last epoch was the best, the best checkpoint holds the last model's weights:
    its test numbers are the last model's, from one test pass instead of two, and equal to
    what testing the checkpoint again gives (schedule-free: eval weights, compared exactly)."""
    from optarena.train import trainer
    from optarena.train.materials import Materials

    config = small_config.replace(optimizer=optimizer, lr=0.01, epochs=2)
    splits: list[str] = []
    evaluate = Materials.evaluate

    def counted(self, split, device):
        splits.append(split)
        return evaluate(self, split, device)

    monkeypatch.setattr(Materials, "evaluate", counted)
    once = run_trial(config, out_dir=tmp_path / "once")
    assert once.summary["best_epoch"] == config.epochs  # the case under test
    reused = splits.count("test") == 1
    splits.clear()
    monkeypatch.setattr(trainer, "same_state", lambda current, saved: False)
    twice = run_trial(config, out_dir=tmp_path / "twice")
    assert splits.count("test") == 2
    assert once.summary["test_acc"] == twice.summary["test_acc"]
    assert once.summary["final_test_acc"] == twice.summary["final_test_acc"]
    assert test_checkpoint(tmp_path / "once" / BEST)["test_acc"] == once.summary["test_acc"]
    if optimizer == "momentum":
        assert reused  # no mode switch: the checkpoint is the last model bit for bit

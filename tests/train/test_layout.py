"""channels_last where it pays (issue 18, item 2): the probe touches no RNG, the choice is
recorded in the trial's summary, and either layout gives the same numbers to float tolerance."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from optarena import models
from optarena.train import TrialConfig, layout, run_trial

NUMBERS = ("best_val_acc", "test_acc", "final_test_acc", "final_val_acc", "final_train_loss")


def test_models_without_convolutions_are_not_probed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layout, "_step_seconds", lambda *a: pytest.fail("probed an MLP"))
    mlp = models.create("mlp", (1, 8, 8), 10)
    assert layout.use_channels_last(mlp, (1, 8, 8), 32, torch.device("cpu")) is False


def test_the_probe_leaves_the_model_and_the_global_rng_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(layout, "_DECISIONS", {})
    model = models.create("2c2d", (1, 8, 8), 10)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    torch.manual_seed(3)
    layout.use_channels_last(model, (1, 8, 8), 32, torch.device("cpu"))
    drawn = torch.rand(3)
    torch.manual_seed(3)
    assert torch.equal(drawn, torch.rand(3))
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert all(p.grad is None for p in model.parameters())
    assert next(model.parameters()).is_contiguous()


def test_either_layout_gives_the_same_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = TrialConfig(
        task="digits-mlp", model="2c2d", optimizer="momentum", lr=0.05, epochs=2,
        batch_size=32, subset=300, seed=1,
    )  # fmt: skip
    summaries = {}
    for gain, expected in ((float("inf"), "contiguous"), (0.0, "channels_last")):
        monkeypatch.setattr(layout, "_DECISIONS", {})
        monkeypatch.setattr(layout, "GAIN", gain)  # never / always worth it
        result = run_trial(config, out_dir=tmp_path / expected)
        assert result.summary["env"]["memory_format"] == expected
        summaries[expected] = result.summary
    plain, last = summaries["contiguous"], summaries["channels_last"]
    assert plain["steps_run"] == last["steps_run"] and plain["best_epoch"] == last["best_epoch"]
    for key in NUMBERS:
        assert last[key] == pytest.approx(plain[key], rel=1e-4, abs=1e-6), key

"""Small, fast trial configs for the trainer's tests (offline digits, a few hundred examples)."""

from __future__ import annotations

import pytest

from optarena.train import TrialConfig


@pytest.fixture
def small_config() -> TrialConfig:
    return TrialConfig(
        task="digits-mlp",
        optimizer="momentum",
        lr=0.05,
        epochs=3,
        batch_size=32,
        subset=400,
        seed=1,
    )


def drop_times(summary: dict) -> dict:
    """A summary without the fields that measure wall time or name paths."""
    return {k: v for k, v in summary.items() if k not in ("wall_s", "checkpoint")}


@pytest.fixture
def without_times():
    return drop_times

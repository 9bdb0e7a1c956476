"""The typed, frozen configuration of ONE trial (DESIGN convention 6).

The resolved config is stored with every trial; the hash of its identity fields is the trial id,
so running the same config twice is idempotent. Fields that only say *where* or *how fast* a
trial runs (device, thread count, data folder) are not part of the identity.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from optarena.store.hashing import config_hash

SCHEDULE_UNITS = ("epoch", "step")
RUNTIME_FIELDS = ("device", "threads", "data_dir", "download")


@dataclass(frozen=True)
class TrialConfig:
    """Everything that determines a trial's numbers."""

    optimizer: str
    lr: float
    task: str | None = None
    data: str | None = None
    model: str | None = None
    opt: dict[str, Any] = field(default_factory=dict)
    schedule: str | None = None
    sched: dict[str, Any] = field(default_factory=dict)
    schedule_unit: str = "epoch"
    seed: int = 0
    epochs: int | None = None
    batch_size: int | None = None
    subset: int | None = None
    clip_grad: float | None = None
    no_decay_norm_bias: bool = False
    divergence_factor: float = 20.0
    task_options: dict[str, Any] = field(default_factory=dict)  # Task field overrides
    # runtime only (not part of the trial id)
    device: str = "auto"
    threads: int = 1
    data_dir: str | None = None
    download: bool = False

    def __post_init__(self) -> None:
        if (self.task is None) == (self.data is None):
            raise ValueError("give exactly one of task (a registered name) or data (a path)")
        if not isinstance(self.lr, (int, float)) or not math.isfinite(self.lr) or self.lr <= 0:
            raise ValueError(f"lr must be a positive number, got {self.lr!r}")
        if self.schedule_unit not in SCHEDULE_UNITS:
            raise ValueError(
                f"schedule_unit must be one of {SCHEDULE_UNITS}, got {self.schedule_unit!r}"
            )
        for name in ("epochs", "batch_size", "subset"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.clip_grad is not None and not self.clip_grad > 0:
            raise ValueError(f"clip_grad must be positive, got {self.clip_grad!r}")
        if not self.divergence_factor > 1:
            raise ValueError(f"divergence_factor must exceed 1, got {self.divergence_factor!r}")
        if not isinstance(self.threads, int) or self.threads < 0:
            raise ValueError(
                f"threads must be a non-negative integer (0 = torch default), got {self.threads!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def identity(self) -> dict[str, Any]:
        """The fields that make this trial what it is (the trial id hashes these); empty
        ``task_options`` are left out, so adding that field kept every earlier trial id."""
        identity = {k: v for k, v in self.to_dict().items() if k not in RUNTIME_FIELDS}
        if not identity["task_options"]:
            del identity["task_options"]
        return identity

    @property
    def trial_id(self) -> str:
        return config_hash(self.identity())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrialConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown trial config keys {unknown}; known: {sorted(known)}")
        return cls(**data)

    def replace(self, **changes: Any) -> TrialConfig:
        return dataclasses.replace(self, **changes)

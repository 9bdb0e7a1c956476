"""docs/framework-map.md is generated from the registries and is current (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

import torch

from optarena import framework_map, optim, schedules

MAP = Path(__file__).resolve().parents[2] / "docs" / "framework-map.md"


def test_the_map_is_current():
    assert MAP.read_text() == framework_map.render(), (
        "docs/framework-map.md is stale: run "
        "`python -m optarena.framework_map > docs/framework-map.md`"
    )


def test_every_torch_class_has_a_row_and_every_named_entry_exists():
    text = MAP.read_text()
    classes = [n for n in torch.optim.__all__ if n[0].isupper() and n != "Optimizer"]
    from torch.optim import lr_scheduler

    scheds = [n for n in lr_scheduler.__all__ if n[0].isupper() and n != "LRScheduler"]
    for cls in classes:
        assert f"`torch.optim.{cls}`" in text, cls
    for cls in scheds:
        assert f"`lr_scheduler.{cls}`" in text, cls
        assert cls in framework_map.TORCH_SCHEDULES, f"no plain name for torch {cls}"
    known = set(optim.names()) | set(schedules.names())
    for dialect in ("paddle", "keras"):
        known |= set(optim.names(dialect)) | set(schedules.names(dialect))
    for name in re.findall(r"\| `([a-z][\w:-]*)` \|", text):
        assert name in known, name

"""``[lr_find]`` in a study: LR range tests on the study's task, saved beside its report."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from optarena import atomic
from optarena.study.spec import StudySpec


def run_lr_finds(spec: StudySpec, out_dir: Path) -> list[dict[str, Any]]:
    """One range test per optimizer of ``spec.lr_find``: ``lr-find-<optimizer>.json`` (the
    suggestions and the curve) and ``.png`` in ``out_dir``; returns the summaries."""
    from optarena.lrfind import lr_find_task, plot_lr_find
    from optarena.paths import child

    if spec.lr_find is None or spec.task is None:
        return []
    body = spec.lr_find
    settings = {k: body[k] for k in ("start", "end", "steps", "subset", "seed") if k in body}
    out_dir.mkdir(parents=True, exist_ok=True)
    summaries = []
    for name in body["optimizers"]:
        result = lr_find_task(
            spec.task,
            name,
            data_dir=spec.data_dir,
            download=spec.download,
            batch_size=spec.batch_size,
            **settings,
        )
        summary = {"optimizer": name, "task": spec.task, **result.summary()}
        curve = {"lrs": _floats(result.lrs), "losses": _floats(result.losses)}
        stem = child(out_dir, f"lr-find-{name.replace(':', '_')}", kind="optimizer name")
        atomic.write_text(stem.with_suffix(".json"), json.dumps({**summary, **curve}, indent=1))
        plot_lr_find(result, stem.with_suffix(".png"), title=f"LR range test: {spec.task}, {name}")
        summaries.append(summary)
    return summaries


def _floats(values: Any) -> list[float | None]:
    """JSON-safe floats (a non-finite loss becomes null)."""
    return [float(v) if math.isfinite(v) else None for v in values]

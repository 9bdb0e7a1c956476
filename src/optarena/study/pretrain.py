"""``[pretrain]``: train a backbone on another task first, then compare optimizers on its head.

When a study's model is ``frozen-backbone`` and ``model_kwargs.weights`` is not given, the
``[pretrain]`` table names a registered task (and optimizer, lr, epochs...) to learn the backbone
on. That run is an ordinary recorded trial (study ``NAME.backbone``), so it is done once and
reused; its best checkpoint's weights are written to ``OUT/backbones/<trial_id>.pt`` and handed
to the study as ``weights``/``arch`` with the pre-training data's channel mean and std.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from optarena.study.spec import StudySpec
from optarena.train import TrialConfig
from optarena.train.verify import read_trial_checkpoint


def pretrain_config(spec: StudySpec) -> TrialConfig:
    """The trial that learns the backbone (the study's ``data_dir`` locates its dataset)."""
    from optarena.study.expand import default_lr

    body = spec.pretrain or {}
    optimizer = body["optimizer"]
    return TrialConfig(
        task=body["task"],
        optimizer=optimizer,
        lr=float(body.get("lr") or default_lr(optimizer, body.get("opt"))),
        opt=dict(body.get("opt", {})),
        epochs=body.get("epochs"),
        batch_size=body.get("batch_size"),
        subset=body.get("subset"),
        seed=int(body.get("seed", 0)),
        device=spec.device,
        threads=0,
        data_dir=spec.data_dir,
        download=spec.download,
    )


def backbone_weights(config: TrialConfig, checkpoint: Path, out: Path) -> Path:
    """The model ``state_dict`` of ``checkpoint`` as its own file (written once)."""
    from optarena.paths import child

    target = child(out / "backbones", f"{config.trial_id}.pt", kind="trial id")
    if not target.is_file():
        state = read_trial_checkpoint(checkpoint, trial_id=config.trial_id)[0]["model"]
        target.parent.mkdir(parents=True, exist_ok=True)
        from optarena.atomic import torch_save

        torch_save(state, target)
    return target


def channel_stats_of(config: TrialConfig) -> tuple[list[float], list[float]]:
    """Per-channel mean and std of the pre-training split (what the backbone's inputs saw)."""
    from optarena import tasks
    from optarena.data.transforms import channel_stats

    dataset = tasks.get(config.task).load_data(
        data_dir=config.data_dir, download=config.download, subset=config.subset, seed=0
    )
    mean, std = channel_stats(dataset.train.x)
    return [float(v) for v in mean], [float(v) for v in std]


def with_pretrained_backbone(
    spec: StudySpec, *, name: str, store_path: Path, out: Path, on_event: Any = None
) -> StudySpec:
    """``spec`` with ``model_kwargs.weights`` filled by a pre-training run (no-op without
    ``[pretrain]`` or when weights are given)."""
    kwargs = dict(spec.task_options.get("model_kwargs", {}))
    if spec.pretrain is None or kwargs.get("weights"):
        return spec
    from optarena import tasks
    from optarena.train.run import run_recorded

    config = pretrain_config(spec)
    result = run_recorded(
        config, out=out, store_path=store_path, study=f"{name}.backbone", on_event=on_event
    )
    if result.state != "complete":
        raise ValueError(f"pre-training {config.task} ended {result.state}; no backbone to use")
    checkpoint = result.out_dir / "best.pt"
    weights = backbone_weights(config, checkpoint, out)
    mean, std = channel_stats_of(config)
    source = tasks.get(config.task)
    kwargs = {
        "arch": source.model,
        "backbone_kwargs": dict(source.model_kwargs),
        "mean": mean,
        "std": std,
        **kwargs,
        "weights": str(weights),
    }
    options = {**spec.task_options, "model_kwargs": kwargs}
    return dataclasses.replace(spec, task_options=options)

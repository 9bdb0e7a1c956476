"""Expand a study spec into trial configs, in a deterministic order.

The order is the cartesian product optimizers × their grid points × schedules × their grid points
× learning rates × seeds (seeds innermost, so the seeds of one setting finish close together).
``lrs = "default"`` takes each optimizer's registered default; ``"tune"`` and ``"auto"`` are
resolved by ``tuning.py`` before expansion (``expand`` refuses them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from optarena.study.spec import OptimizerEntry, StudySpec

if TYPE_CHECKING:  # importing optarena.train loads torch; expansion itself does not need it
    from optarena.train import TrialConfig


def lr_source(optimizer: str, opt: dict[str, Any] | None = None) -> str:
    """Whose learning-rate defaults apply: a wrapper's inner optimizer (``lookahead`` with
    ``base = "sgd"`` steps with SGD's lr), else the optimizer itself."""
    from optarena import optim

    base = (opt or {}).get("base")
    if isinstance(base, str) and "base" in optim.spec(optimizer).defaults:
        return base
    return optimizer


def default_lr(optimizer: str, opt: dict[str, Any] | None = None) -> float:
    """The registered default learning rate (of the inner optimizer for a wrapper)."""
    from optarena import optim

    return float(optim.spec(lr_source(optimizer, opt)).defaults["lr"])


def lrs_for(spec: StudySpec, entry: OptimizerEntry, opt: dict[str, Any]) -> tuple[float, ...]:
    """The learning rates one optimizer setting is run at (its own ``lrs`` win over the
    study's)."""
    if entry.lrs is not None:
        return entry.lrs
    if spec.lrs == "default":
        return (default_lr(entry.optimizer, opt),)
    if isinstance(spec.lrs, str):
        raise ValueError(f"lrs = {spec.lrs!r} must be resolved (tuning) before expansion")
    return spec.lrs


def base_config(spec: StudySpec, **fields: Any) -> TrialConfig:
    """A trial config with the study-wide fields of ``spec`` and the given per-trial fields."""
    from optarena.train.config import TrialConfig

    return TrialConfig(
        task=spec.task,
        data=spec.data,
        model=spec.model,
        schedule_unit=spec.schedule_unit,
        epochs=spec.epochs,
        batch_size=spec.batch_size,
        subset=spec.subset,
        clip_grad=spec.clip_grad,
        device=spec.device,
        threads=1,
        data_dir=spec.data_dir,
        download=spec.download,
        task_options=spec.task_options,
        **fields,
    )


def data_config(spec: StudySpec) -> TrialConfig:
    """A config that reads ``spec``'s data as every trial of it does (its first optimizer and
    seed at a stand-in learning rate): builds without torch or the optimizer registry."""
    entry = spec.optimizers[0]
    return base_config(
        spec,
        optimizer=entry.optimizer,
        lr=1.0,
        opt={},
        schedule=spec.schedules[0].schedule,
        sched={},
        seed=spec.seeds[0],
    )


def expand(spec: StudySpec, *, check: bool = True) -> list[TrialConfig]:
    """All trials of ``spec`` (no duplicates; first occurrence kept).

    With ``check`` every distinct optimizer/schedule setting is built once on a probe tensor,
    so a bad name or hyper-parameter fails here, before any trial runs.
    """
    configs: dict[str, TrialConfig] = {}
    for entry in spec.optimizers:
        for opt in entry.settings():
            for sched_entry in spec.schedules:
                for sched in sched_entry.settings():
                    for lr in lrs_for(spec, entry, opt):
                        for seed in spec.seeds:
                            config = base_config(
                                spec,
                                optimizer=entry.optimizer,
                                lr=lr,
                                opt=opt,
                                schedule=sched_entry.schedule,
                                sched=sched,
                                seed=seed,
                            )
                            configs.setdefault(config.trial_id, config)
    trials = list(configs.values())
    if check:
        check_settings(trials)
    return trials


def check_settings(trials: list[TrialConfig]) -> None:
    """Build each distinct optimizer and schedule once (clear errors before training)."""
    from optarena.train.materials import check_optimizer_and_schedule

    seen: set[str] = set()
    for config in trials:
        key = config.replace(seed=0).trial_id
        if key not in seen:
            seen.add(key)
            try:
                check_optimizer_and_schedule(config)
            except TypeError as exc:  # an unexpected keyword argument
                raise ValueError(
                    f"optimizer {config.optimizer!r} / schedule {config.schedule!r}: {exc}"
                ) from None


def trial_label(config: TrialConfig) -> str:
    """A short human label: optimizer, its hyper-parameters, schedule, lr and seed."""
    parts = [config.optimizer]
    parts += [f"{k}={v}" for k, v in sorted(config.opt.items())]
    if config.schedule:
        parts.append(config.schedule)
    parts += [f"lr={config.lr:.3g}", f"seed={config.seed}"]
    return " ".join(parts)

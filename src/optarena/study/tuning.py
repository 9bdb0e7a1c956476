"""Fair learning-rate tuning: ``lrs = "tune"`` (optuna search) and ``lrs = "auto"`` (range test).

``tune``: for each optimizer the same number of search trials (``[tune] trials``), sampling
its registered ``lr_range`` log-uniformly plus any ``[optimizers.X.search]`` ranges, with
optuna's TPE or random sampler (seeded) and successive-halving pruning on the per-epoch
validation metric (accuracy, or the task's own, maximised or minimised by its direction;
https://optuna.readthedocs.io/, ``SuccessiveHalvingPruner``). Search
trials run with seed ``[tune] seed`` and are stored with role ``search``; a pruned one is stored
``failed`` with the reason. The search is replayed from the store on a rerun (ask/tell in a fixed
order, finished trials reported from their stored curves), so it is idempotent. The best
setting of each optimizer is then run over all seeds as ``final`` trials.

``auto``: each optimizer's LR is the ``valley`` suggestion of an LR range test
(``optarena.lrfind.lr_find_task``) on the study's task, seed 0.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from optarena.metrics import DEFAULT as DEFAULT_METRIC
from optarena.metrics import Metric
from optarena.store import TrialState, open_store
from optarena.study.expand import base_config, lr_source
from optarena.study.spec import OptimizerEntry, StudySpec

PRUNED = "pruned by successive halving"
_WORST_LOW = 1e9  # what a failed search trial scores when lower is better


class _PrunedError(Exception):
    """Raised from the trainer's event hook to stop a search trial."""


def tune(
    spec: StudySpec, *, study: str, store_path: Path, out: Path, progress: Any = None, **_: Any
) -> StudySpec:
    """Search each optimizer, then return ``spec`` with each optimizer fixed at its best."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with open_store(store_path) as store:
        store.add_study(study, spec.to_dict())
    best = [_search(spec, entry, optuna, study, store_path, out) for entry in spec.optimizers]
    return dataclasses.replace(spec, optimizers=tuple(best), lrs="default")


def _search(
    spec: StudySpec, entry: OptimizerEntry, optuna: Any, study: str, store_path: Path, out: Path
) -> OptimizerEntry:
    from optarena import optim
    from optarena.train.run import run_recorded

    t = spec.tune
    sampler_cls = (
        optuna.samplers.TPESampler if t.sampler == "tpe" else optuna.samplers.RandomSampler
    )
    pruner = optuna.pruners.SuccessiveHalvingPruner() if t.prune else optuna.pruners.NopPruner()
    metric = _metric(spec)
    search = optuna.create_study(
        direction="maximize" if metric.higher_is_better else "minimize",
        sampler=sampler_cls(seed=t.seed),
        pruner=pruner,
    )
    worst = 0.0 if metric.higher_is_better else _WORST_LOW
    fixed = entry.settings()[0]
    low, high = optim.spec(lr_source(entry.optimizer, fixed)).lr_range
    schedule = spec.schedules[0]
    for _ in range(t.trials):
        trial = search.ask()
        lr = trial.suggest_float("lr", low, high, log=True)
        opt = dict(fixed)
        for key, r in sorted(entry.search.items()):
            opt[key] = trial.suggest_float(key, r.low, r.high, log=r.log)
        config = base_config(
            spec,
            optimizer=entry.optimizer,
            lr=lr,
            opt=opt,
            schedule=schedule.schedule,
            sched=schedule.settings()[0],
            seed=t.seed,
        )
        if t.epochs is not None:
            config = config.replace(epochs=t.epochs)
        stored = _stored(store_path, study, config, metric.key)
        if stored is not None:
            _replay(search, trial, stored, metric.key, worst)
            continue

        def hook(event: str, payload: dict[str, Any], trial: Any = trial) -> None:
            if event == "epoch":
                trial.report(payload[f"val_{metric.key}"], payload["epoch"])
                if trial.should_prune():
                    raise _PrunedError(f"{PRUNED} at epoch {payload['epoch']}")

        try:
            result = run_recorded(
                config, out=out, store_path=store_path, study=study, role="search", on_event=hook
            )
        except _PrunedError:
            search.tell(trial, state=optuna.trial.TrialState.PRUNED)
            continue
        except Exception:
            search.tell(trial, state=optuna.trial.TrialState.FAIL)
            continue
        value = result.summary.get(f"best_val_{metric.key}")
        search.tell(trial, value if result.state == "complete" and value is not None else worst)
    if not any(tr.state == optuna.trial.TrialState.COMPLETE for tr in search.trials):
        raise ValueError(f"tuning {entry.label}: no search trial completed")
    params = dict(search.best_params)
    lr = params.pop("lr")
    return dataclasses.replace(entry, opt={**fixed, **params}, grid={}, lrs=(lr,))


def _metric(spec: StudySpec) -> Metric:
    """The study task's metric (accuracy for data-path studies): the search's objective."""
    if spec.task is None:
        return DEFAULT_METRIC
    from optarena import tasks

    return tasks.get(spec.task).scored_by


def _stored(store_path: Path, study: str, config: Any, key: str = "acc") -> Any:
    """The finished stored record of ``config`` with its validation-metric curve, or None."""
    from optarena.store import config_hash

    with open_store(store_path) as store:
        try:
            record = store.trial(config_hash(config.identity()))
        except ValueError:
            return None
        if not record.state.finished:
            return None
        frame = store.metrics_frame([record.id], names=[key], splits=["val"], level="epoch")
    return record, [(int(r.epoch), float(r.value)) for r in frame.itertuples()]


def _replay(search: Any, trial: Any, stored: Any, key: str = "acc", worst: float = 0.0) -> None:
    """Tell optuna what a trial of an earlier run did (same reports, same outcome)."""
    import optuna

    record, curve = stored
    for epoch, value in curve:
        trial.report(value, epoch)
    if record.state == TrialState.FAILED and PRUNED in (record.error or ""):
        search.tell(trial, state=optuna.trial.TrialState.PRUNED)
    elif record.state == TrialState.FAILED:
        search.tell(trial, state=optuna.trial.TrialState.FAIL)
    else:
        value = (record.summary or {}).get(f"best_val_{key}")
        ok = record.state == TrialState.COMPLETE and value is not None
        search.tell(trial, value if ok else worst)


def auto_lrs(spec: StudySpec, **_: Any) -> StudySpec:
    """Each optimizer's lr from an LR range test (``optarena.lrfind``)."""
    try:
        from optarena.lrfind import lr_find_task
    except ImportError:
        raise ValueError("lrs = 'auto' needs optarena.lrfind, which is not available yet") from None
    if spec.task is None:
        raise ValueError("lrs = 'auto' needs a registered task (not a data path) for now")
    entries = []
    for entry in spec.optimizers:
        result = lr_find_task(
            spec.task,
            entry.optimizer,
            opt=entry.settings()[0],
            data_dir=spec.data_dir,
            download=spec.download,
            subset=spec.subset,
            batch_size=spec.batch_size,
        )
        lr = result.suggested
        if lr is None:
            raise ValueError(f"the LR range test found no learning rate for {entry.label}")
        entries.append(dataclasses.replace(entry, lrs=(float(lr),)))
    return dataclasses.replace(spec, optimizers=tuple(entries), lrs="default")

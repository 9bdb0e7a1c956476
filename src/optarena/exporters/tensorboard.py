"""A study as TensorBoard event files: ``DIR/STUDY/TRIAL_ID/`` per trial with every step and
epoch scalar (``common.metric_tag``) and the summary numbers, each trial's hyper-parameters as
an HParams session, and the study's HParams experiment in ``DIR/STUDY/`` (TensorBoard's
HParams dashboard layout: https://www.tensorflow.org/tensorboard/hyperparameter_tuning_with_hparams).

Written with ``torch.utils.tensorboard`` (needs the ``tensorboard`` package: extra
``optarena[tensorboard]``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from optarena.exporters.common import ExportTrial, study_trials

#: HParams session status per trial state (``api_pb2.Status``: 1 success, 2 failure, 3 running).
_STATUS = {"complete": 1, "diverged": 1, "failed": 2, "running": 3, "pending": 0}


def _writer_module() -> Any:
    try:
        from torch.utils import tensorboard
    except ImportError:
        raise ValueError(
            "the TensorBoard export needs the tensorboard package: "
            "pip install 'optarena[tensorboard]'"
        ) from None
    return tensorboard


def export_tensorboard(store: Any, study: str, directory: str | Path) -> Path:
    """Write ``study`` under ``directory/STUDY/``; returns that folder. A folder that already
    holds files is refused (``ValueError``): event files would be appended, not replaced."""
    from optarena.paths import check_name

    tensorboard = _writer_module()
    from torch.utils.tensorboard.summary import hparams

    root = Path(directory) / check_name(study, "study")
    if root.exists() and any(root.iterdir()):
        raise ValueError(f"{root} already holds files: remove it or export to another folder")
    trials = list(study_trials(store, study))
    if not trials:
        raise ValueError(f"study {study!r} has no trials to export")
    tags = sorted({tag for t in trials for tag, _, _ in t.points})
    metric_tags = tags + sorted({f"summary/{k}" for t in trials for k in t.summary})
    sessions = _sessions(trials)
    domain = _discrete(sessions)
    every = {k: v for session in sessions for k, v in session.items()}
    experiment, _, _ = hparams(every, {m: 0.0 for m in metric_tags}, domain)
    with tensorboard.SummaryWriter(log_dir=str(root)) as writer:
        writer.file_writer.add_summary(experiment)
    for trial, session in zip(trials, sessions, strict=True):
        _write_trial(tensorboard, hparams, root / trial.id, trial, session, domain)
    return root


def _sessions(trials: list[ExportTrial]) -> list[dict[str, Any]]:
    """Each trial's HParams session values; a key whose type differs between trials (a
    number in one, ``null`` in another) is written as text everywhere."""
    sessions = [{**t.hparams, "state": t.state, "role": t.role, "trial_id": t.id} for t in trials]
    types: dict[str, set[str]] = {}
    for session in sessions:
        for key, value in session.items():
            kind = "bool" if isinstance(value, bool) else type(value).__name__
            types.setdefault(key, set()).add("number" if kind in ("int", "float") else kind)
    mixed = {k for k, kinds in types.items() if len(kinds) > 1}
    return [{k: str(v) if k in mixed else v for k, v in s.items()} for s in sessions]


def _discrete(sessions: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The values each string or boolean hyper-parameter takes (the dashboard's filters)."""
    values: dict[str, set[Any]] = {}
    for session in sessions:
        for key, value in session.items():
            if isinstance(value, str | bool):
                values.setdefault(key, set()).add(value)
    return {k: sorted(v, key=str) for k, v in values.items()}


def _write_trial(
    tensorboard: Any,
    hparams: Any,
    folder: Path,
    trial: ExportTrial,
    session: dict[str, Any],
    domain: dict[str, list[Any]],
) -> None:
    metrics = {f"summary/{k}": v for k, v in trial.summary.items()}
    _, start, end = hparams(session, metrics, {k: v for k, v in domain.items() if k in session})
    end.value[0].metadata.plugin_data.content = _with_status(
        end.value[0].metadata.plugin_data.content, _STATUS.get(trial.state, 0)
    )
    wall = trial.started or 0.0
    with tensorboard.SummaryWriter(log_dir=str(folder)) as writer:
        writer.file_writer.add_summary(start)
        for tag, x, value in trial.points:
            writer.add_scalar(tag, value, global_step=x, walltime=wall)
        for tag, value in metrics.items():
            writer.add_scalar(tag, value, global_step=0, walltime=wall)
        writer.file_writer.add_summary(end)


def _with_status(content: bytes, status: int) -> bytes:
    """The session-end plugin data with the trial's status (torch always writes success)."""
    from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData

    data = HParamsPluginData.FromString(content)
    data.session_end_info.status = status
    return data.SerializeToString()

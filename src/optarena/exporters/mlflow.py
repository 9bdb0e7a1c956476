"""A study as MLflow runs: one experiment named after the study, one run per trial with its
hyper-parameters as params, every metric row as a metric at its step or epoch
(``common.metric_tag``), the summary numbers, and tags ``optarena.study``, ``optarena.state``,
``optarena.role``, ``optarena.trial_id`` (MLflow tracking API: ``MlflowClient``,
https://mlflow.org/docs/latest/python_api/mlflow.client.html). Extra ``optarena[mlflow]``.
"""

from __future__ import annotations

from typing import Any

from optarena.exporters.common import ExportTrial, study_trials

#: MLflow run status per trial state (a diverged trial finished: divergence is a result).
STATUS = {
    "complete": "FINISHED",
    "diverged": "FINISHED",
    "failed": "FAILED",
    "running": "RUNNING",
    "pending": "SCHEDULED",
}
_BATCH = 1000  # MLflow's limit of metrics per log_batch call
_PARAM_BATCH = 100


def _client(uri: str) -> Any:
    try:
        from mlflow.exceptions import MlflowException
        from mlflow.tracking import MlflowClient
    except ImportError:
        raise ValueError(
            "the MLflow export needs the mlflow package: pip install 'optarena[mlflow]'"
        ) from None
    try:
        return MlflowClient(tracking_uri=uri), MlflowException
    except MlflowException as exc:
        raise ValueError(f"MLflow refuses tracking URI {uri!r}: {exc.message}") from None


def export_mlflow(store: Any, study: str, uri: str) -> str:
    """Write ``study`` to the MLflow tracking store at ``uri`` (e.g. ``sqlite:///mlflow.db``
    or a server's ``http://``); returns the experiment id. An experiment that already holds
    runs of this study's trials is refused (``ValueError``), so nothing is logged twice."""
    client, error = _client(uri)
    trials = list(study_trials(store, study))
    if not trials:
        raise ValueError(f"study {study!r} has no trials to export")
    try:
        experiment = client.get_experiment_by_name(study)
        if experiment is None:
            experiment_id = client.create_experiment(study, tags={"optarena.study": study})
        else:
            experiment_id = experiment.experiment_id
            ids = {t.id for t in trials}
            runs = client.search_runs([experiment_id], max_results=50_000)
            if any(run.data.tags.get("optarena.trial_id") in ids for run in runs):
                raise ValueError(
                    f"MLflow experiment {study!r} at {uri} already holds this study's runs: "
                    "delete them or export to another tracking URI"
                )
        for trial in trials:
            _log_trial(client, experiment_id, trial)
    except error as exc:
        raise ValueError(f"MLflow export failed: {exc.message}") from None
    return experiment_id


def _log_trial(client: Any, experiment_id: str, trial: ExportTrial) -> None:
    from mlflow.entities import Metric, Param

    tags = {
        "optarena.study": trial.study,
        "optarena.state": trial.state,
        "optarena.role": trial.role,
        "optarena.trial_id": trial.id,
    }
    start = int((trial.started or 0.0) * 1000) or None
    run = client.create_run(experiment_id, start_time=start, tags=tags, run_name=trial.label)
    run_id = run.info.run_id
    stamp = start or 0
    params = [Param(k, str(v)) for k, v in trial.hparams.items()]
    metrics = [Metric(tag, value, stamp, x) for tag, x, value in trial.points]
    metrics += [Metric(f"summary/{k}", v, stamp, 0) for k, v in trial.summary.items()]
    for i in range(0, len(params), _PARAM_BATCH):
        client.log_batch(run_id, params=params[i : i + _PARAM_BATCH])
    for i in range(0, len(metrics), _BATCH):
        client.log_batch(run_id, metrics=metrics[i : i + _BATCH])
    status = STATUS.get(trial.state, "FINISHED")
    if status != "RUNNING":
        client.set_terminated(run_id, status=status)

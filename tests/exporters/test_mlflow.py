"""The MLflow export read back with MlflowClient (a file: tracking store and an SQLite
database-backed one, in tmp): one run per trial with the store's params, every metric row at
its step, and the study and state tags."""

from __future__ import annotations

import pytest

from optarena.exporters.mlflow import STATUS, export_mlflow
from optarena.store import open_store

pytest.importorskip("mlflow")


@pytest.fixture(params=["file", "sqlite"])
def uri(request, tmp_path, monkeypatch):
    if request.param == "sqlite":  # MLflow's database store runs on SQLAlchemy and Alembic
        pytest.importorskip("sqlalchemy")
        pytest.importorskip("alembic")
        return f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3 wants it for file: stores
    return (tmp_path / "mlruns").as_uri()


def test_runs_read_back_with_the_store_numbers(export_store, expected, same, uri):
    from mlflow.tracking import MlflowClient

    with open_store(export_store, read_only=True) as store:
        experiment_id = export_mlflow(store, "demo", uri)
        trials = store.trials("demo")
    client = MlflowClient(tracking_uri=uri)
    assert client.get_experiment(experiment_id).name == "demo"
    runs = client.search_runs([experiment_id], max_results=100)
    by_trial = {run.data.tags["optarena.trial_id"]: run for run in runs}
    assert sorted(by_trial) == sorted(t.id for t in trials) and len(runs) == len(trials)
    for trial in trials:
        run = by_trial[trial.id]
        assert run.data.tags["optarena.study"] == "demo"
        assert run.data.tags["optarena.state"] == trial.state.value
        assert run.info.status == STATUS[trial.state.value]
        params = run.data.params
        assert params["optimizer"] == trial.config["optimizer"]
        assert params["lr"] == str(trial.config["lr"]) and params["seed"] == str(
            trial.config["seed"]
        )
        assert params["opt.momentum"] == str(trial.config["opt"]["momentum"])
        points = expected.get(trial.id, {})
        summary = {f"summary/{k}": v for k, v in (trial.summary or {}).items()}
        assert set(run.data.metrics) == set(points) | set(summary)
        for key, rows in points.items():
            history = sorted(
                (m.step, m.value) for m in client.get_metric_history(run.info.run_id, key)
            )
            assert [x for x, _ in history] == [x for x, _ in rows], key
            assert all(same(a, b) for (_, a), (_, b) in zip(history, rows, strict=True)), key
        for key, value in summary.items():
            assert run.data.metrics[key] == pytest.approx(value)


def test_exporting_twice_is_refused_and_bad_uris_are_one_error(export_store, uri, tmp_path):
    with open_store(export_store, read_only=True) as store:
        export_mlflow(store, "demo", uri)
        with pytest.raises(ValueError, match="already holds this study's runs"):
            export_mlflow(store, "demo", uri)
        with pytest.raises(ValueError, match="MLflow"):
            export_mlflow(store, "demo", "nosuchscheme://x")

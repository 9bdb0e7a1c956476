"""The TensorBoard export read back with TensorBoard's own reader (EventAccumulator) and the
HParams plugin's data: the same numbers, hyper-parameters and states as the store."""

from __future__ import annotations

import pytest

from optarena.exporters.tensorboard import export_tensorboard
from optarena.store import open_store

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import (  # noqa: E402
    EventAccumulator,
)
from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData  # noqa: E402


def _load(folder):
    accumulator = EventAccumulator(str(folder), size_guidance={"scalars": 0})
    accumulator.Reload()
    return accumulator


def _hparams(accumulator):
    content = accumulator.PluginTagToContent("hparams")
    return {tag: HParamsPluginData.FromString(data) for tag, data in content.items()}


def _value(proto):
    return getattr(proto, proto.WhichOneof("kind"))


def test_every_scalar_and_hparam_reads_back(export_store, expected, same, tmp_path):
    with open_store(export_store, read_only=True) as store:
        root = export_tensorboard(store, "demo", tmp_path / "tb")
        trials = store.trials("demo")
    assert root == tmp_path / "tb" / "demo"
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == sorted(t.id for t in trials)
    status = {"complete": 1, "diverged": 1, "pending": 0}
    for trial in trials:
        run = _load(root / trial.id)
        points = expected.get(trial.id, {})
        summary = {f"summary/{k}": v for k, v in (trial.summary or {}).items()}
        assert set(run.Tags()["scalars"]) == set(points) | set(summary)
        for tag, rows in points.items():
            read = [(e.step, e.value) for e in run.Scalars(tag)]
            assert [x for x, _ in read] == [x for x, _ in rows], tag
            assert all(same(a, b) for (_, a), (_, b) in zip(read, rows, strict=True)), tag
        for tag, value in summary.items():
            assert [(e.step, e.value) for e in run.Scalars(tag)] == [(0, pytest.approx(value))]
        plugin = _hparams(run)
        start = plugin["_hparams_/session_start_info"].session_start_info.hparams
        session = {k: _value(v) for k, v in start.items()}
        assert session["optimizer"] == trial.config["optimizer"]
        assert session["lr"] == pytest.approx(trial.config["lr"])
        assert session["seed"] == trial.config["seed"]
        assert session["opt.momentum"] == pytest.approx(trial.config["opt"]["momentum"])
        assert session["state"] == trial.state.value and session["trial_id"] == trial.id
        assert session["subset"] == str(trial.config["subset"] or "null")  # mixed: text
        end = plugin["_hparams_/session_end_info"].session_end_info
        assert end.status == status[trial.state.value]
    experiment = _hparams(_load(root))["_hparams_/experiment"].experiment
    names = {info.name for info in experiment.hparam_infos}
    assert {"optimizer", "lr", "seed", "opt.momentum", "sched.T_max", "state", "role"} <= names
    metrics = {info.name.tag for info in experiment.metric_infos}
    assert {"epoch/val/acc", "step/train/loss", "summary/test_acc"} <= metrics


def test_a_second_export_into_the_same_folder_is_refused(export_store, tmp_path):
    with open_store(export_store, read_only=True) as store:
        export_tensorboard(store, "demo", tmp_path / "tb")
        with pytest.raises(ValueError, match="already holds files"):
            export_tensorboard(store, "demo", tmp_path / "tb")


def test_cli_exports_and_refuses_unknown_targets(export_store, tmp_path, capsys):
    from optarena.cli import main

    with pytest.raises(SystemExit) as info:
        main(["export", "demo", "--to", "tensorboard", str(tmp_path / "tb"),
              "--store", str(export_store)])  # fmt: skip
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "tb" / "demo")
    assert len(list((tmp_path / "tb" / "demo").glob("*/events.out.tfevents.*"))) == 3
    with pytest.raises(SystemExit) as info:
        main(["export", "demo", "--to", "wandb", "x", "--store", str(export_store)])
    assert info.value.code == 2
    assert capsys.readouterr().err.startswith("error: unknown export target 'wandb'")

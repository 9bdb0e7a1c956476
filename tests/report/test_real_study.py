"""A report of a tiny real study: 2 optimizers × 2 seeds on digits-mlp, run by the study
runner into a store, then reported."""

import pandas as pd
import pytest

from optarena.report import build_report
from optarena.store import Store

runner = pytest.importorskip("optarena.study.runner")
spec_module = pytest.importorskip("optarena.study.spec")


@pytest.mark.slow
def test_report_of_a_real_study(tmp_path):
    spec = spec_module.parse_spec(
        {"task": "digits-mlp", "optimizers": ["sgd", "adam"], "seeds": [0, 1], "epochs": 2,
         "schedules": {"cosine": {"T_max": 40}}, "schedule_unit": "step"},
        name="real",
    )  # fmt: skip
    run = runner.run_study(spec, store_path=tmp_path / "s.db", out=tmp_path / "t",
                           executor="serial")  # fmt: skip
    assert run.counts["complete"] == 4
    with Store(tmp_path / "s.db") as store:
        page = build_report(store, "real", tmp_path / "report")
        trials = store.trials("real")
    text = page.read_text(encoding="utf-8")
    assert text.count('<div class="chart" data-chart=') >= 5  # bars, top-k, time, lr, curves
    board = pd.read_csv(page.parent / "leaderboard.csv")
    assert sorted(board["optimizer"]) == ["adam", "sgd"]
    assert board["n_seeds"].tolist() == [2, 2]
    for optimizer in ("adam", "sgd"):
        accs = [t.summary["test_acc"] for t in trials if t.config["optimizer"] == optimizer]
        mean = board.loc[board["optimizer"] == optimizer, "mean"].iloc[0]
        assert mean == pytest.approx(sum(accs) / 2, rel=1e-12)
    assert 'id="fig-lr-schedules"' in text  # step-level lr rows were stored

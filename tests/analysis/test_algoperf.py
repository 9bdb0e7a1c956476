"""``optarena import algoperf`` and AlgoPerf's score: a constructed log folder checked by hand,
and the published v0.5 leaderboard reproduced from the real logs in ../shared/data."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from optarena.analysis.algoperf import algoperf_score
from optarena.cli import main
from optarena.importers.algoperf import import_algoperf
from optarena.store import Store

HEADER = (
    "accumulated_submission_time,global_step,score,validation/{m},test/{m},validation/num_examples"
)


def _write(path: Path, metric: str, values: list[float], clock: list[float]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [HEADER.format(m=metric)]
    for i, (v, c) in enumerate(zip(values, clock, strict=True)):
        lines.append(f"{c},{100 * (i + 1)},{c},{v},{v},1000")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    """Base workloads wa (accuracy, target 0.5) and wb (loss, target 1.0), held-out wa_v.

    s1 reaches wa and wa_v at 10 s and wb at 20 s in every study; s2 reaches wa at 20 s
    (ratio 2), wa_v at 10 s, and wb at 100 s (more than 4x the fastest: a miss).
    """
    targets = {
        "benchmark_version": "0.5",
        "base_workloads": ["wa", "wb"],
        "held_out_workloads": ["wa_v"],
        "workloads": {
            "wa": {
                "target_metric_name": "accuracy",
                "validation_target_value": 0.5,
                "step_hint": 1,
            },
            "wa_v": {
                "target_metric_name": "accuracy",
                "validation_target_value": 0.5,
                "step_hint": 1,
            },
            "wb": {"target_metric_name": "loss", "validation_target_value": 1.0, "step_hint": 1},
        },
    }
    (tmp_path / "workload_targets_v05.json").write_text(json.dumps(targets))
    ext = tmp_path / "logs" / "external_tuning"
    times = {
        "s1": {"wa": 10.0, "wa_v": 10.0, "wb": 20.0},
        "s2": {"wa": 20.0, "wa_v": 10.0, "wb": 100.0},
    }
    for sub, per in times.items():
        for k in range(2):
            for w, t in per.items():
                metric = "loss" if w == "wb" else "accuracy"
                good, bad = (0.5, 0.1) if metric == "accuracy" else (0.9, 3.0)
                # trial 1 hits at its second eval (time t); trial 2 never hits
                _write(
                    ext / sub / f"study_{k}" / f"{w}_jax" / "trial_1" / "eval_measurements.csv",
                    metric,
                    [bad, good],
                    [t / 2, t],
                )
                _write(
                    ext / sub / f"study_{k}" / f"{w}_jax" / "trial_2" / "eval_measurements.csv",
                    metric,
                    [bad, bad],
                    [t, 2 * t],
                )
    stray = ext / "s1" / "study_0" / "trial_9" / "eval_measurements.csv"
    _write(stray, "loss", [1.0], [1.0])
    return tmp_path


def test_import_and_score_by_hand(logs: Path, tmp_path: Path):
    with Store(tmp_path / "s.db") as store:
        summary = import_algoperf(store, logs)
        assert summary.studies == ("algoperf-v0.5-external-tuning",)
        assert summary.trials == 2 * 2 * 3 * 2
        assert len(summary.skipped) == 1 and "trial_9" in summary.skipped[0]
        # val metric, test metric, wall_s and step per evaluation
        assert summary.rows == summary.trials * 2 * 4
        trials = store.trials("algoperf-v0.5-external-tuning")
        hit = [t for t in trials if t.config["algoperf_trial"] == 1]
        assert all(t.summary["reached"] for t in hit) and len(hit) == 12
        again = import_algoperf(store, logs)  # idempotent
        with pytest.raises(ValueError, match="metrics"):
            import_algoperf(store, logs, metrics="some")
        assert len(store.trials()) == again.trials == summary.trials
        result = algoperf_score(store, "algoperf-v0.5-external-tuning")
    assert result.times.loc["s2", "wb"] == 100.0
    assert math.isinf(result.scored.loc["s2", "wb"])
    assert result.scores["s1"] == pytest.approx(1.0)
    # rho_s2 = 0.5 from tau = 2 on: grid index 33 of linspace(1, 4, 100) is the first tau >= 2,
    # so the trapezoid is (0.25 + 33 * 0.5 * 2) * (3 / 99) / 3 = 33.25 / 99
    assert result.scores["s2"] == pytest.approx(33.25 / 99)
    assert list(result.scores.index) == ["s1", "s2"]


def test_metric_direction_in_summary(logs: Path, tmp_path: Path):
    with Store(tmp_path / "s.db") as store:
        import_algoperf(store, logs)
        rows = [t for t in store.trials() if t.config["task"] == "wb"]
    hit = next(t for t in rows if t.config["algoperf_trial"] == 1)
    assert hit.summary["higher_is_better"] is False and hit.summary["best_val"] == 0.9
    assert hit.summary["evals_to_target"] == 2 and hit.summary["steps_to_target"] == 200


def _run(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    return info.value.code or 0, out, err


def test_cli(logs: Path, tmp_path: Path, capsys):
    db = str(tmp_path / "c.db")
    code, out, _ = _run(["import", "algoperf", str(logs), "--store", db], capsys)
    assert code == 0 and "imported 24 trials" in out and "skipped 1" in out
    code, out, _ = _run(
        ["score", "algoperf-v0.5-external-tuning", "--store", db, "--format", "json"], capsys
    )
    rows = json.loads(out)
    assert [r["submission"] for r in rows] == ["s1", "s2"] and rows[0]["score"] == 1.0
    assert rows[1]["wb"] == 100.0
    code, _, err = _run(["import", "algoperf", str(tmp_path / "nope"), "--store", db], capsys)
    assert code == 2 and err.startswith("error:")
    code, _, err = _run(
        ["score", "algoperf-v0.5-external-tuning", "--store", db, "--best", "x"], capsys
    )
    assert code == 2 and "best" in err


# The published AlgoPerf v0.5 leaderboard (mlcommons/submissions_algorithms,
# previous_leaderboards/algoperf_v05/README.md), four decimals.
PUBLISHED = {
    "algoperf-v0.5-external-tuning": {
        "shampoo_submission": 0.7784, "schedule_free_adamw": 0.7077, "generalized_adam": 0.6383,
        "cyclic_lr": 0.6301, "nadamp": 0.5909, "baseline": 0.5707, "amos": 0.4918,
        "caspr_adaptive": 0.4722, "lawa_queue": 0.3699, "lawa_ema": 0.3384,
        "schedule_free_prodigy": 0.0,
    },
    "algoperf-v0.5-self-tuning": {
        "schedule_free_adamw": 0.8542, "baseline": 0.8194, "nadamw_sequential": 0.3308,
        "sinv6_75": 0.1420, "sinv6": 0.0903, "adamg": 0.0,
    },
}  # fmt: skip


@pytest.mark.slow
@pytest.mark.shared_data
def test_published_v05_leaderboard(shared_data: Path, tmp_path: Path):
    folder = shared_data / "algoperf_v05"
    if not folder.is_dir():
        pytest.skip("no algoperf_v05 logs")
    with Store(tmp_path / "ap.db", synchronous="OFF") as store:
        summary = import_algoperf(store, folder, metrics="val")
        assert summary.trials + len(summary.skipped) == 4117
        for study, published in PUBLISHED.items():
            scores = algoperf_score(store, study).scores
            assert sorted(scores.index) == sorted(published)
            for name, value in published.items():
                assert abs(scores[name] - value) < 5e-4, (study, name, scores[name], value)


def test_report_of_an_imported_study(logs: Path, tmp_path: Path):
    from optarena.report import build_report

    with Store(tmp_path / "s.db") as store:
        import_algoperf(store, logs)
        page = build_report(store, "algoperf-v0.5-external-tuning", tmp_path / "r")
    text = page.read_text(encoding="utf-8")
    assert "AlgoPerf benchmark score" in text and "data:image/png;base64," in text
    scores = json.loads((tmp_path / "r" / "scores.json").read_text())
    assert scores["s1"] == pytest.approx(1.0) and scores["s2"] == pytest.approx(33.25 / 99)
    md = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert "| 1 | s1 | 1 | 6/12 |" in md  # 6 of s1's 12 trials reach their target


def test_leaderboard_of_an_imported_study_ranks_by_each_workloads_metric(logs, tmp_path):
    from optarena.analysis import leaderboard

    with Store(tmp_path / "s.db") as store:
        import_algoperf(store, logs)
        board = leaderboard(store, "algoperf-v0.5-external-tuning")
    wb = board[board["task"] == "wb"]  # loss: lower is better
    assert set(wb["metric"]) == {"loss"}
    assert wb["mean"].tolist() == sorted(wb["mean"]) and wb["mean"].iloc[0] == 0.9
    assert set(wb["n_seeds"]) == {2}  # the two AlgoPerf studies are an entry's seeds
    wa = board[board["task"] == "wa"]  # accuracy: higher is better
    assert set(wa["metric"]) == {"accuracy"} and wa["mean"].iloc[0] == 0.5
    assert wa["mean"].tolist() == sorted(wa["mean"], reverse=True)


def test_of_summary_takes_an_unknown_metric_with_its_direction():
    from optarena.metrics import of_summary

    wer = of_summary({"metric": "wer", "higher_is_better": False})
    assert (wer.key, wer.higher_is_better) == ("wer", False)
    assert of_summary({"metric": "bleu", "higher_is_better": True}).higher_is_better
    with pytest.raises(ValueError, match="unknown metric"):
        of_summary({"metric": "bleu"})  # no direction given: still refused

"""``--tasks a,b,c``: time to target and performance profiles over several studies' tasks
(numbers checked by hand)."""

from __future__ import annotations

import json

import pytest

from optarena.cli import main
from optarena.store import Store

LR = {"s1": 0.1, "s2": 0.2}  # distinct configs: distinct trials
# study -> optimizer -> (val acc per epoch, wall_s per epoch); target 0.5 in every study
CURVES = {
    "s1": {"a": ([0.6, 0.7], [10.0, 20.0]), "b": ([0.2, 0.6], [10.0, 20.0])},
    "s2": {"a": ([0.6, 0.7], [20.0, 40.0]), "b": ([0.2, 0.3], [20.0, 40.0])},
}


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "s.db") as db:
        for study, entries in CURVES.items():
            db.add_study(study, {"target_acc": 0.5})
            for optimizer, (acc, wall) in entries.items():
                config = {"task": "t", "optimizer": optimizer, "lr": LR[study], "seed": 0}
                tid = db.add_trial(study, config)
                rows = [(None, e + 1, "val", "acc", v) for e, v in enumerate(acc)]
                rows += [(None, e + 1, "train", "wall_s", w) for e, w in enumerate(wall)]
                rows += [(2 * e + 1, e + 1, "train", "lr", 0.1) for e in range(len(acc))]
                db.log_metrics(tid, rows)
                db.finish(tid, "complete", {"test_acc": acc[-1]})
        yield db


def run(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    return exit_info.value.code or 0, out, err


def test_cross_task_scores_over_two_studies_by_hand(store):
    from optarena.report.cross_task import cross_task

    result = cross_task(store, ["s1", "s2"])
    times = result.times.set_index(["task", "optimizer"])
    # the same task name in both studies: two problems, told apart by study
    assert sorted(set(result.times["task"])) == ["s1/t", "s2/t"]
    assert times.loc[("s1/t", "b"), "seconds"] == 20 and times.loc[("s1/t", "b"), "steps"] == 4
    assert times.loc[("s2/t", "b"), "seconds"] == float("inf")
    # a is fastest on both; b: ratio 2 on s1/t, a miss on s2/t -> rho .5 from tau = 2
    assert result.scores["a/none"] == pytest.approx(1.0)
    assert result.scores["b/none"] == pytest.approx(33.25 / 99)


def test_leaderboard_and_report_take_tasks(store, tmp_path, capsys):
    path = str(store.path)
    code, out, err = run(["leaderboard", "--tasks", "s1,s2", "--store", path, "--format", "json"],
                       capsys)  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert [r["solver"] for r in data["scores"]] == ["a/none", "b/none"]
    assert len(data["time_to_target"]) == 4 and data["studies"] == ["s1", "s2"]
    code, out, _ = run(["leaderboard", "--tasks", "s1", "--store", path], capsys)
    assert code == 0 and "need two tasks" in out
    code, _, err = run(["leaderboard", "--tasks", "s1,s1", "--store", path], capsys)
    assert code == 2 and "twice" in err
    code, _, err = run(["leaderboard", "--store", path], capsys)
    assert code == 2 and err.startswith("error: name a study")
    code, out, _ = run(["report", "--tasks", "s1,s2", "--store", path, "--out",
                        str(tmp_path / "x")], capsys)  # fmt: skip
    assert code == 0 and out.strip().endswith("report.html")
    md = (tmp_path / "x" / "report.md").read_text(encoding="utf-8")
    assert "Integrated performance-profile scores" in md and "| 1 | a/none | 1 |" in md
    assert (tmp_path / "x" / "time_profiles.png").is_file()
    assert json.loads((tmp_path / "x" / "cross_task.json").read_text())["scores"]["a/none"] == 1

"""The report's "How sure?" section on the synthetic toy study (numbers checked by hand)."""

from __future__ import annotations

import json
import math

import pytest

from optarena.report import verdicts

pytest.importorskip("matplotlib")


@pytest.fixture
def toy(toy_store):
    toy_store.add_study("toy", {"task": "toy", "target_acc": 0.925})
    return toy_store


def test_time_to_target_by_hand(toy):
    ttt = verdicts.time_to_target(toy, "toy").set_index("optimizer")
    # adam val curves (.89 .93 .96), (.90 .94 .97), (.91 .95 .98): epoch 2 on every seed,
    # wall_s = 10 * epoch + seed -> 20, 21, 22
    adam = ttt.loc["adam"]
    assert adam["epochs"] == 2 and adam["seconds"] == 21 and adam["n_reached"] == 3
    # momentum (sgd lr .1): seed 0 misses (inf), seeds 1, 2 reach at epoch 3 (31 s, 32 s)
    momentum = ttt.loc["sgd"]  # sgd lr 10 diverged on every seed: no row
    assert momentum["epochs"] == 3 and momentum["seconds"] == 32 and momentum["n_reached"] == 2
    assert (ttt["target"] == 0.925).all()
    # steps: the toy logs one step row per epoch at step 5 * epoch (0-based) -> 5e + 1 steps
    assert adam["steps"] == 11 and momentum["steps"] == 16


def test_steps_to_target_without_step_rows_spread_steps_run_over_epochs(tmp_path):
    from optarena.store import Store

    with Store(tmp_path / "s.db") as store:
        store.add_study("s", {"target_acc": 0.5})
        config = {"task": "t", "optimizer": "sgd", "lr": 0.1}
        for seed, curve in enumerate([[0.2, 0.6, 0.7, 0.8], [0.1, 0.2, 0.3, 0.6]]):
            tid = store.add_trial("s", {**config, "seed": seed})
            store.log_metrics(tid, [(None, e + 1, "val", "acc", v) for e, v in enumerate(curve)])
            store.finish(tid, "complete", {"steps_run": 100, "epochs_run": 4})
        row = verdicts.time_to_target(store, "s").iloc[0]
    # seeds reach 0.5 at epochs 2 and 4: 50 and 100 steps; medians 3 epochs, 75 steps
    assert (row["epochs"], row["steps"], row["n_reached"]) == (3, 75, 2)


def test_section_files_and_text(toy, tmp_path):
    out = tmp_path / "r"
    out.mkdir()
    v = verdicts.build(toy, "toy", out)
    assert "## How sure?" in v.markdown and "Win probabilities" in v.markdown
    assert "Time to target" in v.markdown and "Ranking stability" in v.markdown
    numbers = json.loads((out / "verdicts.json").read_text())
    assert {"win_probabilities", "time_to_target", "ranking_stability"} <= set(numbers)
    assert (out / "win_probabilities.csv").is_file() and (out / "wins_toy.png").is_file()
    # adam beats adamw on seeds 0 and 2 (0.95 < 0.96 on seed 0: loses; 0.97 > 0.965 wins)
    pair = [w for w in numbers["win_probabilities"] if w["a"] == "1. adam" and w["b"] == "2. adamw"]
    assert pair and pair[0]["n"] == 3 and pair[0]["p"] == pytest.approx(2 / 3)
    assert "Seeds planner" in v.markdown  # three seeds cannot separate adam from adamw
    assert v.html.startswith("<section") and "data:image/png;base64," in v.html
    assert math.isfinite(numbers["time_to_target"][0]["seconds"])
    assert "![wins_toy](wins_toy.png)" in v.markdown and "\x00" not in v.markdown
    page = verdicts.insert_html("<html><body><p>x</p></body></html>", "<b>v</b>")
    assert page == "<html><body><p>x</p><b>v</b></body></html>"


def test_study_spec_carries_targets():
    from optarena.study import parse_spec

    raw = {"task": "digits-mlp", "optimizers": ["sgd"], "targets": {"digits-mlp": 0.9}}
    spec = parse_spec({**raw, "target_acc": 0.8})
    assert spec.to_dict()["targets"] == {"digits-mlp": 0.9}
    assert spec.to_dict()["target_acc"] == 0.8
    with pytest.raises(ValueError, match="targets.digits-mlp"):
        parse_spec({**raw, "targets": {"digits-mlp": "high"}})


def test_cross_task_scores_by_hand():
    import pandas as pd

    ttt = pd.DataFrame(
        {
            "task": ["t1", "t1", "t2", "t2", "t2"],
            "optimizer": ["a", "b", "a", "b", "b"],
            "schedule": ["none"] * 5,
            "seconds": [10.0, 20.0, 20.0, math.inf, 90.0],  # b's best entry on t2: 90 > 4x20
        }
    )
    profiles, scores = verdicts.cross_task_scores(ttt)
    assert scores["a/none"] == pytest.approx(1.0)
    # b: ratio 2 on t1, 4.5 on t2 (outside tau <= 4): rho = .5 from tau = 2 (grid index 33)
    assert scores["b/none"] == pytest.approx(33.25 / 99)
    assert verdicts.cross_task_scores(ttt[ttt["task"] == "t1"]) is None


def test_section_figures_go_through_the_per_figure_cache(toy, tmp_path):
    from optarena.report import render, verdict_render

    out = tmp_path / "r"
    out.mkdir()
    first = verdicts.build(toy, "toy", out, formats=("png", "svg"))
    drawn = render.RENDERS["count"]
    manifest = json.loads((out / verdict_render.MANIFEST).read_text())
    assert {"wins_toy", "ranking_stability"} <= {k for k, e in manifest.items() if e["applies"]}
    again = verdicts.build(toy, "toy", out, formats=("png", "svg"))
    assert render.RENDERS["count"] == drawn  # same numbers: every figure reused, none drawn
    assert again.html == first.html and (out / "wins_toy.svg").is_file()
    tid = toy.trials("toy")[0].id  # a changed result redraws what depends on it
    toy.log_metrics(tid, [(None, 1, "val", "acc", 0.01)])
    verdicts.build(toy, "toy", out)
    assert render.RENDERS["count"] > drawn  # the ranking-stability figure reads val acc

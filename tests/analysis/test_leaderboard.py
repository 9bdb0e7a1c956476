import math

import numpy as np
import pytest

from optarena.analysis import COLUMNS, TARGET_COLUMNS, entry_id, leaderboard
from optarena.store import Store


def _by_optimizer(board):
    return {(r.optimizer, r.lr): r for r in board.itertuples()}


def test_leaderboard_equals_a_recomputation_from_the_stored_rows(toy_store):
    board = leaderboard(toy_store, "toy")
    assert list(board.columns) == list(COLUMNS)
    trials = toy_store.trials_frame("toy", role="final")
    trials["entry"] = [entry_id(t.config) for t in toy_store.trials("toy", role="final")]
    assert sorted(board.entry) == sorted(trials.entry.unique())
    for row in board.itertuples():
        mine = trials[trials.entry == row.entry]
        done = mine[mine.state == "complete"]
        acc = done["summary.test_acc"].to_numpy(dtype=float)
        n = len(acc)
        assert row.n_seeds == n
        assert row.n_diverged == (mine.state == "diverged").sum()
        assert row.n_failed == (mine.state == "failed").sum()
        assert row.n_pending == mine.state.isin(["pending", "running"]).sum()
        assert row.optimizer == mine["config.optimizer"].iloc[0]
        assert row.lr == mine["config.lr"].iloc[0]
        if n == 0:
            assert math.isnan(row.mean) and math.isnan(row.final_acc)
            continue
        mean = acc.sum() / n
        assert row.mean == pytest.approx(mean, rel=1e-12)
        assert row.best_epoch == pytest.approx(done["summary.best_epoch"].mean(), rel=1e-12)
        assert row.final_acc == pytest.approx(done["summary.final_test_acc"].mean(), rel=1e-12)
        assert row.wall_s == pytest.approx(done["wall_s"].mean(), rel=1e-12)
        if n < 2:
            assert math.isnan(row.std) and math.isnan(row.ci95)
            continue
        std = math.sqrt(((acc - mean) ** 2).sum() / (n - 1))
        assert row.std == pytest.approx(std, rel=1e-10)
        t975 = {3: 4.302652729749464}[n]  # t_{0.975, 2}
        assert row.ci95 == pytest.approx(t975 * std / math.sqrt(n), rel=1e-10)
        assert (row.ci_low, row.ci_high) == (
            pytest.approx(mean - row.ci95),
            pytest.approx(mean + row.ci95),
        )


def test_ranking_counts_and_marks(toy_store):
    board = leaderboard(toy_store, "toy")
    assert board["rank"].tolist() == [1, 2, 3, 4, 5]
    assert board.optimizer.tolist() == ["adam", "adamw", "sgd", "rmsprop", "sgd"]
    rows = _by_optimizer(board)
    leader, equal, worse = rows["adam", 1e-3], rows["adamw", 1e-3], rows["sgd", 0.1]
    assert (leader.sig, equal.sig, worse.sig) == ("", "", "*")
    assert math.isnan(leader.p_value)
    assert equal.p_value > 0.5
    # worse - leader on seeds 0, 1, 2: -0.05, -0.04, -0.03 → t = -0.04 / (0.01 / sqrt 3)
    t = -0.04 / (0.01 / math.sqrt(3))
    # Student t with 2 degrees of freedom: F(t) = 1/2 + t / (2 sqrt(2 + t^2))
    assert worse.p_value == pytest.approx(2 * (0.5 + t / (2 * math.sqrt(2 + t * t))), rel=1e-8)
    rms, big = rows["rmsprop", 0.01], rows["sgd", 10.0]
    assert (rms.n_seeds, rms.n_diverged, rms.n_failed, rms.mean) == (1, 1, 1, 0.5)
    assert math.isnan(rms.p_value) and rms.sig == ""  # one shared seed: no test
    assert (big.n_seeds, big.n_diverged) == (0, 2) and math.isnan(big.mean)
    assert equal.n_pending == 1 and equal.n_seeds == 3
    assert leader.schedule == "cosine" and leader.hparams == "sched.T_max=3"
    assert worse.hparams == "momentum=0.9" and rms.schedule == "none"
    # lr_tuned in the config, or search trials of the same optimizer in the study
    assert [rows[k].tuned for k in rows] == [True, False, True, False, True]


def test_target_columns_from_the_stored_validation_curves(toy_store):
    board = leaderboard(toy_store, "toy", target_acc=0.93)
    columns = list(board.columns)
    at = columns.index("final_acc") + 1
    assert columns[at : at + 3] == list(TARGET_COLUMNS)
    metrics = toy_store.metrics_frame(study="toy", level="epoch")
    ids = {t.id: t for t in toy_store.trials("toy", state="complete", role="final")}
    for row in board.itertuples():
        hits = []
        for tid, t in ids.items():
            if entry_id(t.config) != row.entry:
                continue
            m = metrics[metrics.trial_id == tid]
            val = m[(m.split == "val") & (m.name == "acc")].sort_values("epoch")
            reached = val[val.value >= 0.93]
            if len(reached):
                epoch = int(reached.epoch.iloc[0])
                wall = m[(m.name == "wall_s") & (m.epoch == epoch)].value.iloc[0]
                hits.append((epoch, wall))
        assert row.n_reached == len(hits)
        if hits:
            assert row.epochs_to_target == pytest.approx(np.mean([h[0] for h in hits]))
            assert row.secs_to_target == pytest.approx(np.mean([h[1] for h in hits]))
        else:
            assert math.isnan(row.epochs_to_target) and math.isnan(row.secs_to_target)
    rows = _by_optimizer(board)
    assert rows["adam", 1e-3].n_reached == 3 and rows["sgd", 0.1].n_reached == 2


def test_search_role_and_unknown_or_empty_studies(tmp_path, toy_store):
    search = leaderboard(toy_store, "toy", role="search")
    assert search.optimizer.tolist() == ["sgd"] and search["mean"].tolist() == [0.3]
    assert len(leaderboard(toy_store, "toy", role=None)) == 6
    with pytest.raises(ValueError, match="did you mean 'toy'"):
        leaderboard(toy_store, "tox")
    toy_store.add_study("empty")
    empty = leaderboard(toy_store, "empty")
    assert empty.empty and list(empty.columns) == list(COLUMNS)


def test_ranks_are_per_task(tmp_path):
    store = Store(tmp_path / "two.db")
    store.add_study("s")
    for task, accs in (("a", {"x": 0.8, "y": 0.9}), ("b", {"x": 0.7, "y": 0.6})):
        for opt, acc in accs.items():
            tid = store.add_trial("s", {"task": task, "optimizer": opt, "lr": 0.1, "seed": 0})
            store.finish(tid, "complete", {"test_acc": acc})
    board = leaderboard(store, "s")
    assert list(zip(board.task, board.optimizer, board["rank"], strict=True)) == [
        ("a", "y", 1), ("a", "x", 2), ("b", "x", 1), ("b", "y", 2),
    ]  # fmt: skip
    store.close()

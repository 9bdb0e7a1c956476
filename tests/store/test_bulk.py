"""The bulk write paths of the store (imports): ``log_epoch_series`` and ``finish_many`` write
the same rows and states as ``log_metrics`` and ``finish``, on SQLite and PostgreSQL."""

import math

import pytest

CONFIG = {"task": "t", "optimizer": "sgd", "lr": 0.1, "seed": 0}


def _rows(store, tid):
    frame = store.metrics_frame([tid])
    return [
        (r.epoch, r.split, r.name, None if math.isnan(r.value) else r.value)
        for r in frame.itertuples()
    ]


def test_epoch_series_write_what_log_metrics_writes(store):
    store.add_study("s")
    a = store.add_trial("s", CONFIG)
    b = store.add_trial("s", {**CONFIG, "seed": 1})
    values = [0.1, 1 / 3, float("nan"), None, 1e-300, float("inf"), -2.5e17]
    written = store.log_epoch_series([(a, "val", "acc", values), (a, "train", "wall_s", [1.0])])
    assert written == len(values) + 1
    store.log_metrics(b, [(None, i + 1, "val", "acc", v) for i, v in enumerate(values)])
    store.log_metrics(b, [(None, 1, "train", "wall_s", 1.0)])
    assert _rows(store, a) == _rows(store, b)
    got = [v for e, sp, n, v in _rows(store, a) if n == "acc"]
    assert got[:2] == [0.1, 1 / 3] and got[2] is None and got[3] is None
    assert got[4] == 1e-300 and got[5] == math.inf and got[6] == -2.5e17  # exact round trip


def test_epoch_series_replace_rows_and_the_last_duplicate_wins(store):
    store.add_study("s")
    a = store.add_trial("s", CONFIG)
    store.log_metrics(a, [(None, 1, "val", "acc", 0.5), (None, 3, "val", "acc", 0.7)])
    store.log_epoch_series([(a, "val", "acc", [0.6, 0.65]), (a, "val", "acc", [0.9])])
    assert [r[3] for r in _rows(store, a)] == [0.9, 0.65, 0.7]
    store.log_epoch_series([(a, "test", "acc", [0.1, 0.2])], first_epoch=3)
    assert [(r[0], r[3]) for r in _rows(store, a) if r[1] == "test"] == [(3, 0.1), (4, 0.2)]
    assert store.log_epoch_series([]) == 0


def test_epoch_series_refuse_bad_splits_and_unknown_trials_writing_nothing(store):
    store.add_study("s")
    a = store.add_trial("s", CONFIG)
    with pytest.raises(ValueError, match="split"):
        store.log_epoch_series([(a, "dev", "acc", [0.5])])
    sqlite = store.journal_mode() == "wal"  # PostgreSQL raises its foreign-key error
    error, match = (ValueError, "not in store") if sqlite else (Exception, None)
    with pytest.raises(error, match=match):
        store.log_epoch_series([(a, "val", "acc", [0.5]), ("feedbeef", "val", "acc", [0.5])])
    assert store.metrics_frame([a]).empty
    store.log_epoch_series([(a, "val", "acc", [0.5])])  # the store still works afterwards
    assert len(store.metrics_frame([a])) == 1


def test_finish_many_records_states_summaries_and_wall_time(store):
    store.add_study("s")
    a = store.add_trial("s", CONFIG)
    b = store.add_trial("s", {**CONFIG, "seed": 1})
    n = store.finish_many(
        [(a, "complete", {"test_acc": 0.9, "wall_s": 12.5}), (b, "diverged", {"wall_s": math.inf})]
    )
    assert n == 2
    ra, rb = store.trial(a), store.trial(b)
    assert (ra.state.value, ra.summary["test_acc"], ra.wall_s) == ("complete", 0.9, 12.5)
    assert rb.state.value == "diverged" and rb.wall_s is None
    with pytest.raises(ValueError, match="finish needs"):
        store.finish_many([(a, "running", {})])


def test_epoch_series_without_sqlite_json_functions_fall_back_to_rows(tmp_path, monkeypatch):
    from optarena.store import Store, metrics

    broken = metrics._SERIES_SQL.replace("json_each", "json_each_x")
    monkeypatch.setattr(metrics, "_SERIES_SQL", broken)
    store = Store(tmp_path / "s.db")
    store.add_study("s")
    a = store.add_trial("s", CONFIG)
    assert store.log_epoch_series([(a, "val", "acc", [0.5, float("nan")])]) == 2
    assert _rows(store, a) == [(1, "val", "acc", 0.5), (2, "val", "acc", None)]

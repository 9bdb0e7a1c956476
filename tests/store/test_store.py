import math
import sqlite3

import pandas as pd
import pytest

from optarena.store import (
    DEFAULT_STORE,
    SCHEMA_VERSION,
    Store,
    StoreVersionError,
    TrialState,
    config_hash,
)

CONFIG = {"task": "mnist-cnn", "optimizer": "sgd", "opt": {"momentum": 0.9}, "lr": 0.1, "seed": 0}


def test_new_store_creates_folders_records_version_and_uses_wal(tmp_path):
    path = tmp_path / "a" / "b" / "optarena.db"
    with Store(path) as store:
        assert path.is_file()
        assert store.schema_version() == SCHEMA_VERSION
        assert store.journal_mode() == "wal"
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert DEFAULT_STORE.as_posix() == "runs/optarena.db"


def test_store_from_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "optarena.db"
    Store(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StoreVersionError, match=rf"schema version {SCHEMA_VERSION + 1}.*newer"):
        Store(path)


def test_foreign_or_corrupt_files_are_refused(tmp_path):
    other = tmp_path / "other.db"
    raw = sqlite3.connect(other)
    raw.execute("CREATE TABLE x (a)")
    raw.close()
    with pytest.raises(ValueError, match="not an optarena store"):
        Store(other)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(ValueError, match="cannot open results store"):
        Store(junk)
    with pytest.raises(FileNotFoundError, match="no results store"):
        Store(tmp_path / "missing.db", create=False)


def test_studies_round_trip_and_unknown_names_suggest(store):
    store.add_study("optimizers", {"seeds": 3})
    store.add_study("schedules")
    store.add_study("optimizers", {"seeds": 5})  # re-adding updates the spec, no duplicate
    assert [s.name for s in store.studies()] == ["optimizers", "schedules"]
    assert store.study("optimizers").config == {"seeds": 5}
    with pytest.raises(ValueError, match="did you mean 'optimizers'"):
        store.study("optimizer")


def test_add_trial_is_idempotent_and_shared_across_studies(store):
    store.add_study("a")
    store.add_study("b")
    tid = store.add_trial("a", CONFIG)
    assert tid == config_hash(CONFIG)
    assert store.add_trial("a", dict(reversed(list(CONFIG.items())))) == tid
    assert store.add_trial("b", CONFIG, role="search") == tid
    assert [t.id for t in store.trials()] == [tid]
    assert [t.id for t in store.trials("b", role="search")] == [tid]
    assert store.trials("a", role="search") == []
    record = store.trial(tid)
    assert (record.study, record.role, record.state) == ("a", "final", TrialState.PENDING)
    assert record.config == CONFIG
    with pytest.raises(ValueError, match="unknown study"):
        store.add_trial("nope", CONFIG)
    with pytest.raises(ValueError, match="role"):
        store.add_trial("a", CONFIG, role="other")


def test_trial_lookup_by_prefix(store):
    store.add_study("s")
    tid = store.add_trial("s", CONFIG)
    assert store.trial(tid[:6]).id == tid
    with pytest.raises(ValueError, match="no trial 'zzz'"):
        store.trial("zzz")


def test_claim_is_exclusive_until_the_lease_expires(store, clock):
    store.add_study("s")
    tid = store.add_trial("s", CONFIG)
    assert store.pending("s") == [tid]
    assert store.claim(tid, "w1", lease_s=30)
    assert not store.claim(tid, "w2", lease_s=30)
    assert store.pending("s") == []
    assert store.claim(tid, "w1", lease_s=30)  # the holder may renew
    clock.now += 20
    assert store.heartbeat(tid, "w1", lease_s=30)
    clock.now += 29
    assert not store.claim(tid, "w2", lease_s=30)
    clock.now += 2  # w1 stopped beating: its lease is over
    assert store.pending("s") == [tid]
    assert store.claim(tid, "w2", lease_s=30)
    record = store.trial(tid)
    assert (record.state, record.lease_owner, record.attempt) == (TrialState.RUNNING, "w2", 2)
    assert not store.heartbeat(tid, "w1", lease_s=30)  # w1 learns it lost the trial
    assert not store.finish(tid, "complete", {"test_acc": 0.5}, owner="w1")
    assert store.finish(tid, "complete", {"test_acc": 0.9, "wall_s": 4.5}, owner="w2")
    record = store.trial(tid)
    assert (record.state, record.wall_s, record.lease_owner) == (TrialState.COMPLETE, 4.5, None)
    assert record.summary == {"test_acc": 0.9, "wall_s": 4.5}


def test_finished_trials_are_never_claimed_again_except_failed_on_retry(store):
    store.add_study("s")
    ids = [store.add_trial("s", {**CONFIG, "seed": k}) for k in range(3)]
    for tid, state in zip(ids, ("complete", "diverged", "failed"), strict=True):
        assert store.claim(tid, "w", lease_s=10)
        store.finish(tid, state, {}, error="Traceback ..." if state == "failed" else None)
    assert not any(store.claim(tid, "w2", lease_s=10) for tid in ids)
    assert store.pending("s") == []
    assert store.pending("s", retry_failed=True) == [ids[2]]
    assert not store.claim(ids[0], "w2", lease_s=10, retry_failed=True)
    assert not store.claim(ids[1], "w2", lease_s=10, retry_failed=True)
    assert store.claim(ids[2], "w2", lease_s=10, retry_failed=True)
    assert store.trial(ids[2]).attempt == 2
    assert store.counts("s") == {
        "pending": 0,
        "running": 1,
        "complete": 1,
        "diverged": 1,
        "failed": 0,
    }


def test_release_returns_a_trial_to_pending(store):
    store.add_study("s")
    tid = store.add_trial("s", CONFIG)
    assert store.claim(tid, "w", lease_s=10)
    assert not store.release(tid, "other")
    assert store.release(tid, "w")
    assert store.trial(tid).state is TrialState.PENDING
    with pytest.raises(ValueError, match="complete, diverged or failed"):
        store.finish(tid, "running", {})
    with pytest.raises(ValueError, match="positive"):
        store.claim(tid, "w", lease_s=0)


def test_metrics_upsert_truncate_and_read_back(store):
    store.add_study("s")
    tid = store.add_trial("s", CONFIG)
    rows = [(s, 1 + s // 2, "train", "loss", 2.0 - 0.1 * s) for s in range(4)]
    rows += [(None, e, split, "acc", 0.5 + 0.1 * e) for e in (1, 2) for split in ("train", "val")]
    assert store.log_metrics(tid, rows) == 8
    store.log_metrics(
        tid, [{"step": None, "epoch": 2, "split": "val", "name": "acc", "value": 0.8}]
    )
    store.log_metrics(tid, [(4, 3, "train", "loss", float("nan"))])
    frame = store.metrics_frame([tid])
    assert list(frame.columns) == ["trial_id", "step", "epoch", "split", "name", "value"]
    assert len(frame) == 9
    val = frame[(frame.split == "val") & (frame.name == "acc")]
    assert val.value.tolist() == [pytest.approx(0.6), 0.8]
    assert math.isnan(frame[frame.step == 4].value.iloc[0])
    assert len(store.metrics_frame(study="s", level="epoch")) == 4
    assert len(store.metrics_frame(study="s", names=["loss"], level="step")) == 5
    assert store.truncate_metrics(tid, after_epoch=1) == 5  # steps 2-4, epoch-2 accs
    left = store.metrics_frame(study="s")
    assert sorted(left.epoch.unique().tolist()) == [1]
    assert store.truncate_metrics(tid, after_epoch=1, after_step=0) == 1
    with pytest.raises(ValueError, match="split"):
        store.log_metrics(tid, [(None, 1, "dev", "acc", 0.5)])


def test_trials_frame_flattens_config_and_summary(store):
    store.add_study("s")
    a = store.add_trial("s", CONFIG)
    b = store.add_trial("s", {**CONFIG, "seed": 1})
    store.finish(a, "diverged", {"test_acc": 0.1, "diverged_at": {"epoch": 2, "step": 7}})
    frame = store.trials_frame("s")
    assert frame.id.tolist() == [a, b]
    assert frame["config.opt.momentum"].tolist() == [0.9, 0.9]
    assert frame["config.seed"].tolist() == [0, 1]
    assert frame["summary.diverged_at.epoch"].iloc[0] == 2
    assert pd.isna(frame["summary.test_acc"].iloc[1])
    assert frame.state.tolist() == ["diverged", "pending"]
    assert store.trials_frame("s", state=["pending"]).id.tolist() == [b]
    assert len(store.trials_frame(state="complete")) == 0


def test_store_pickles_to_its_path(store):
    import pickle

    clone = pickle.loads(pickle.dumps(store))
    assert clone.path == store.path and clone.journal_mode() == store.journal_mode()
    assert clone.trials() == store.trials()
    clone.close()

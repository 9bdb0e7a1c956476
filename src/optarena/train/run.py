"""Run one trial with its results recorded in the store (used by ``train`` and by studies).

The trial's stored config is its identity (``TrialConfig.identity()``), so its store id equals
``config.trial_id``. Checkpoints live in ``OUT/trials/<trial_id>/``.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import traceback
from pathlib import Path
from typing import Any

from optarena.diskfull import storage_error
from optarena.store import DEFAULT_STORE, Store, TrialState, open_store, store_target
from optarena.train.config import TrialConfig
from optarena.train.trainer import EventFn, Row, TrialResult, run_trial


class StoreRecorder:
    """Sends a trial's metric rows to the store; drops rows of epochs a resume will redo."""

    def __init__(self, store: Store, trial_id: str) -> None:
        self.store, self.trial_id = store, trial_id

    def log(self, rows: list[Row]) -> None:
        self.store.log_metrics(self.trial_id, rows)

    def truncate(self, after_epoch: int) -> None:
        self.store.truncate_metrics(self.trial_id, after_epoch)


def trial_dir(out: Path | str, trial_id: str) -> Path:
    """``OUT/trials/<trial_id>`` (an id read from a store is checked like any name)."""
    from optarena.paths import child

    return child(Path(out) / "trials", trial_id, kind="trial id")


def store_path_for(out: Path | str, store_path: Path | str | None) -> Path | str:
    """``--store`` when given (a file, or a ``postgresql://`` URL), else ``OUT/optarena.db``."""
    return store_target(store_path) if store_path is not None else Path(out) / DEFAULT_STORE.name


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_recorded(
    config: TrialConfig,
    *,
    out: Path | str,
    store_path: Path | str | None = None,
    study: str = "train",
    role: str = "final",
    on_event: EventFn | None = None,
    owner: str | None = None,
    lease_s: float = 24 * 3600.0,
    study_config: dict[str, Any] | None = None,
) -> TrialResult:
    """Record ``config`` in ``study``, run it (resuming if a checkpoint exists), store the end.

    A trial already complete or diverged is not run again: its stored result is returned.
    A trial that raises is stored as ``failed`` with its traceback, and the error re-raised;
    on Ctrl-C or a storage failure (full disk, ``optarena.diskfull``) it is released instead.
    """
    from optarena.paths import check_name

    check_name(study)
    with open_store(store_path_for(out, store_path)) as store:
        if study_config is not None or study not in store.study_names():
            store.add_study(study, study_config or {})
        trial_id = store.add_trial(study, config.identity(), role=role)
        record = store.trial(trial_id)
        if record.state in (TrialState.COMPLETE, TrialState.DIVERGED):
            return TrialResult(
                trial_id, record.state.value, record.summary or {}, [], trial_dir(out, trial_id)
            )
        owner = owner or default_owner()
        if not store.claim(trial_id, owner, lease_s, retry_failed=True):
            raise ValueError(f"trial {trial_id} is being run by {record.lease_owner}")
        try:
            result = run_trial(
                config,
                out_dir=trial_dir(out, trial_id),
                recorder=StoreRecorder(store, trial_id),
                on_event=on_event,
            )
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt) or storage_error(exc) is not None:
                _release(store, trial_id, owner)  # not the trial's fault: a rerun resumes it
            else:
                store.finish(trial_id, "failed", {}, error=traceback.format_exc(), owner=owner)
            raise
        store.finish(trial_id, result.state, result.summary, owner=owner)
        return result


def _release(store: Store, trial_id: str, owner: str) -> None:
    """Give the trial back; a store that cannot be written (full disk) keeps the lease, which
    a rerun adopts once this process is gone."""
    try:
        store.release(trial_id, owner)
    except (OSError, sqlite3.Error):
        pass


def best_checkpoint_of(
    trial_id: str, *, out: Path | str, store_path: Path | str | None
) -> tuple[Path, str]:
    """The best checkpoint of a stored trial (id or unique prefix) and the trial's full id
    (the checkpoint must prove it is that trial: ``verify.read_trial_checkpoint``)."""
    with open_store(store_path_for(out, store_path), read_only=True) as store:
        record = store.trial(trial_id)
    path = Path((record.summary or {}).get("checkpoint") or trial_dir(out, record.id) / "best.pt")
    if not path.is_file():
        raise FileNotFoundError(f"trial {record.id} has no best checkpoint at {path}")
    return path, record.id

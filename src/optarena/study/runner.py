"""Run a study: record its trials, skip finished ones, claim the rest, run them, stream results.

Reliability (issue 6, item 5):

- idempotent: trial ids are config hashes; finished trials (complete/diverged, and failed unless
  ``retry_failed``) are never run again, so a second run executes zero trials;
- exclusive: a trial runs only after ``Store.claim`` gave this runner its lease, renewed by a
  heartbeat thread, so two ``compare`` processes on one store never run the same trial (each
  waits for the trials the other holds);
- resumable: an unfinished trial resumes from ``OUT/trials/<id>/last.pt``; a lease left by a
  killed ``compare`` on this host is adopted at once when its process is gone (elsewhere it is
  taken over when it expires);
- isolated: a trial that raises is recorded ``failed`` with its traceback; the study goes on;
  ``retry_failed`` runs each failed trial once more per call, never in a loop;
- not the trial's fault: a full disk or read-only file system (``optarena.diskfull``) stops
  the study with that ``OSError``; trials in flight are released, and a rerun resumes them.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from optarena import diskfull
from optarena.store import FINISHED_STATES, Store, TrialState, open_store, store_target
from optarena.study.executors import make_executor
from optarena.study.executors.base import HALTED, Job, Outcome, TrialEventFn
from optarena.study.expand import expand, trial_label
from optarena.study.spec import StudySpec
from optarena.train import TrialConfig

DEFAULT_LEASE_S = 120.0
POLL_S = 1.0


@dataclass
class StudyRun:
    """What one ``run_study`` call did."""

    name: str
    trial_ids: list[str]
    executed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: int = 0  # already finished before this run
    counts: dict[str, int] = field(default_factory=dict)


def make_owner() -> str:
    """``host:pid:nonce`` — the pid lets a rerun on this host see that the owner is gone."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_is_dead(owner: str | None) -> bool:
    """True when ``owner`` names a process on this host that no longer exists."""
    if not owner:
        return False
    parts = owner.split(":")
    if len(parts) < 2 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class _Heartbeat:
    """Renews the leases of the trials in flight every ``lease_s / 4`` seconds."""

    def __init__(self, store_path: Path | str, owner: str, lease_s: float) -> None:
        self.store_path, self.owner, self.lease_s = store_path, owner, lease_s
        self.ids: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def add(self, trial_id: str) -> None:
        with self._lock:
            self.ids.add(trial_id)

    def discard(self, trial_id: str) -> None:
        with self._lock:
            self.ids.discard(trial_id)

    def _loop(self) -> None:
        with open_store(self.store_path) as store:
            while not self._stop.wait(self.lease_s / 4):
                with self._lock:
                    ids = list(self.ids)
                for trial_id in ids:
                    store.heartbeat(trial_id, self.owner, self.lease_s)


def register_trials(
    store: Store, name: str, spec_dict: dict[str, Any], configs: list[TrialConfig], role: str
) -> dict[str, TrialConfig]:
    """Add the study and its trials (idempotent); returns ``{store id: config}`` in order."""
    store.add_study(name, spec_dict)
    ids = store.add_trials(name, [c.identity() for c in configs], role=role)
    return dict(zip(ids, configs, strict=True))


def run_trials(
    trials: dict[str, TrialConfig],
    *,
    study: str,
    store_path: Path | str,
    out: Path,
    executor: str = "local",
    workers: int | None = None,
    role: str = "final",
    on_event: TrialEventFn | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    lease_s: float = DEFAULT_LEASE_S,
    retry_failed: bool = False,
    address: str | None = None,
    storage: str | None = None,
) -> StudyRun:
    """Run every unfinished trial of ``trials`` (already registered in ``study``) exactly once."""
    owner = make_owner()
    run = StudyRun(study, list(trials))
    finished = _finished(retry_failed)
    engine = make_executor(executor, workers=workers, address=address, storage=storage)
    with open_store(store_path) as store, _Heartbeat(store_path, owner, lease_s) as beat:
        run.skipped = sum(store.trial(t).state in finished for t in trials)
        attempted: set[str] = set()  # run once per call: --retry-failed cannot loop forever
        try:
            while True:
                todo = [
                    t
                    for t in trials
                    if t not in attempted and store.trial(t).state not in finished
                ]
                if not todo:
                    break
                jobs = _claimed_jobs(
                    todo,
                    trials,
                    store,
                    beat,
                    owner,
                    lease_s,
                    study,
                    role,
                    out,
                    store_path,
                    retry_failed,
                )
                ran = 0
                for outcome in engine.run(jobs, on_event):
                    if outcome.state == HALTED:  # a full disk: stop, the rerun resumes
                        raise diskfull.rebuild(outcome.summary)
                    ran += 1
                    attempted.add(outcome.trial_id)
                    beat.discard(outcome.trial_id)
                    _settle(store, outcome, owner)
                    run.executed.append(outcome.trial_id)
                    if outcome.state == "failed":
                        run.failed.append(outcome.trial_id)
                    if on_outcome is not None:
                        on_outcome(outcome)
                if ran == 0:  # every unfinished trial is held by another live runner
                    time.sleep(POLL_S)
        finally:
            engine.close()
            _release_all(store, beat, owner)
        run.counts = _counts(store, trials)
    return run


def run_study(
    spec: StudySpec,
    *,
    store_path: Path | str,
    out: Path | str,
    executor: str = "local",
    workers: int | None = None,
    name: str | None = None,
    progress: Any = None,
    lease_s: float = DEFAULT_LEASE_S,
    retry_failed: bool = False,
    address: str | None = None,
    storage: str | None = None,
) -> StudyRun:
    """Expand ``spec``, record it as study ``name`` (default ``spec.name``) and run it.

    ``progress`` is an object with ``on_event(trial_id, event, payload)``, ``on_outcome`` and
    ``start(total, done)`` (see ``progress.StudyProgress``), or None. ``lrs = "tune"`` first
    runs the search (``tuning.tune``); ``"auto"`` takes each optimizer's LR from a range test.
    A ``[pretrain]`` table first trains the backbone (``pretrain.py``).
    """
    name = name or spec.name
    store_path, out = store_target(store_path), Path(out)
    common = dict(
        study=name,
        store_path=store_path,
        out=out,
        executor=executor,
        workers=workers,
        lease_s=lease_s,
        retry_failed=retry_failed,
        address=address,
        storage=storage,
    )
    if spec.pretrain is not None:
        from optarena.study.pretrain import with_pretrained_backbone

        spec = with_pretrained_backbone(spec, name=name, store_path=store_path, out=out)
    if spec.lrs in ("tune", "auto"):
        from optarena.study import tuning

        resolve = tuning.tune if spec.lrs == "tune" else tuning.auto_lrs
        spec = resolve(spec, progress=progress, **common)
    configs = expand(spec)
    with open_store(store_path) as store:
        trials = register_trials(store, name, spec.to_dict(), configs, role="final")
        done = sum(store.trial(t).state in _finished(retry_failed) for t in trials)
    if progress is not None:
        getattr(progress, "labels", {}).update({t: trial_label(c) for t, c in trials.items()})
        progress.start(len(trials), done)
    return run_trials(
        trials,
        role="final",
        on_event=getattr(progress, "on_event", None),
        on_outcome=getattr(progress, "on_outcome", None),
        **common,
    )


def _finished(retry_failed: bool) -> set[TrialState]:
    states = set(FINISHED_STATES)
    if retry_failed:
        states.discard(TrialState.FAILED)
    return states


def _claimed_jobs(
    todo: list[str],
    trials: dict[str, TrialConfig],
    store: Store,
    beat: _Heartbeat,
    owner: str,
    lease_s: float,
    study: str,
    role: str,
    out: Path,
    store_path: Path | str,
    retry_failed: bool,
) -> Iterator[Job]:
    """Claim each trial just before an executor slot takes it (lazily)."""
    for trial_id in todo:
        record = store.trial(trial_id)
        holder = owner
        if record.state == TrialState.RUNNING and owner_is_dead(record.lease_owner):
            holder = record.lease_owner or owner  # adopt the lease of a killed run on this host
            if not store.claim(trial_id, holder, lease_s):
                continue
            store.release(trial_id, holder)
        if not store.claim(trial_id, owner, lease_s, retry_failed=retry_failed):
            continue
        beat.add(trial_id)
        yield Job(trial_id, trials[trial_id], study, role, out, store_path, owner, lease_s)


def _release_all(store: Store, beat: _Heartbeat, owner: str) -> None:
    """Give back the trials still held when the run stops early (a full disk, Ctrl-C): they
    resume from their checkpoints on the next run. A store that cannot be written keeps the
    leases; a rerun adopts them once this process is gone."""
    with beat._lock:
        held = list(beat.ids)
        beat.ids.clear()
    for trial_id in held:
        try:
            store.release(trial_id, owner)
        except Exception:  # noqa: BLE001  (in a ``finally``: never hide the error that stopped us)
            return


def _settle(store: Store, outcome: Outcome, owner: str) -> None:
    """A trial whose worker died before recording its end is stored ``failed`` here."""
    record = store.trial(outcome.trial_id)
    if record.state == TrialState.RUNNING and record.lease_owner == owner:
        if outcome.state in ("complete", "diverged"):
            store.finish(outcome.trial_id, outcome.state, outcome.summary, owner=owner)
        else:
            store.finish(outcome.trial_id, "failed", {}, error=outcome.error, owner=owner)


def _counts(store: Store, trials: dict[str, TrialConfig]) -> dict[str, int]:
    counts = {s.value: 0 for s in TrialState}
    for trial_id in trials:
        counts[store.trial(trial_id).state.value] += 1
    return counts

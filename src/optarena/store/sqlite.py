"""The embedded results store: SQLite through the standard library.

One connection per process (re-opened after a fork or unpickling), WAL journal so readers never
block the writer, ``busy_timeout`` so writers queue instead of failing, and short
``BEGIN IMMEDIATE`` transactions. Every write is one transaction, so a process killed with
SIGKILL leaves either all of it or none of it (https://www.sqlite.org/wal.html,
https://www.sqlite.org/atomiccommit.html).

Metric rows are ``(step, epoch, split, name, value)``. Epoch-level rows have ``step`` NULL;
step-level rows have ``step`` set (and ``epoch`` NULL or the epoch they fall in). NaN values are
stored as NULL (SQLite has no NaN) and read back as NaN.
"""

from __future__ import annotations

import errno
import json
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from optarena.diskfull import unwritable
from optarena.errors import unknown_name
from optarena.paths import DEFAULT_STORE
from optarena.store.hashing import canonical, config_hash
from optarena.store.metrics import MetricsMixin
from optarena.store.records import (
    FINISHED_STATES,
    ROLES,
    StudyRecord,
    TrialRecord,
    TrialState,
    dumps,
    record_from_row,
)
from optarena.store.schema import SCHEMA_VERSION, check_version, ensure_schema

if TYPE_CHECKING:
    import pandas as pd

BUSY_TIMEOUT_S = 60.0

States = TrialState | str | Iterable[TrialState | str] | None

_TRIAL_COLUMNS = (
    "t.id, t.config, t.state, t.attempt, t.lease_owner, t.lease_until, t.started, t.finished, "
    "t.wall_s, t.summary, t.error, t.created"
)


class Store(MetricsMixin):
    """The results store in one SQLite file (created with its parent folders when absent).

    ``create=False`` refuses a missing file (``FileNotFoundError``). ``read_only=True`` (for
    read-only commands) also opens the file with SQLite's ``mode=ro``: it never changes the
    journal mode nor writes a schema, and refuses a file that is not an optarena store.
    ``synchronous`` is SQLite's ``PRAGMA synchronous``: ``FULL`` (default) makes every commit
    durable across power loss; ``NORMAL`` is durable across process crashes only. ``clock``
    gives the time in POSIX seconds (leases and timestamps; replaceable in tests).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = DEFAULT_STORE,
        *,
        create: bool = True,
        read_only: bool = False,
        synchronous: str = "FULL",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        if synchronous.upper() not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise ValueError(f"synchronous must be OFF, NORMAL, FULL or EXTRA, not {synchronous!r}")
        self._synchronous = synchronous.upper()
        self._clock = clock
        self._read_only = read_only
        if not self.path.exists():
            if not create or read_only:
                raise FileNotFoundError(f"no results store at {self.path}")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._connect()

    # --- connection -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        if self._read_only:
            conn = _connect_read_only(self.path)
            self._conn, self._pid = conn, os.getpid()
            return conn
        try:
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except sqlite3.OperationalError as exc:  # "unable to open database file": say why
            problem = unwritable(self.path)
            if problem is None:
                raise
            raise problem from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:
                check_version(conn, version, str(self.path))  # a foreign file stays untouched
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise ValueError(f"cannot use WAL journal mode for store {self.path} ({mode})")
            conn.execute(f"PRAGMA synchronous = {self._synchronous}")
            conn.execute("PRAGMA foreign_keys = ON")
            ensure_schema(conn, str(self.path))
        except sqlite3.DatabaseError as exc:
            conn.close()
            problem = unwritable(self.path)  # a read-only file system or folder: say so
            if problem is not None:
                raise problem from exc
            raise ValueError(f"cannot open results store {self.path}: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        self._conn, self._pid = conn, os.getpid()
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction (``BEGIN IMMEDIATE`` takes the write lock up front)."""
        if self._read_only:
            raise ValueError(f"store {self.path} is opened read-only")
        with self._lock:
            conn = self._connect()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def _bulk_write(self, trial_ids: set[str]) -> Iterator[sqlite3.Connection]:
        """``_write`` for bulk metric rows: the trials are checked once, then the per-row
        foreign-key lookups are off for the transaction (the pragma is a no-op inside one)."""
        with self._lock:
            conn = self._connect()
            conn.execute("PRAGMA foreign_keys = OFF")
            try:
                with self._write() as conn:
                    ids = sorted(trial_ids)
                    known = 0
                    for i in range(0, len(ids), 500):  # under SQLite's variable limit
                        part = ids[i : i + 500]
                        marks = ", ".join("?" * len(part))
                        sql = f"SELECT count(*) FROM trials WHERE id IN ({marks})"
                        known += conn.execute(sql, part).fetchone()[0]
                    if known != len(ids):
                        raise ValueError(f"metric rows for trials not in store {self.path}")
                    yield conn
            finally:
                conn.execute("PRAGMA foreign_keys = ON")

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._connect().execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "synchronous": self._synchronous, "read_only": self._read_only}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            state["path"],
            synchronous=state["synchronous"],
            read_only=state.get("read_only", False),
        )

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def journal_mode(self) -> str:
        return self._read("PRAGMA journal_mode")[0][0]

    def schema_version(self) -> int:
        return self._read("PRAGMA user_version")[0][0]

    # --- studies ----------------------------------------------------------------------------

    def add_study(self, name: str, config: Mapping[str, Any] | None = None) -> StudyRecord:
        """Add a study, or update the spec of an existing one (its ``created`` stays)."""
        if not name or not isinstance(name, str):
            raise ValueError("a study needs a non-empty name")
        text = dumps(config or {})
        with self._write() as conn:
            conn.execute(
                "INSERT INTO studies (name, config, created) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET config = excluded.config",
                (name, text, self._clock()),
            )
        return self.study(name)

    def study(self, name: str) -> StudyRecord:
        """The study ``name``; an unknown name is a ``ValueError`` with close matches."""
        rows = self._read("SELECT name, config, created FROM studies WHERE name = ?", (name,))
        if not rows:
            raise unknown_name("study", name, self.study_names())
        return StudyRecord(rows[0][0], json.loads(rows[0][1]), rows[0][2])

    def studies(self) -> list[StudyRecord]:
        rows = self._read("SELECT name, config, created FROM studies ORDER BY created, name")
        return [StudyRecord(n, json.loads(c), t) for n, c, t in rows]

    def study_names(self) -> list[str]:
        return [r[0] for r in self._read("SELECT name FROM studies ORDER BY name")]

    # --- trials -----------------------------------------------------------------------------

    def add_trial(self, study: str, config: Mapping[str, Any], role: str = "final") -> str:
        """Add a trial (id = ``config_hash(config)``) to ``study``; returns its id.

        Idempotent: the same config gives the same id and no duplicate, whatever study adds it.
        """
        return self.add_trials(study, [config], role=role)[0]

    def add_trials(
        self, study: str, configs: Iterable[Mapping[str, Any]], role: str = "final"
    ) -> list[str]:
        """``add_trial`` for many configs in one transaction."""
        if role not in ROLES:
            raise ValueError(f"trial role must be one of {', '.join(ROLES)}, not {role!r}")
        self.study(study)  # clear error for an unknown study
        prepared = [(config_hash(c), dumps(canonical(c, fold_floats=False))) for c in configs]
        now = self._clock()
        with self._write() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO trials (id, study, config, role, created) "
                "VALUES (?, ?, ?, ?, ?)",
                [(tid, study, text, role, now) for tid, text in prepared],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO study_trials (study, trial_id, role) VALUES (?, ?, ?)",
                [(study, tid, role) for tid, _ in prepared],
            )
        return [tid for tid, _ in prepared]

    def trial(self, trial_id: str) -> TrialRecord:
        """One trial by id or unique id prefix (``ValueError`` when none or several match)."""
        rows = self._read(
            f"SELECT t.study, t.role, {_TRIAL_COLUMNS} FROM trials t WHERE t.id = ?", (trial_id,)
        )
        if not rows and trial_id:
            rows = self._read(
                f"SELECT t.study, t.role, {_TRIAL_COLUMNS} FROM trials t "
                "WHERE substr(t.id, 1, ?) = ? LIMIT 2",
                (len(trial_id), trial_id),
            )
        if len(rows) != 1:
            what = "no trial" if not rows else "several trials match"
            raise ValueError(f"{what} {trial_id!r} in store {self.path}")
        return record_from_row(rows[0])

    def trials(
        self, study: str | None = None, state: States = None, role: str | None = None
    ) -> list[TrialRecord]:
        """Trials, optionally of one study, in some states, in one role (oldest first).

        For a study, each trial appears once; its ``role`` is ``final`` if the study lists it as
        final (it may also be listed as a search trial).
        """
        sql, params = self._trial_query(study, state, role)
        return [record_from_row(row) for row in self._read(sql, params)]

    def _trial_query(
        self, study: str | None, state: States, role: str | None
    ) -> tuple[str, list[Any]]:
        where, params = [], []
        if study is not None:
            self.study(study)
            sql = (
                f"SELECT l.study, MIN(l.role), {_TRIAL_COLUMNS} FROM study_trials l "
                "JOIN trials t ON t.id = l.trial_id"
            )
            where.append("l.study = ?")
            params.append(study)
            if role is not None:
                where.append("l.role = ?")
                params.append(role)
        else:
            sql = f"SELECT t.study, t.role, {_TRIAL_COLUMNS} FROM trials t"
            if role is not None:
                where.append("t.role = ?")
                params.append(role)
        states = _states(state)
        if states is not None:
            where.append(f"t.state IN ({', '.join('?' * len(states))})")
            params.extend(states)
        if where:
            sql += " WHERE " + " AND ".join(where)
        if study is not None:
            sql += " GROUP BY t.id"
        return sql + " ORDER BY t.created, t.id", params

    def pending(
        self, study: str, *, retry_failed: bool = False, now: float | None = None
    ) -> list[str]:
        """Ids of the study's trials that ``claim`` would accept now (pending, expired leases)."""
        self.study(study)
        now = self._clock() if now is None else now
        states = ["pending", "failed"] if retry_failed else ["pending"]
        rows = self._read(
            "SELECT DISTINCT t.id, t.created FROM study_trials l "
            "JOIN trials t ON t.id = l.trial_id "
            f"WHERE l.study = ? AND (t.state IN ({', '.join('?' * len(states))}) "
            "OR (t.state = 'running' AND (t.lease_until IS NULL OR t.lease_until < ?))) "
            "ORDER BY t.created, t.id",
            (study, *states, now),
        )
        return [r[0] for r in rows]

    def counts(self, study: str | None = None) -> dict[str, int]:
        """Number of trials per state (every state present, zeros included)."""
        out = {s.value: 0 for s in TrialState}
        for record in self.trials(study):
            out[record.state.value] += 1
        return out

    # --- leases -----------------------------------------------------------------------------

    def claim(
        self, trial_id: str, owner: str, lease_s: float, *, retry_failed: bool = False
    ) -> bool:
        """Atomically make ``owner`` the only runner of a trial for ``lease_s`` seconds.

        Succeeds for a pending trial, a running one whose lease expired (its runner died) or
        that ``owner`` already holds, and, with ``retry_failed``, a failed one. Complete and
        diverged trials are results and are never claimed again. Taking a trial over increments
        its ``attempt``.
        """
        _check_lease(owner, lease_s)
        now = self._clock()
        retry = ", 'failed'" if retry_failed else ""
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE trials SET state = 'running', lease_until = ?, "
                "attempt = attempt + (lease_owner IS NOT ? OR state != 'running'), "
                "lease_owner = ?, started = ?, finished = NULL "
                f"WHERE id = ? AND (state IN ('pending'{retry}) OR (state = 'running' AND "
                "(lease_until IS NULL OR lease_until < ? OR lease_owner = ?)))",
                (now + lease_s, owner, owner, now, trial_id, now, owner),
            )
        return cur.rowcount == 1

    def heartbeat(self, trial_id: str, owner: str, lease_s: float) -> bool:
        """Extend ``owner``'s lease; False when the lease was lost (stop running the trial)."""
        _check_lease(owner, lease_s)
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE trials SET lease_until = ? "
                "WHERE id = ? AND state = 'running' AND lease_owner = ?",
                (self._clock() + lease_s, trial_id, owner),
            )
        return cur.rowcount == 1

    def release(self, trial_id: str, owner: str) -> bool:
        """Give an unfinished trial back (state ``pending``), e.g. on Ctrl-C."""
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE trials SET state = 'pending', lease_owner = NULL, lease_until = NULL "
                "WHERE id = ? AND state = 'running' AND lease_owner = ?",
                (trial_id, owner),
            )
        return cur.rowcount == 1

    def finish(
        self,
        trial_id: str,
        state: TrialState | str,
        summary: Mapping[str, Any] | None = None,
        error: str | None = None,
        wall_s: float | None = None,
        *,
        owner: str | None = None,
    ) -> bool:
        """Record a trial's end: ``complete``, ``diverged`` or ``failed`` with its summary.

        With ``owner``, only the lease holder may finish (False otherwise: the lease was lost).
        ``wall_s`` defaults to ``summary["wall_s"]``.
        """
        state = TrialState(state)
        if state not in FINISHED_STATES:
            raise ValueError(f"finish needs complete, diverged or failed, not {state.value!r}")
        summary = dict(summary or {})
        if wall_s is None and summary.get("wall_s") is not None:
            wall_s = float(summary["wall_s"])
        sql = (
            "UPDATE trials SET state = ?, summary = ?, error = ?, wall_s = ?, finished = ?, "
            "lease_owner = NULL, lease_until = NULL WHERE id = ?"
        )
        params: list[Any] = [state.value, dumps(summary), error, wall_s, self._clock(), trial_id]
        if owner is not None:
            sql += " AND lease_owner = ? AND state = 'running'"
            params.append(owner)
        with self._write() as conn:
            cur = conn.execute(sql, params)
        if cur.rowcount == 0 and owner is None:
            raise ValueError(f"no trial {trial_id!r} in store {self.path}")
        return cur.rowcount == 1

    def finish_many(
        self, results: Iterable[tuple[str, TrialState | str, Mapping[str, Any] | None]]
    ) -> int:
        """``finish`` (no owner) for many ``(trial_id, state, summary)`` in one transaction
        (bulk imports); returns the number of trials updated."""
        now, params = self._clock(), []
        for trial_id, state, summary in results:
            state = TrialState(state)
            if state not in FINISHED_STATES:
                raise ValueError(f"finish needs complete, diverged or failed, not {state.value!r}")
            wall = (summary or {}).get("wall_s")
            wall = float(wall) if wall is not None and math.isfinite(float(wall)) else None
            params.append((state.value, dumps(dict(summary or {})), wall, now, trial_id))
        if not params:
            return 0
        with self._write() as conn:
            conn.executemany(
                "UPDATE trials SET state = ?, summary = ?, error = NULL, wall_s = ?, "
                "finished = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?",
                params,
            )
        return len(params)

    # --- frames -----------------------------------------------------------------------------

    def trials_frame(
        self, study: str | None = None, state: States = None, role: str | None = None
    ) -> pd.DataFrame:
        """Trials as a DataFrame; config and summary flattened into ``config.<key>`` and
        ``summary.<key>`` columns (nested keys joined by dots: ``config.opt.momentum``)."""
        from optarena.store import frames  # pandas is imported only for frames

        return frames.trials_frame(self.trials(study, state, role))

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` (``"ok"`` for a healthy file)."""
        return "\n".join(str(r[0]) for r in self._read("PRAGMA integrity_check"))


def _states(state: States) -> list[str] | None:
    if state is None:
        return None
    if isinstance(state, (str, TrialState)):
        state = [state]
    return [TrialState(s).value for s in state]


def _check_lease(owner: str, lease_s: float) -> None:
    if not owner:
        raise ValueError("a lease needs a non-empty owner")
    if not lease_s > 0:
        raise ValueError(f"lease_s must be positive, not {lease_s!r}")


def _connect_read_only(path: Path, immutable: bool = False) -> sqlite3.Connection:
    """A ``mode=ro`` connection to an optarena store (https://www.sqlite.org/uri.html). On a
    read-only file system, where SQLite cannot create the WAL index, the file is opened as
    ``immutable`` (nobody can change it there)."""
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.OperationalError:
            problem = unwritable(path)
            if immutable or problem is None or problem.errno != errno.EROFS:
                raise
            conn.close()
            return _connect_read_only(path, immutable=True)
        if version == 0:
            raise ValueError(f"{path} is not an optarena results store")
        check_version(conn, version, str(path))
        if version != SCHEMA_VERSION:
            raise ValueError(f"store {path} is older than this optarena: run compare on it once")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ValueError(f"cannot open results store {path}: {exc}") from None
    except BaseException:
        conn.close()
        raise
    return conn

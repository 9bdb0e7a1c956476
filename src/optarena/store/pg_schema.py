"""The store's schema on PostgreSQL: the SQLite schema (``schema.py``) in PostgreSQL types.

Times and metric values are ``DOUBLE PRECISION`` (PostgreSQL's ``REAL`` is 4 bytes), text keys
use the ``"C"`` collation so names sort by code point as in SQLite, and the schema version lives
in ``optarena_meta`` (PostgreSQL has no ``PRAGMA user_version``). Creation runs under a
transaction-scoped advisory lock, so processes opening a fresh database at once create it once
(https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS).
"""

from __future__ import annotations

from typing import Any

from optarena.store.schema import SCHEMA_VERSION, StoreVersionError, _statements

_LOCK_KEY = 0x6F70746172656E61  # "optarena"

_V1 = """
CREATE TABLE optarena_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE studies (
    name    TEXT COLLATE "C" PRIMARY KEY,
    config  TEXT NOT NULL,
    created DOUBLE PRECISION NOT NULL
);
CREATE TABLE trials (
    id          TEXT COLLATE "C" PRIMARY KEY,
    study       TEXT COLLATE "C" NOT NULL REFERENCES studies(name),
    config      TEXT NOT NULL,
    role        TEXT COLLATE "C" NOT NULL CHECK (role IN ('search', 'final')),
    state       TEXT COLLATE "C" NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'running', 'complete', 'diverged', 'failed')),
    attempt     INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT COLLATE "C",
    lease_until DOUBLE PRECISION,
    started     DOUBLE PRECISION,
    finished    DOUBLE PRECISION,
    wall_s      DOUBLE PRECISION,
    summary     TEXT,
    error       TEXT,
    created     DOUBLE PRECISION NOT NULL
);
CREATE INDEX trials_state ON trials(state);
CREATE TABLE study_trials (
    study    TEXT COLLATE "C" NOT NULL REFERENCES studies(name),
    trial_id TEXT COLLATE "C" NOT NULL REFERENCES trials(id),
    role     TEXT COLLATE "C" NOT NULL CHECK (role IN ('search', 'final')),
    PRIMARY KEY (study, trial_id, role)
);
CREATE INDEX study_trials_trial ON study_trials(trial_id);
CREATE TABLE metrics (
    trial_id TEXT COLLATE "C" NOT NULL REFERENCES trials(id),
    step     BIGINT,
    epoch    INTEGER,
    split    TEXT COLLATE "C" NOT NULL CHECK (split IN ('train', 'val', 'test')),
    name     TEXT COLLATE "C" NOT NULL,
    value    DOUBLE PRECISION
);
CREATE UNIQUE INDEX metrics_key
    ON metrics(trial_id, (COALESCE(step, -1)), (COALESCE(epoch, -1)), split, name)
"""

#: The conflict target of ``metrics_key`` (for ``INSERT ... ON CONFLICT``).
METRICS_KEY = "(trial_id, (COALESCE(step, -1)), (COALESCE(epoch, -1)), split, name)"


def _has_table(conn: Any, name: str) -> bool:
    """Whether the current schema has table ``name``, read from ``pg_class`` with a fresh
    snapshot (``to_regclass`` may answer from a cache that misses a concurrent commit)."""
    sql = (
        "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
        "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = %s"
    )
    return bool(conn.execute(sql, (name,)).fetchone()[0])


def stored_version(conn: Any) -> int | None:
    """The schema version in the database on ``conn``'s search path; None when there is none."""
    if not _has_table(conn, "optarena_meta"):
        if _has_table(conn, "trials"):
            raise StoreVersionError("the database has a 'trials' table but no optarena store")
        return None
    row = conn.execute("SELECT value FROM optarena_meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def ensure_pg_schema(conn: Any, where: str, *, create: bool = True) -> None:
    """Create the schema in a database without one, refuse a newer one (autocommit ``conn``).

    ``create=False`` refuses a database without a store (``FileNotFoundError``) and writes
    nothing, for read-only commands.
    """
    version = stored_version(conn)
    if version == SCHEMA_VERSION:
        return
    if version is None and not create:
        raise FileNotFoundError(f"no results store at {where}")
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        version = stored_version(conn)
        if version is None:
            for statement in _statements(_V1):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO optarena_meta (key, value) VALUES ('schema_version', %s)",
                (str(SCHEMA_VERSION),),
            )
            version = SCHEMA_VERSION
    if version > SCHEMA_VERSION:
        raise StoreVersionError(
            f"store {where} has schema version {version}, newer than this optarena supports "
            f"({SCHEMA_VERSION}); upgrade optarena or use another --store"
        )
    if version < SCHEMA_VERSION:  # pragma: no cover - no migrations exist yet
        raise StoreVersionError(f"store {where} has schema version {version}, cannot migrate")

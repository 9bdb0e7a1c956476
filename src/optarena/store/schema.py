"""The store's SQLite schema, its version (``PRAGMA user_version``) and migrations.

Version 1 follows ``docs/contracts.md`` ("Results store") and adds:

- ``trials.created`` (when the trial was first added);
- ``study_trials(study, trial_id, role)``: which studies list a trial, in which role. A config
  run for two studies is one trial (its id is the config hash); ``trials.study``/``trials.role``
  keep the study and role that first added it.
- a unique index on ``metrics(trial_id, step, epoch, split, name)`` (NULL read as -1), so
  re-logging a row of a resumed trial replaces it; it also serves reads by trial.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 1

_V1 = """
CREATE TABLE studies (
    name    TEXT PRIMARY KEY,
    config  TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE trials (
    id          TEXT PRIMARY KEY,
    study       TEXT NOT NULL REFERENCES studies(name),
    config      TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('search', 'final')),
    state       TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'running', 'complete', 'diverged', 'failed')),
    attempt     INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until REAL,
    started     REAL,
    finished    REAL,
    wall_s      REAL,
    summary     TEXT,
    error       TEXT,
    created     REAL NOT NULL
);
CREATE INDEX trials_state ON trials(state);
CREATE TABLE study_trials (
    study    TEXT NOT NULL REFERENCES studies(name),
    trial_id TEXT NOT NULL REFERENCES trials(id),
    role     TEXT NOT NULL CHECK (role IN ('search', 'final')),
    PRIMARY KEY (study, trial_id, role)
) WITHOUT ROWID;
CREATE INDEX study_trials_trial ON study_trials(trial_id);
CREATE TABLE metrics (
    trial_id TEXT NOT NULL REFERENCES trials(id),
    step     INTEGER,
    epoch    INTEGER,
    split    TEXT NOT NULL CHECK (split IN ('train', 'val', 'test')),
    name     TEXT NOT NULL,
    value    REAL
);
CREATE UNIQUE INDEX metrics_key
    ON metrics(trial_id, IFNULL(step, -1), IFNULL(epoch, -1), split, name);
"""

# MIGRATIONS[v] upgrades a store from version v to v + 1 (none yet).
MIGRATIONS: dict[int, str] = {}


class StoreVersionError(ValueError):
    """The store file was written by a newer optarena (or is not an optarena store)."""


def ensure_schema(conn: sqlite3.Connection, path: str) -> None:
    """Create the schema in an empty database, migrate an older one, refuse a newer one.

    Runs inside ``BEGIN IMMEDIATE`` so processes opening a fresh file at once create it once.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        check_version(conn, version, path)
        if version == 0:
            for statement in _statements(_V1):
                conn.execute(statement)
        else:
            for v in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[v]):
                    conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def check_version(conn: sqlite3.Connection, version: int, path: str) -> None:
    if version > SCHEMA_VERSION:
        raise StoreVersionError(
            f"store {path} has schema version {version}, newer than this optarena supports "
            f"({SCHEMA_VERSION}); upgrade optarena or use another --store file"
        )
    if version == 0:
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
        if tables[0]:
            raise StoreVersionError(f"{path} is an SQLite file but not an optarena store")
    elif any(v not in MIGRATIONS for v in range(version, SCHEMA_VERSION)):
        raise StoreVersionError(
            f"store {path} has schema version {version}, which cannot be migrated"
        )


def _statements(script: str) -> list[str]:
    """Split a DDL script (no semicolons inside statements) into statements."""
    return [s.strip() for s in script.split(";") if s.strip()]

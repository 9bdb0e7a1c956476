"""The PostgreSQL backend's own rules (the shared suite runs on it through ``store_target``)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from optarena.store import SCHEMA_VERSION, StoreVersionError
from optarena.store.open import open_store, store_target
from optarena.store.postgres import is_postgres_url, redact


def test_postgres_urls_stay_strings_and_files_become_paths() -> None:
    url = "postgresql://me@db.example:5433/runs"
    assert store_target(url) == url and is_postgres_url("postgres+psycopg://h/d")
    assert store_target("runs/optarena.db") == Path("runs/optarena.db")
    assert not is_postgres_url(Path("postgresql:/x")) and not is_postgres_url("runs/x.db")
    assert redact("postgresql://me:secret@host/db") == "postgresql://me:***@host/db"


def test_postgres_store_records_its_schema_version_and_refuses_a_newer_one(postgres_url) -> None:
    with open_store(postgres_url) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.journal_mode() == "postgresql" and store.integrity_check() == "ok"
        with store._write() as conn:
            conn.execute(
                "UPDATE optarena_meta SET value = ? WHERE key = 'schema_version'",
                (str(SCHEMA_VERSION + 1),),
            )
    with pytest.raises(StoreVersionError, match="newer"):
        open_store(postgres_url)


def test_read_only_open_of_an_empty_postgres_database_writes_nothing(postgres_url) -> None:
    import psycopg

    with pytest.raises(FileNotFoundError, match="no results store"):
        open_store(postgres_url, create=False)
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT to_regclass('optarena_meta')").fetchone()[0] is None


def test_unreachable_postgres_server_is_one_clear_error_without_the_password() -> None:
    pytest.importorskip("psycopg")
    started = time.monotonic()
    with pytest.raises(ValueError, match="cannot open results store") as info:
        open_store("postgresql://me:hunter2@127.0.0.1:1/db")
    assert "hunter2" not in str(info.value) and time.monotonic() - started < 30

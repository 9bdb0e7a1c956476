"""Issue 20 item 4: read-only commands never modify a store file (foreign, empty or ours)."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from optarena.store import Store


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def foreign(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (t TEXT)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("command", ["leaderboard", "report", "export", "serve"])
def test_read_commands_leave_a_foreign_sqlite_file_alone(cli, foreign, tmp_path, command):
    before = digest(foreign)
    args = {
        "report": ["--out", str(tmp_path / "r")],
        "export": ["--to", "tensorboard", str(tmp_path / "tb")],
        "serve": ["--port", "0", "--out", str(tmp_path / "r")],
    }.get(command, [])
    if command == "serve":  # no study argument
        assert "not an optarena" in cli(command, "--store", str(foreign), *args).one_error()
        assert digest(foreign) == before
        return
    assert "not an optarena" in cli(command, "s", "--store", str(foreign), *args).one_error()
    assert digest(foreign) == before
    conn = sqlite3.connect(f"file:{foreign}?mode=ro", uri=True)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_read_commands_write_no_schema_into_an_empty_file(cli, tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    cli("leaderboard", "s", "--store", str(empty)).one_error()
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


def test_writers_refuse_a_foreign_file_before_touching_it(foreign):
    before = digest(foreign)
    with pytest.raises(ValueError, match="not an optarena"):
        Store(foreign)
    assert digest(foreign) == before


def test_read_only_store_reads_and_cannot_write(tmp_path):
    path = tmp_path / "s.db"
    with Store(path) as store:
        store.add_study("s", {"a": 1})
    before = digest(path)
    with Store(path, read_only=True) as store:
        assert store.study_names() == ["s"]
        with pytest.raises(ValueError, match="read-only"):
            store.add_study("t", {})
    assert digest(path) == before  # (SQLite may keep its -shm/-wal beside a WAL file)

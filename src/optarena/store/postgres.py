"""The results store on a PostgreSQL server, for studies shared by processes and machines.

``PostgresStore`` is ``Store`` with another connection: every method, query and rule (trial ids
are config hashes, leases, the state machine, one writer per trial) is the SQLite store's, and
its SQL is translated to PostgreSQL's dialect here (``to_postgres``). Through psycopg 3
(https://www.psycopg.org/psycopg3/docs/); one autocommit connection per process, each write one
explicit transaction. Claims stay exclusive under PostgreSQL's default READ COMMITTED isolation:
a second ``UPDATE ... WHERE`` on a row re-checks its condition after the first commits
(https://www.postgresql.org/docs/current/transaction-iso.html#XACT-READ-COMMITTED).
"""

from __future__ import annotations

import functools
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from optarena.store.metrics import series_rows
from optarena.store.pg_schema import METRICS_KEY, ensure_pg_schema
from optarena.store.sqlite import Store

URL_PATTERN = re.compile(r"^postgres(?:ql)?(?:\+\w+)?://", re.IGNORECASE)
CONNECT_TIMEOUT_S = 10


def is_postgres_url(target: object) -> bool:
    """True for ``postgresql://...`` (also ``postgres://`` and SQLAlchemy's ``+driver`` form)."""
    return isinstance(target, str) and bool(URL_PATTERN.match(target))


def redact(url: str) -> str:
    """The URL without its password (for messages and ``repr``)."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


@functools.lru_cache(maxsize=256)
def to_postgres(sql: str) -> str:
    """The SQLite store's SQL in PostgreSQL's dialect (placeholders, upserts, NULL-safe tests)."""
    out = sql.replace("%", "%%").replace("IFNULL(", "COALESCE(")
    if out.startswith("INSERT OR IGNORE INTO"):
        out = "INSERT INTO" + out[len("INSERT OR IGNORE INTO") :] + " ON CONFLICT DO NOTHING"
    elif out.startswith("INSERT OR REPLACE INTO metrics"):
        out = (
            "INSERT INTO metrics"
            + out[len("INSERT OR REPLACE INTO metrics") :]
            + f" ON CONFLICT {METRICS_KEY} DO UPDATE SET value = EXCLUDED.value"
        )
    # claim: SQLite adds a boolean to an integer; PostgreSQL casts it
    out = re.sub(
        r"\(lease_owner IS NOT \? OR state != 'running'\)",
        "(lease_owner IS DISTINCT FROM ? OR state != 'running')::int",
        out,
    )
    out = out.replace(" GROUP BY t.id", " GROUP BY t.id, l.study")
    return out.replace("?", "%s")


class _Connection:
    """A psycopg connection that speaks the SQLite store's SQL (``execute``/``executemany``)."""

    def __init__(self, conn: Any) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.raw.execute(to_postgres(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any:
        cur = self.raw.cursor()
        cur.executemany(to_postgres(sql), [tuple(r) for r in rows])
        return cur


class PostgresStore(Store):
    """The results store in a PostgreSQL database (``postgresql://USER@HOST[:PORT]/DB``).

    Tables live in the first schema of the connection's search path (``public`` unless the URL
    says ``?options=-csearch_path%3DNAME``). ``create=False`` refuses a database without a store.
    """

    def __init__(
        self,
        url: str,
        *,
        create: bool = True,
        clock: Callable[[], float] = time.time,
        **_: Any,
    ) -> None:
        try:
            import psycopg
        except ImportError:
            raise ValueError(
                "a postgresql:// store needs psycopg: pip install 'optarena[postgres]'"
            ) from None
        self._psycopg = psycopg
        self.url = re.sub(r"^postgres(?:ql)?(?:\+\w+)?://", "postgresql://", url, flags=re.I)
        self.path = redact(self.url)  # type: ignore[assignment]  (messages name the store)
        self._create = create
        self._clock = clock
        self._lock = threading.RLock()
        self._conn: Any = None
        self._pid = -1
        self._connect()

    def _connect(self) -> _Connection:  # type: ignore[override]
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        psycopg = self._psycopg
        try:
            raw = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.Error as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ValueError(f"cannot open results store {self.path}: {message}") from None
        try:
            ensure_pg_schema(raw, self.path, create=self._create)
        except BaseException:
            raw.close()
            raise
        self._conn, self._pid = _Connection(raw), os.getpid()
        return self._conn

    @contextmanager
    def _write(self) -> Iterator[_Connection]:  # type: ignore[override]
        """One transaction (committed on exit, rolled back on an exception)."""
        with self._lock:
            conn = self._connect()
            with conn.raw.transaction():
                yield conn

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._connect().execute(sql, params).fetchall()

    def _bulk_write(self, trial_ids: set[str]) -> Any:  # type: ignore[override]
        return self._write()  # PostgreSQL checks foreign keys per statement, cheaply

    def _insert_series(  # type: ignore[override]
        self, conn: _Connection, prepared: list[tuple[str, str, str, list[Any]]], first: int
    ) -> None:
        """Bulk rows through ``COPY`` into a session-local staging table, then one upsert
        (https://www.psycopg.org/psycopg3/docs/basic/copy.html); the last of duplicate keys
        wins, as with ``log_metrics``."""
        with conn.raw.cursor() as cur:
            cur.execute(
                "CREATE TEMP TABLE IF NOT EXISTS optarena_bulk (seq bigint, trial_id text, "
                "epoch integer, split text, name text, value double precision) "
                "ON COMMIT DELETE ROWS"
            )
            with cur.copy(
                "COPY optarena_bulk (seq, trial_id, epoch, split, name, value) FROM STDIN"
            ) as copy:
                seq = 0
                for item in prepared:
                    for trial_id, _, epoch, split, name, value in series_rows(item, first):
                        copy.write_row((seq, trial_id, epoch, split, name, value))
                        seq += 1
            cur.execute(
                "INSERT INTO metrics (trial_id, step, epoch, split, name, value) "
                "SELECT DISTINCT ON (trial_id, epoch, split, name) trial_id, NULL::bigint, "
                "epoch, split, name, value FROM optarena_bulk "
                "ORDER BY trial_id, epoch, split, name, seq DESC "
                f"ON CONFLICT {METRICS_KEY} DO UPDATE SET value = EXCLUDED.value"
            )

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.raw.close()
            self._conn = None

    def __getstate__(self) -> dict[str, Any]:
        return {"url": self.url}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["url"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"PostgresStore({self.path!r})"

    def journal_mode(self) -> str:
        return "postgresql"

    def schema_version(self) -> int:
        rows = self._read("SELECT value FROM optarena_meta WHERE key = 'schema_version'")
        return int(rows[0][0])

    def integrity_check(self) -> str:
        """``"ok"`` when every metric and link row points at a stored trial and study."""
        orphans = self._read(
            "SELECT (SELECT count(*) FROM metrics m LEFT JOIN trials t ON t.id = m.trial_id "
            "WHERE t.id IS NULL) + (SELECT count(*) FROM study_trials l LEFT JOIN trials t "
            "ON t.id = l.trial_id WHERE t.id IS NULL)"
        )[0][0]
        return "ok" if orphans == 0 else f"{orphans} orphaned rows"

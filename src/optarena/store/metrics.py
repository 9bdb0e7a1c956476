"""Metric rows of the results store: batched upserts, truncation for resume, long-form reads.

Rows are ``(step, epoch, split, name, value)``. Epoch-level rows have ``step`` NULL; step-level
rows have ``step`` set (and ``epoch`` NULL or the epoch they fall in). NaN is stored as NULL
(SQLite has no NaN) and read back as NaN.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from optarena.store.records import SPLITS, StudyRecord

if TYPE_CHECKING:
    import pandas as pd

MetricRow = Sequence[Any] | Mapping[str, Any]
# One epoch-level series of a trial: (trial_id, split, name, values of epochs 1, 2, ...).
Series = tuple[str, str, str, Sequence[float | None]]

# SQLite expands each series inside the engine: json_each yields (key, value) per element, so
# Python binds four parameters per series instead of six per row (https://sqlite.org/json1.html).
_SERIES_SQL = (
    "INSERT OR REPLACE INTO metrics (trial_id, step, epoch, split, name, value) "
    "SELECT ?1, NULL, j.key + ?5, ?2, ?3, j.value FROM json_each(?4) j"
)


class MetricsMixin:
    """The metric methods of ``Store`` (which provides ``_write``, ``_read`` and ``study``)."""

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:  # pragma: no cover
        raise NotImplementedError

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError  # pragma: no cover

    def study(self, name: str) -> StudyRecord:
        raise NotImplementedError  # pragma: no cover

    def log_metrics(self, trial_id: str, rows: Iterable[MetricRow]) -> int:
        """Insert metric rows ``(step, epoch, split, name, value)`` (tuples or mappings) in one
        transaction; a row with the same ``(step, epoch, split, name)`` replaces the old one.
        Returns the number of rows written."""
        values = [_metric_row(trial_id, row) for row in rows]
        if not values:
            return 0
        with self._write() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO metrics (trial_id, step, epoch, split, name, value) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                values,
            )
        return len(values)

    def log_metrics_many(self, rows_by_trial: Mapping[str, Iterable[MetricRow]]) -> int:
        """``log_metrics`` for many trials in one transaction (bulk imports); returns the
        number of rows written."""
        values = [_metric_row(tid, row) for tid, rows in rows_by_trial.items() for row in rows]
        if not values:
            return 0
        with self._write() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO metrics (trial_id, step, epoch, split, name, value) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                values,
            )
        return len(values)

    def log_epoch_series(self, series: Iterable[Series], *, first_epoch: int = 1) -> int:
        """Bulk insert of epoch-level rows, one transaction for all: each series
        ``(trial_id, split, name, values)`` writes ``values[i]`` at epoch ``first_epoch + i``
        (``step`` NULL; NaN and None are stored as NULL). Same rows and replace rule as
        ``log_metrics``, a few times faster for large imports. Returns the rows written."""
        prepared = [_series(item) for item in series]
        if not prepared:
            return 0
        with self._bulk_write({t for t, *_ in prepared}) as conn:
            self._insert_series(conn, prepared, int(first_epoch))
        return sum(len(values) for *_, values in prepared)

    def _bulk_write(self, trial_ids: set[str]) -> AbstractContextManager[Any]:
        """The transaction of a bulk write of these trials' rows (SQLite overrides it)."""
        return self._write()

    def _insert_series(
        self, conn: Any, prepared: list[tuple[str, str, str, list[float | None]]], first: int
    ) -> None:
        """Write prepared series inside the open transaction (PostgreSQL overrides: COPY)."""
        payload = [(t, sp, n, _json_array(v), first) for t, sp, n, v in prepared]
        try:
            conn.executemany(_SERIES_SQL, payload)
        except sqlite3.OperationalError as exc:  # an SQLite built without JSON functions
            if "json_each" not in str(exc):
                raise
            conn.executemany(
                "INSERT OR REPLACE INTO metrics (trial_id, step, epoch, split, name, value) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [row for item in prepared for row in series_rows(item, first)],
            )

    def truncate_metrics(
        self, trial_id: str, after_epoch: int, *, after_step: int | None = None
    ) -> int:
        """Delete the trial's rows of epochs after ``after_epoch`` (and, with ``after_step``,
        step rows past it): what a run resumed from the checkpoint of ``after_epoch`` re-logs.
        Returns the number of rows deleted."""
        sql = "DELETE FROM metrics WHERE trial_id = ? AND (epoch > ?"
        params: list[Any] = [trial_id, after_epoch]
        if after_step is not None:
            sql += " OR step > ?"
            params.append(after_step)
        with self._write() as conn:
            cur = conn.execute(sql + ")", params)
        return cur.rowcount

    def metrics_frame(
        self,
        trial_ids: Iterable[str] | None = None,
        study: str | None = None,
        names: Iterable[str] | None = None,
        splits: Iterable[str] | None = None,
        level: str | None = None,
    ) -> pd.DataFrame:
        """Metric rows (``trial_id, step, epoch, split, name, value``) of some trials, or of a
        study's trials; ``level`` ``"epoch"`` keeps rows with no step, ``"step"`` the others."""
        where, params = [], []
        if study is not None:
            self.study(study)
            where.append("trial_id IN (SELECT trial_id FROM study_trials WHERE study = ?)")
            params.append(study)
        for column, items in (("trial_id", trial_ids), ("name", names), ("split", splits)):
            if items is not None:
                items = list(items)
                where.append(f"{column} IN ({', '.join('?' * len(items)) or 'NULL'})")
                params.extend(items)
        if level not in (None, "epoch", "step"):
            raise ValueError(f"level must be 'epoch' or 'step', not {level!r}")
        if level is not None:
            where.append("step IS NULL" if level == "epoch" else "step IS NOT NULL")
        sql = "SELECT trial_id, step, epoch, split, name, value FROM metrics"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY trial_id, split, name, IFNULL(epoch, -1), IFNULL(step, -1)"
        from optarena.store import frames

        return frames.metrics_frame(self._read(sql, params))


def _metric_row(trial_id: str, row: MetricRow) -> tuple[Any, ...]:
    if isinstance(row, Mapping):
        step, epoch = row.get("step"), row.get("epoch")
        split, name, value = row["split"], row["name"], row["value"]
    else:
        step, epoch, split, name, value = row
    if split not in SPLITS:
        raise ValueError(f"metric split must be one of {', '.join(SPLITS)}, not {split!r}")
    return (
        trial_id,
        None if step is None else int(step),
        None if epoch is None else int(epoch),
        split,
        str(name),
        None if value is None else float(value),
    )


def _series(item: Series) -> tuple[str, str, str, list[float | None]]:
    trial_id, split, name, values = item
    if split not in SPLITS:
        raise ValueError(f"metric split must be one of {', '.join(SPLITS)}, not {split!r}")
    return str(trial_id), split, str(name), list(values)


def series_rows(
    item: tuple[str, str, str, Sequence[float | None]], first: int
) -> list[tuple[Any, ...]]:
    """The ``(trial_id, step, epoch, split, name, value)`` rows of one prepared series."""
    trial_id, split, name, values = item
    return [(trial_id, None, first + i, split, name, _value(v)) for i, v in enumerate(values)]


def _value(value: float | None) -> float | None:
    return None if value is None or value != value else float(value)  # NaN != NaN


def _json_array(values: list[float | None]) -> str:
    """A JSON array SQLite reads back exactly (Python's float repr round-trips; infinities,
    which JSON lacks, as ±1e999, which SQLite parses to ±inf)."""
    try:
        return json.dumps(values, allow_nan=False)  # plain floats and None: C speed
    except (ValueError, TypeError):
        return "[" + ",".join(_json_number(_value(v)) for v in values) + "]"


def _json_number(value: float | None) -> str:
    if value is None:
        return "null"
    if math.isinf(value):
        return "1e999" if value > 0 else "-1e999"
    return repr(value)

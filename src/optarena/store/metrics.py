"""Metric rows of the results store: batched upserts, truncation for resume, long-form reads.

Rows are ``(step, epoch, split, name, value)``. Epoch-level rows have ``step`` NULL; step-level
rows have ``step`` set (and ``epoch`` NULL or the epoch they fall in). NaN is stored as NULL
(SQLite has no NaN) and read back as NaN.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from optarena.store.records import SPLITS, StudyRecord

if TYPE_CHECKING:
    import pandas as pd

MetricRow = Sequence[Any] | Mapping[str, Any]


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

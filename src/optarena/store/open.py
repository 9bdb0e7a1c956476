"""Open the results store a ``--store`` value names: an SQLite file or a PostgreSQL URL."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from optarena.store.postgres import is_postgres_url
from optarena.store.sqlite import Store

StoreTarget = Path | str


def store_target(value: str | os.PathLike[str]) -> StoreTarget:
    """A ``--store`` value as the store code takes it: a URL stays a string, a file a ``Path``.

    (``Path`` would fold a URL's ``//``.)
    """
    return value if is_postgres_url(value) else Path(value)  # type: ignore[return-value]


def open_store(
    target: str | os.PathLike[str],
    *,
    create: bool = True,
    clock: Callable[[], float] = time.time,
    synchronous: str = "FULL",
    read_only: bool = False,
) -> Store:
    """``PostgresStore`` for ``postgresql://USER@HOST/DB``, else the SQLite ``Store`` file
    (``synchronous`` is SQLite's commit durability; a server store ignores it). ``read_only``
    opens an existing store for reading only (SQLite ``mode=ro``; a server store creates
    nothing)."""
    if is_postgres_url(target):
        from optarena.store.postgres import PostgresStore

        return PostgresStore(str(target), create=create and not read_only, clock=clock)
    return Store(
        target, create=create, clock=clock, synchronous=synchronous, read_only=read_only
    )

"""Database helpers shared by every service: the write transaction and engine preparation."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType


def engine() -> Engine:
    found = engine_finder()
    if found is None:
        raise RuntimeError("no Piccolo engine configured (PICCOLO_CONF)")
    return found


def write_transaction() -> Any:
    """One transaction for a service's change.

    On SQLite it is IMMEDIATE: the write lock is taken at BEGIN, so two writers queue behind the
    busy timeout instead of one failing half-way with "database is locked".
    """
    db = engine()
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    return db.transaction()


def prepare_sqlite(path: str) -> None:
    """WAL lets readers go on while one writer writes; the setting stays with the file."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)

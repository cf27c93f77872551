"""The sandbox's SQLite connection: one shared connection, a lock, the clock.

Entity modules (stages.py, categories.py, contacts.py) run their queries through it.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from . import schema


@dataclass(frozen=True)
class Identity:
    """Who makes a request: a Mautic user (id, full name) or an OAuth client (no id)."""

    user_id: int | None
    user_name: str


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def to_db_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def to_api_time(value: str | None) -> str | None:
    """DB 'Y-m-d H:i:s' (UTC) -> Mautic's ISO 8601 with +00:00."""
    if value is None:
        return None
    return value[:10] + "T" + value[11:19] + "+00:00"


def publish_details_json(row: Any, *, deleted: bool = False) -> dict[str, Any]:
    """The fields Mautic serializes first for stages and contacts alike: FormEntity's
    publish details, then the id (null in a single-DELETE answer)."""
    return {
        "isPublished": bool(row["is_published"]),
        "dateAdded": to_api_time(row["date_added"]),
        "dateModified": to_api_time(row["date_modified"]),
        "createdBy": row["created_by"],
        "createdByUser": row["created_by_user"],
        "modifiedBy": row["modified_by"],
        "modifiedByUser": row["modified_by_user"],
        "id": None if deleted else row["id"],
    }


class Store:
    """Holds the connection. Callers hold `lock` around every use of `conn`."""

    def __init__(self, db_path: str | None = None,
                 clock: Callable[[], datetime] | None = None):
        self.db_path = db_path
        self.conn = sqlite3.connect(db_path or ":memory:", check_same_thread=False)
        self.lock = threading.RLock()
        self._clock = clock or utc_now
        if db_path:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(schema.SCHEMA)
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.commit()

    def now(self) -> str:
        return to_db_time(self._clock())

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        cur = self.conn.cursor()
        cur.row_factory = sqlite3.Row
        return cur.execute(sql, tuple(params)).fetchall()

    def row(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        cur = self.conn.cursor()
        cur.row_factory = sqlite3.Row
        return cur.execute(sql, tuple(params)).fetchone()

    def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        found = self.conn.execute(sql, tuple(params)).fetchone()
        return found[0] if found else None

    def execute(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, tuple(params))

    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        self.conn.rollback()

    def close(self) -> None:
        with self.lock:
            self.conn.close()

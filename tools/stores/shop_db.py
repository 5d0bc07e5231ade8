"""Users, catalog and the send log in one SQLite file (stdlib sqlite3, WAL)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from statistics import median
from typing import Any

from domain.channels import Channel
from domain.people import Item, User
from tools.stores.closing import Closing
from tools.stores.sqlite import SqliteStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY NOT NULL, locale TEXT NOT NULL, utc_offset_hours INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    item_id TEXT PRIMARY KEY NOT NULL, category TEXT NOT NULL, price REAL NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS items_category ON items (category);
CREATE TABLE IF NOT EXISTS sends (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, campaign_id TEXT NOT NULL,
    channel TEXT NOT NULL, sent_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS sends_user_time ON sends (user_id, sent_at);
CREATE INDEX IF NOT EXISTS sends_campaign ON sends (campaign_id);
"""
# A resumed graph run may repeat its targeting step after a kill; one message per user, campaign and send
# time keeps the send log (frequency caps, budgets) exactly-once. Older files are deduplicated once.
SENDS_ONCE = """
DELETE FROM sends WHERE id NOT IN (SELECT MIN(id) FROM sends GROUP BY user_id, campaign_id, sent_at);
CREATE UNIQUE INDEX sends_once ON sends (user_id, campaign_id, sent_at);
"""


class ShopDB(SqliteStore, Closing):
    """One connection guarded by a lock; use as a context manager or call ``close()``."""

    def __init__(self, path: Path) -> None:
        """Open (and create when missing) the database file at ``path``."""
        # Autocommit: writes take the file with BEGIN IMMEDIATE themselves (_transaction).
        super().__init__(path, autocommit=True, relaxed_sync=True)
        self._db.executescript(SCHEMA)
        if not list(self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sends_once'")):
            self._db.executescript(f"BEGIN IMMEDIATE;{SENDS_ONCE}COMMIT;")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and commit on success, roll back on any error."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _write(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        with self._transaction() as conn:
            conn.executemany(sql, rows)

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._db.execute(sql, params))

    def upsert_users(self, users: Iterable[User]) -> None:
        """Insert or replace users by user_id."""
        rows = [(u.user_id, u.locale, u.utc_offset_hours, u.model_dump_json()) for u in users]
        self._write("INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?)", rows)

    def get_user(self, user_id: str) -> User:
        """The user with this ID; KeyError when there is none."""
        rows = self._read("SELECT data FROM users WHERE user_id = ?", (user_id,))
        if not rows:
            raise KeyError(f"no user {user_id!r} in the shop database; import users first (upsert_users)")
        return User.model_validate_json(rows[0][0])

    def list_user_ids(self) -> list[str]:
        """All user IDs, sorted."""
        return [str(row[0]) for row in self._read("SELECT user_id FROM users ORDER BY user_id")]

    def upsert_items(self, items: Iterable[Item]) -> None:
        """Insert or replace catalog items by item_id."""
        rows = [(i.item_id, i.category, i.price, i.model_dump_json()) for i in items]
        self._write("INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?)", rows)

    def get_items(self, item_ids: Sequence[str]) -> list[Item]:
        """Items with these IDs, in the order asked; unknown IDs are left out."""
        if not item_ids:
            return []
        marks = ",".join("?" * len(item_ids))
        rows = self._read(f"SELECT item_id, data FROM items WHERE item_id IN ({marks})", item_ids)
        found = {str(row[0]): Item.model_validate_json(row[1]) for row in rows}
        return [found[i] for i in dict.fromkeys(item_ids) if i in found]

    def items_for_campaign(self, categories: Sequence[str], item_ids: Sequence[str]) -> list[Item]:
        """Items in any of ``categories`` or listed in ``item_ids``; both empty means storewide."""
        if not categories and not item_ids:
            rows = self._read("SELECT data FROM items ORDER BY item_id")
        else:
            cat_marks, id_marks = ",".join("?" * len(categories)), ",".join("?" * len(item_ids))
            sql = f"SELECT data FROM items WHERE category IN ({cat_marks}) OR item_id IN ({id_marks}) ORDER BY item_id"
            rows = self._read(sql, [*categories, *item_ids])
        return [Item.model_validate_json(row[0]) for row in rows]

    def category_median_prices(self) -> dict[str, float]:
        """Median item price per category, for ``derive_features(..., category_medians=...)``."""
        prices: dict[str, list[float]] = {}
        for category, price in self._read("SELECT category, price FROM items"):
            prices.setdefault(str(category), []).append(float(price))
        return {category: median(values) for category, values in prices.items()}

    def record_send(self, user_id: str, campaign_id: str, channel: Channel, sent_at: datetime) -> None:
        """Log one delivered message, for frequency caps; logging the same send again changes nothing."""
        self._write("INSERT OR IGNORE INTO sends (user_id, campaign_id, channel, sent_at) VALUES (?, ?, ?, ?)",
                    [(user_id, campaign_id, channel, _epoch(sent_at))])  # fmt: skip

    def count_sends_since(self, user_id: str, since: datetime) -> int:
        """Messages sent to a user at or after ``since``."""
        rows = self._read("SELECT COUNT(*) FROM sends WHERE user_id = ? AND sent_at >= ?", (user_id, _epoch(since)))
        return int(rows[0][0])

    def count_campaign_sends(self, campaign_id: str) -> int:
        """Messages sent for one campaign so far, for its send budget."""
        rows = self._read("SELECT COUNT(*) FROM sends WHERE campaign_id = ?", (campaign_id,))
        return int(rows[0][0])

    def ping(self) -> None:
        """Raise when the database is closed or unreadable (for health checks)."""
        self._read("SELECT 1")

    def erase_user(self, user_id: str) -> int:
        """Remove the user and their send log; returns the number of rows removed."""
        with self._transaction() as conn:
            removed = conn.execute("DELETE FROM users WHERE user_id = ?", (user_id,)).rowcount
            removed += conn.execute("DELETE FROM sends WHERE user_id = ?", (user_id,)).rowcount
        return removed


def _epoch(moment: datetime) -> float:
    """Unix seconds of an aware datetime; naive datetimes are refused."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; pass an aware datetime, e.g. datetime.now(UTC)")
    return moment.timestamp()

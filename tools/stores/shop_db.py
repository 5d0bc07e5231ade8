"""Users, catalog and the send log: a SQLite file on one machine, PostgreSQL when several share one shop.

The send log is what frequency caps and budgets count. Several campaign runs (on one machine or many) may
plan a message to the same user at the same time, so a send is logged only through `reserve_send`, which
checks the cap and the budget and logs the send in one transaction, under a lock on the user and the campaign.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from statistics import median
from typing import Literal

from domain.channels import Channel
from domain.people import Item, User
from tools.settings import Settings
from tools.stores.database import Database, Row, SqliteDatabase, SqlStore, open_database

# What both dialects share; the send log's key differs: SQLite files made before sends were unique have an
# `id` column (kept), PostgreSQL's table is new and keyed by the send itself.
_TABLES = """
CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY NOT NULL, locale TEXT NOT NULL, utc_offset_hours INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    item_id TEXT PRIMARY KEY NOT NULL, category TEXT NOT NULL, price DOUBLE PRECISION NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS items_category ON items (category);
"""
_SENDS = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS sends (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, campaign_id TEXT NOT NULL,
    channel TEXT NOT NULL, sent_at REAL NOT NULL);
""",
    "postgresql": """
CREATE TABLE IF NOT EXISTS sends (
    user_id TEXT NOT NULL, campaign_id TEXT NOT NULL, channel TEXT NOT NULL, sent_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (user_id, campaign_id, sent_at));
""",
}
_SEND_INDEXES = """
CREATE INDEX IF NOT EXISTS sends_user_time ON sends (user_id, sent_at);
CREATE INDEX IF NOT EXISTS sends_campaign ON sends (campaign_id);
"""
# A resumed graph run may repeat its targeting step after a kill; one message per user, campaign and send
# time keeps the send log (frequency caps, budgets) exactly-once. Older SQLite files are deduplicated once.
SENDS_ONCE = """
DELETE FROM sends WHERE id NOT IN (SELECT MIN(id) FROM sends GROUP BY user_id, campaign_id, sent_at);
CREATE UNIQUE INDEX sends_once ON sends (user_id, campaign_id, sent_at);
"""
logger = logging.getLogger("promo.stores")
_INSERT_SEND = "INSERT INTO sends (user_id, campaign_id, channel, sent_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"


@dataclass(frozen=True)
class SendReservation:
    """The answer of `reserve_send`: logged (now or by an earlier try of the same send), or which limit refused."""

    logged: bool
    refused_by: Literal["", "frequency_cap", "budget"] = ""
    count: int = 0
    """The user's recent sends (frequency_cap) or the campaign's planned sends (budget) that refused it."""


class ShopDB(SqlStore):
    """The shop's tables on one Database; use as a context manager or call ``close()``."""

    def __init__(self, db: Database | Path) -> None:
        """Open the shop at `db`: an open Database, or a SQLite file path (created when missing)."""
        # A lost tail of the send log on a power cut is re-planned by the resumed run: NORMAL sync is enough.
        database = SqliteDatabase(db, relaxed_sync=True) if isinstance(db, Path) else db
        if database.backend == "sqlite":
            database.create_schema(_TABLES + _SENDS["sqlite"] + _SEND_INDEXES)
            if not database.query("SELECT 1 FROM sqlite_master WHERE name = 'sends_once'"):
                with database.transaction() as writer:
                    for statement in filter(str.strip, SENDS_ONCE.split(";")):
                        writer.execute(statement)
            schema = ""
        else:
            schema = _TABLES + _SENDS[database.backend] + _SEND_INDEXES
        super().__init__(database, schema)
        self._tables = ["users", "items", "sends"]

    def _write(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        with self._db.transaction() as writer:
            writer.executemany(sql, rows)

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self._db.query(sql, params)

    def upsert_users(self, users: Iterable[User]) -> None:
        """Insert or replace users by user_id."""
        rows = [(u.user_id, u.locale, u.utc_offset_hours, u.model_dump_json()) for u in users]
        self._write(
            "INSERT INTO users VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET locale = excluded.locale,"
            " utc_offset_hours = excluded.utc_offset_hours, data = excluded.data",
            rows,
        )

    def get_user(self, user_id: str) -> User:
        """The user with this ID; KeyError when there is none."""
        rows = self._read("SELECT data FROM users WHERE user_id = ?", (user_id,))
        if not rows:
            raise KeyError(f"no user {user_id!r} in the shop database; import users first (upsert_users)")
        return User.model_validate_json(rows[0][0])

    def list_user_ids(self) -> list[str]:
        """All user IDs, sorted (bytewise, the same on both backends)."""
        return sorted(str(row[0]) for row in self._read("SELECT user_id FROM users"))

    def upsert_items(self, items: Iterable[Item]) -> None:
        """Insert or replace catalog items by item_id."""
        rows = [(i.item_id, i.category, i.price, i.model_dump_json()) for i in items]
        self._write(
            "INSERT INTO items VALUES (?, ?, ?, ?) ON CONFLICT (item_id) DO UPDATE SET category = excluded.category,"
            " price = excluded.price, data = excluded.data",
            rows,
        )

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
            rows = self._read("SELECT item_id, data FROM items")
        else:
            # An empty `IN ()` is an error on PostgreSQL: only the lists given make a condition.
            wanted = [
                (column, values) for column, values in (("category", categories), ("item_id", item_ids)) if values
            ]
            where = " OR ".join(f"{column} IN ({','.join('?' * len(values))})" for column, values in wanted)
            rows = self._read(
                f"SELECT item_id, data FROM items WHERE {where}", [v for _, values in wanted for v in values]
            )
        # Sorted here, not in SQL: PostgreSQL orders text by its collation, SQLite by bytes.
        return [Item.model_validate_json(data) for _, data in sorted(rows)]

    def category_median_prices(self) -> dict[str, float]:
        """Median item price per category, for ``derive_features(..., category_medians=...)``."""
        prices: dict[str, list[float]] = {}
        for category, price in self._read("SELECT category, price FROM items"):
            prices.setdefault(str(category), []).append(float(price))
        return {category: median(values) for category, values in prices.items()}

    def record_send(self, user_id: str, campaign_id: str, channel: Channel, sent_at: datetime) -> None:
        """Log one delivered message whatever the caps say (imports, tests); the same send again changes nothing."""
        self._write(_INSERT_SEND, [(user_id, campaign_id, channel, _epoch(sent_at))])

    def reserve_send(
        self,
        user_id: str,
        campaign_id: str,
        channel: Channel,
        sent_at: datetime,
        *,
        cap_since: datetime,
        frequency_cap: int,
        max_sends: int,
    ) -> SendReservation:
        """Log a planned send only if the user stays under the cap and the campaign under its budget.

        Counts and the insert run in one transaction holding the campaign's and the user's lock (in that
        order, so two campaigns never wait on each other in a cycle): a user two runs reach at once gets at
        most `frequency_cap` messages since `cap_since`. The same send logged before (a resumed run
        repeating its targeting step) is logged already, whatever the counts say now.
        """
        moment = _epoch(sent_at)
        with self._db.transaction() as writer:
            writer.lock(f"promo-campaign:{campaign_id}")
            writer.lock(f"promo-user:{user_id}")
            done = "SELECT 1 FROM sends WHERE user_id = ? AND campaign_id = ? AND sent_at = ?"
            if writer.query(done, (user_id, campaign_id, moment)):
                return SendReservation(logged=True)
            recent = writer.query(
                "SELECT COUNT(*) FROM sends WHERE user_id = ? AND sent_at >= ?", (user_id, _epoch(cap_since))
            )[0][0]
            if int(recent) >= frequency_cap:
                return SendReservation(False, "frequency_cap", int(recent))
            planned = writer.query("SELECT COUNT(*) FROM sends WHERE campaign_id = ?", (campaign_id,))[0][0]
            if int(planned) >= max_sends:
                return SendReservation(False, "budget", int(planned))
            writer.execute(_INSERT_SEND, (user_id, campaign_id, channel, moment))
        return SendReservation(logged=True)

    def count_sends_since(self, user_id: str, since: datetime) -> int:
        """Messages sent to a user at or after ``since``."""
        rows = self._read("SELECT COUNT(*) FROM sends WHERE user_id = ? AND sent_at >= ?", (user_id, _epoch(since)))
        return int(rows[0][0])

    def count_campaign_sends(self, campaign_id: str) -> int:
        """Messages sent for one campaign so far, for its send budget."""
        rows = self._read("SELECT COUNT(*) FROM sends WHERE campaign_id = ?", (campaign_id,))
        return int(rows[0][0])

    def copy_to(self, other: ShopDB) -> dict[str, int]:
        """Copy users, items and the send log into `other` (moving a shop to PostgreSQL); safe to repeat."""
        users = [User.model_validate_json(row[0]) for row in self._read("SELECT data FROM users")]
        items = [Item.model_validate_json(row[0]) for row in self._read("SELECT data FROM items")]
        sends = self._read("SELECT user_id, campaign_id, channel, sent_at FROM sends")
        other.upsert_users(users)
        other.upsert_items(items)
        other._write(_INSERT_SEND, sends)
        return {"users": len(users), "items": len(items), "sends": len(sends)}

    def erase_user(self, user_id: str) -> int:
        """Remove the user and their send log; returns the number of rows removed."""
        with self._db.transaction() as writer:
            removed = writer.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
            removed += writer.execute("DELETE FROM sends WHERE user_id = ?", (user_id,))
        return removed


def open_shop_db(settings: Settings) -> ShopDB:
    """The shop in PostgreSQL when `PROMO_DATABASE_URL` is set (one shop for every node), else its SQLite file."""
    if settings.database_url is None:
        return ShopDB(settings.shop_db_path)
    shop = ShopDB(open_database(settings.database_url, settings.shop_db_path))
    if settings.shop_db_path.is_file() and not shop._read("SELECT 1 FROM users LIMIT 1"):
        logger.warning(
            "the shop in PostgreSQL has no users, but %s has a shop: copy it there with `promo shop share`",
            settings.shop_db_path,
        )
    return shop


def _epoch(moment: datetime) -> float:
    """Unix seconds of an aware datetime; naive datetimes are refused."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; pass an aware datetime, e.g. datetime.now(UTC)")
    return moment.timestamp()

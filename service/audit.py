"""The audit log: who asked for what, with what outcome, one row per request.

Routes are logged as templates (`/v1/users/{user_id}`), never as concrete paths, so the log holds no
user ids and erasing a user leaves nothing of them here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path

from domain.clock import Clock, utc_now
from service.schemas.admin import AuditView
from tools.stores.sqlite import SqliteStore

logger = logging.getLogger("promo.audit")

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, key_name TEXT NOT NULL, role TEXT NOT NULL,
    method TEXT NOT NULL, route TEXT NOT NULL, status INTEGER NOT NULL, latency_ms REAL NOT NULL
);
"""

_COLUMNS = ("ts", "key_name", "role", "method", "route", "status", "latency_ms")
"""The audit table's columns, in the order of AuditView's fields: one entry is one row."""

_UNPRINTABLE = re.compile(r"[\x00-\x20\x7f-\xa0\u2028\u2029]")


def one_line(text: str) -> str:
    """The text with every space, control character and line separator escaped, so a log line cannot be forged."""
    return _UNPRINTABLE.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if m.group() < "\u0100" else f"\\u{ord(m.group()):04x}", text
    )


def _entry(row: Sequence[object]) -> AuditView:
    """One table row as the entry the admin route shows."""
    return AuditView.model_validate(dict(zip(_COLUMNS, row, strict=True)))


class AuditLog(SqliteStore):
    """Append-only SQLite table of requests, mirrored to the `promo.audit` logger."""

    def __init__(self, path: Path, clock: Clock = utc_now) -> None:
        self._clock = clock
        super().__init__(path, relaxed_sync=True)
        self._db.executescript(SCHEMA)

    def record(self, key_name: str, role: str, method: str, route: str, status: int, latency_ms: float) -> None:
        """Append one entry."""
        row = (self._clock().isoformat(), key_name, role, method, route, status, round(latency_ms, 2))
        logger.info("%s %s %s %s -> %d in %.1f ms", *map(one_line, (key_name, role, method, route)), status, latency_ms)
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO audit (ts, key_name, role, method, route, status, latency_ms) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                row,
            )

    def recent(self, limit: int = 100) -> list[AuditView]:
        """The newest entries, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT ts, key_name, role, method, route, status, latency_ms FROM audit ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [_entry(r) for r in rows]

"""API keys, hashed at rest: a key is shown once when created and only its salted HMAC is stored.

A key reads `promo_<key_id>_<secret>`: the key id finds the row, the secret is checked against the row's
HMAC-SHA256 (per-key salt) in constant time. Roles are ordered: an admin may do all a marketer may.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from domain.clock import Clock, utc_now
from tools.stores.sqlite import SqliteStore

Role = Literal["marketer", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
_RANK: dict[Role, int] = {"marketer": 1, "admin": 2}
_PREFIX = "promo"
MAX_KEY_CHARS = 128
"""Longer than any key this store makes (about 62 characters): refused before any lookup."""
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
NAME_RULE = "a key name is 1 to 64 of A-Z a-z 0-9 . _ -, starting with a letter or digit (e.g. alice, ci-bot.2)"
"""Names go into URLs (DELETE /v1/keys/{name}) and log lines: no '/', no spaces, no line breaks."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL, salt BLOB NOT NULL,
    digest TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS api_keys_name ON api_keys (name);
"""


@dataclass(frozen=True)
class Principal:
    """Who is asking: the key's name and role."""

    name: str
    role: Role

    def may(self, needed: Role) -> bool:
        """Whether this role covers `needed`."""
        return _RANK[self.role] >= _RANK[needed]


@dataclass(frozen=True)
class KeyInfo:
    """A key as listed: never its secret."""

    name: str
    role: Role
    created_at: str
    revoked_at: str | None


def excerpt_name(name: str) -> str:
    """A name as quoted in a message: repr, at most 70 characters."""
    quoted = repr(name)
    return quoted if len(quoted) <= 70 else f"{quoted[:66]}...'"


def _digest(salt: bytes, secret: str) -> str:
    return hmac.new(salt, secret.encode("utf-8"), hashlib.sha256).hexdigest()


class KeyStore(SqliteStore):
    """API keys in SQLite; safe to share across threads."""

    def __init__(self, path: Path, clock: Clock = utc_now) -> None:
        self._clock = clock
        super().__init__(path)
        self._db.executescript(SCHEMA)

    def add(self, name: str, role: Role) -> str:
        """Create a key and return it in clear: the only time it is ever shown."""
        if not re.fullmatch(NAME_PATTERN, name):
            raise ValueError(f"{NAME_RULE}; got {excerpt_name(name)}")
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}; got {role!r}")
        key_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_bytes(16)
        with self._lock, self._db:
            active = self._db.execute("SELECT 1 FROM api_keys WHERE name = ? AND revoked_at IS NULL", (name,))
            if active.fetchone() is not None:
                raise ValueError(f"an active key named {name!r} exists; revoke it first or pick another name")
            self._db.execute(
                "INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?, NULL)",
                (key_id, name, role, salt, _digest(salt, secret), self._clock().isoformat()),
            )
        return f"{_PREFIX}_{key_id}_{secret}"

    def verify(self, key: str) -> Principal | None:
        """The principal of an active key, or None for an unknown, malformed or revoked one."""
        if len(key) > MAX_KEY_CHARS:
            return None
        prefix, _, rest = key.partition("_")
        key_id, _, secret = rest.partition("_")
        if prefix != _PREFIX or not key_id or not secret:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT name, role, salt, digest FROM api_keys WHERE key_id = ? AND revoked_at IS NULL", (key_id,)
            ).fetchone()
        if row is None or not hmac.compare_digest(_digest(bytes(row[2]), secret), str(row[3])):
            return None
        return Principal(name=str(row[0]), role=row[1])

    def list(self) -> list[KeyInfo]:
        """Every key, newest first, without secrets."""
        with self._lock:
            rows = self._db.execute(
                "SELECT name, role, created_at, revoked_at FROM api_keys ORDER BY created_at DESC"
            ).fetchall()
        return [KeyInfo(name=str(r[0]), role=r[1], created_at=str(r[2]), revoked_at=r[3]) for r in rows]

    def revoke(self, name: str) -> int:
        """Revoke the active key of that name; returns how many were revoked (0 or 1)."""
        with self._lock, self._db:
            return self._db.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                (self._clock().isoformat(), name),
            ).rowcount

    def ping(self) -> None:
        """Raise when the database is closed or unreadable (for health checks)."""
        with self._lock:
            self._db.execute("SELECT 1").fetchone()

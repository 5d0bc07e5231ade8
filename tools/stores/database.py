"""One small SQL interface with two backends: a SQLite file by default, PostgreSQL when a database URL is set.

Stores write their SQL once, with `?` placeholders and what both dialects share (TEXT, INTEGER, DOUBLE
PRECISION, `INSERT ... ON CONFLICT DO NOTHING`); the PostgreSQL backend rewrites the placeholders for psycopg.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

from pydantic import SecretStr

from tools.stores.closing import Closing
from tools.stores.sqlite import SqliteStore

Row = tuple[Any, ...]


class Writer(Protocol):
    """Statements inside one transaction; each returns the number of rows it changed."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement."""
        ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run one statement per row."""
        ...

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Rows of one SELECT, inside the transaction."""
        ...

    def lock(self, key: str) -> None:
        """Hold `key` until the transaction ends: writers of the same key, in any process, take turns.

        A check-then-write (is this user under the frequency cap? then log the send) is atomic under it.
        """
        ...


class Database(Protocol):
    """What the stores need from a database: schema, reads, and writes in a transaction."""

    backend: str
    """'sqlite' or 'postgresql', for messages and tests."""

    def create_schema(self, ddl: str) -> None:
        """Create tables if missing (`CREATE TABLE IF NOT EXISTS ...;` statements); safe to run concurrently."""
        ...

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Rows of one SELECT."""
        ...

    def transaction(self) -> AbstractContextManager[Writer]:
        """A transaction that commits on exit and rolls back on an exception."""
        ...

    def scrub_erased(self, tables: Sequence[str]) -> None:
        """After an erasure: leave no copy of the deleted rows in the files behind `tables`.

        SQLite moves its -wal file into the database and truncates it (deleted rows are zeroed already:
        secure_delete); PostgreSQL rewrites the tables (VACUUM FULL) and ends the WAL segment that logged them.
        """
        ...

    def close(self) -> None:
        """Close the connection."""
        ...


class _SqliteWriter:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._db.execute(sql, params).rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        return self._db.executemany(sql, rows).rowcount  # summed over the rows, as psycopg does

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [tuple(row) for row in self._db.execute(sql, params).fetchall()]

    def lock(self, key: str) -> None:
        """Nothing to do: the transaction began IMMEDIATE, so it holds the whole file's write lock already."""


class SqliteDatabase(SqliteStore):
    """A SQLite file in WAL mode, shared by the threads of one process (writes are serialized).

    Write transactions begin IMMEDIATE: they take the file's write lock before their first read, so a
    check-then-write in one is atomic across processes too (no other writer slips in between).
    """

    backend = "sqlite"

    def __init__(self, path: Path, *, relaxed_sync: bool = False) -> None:
        super().__init__(path, autocommit=True, relaxed_sync=relaxed_sync)

    def create_schema(self, ddl: str) -> None:
        """Create tables if missing."""
        with self._lock:
            self._db.executescript(ddl)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Rows of one SELECT."""
        with self._lock:
            return [tuple(row) for row in self._db.execute(sql, params).fetchall()]

    @contextmanager
    def transaction(self) -> Iterator[Writer]:
        """Commit on exit, roll back on an exception."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteWriter(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")


class SqlStore(Closing):
    """A store on one Database, given open or as a SQLite file path; it creates its tables and closes it."""

    def __init__(self, db: Database | Path, schema: str) -> None:
        self._db = SqliteDatabase(db) if isinstance(db, Path) else db
        self._db.create_schema(schema)
        self._tables = re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", schema)

    def ping(self) -> None:
        """Raise when the database is closed or unreadable (for health checks)."""
        self._db.query("SELECT 1")

    def scrub_erased(self) -> None:
        """After an erasure: no copy of the deleted rows left on disk (Database.scrub_erased)."""
        self._db.scrub_erased(self._tables)

    def close(self) -> None:
        """Close the database."""
        self._db.close()


def open_database(url: SecretStr | None, sqlite_path: Path) -> Database:
    """PostgreSQL at `url` when it is set (needs the `postgres` extra), else the SQLite file at `sqlite_path`."""
    if url is None:
        return SqliteDatabase(sqlite_path)
    from tools.stores.postgres import PostgresDatabase  # psycopg is optional: import it only when configured

    return PostgresDatabase(url)

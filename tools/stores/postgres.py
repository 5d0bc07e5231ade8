"""The PostgreSQL backend (psycopg 3): connections with clear errors, and the `Database` the stores use.

psycopg comes with the optional `postgres` extra, so it is imported only when a database URL is configured.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from tools.stores.database import Row, Writer

if TYPE_CHECKING:
    import psycopg

MISSING_EXTRA = (
    "PROMO_DATABASE_URL is set but the PostgreSQL packages are not installed: pip install 'promo-agents[postgres]'"
)
CONNECT_TIMEOUT_S = 10
# Any fixed key: concurrent workers creating the same tables take turns instead of racing in the catalog.
SCHEMA_LOCK_KEY = 0x70726F6D6F
SCHEMA_LOCK_WAIT_S = 120.0
SCHEMA_LOCK_PAUSE_S = 0.05
logger = logging.getLogger("promo.stores")


class DatabaseUnavailable(RuntimeError):
    """The configured PostgreSQL server cannot be reached or refused the connection."""


def describe(url: SecretStr) -> str:
    """`host:port/dbname` of a URL, never its password: safe for messages."""
    from psycopg.conninfo import conninfo_to_dict

    parts = conninfo_to_dict(url.get_secret_value())
    return f"{parts.get('host') or 'localhost'}:{parts.get('port') or 5432}/{parts.get('dbname') or '(default)'}"


def connect(url: SecretStr, **options: Any) -> psycopg.Connection[Any]:
    """An autocommit connection to `url`; DatabaseUnavailable (without the password) when that fails."""
    try:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict
    except ModuleNotFoundError as error:
        raise RuntimeError(MISSING_EXTRA) from error
    dsn = url.get_secret_value()
    try:
        if "connect_timeout" not in conninfo_to_dict(dsn):  # an unreachable host fails fast instead of hanging
            options.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
        return psycopg.Connection.connect(dsn, autocommit=True, **options)
    except psycopg.ProgrammingError as error:
        raise ValueError(f"PROMO_DATABASE_URL is not a valid PostgreSQL URL: {error}") from None
    except psycopg.OperationalError as error:
        raise DatabaseUnavailable(f"cannot connect to PostgreSQL at {describe(url)}: {error}".strip()) from None


def scrub(conn: psycopg.Connection[Any], tables: Sequence[str]) -> None:
    """Leave no copy of deleted rows in the server's files.

    VACUUM FULL writes each table (with its indexes and TOAST) anew, so no dead tuple keeps them; pg_switch_wal
    ends the WAL segment that logged them and CHECKPOINT lets the server drop it (unlinked with `wal_recycle =
    off`; recycled segments are overwritten later). Both need a superuser or the pg_checkpoint role and EXECUTE
    on pg_switch_wal: without them the WAL keeps the rows until the server recycles it, which a warning says.
    `conn` must be in autocommit mode (VACUUM cannot run in a transaction), as every connection here is.
    """
    import psycopg
    from psycopg import sql

    for table in tables:
        conn.execute(sql.SQL("VACUUM FULL {}").format(sql.Identifier(table)))
    try:
        conn.execute("SELECT pg_switch_wal()")
        conn.execute("CHECKPOINT")
    except psycopg.errors.InsufficientPrivilege as error:
        logger.warning("after an erasure: %s; the WAL keeps the erased rows until the server recycles it", error)


def wait_for_schema_lock(try_lock: Callable[[], bool]) -> None:
    """Call `try_lock` until it returns True, pausing between tries; DatabaseUnavailable after SCHEMA_LOCK_WAIT_S.

    Never a blocking lock call: a session waiting in one keeps a transaction open, and another process's
    `CREATE INDEX CONCURRENTLY` under the schema lock waits for that transaction to end (a deadlock).
    """
    deadline = time.monotonic() + SCHEMA_LOCK_WAIT_S
    while not try_lock():
        if time.monotonic() > deadline:
            raise DatabaseUnavailable(f"another process held the schema lock for over {SCHEMA_LOCK_WAIT_S} s")
        time.sleep(SCHEMA_LOCK_PAUSE_S)


@contextmanager
def schema_lock(conn: psycopg.Connection[Any]) -> Iterator[None]:
    """Hold the schema advisory lock for the session while tables are created by code that is not ours.

    LangGraph's `PostgresSaver.setup()` runs `CREATE TABLE IF NOT EXISTS` outside any lock: two processes
    setting up one new database at once (two campaign drivers) fail with a unique violation in pg_type. It
    also runs `CREATE INDEX CONCURRENTLY`, which waits for every open transaction: a session blocked in
    `pg_advisory_lock` is one, and the two deadlock. So the lock is tried in short transactions, with pauses.
    """
    from psycopg.rows import tuple_row  # the checkpointer's connection reads rows as dicts

    def try_lock() -> bool:
        with conn.cursor(row_factory=tuple_row) as cursor:
            row = cursor.execute("SELECT pg_try_advisory_lock(%s)", (SCHEMA_LOCK_KEY,)).fetchone()
        return row is not None and bool(row[0])

    wait_for_schema_lock(try_lock)
    try:
        yield
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))


def _placeholders(sql: str) -> str:
    """The stores' `?` placeholders in psycopg's style (a literal % must be doubled there)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _PostgresWriter:
    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._cursor.execute(_placeholders(sql), params).rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        self._cursor.executemany(_placeholders(sql), rows)
        return self._cursor.rowcount

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [tuple(row) for row in self._cursor.execute(_placeholders(sql), params).fetchall()]

    def lock(self, key: str) -> None:
        """A transaction-scoped advisory lock on a 64-bit hash of `key`, released at commit or rollback."""
        self._cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))


class PostgresDatabase:
    """One connection per store, shared by the threads of a process; transactions take turns on it."""

    backend = "postgresql"

    def __init__(self, url: SecretStr) -> None:
        self._conn = connect(url)
        self._lock = threading.Lock()

    def create_schema(self, ddl: str) -> None:
        """Create tables if missing, holding the schema advisory lock so concurrent workers do not race.

        The lock is tried, not waited for, in a transaction that ends at once when it is taken elsewhere: a
        checkpointer's setup holding it runs `CREATE INDEX CONCURRENTLY`, which waits for this transaction.
        """

        def try_lock_and_create() -> bool:
            with self._conn.transaction():
                row = self._conn.execute("SELECT pg_try_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,)).fetchone()
                if row is None or not row[0]:
                    return False
                self._conn.execute(ddl.encode())  # several statements: bytes without params use the simple protocol
                return True

        with self._lock:
            wait_for_schema_lock(try_lock_and_create)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Rows of one SELECT."""
        with self._lock:
            return [tuple(row) for row in self._conn.execute(_placeholders(sql), params).fetchall()]

    @contextmanager
    def transaction(self) -> Iterator[Writer]:
        """Commit on exit, roll back on an exception."""
        with self._lock, self._conn.transaction(), self._conn.cursor() as cursor:
            yield _PostgresWriter(cursor)

    def scrub_erased(self, tables: Sequence[str]) -> None:
        """After an erasure: rewrite `tables` without the dead rows, then end and checkpoint the WAL (scrub)."""
        with self._lock:
            scrub(self._conn, tables)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

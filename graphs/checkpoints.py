"""Checkpointers: SQLite on one machine (the default), PostgreSQL when PROMO_DATABASE_URL is set.

Either way paused and interrupted runs survive restarts; PostgreSQL also lets workers on several machines
share them (see campaign.scale_out).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver
from pydantic import SecretStr

from domain import approval, copy, decision, offer, people, profile, review
from tools.pseudonym import user_ref
from tools.settings import Settings
from tools.stores.postgres import MISSING_EXTRA, connect, schema_lock, scrub
from tools.stores.sqlite import open_sqlite, truncate_wal
from tools.thread_ids import parse_thread_id

if TYPE_CHECKING:
    from langgraph.checkpoint.postgres import PostgresSaver

CHECKPOINT_TABLES = ("checkpoints", "checkpoint_blobs", "checkpoint_writes")
"""PostgresSaver's tables that hold a thread's state."""
# A string at run time: PostgresSaver comes with the optional `postgres` extra.
Checkpointer: TypeAlias = "SqliteSaver | PostgresSaver"

# Checkpoints hold our pydantic state; only these types may be revived from them (no arbitrary classes).
STATE_TYPES: list[tuple[str, str]] = [
    (module.__name__, name)
    for module in (approval, copy, decision, offer, people, profile, review)
    for name, value in vars(module).items()
    if isinstance(value, type) and value.__module__ == module.__name__
]


def state_serializer() -> JsonPlusSerializer:
    """The checkpoint serializer, allowing exactly the project's state types."""
    return JsonPlusSerializer(allowed_msgpack_modules=STATE_TYPES)


def sqlite_checkpointer(path: Path) -> SqliteSaver:
    """A SQLite checkpointer on `path`, shareable across the threads of a batch run."""
    saver = SqliteSaver(open_sqlite(path), serde=state_serializer())  # the saver brings its own lock
    saver.setup()
    return saver


def postgres_checkpointer(url: SecretStr, *, setup: bool = True) -> PostgresSaver:
    """A PostgreSQL checkpointer (the `postgres` extra) on one connection shared by a process's threads.

    `setup` creates or migrates its tables; scale-out workers pass False, their driver has done it once.
    """
    try:
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row
    except ModuleNotFoundError as error:
        raise RuntimeError(MISSING_EXTRA) from error
    # The connection PostgresSaver.from_conn_string makes (autocommit, dict rows, prepare_threshold=0), with our errors.
    connection = connect(url, prepare_threshold=0, row_factory=dict_row)
    saver = PostgresSaver(connection, serde=state_serializer())
    if setup:
        with schema_lock(connection):  # drivers and workers setting up one new database take turns
            saver.setup()
    return saver


def open_checkpointer(settings: Settings, *, setup: bool = True) -> Checkpointer:
    """The checkpointer the settings name; close it with `saver.conn.close()`."""
    if settings.database_url is not None:
        return postgres_checkpointer(settings.database_url, setup=setup)
    return sqlite_checkpointer(settings.checkpoint_db_path)


def _thread_ids(saver: Checkpointer) -> list[str]:
    query = "SELECT DISTINCT thread_id FROM checkpoints"
    if isinstance(saver, SqliteSaver):
        with saver.lock:
            return [str(row[0]) for row in saver.conn.execute(query)]
    from psycopg import Connection  # a PostgresSaver means the postgres extra is installed

    if not isinstance(saver.conn, Connection):
        raise RuntimeError("listing threads needs the one-connection PostgresSaver that open_checkpointer builds")
    with saver.lock, saver.conn.cursor() as cursor:  # PostgresSaver reads rows as dicts
        cursor.execute(query)
        return [str(row["thread_id"]) for row in cursor.fetchall()]


def user_thread_ids(saver: Checkpointer, user_id: str) -> list[str]:
    """Threads holding this user's state (tools/thread_ids.py), and those of older releases.

    Releases before the one thread-id format named campaign threads `<run_id>:<user_id>` and requests
    `<campaign>:<user_ref>:<random>`: erasure must find those too.
    """
    ref = user_ref(user_id)

    def belongs(thread_id: str) -> bool:
        parsed = parse_thread_id(thread_id)
        if parsed is not None:
            return parsed.user_ref == ref
        return thread_id.endswith(f":{user_id}") or ref in thread_id.split(":")

    return [t for t in _thread_ids(saver) if belongs(t)]


def erase_user_threads(saver: Checkpointer, user_id: str) -> int:
    """Delete every checkpoint and pending write of this user's threads; returns how many threads.

    On SQLite the deleted rows are zeroed (secure_delete) and the WAL is truncated; on PostgreSQL the tables are
    rewritten and the WAL ended (tools/stores/postgres.py `scrub`): no copy stays on disk.
    """
    thread_ids = user_thread_ids(saver, user_id)
    for thread_id in thread_ids:
        saver.delete_thread(thread_id)
    if isinstance(saver, SqliteSaver):
        with saver.lock:
            truncate_wal(saver.conn)
    elif thread_ids:  # PostgreSQL: rewrite the checkpoint tables without the dead rows, end their WAL
        from psycopg import Connection  # a PostgresSaver means the postgres extra is installed

        if isinstance(saver.conn, Connection):  # postgres_checkpointer's one connection, never a pool
            with saver.lock:
                scrub(saver.conn, CHECKPOINT_TABLES)
    return len(thread_ids)

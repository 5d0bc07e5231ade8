"""The one way the project opens a SQLite file: the same pragmas everywhere, and an error that names the file.

Every SQLite store is one connection shared by a process's threads under a lock (`SqliteStore`); the
LangGraph checkpointer takes a connection from `open_sqlite` and brings its own lock.

Every connection has `secure_delete` on: a deleted row's bytes are overwritten with zeros, not left in a
freed page, so an erased user's data leaves the file. After an erasure `truncate_wal` moves the WAL into the
file and truncates it, so no older page image that still holds the row stays in the -wal file.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

# Generous: scale-out workers on one machine write the same files from several processes.
BUSY_TIMEOUT_S = 30.0
# Longest pause between tries of the opening pragmas while another connection holds the lock they need.
PRAGMA_RETRY_MAX_PAUSE_S = 0.25


def open_sqlite(
    path: Path, *, autocommit: bool = False, relaxed_sync: bool = False, wal: bool = True
) -> sqlite3.Connection:
    """A connection to the SQLite file at `path`, created with its folder when missing.

    WAL lets readers run beside the one writer; the busy timeout makes writers take turns instead of failing;
    foreign keys are enforced; deleted content is zeroed (secure_delete); the connection may be used from any
    thread (callers serialize with a lock). `autocommit` leaves transactions to explicit BEGIN/COMMIT;
    `relaxed_sync` (synchronous=NORMAL) trades the last commits on a power loss for speed, for logs that can
    lose a tail; `wal=False` keeps the file's journal mode, for a file another library owns (Chroma's).
    sqlite3.OperationalError naming the path when the file cannot be opened (a folder, not a database, no
    permission).
    """
    path.parent.mkdir(parents=True, exist_ok=True)  # its OSError already names the folder
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    except sqlite3.Error as error:
        raise sqlite3.OperationalError(f"cannot open the SQLite file {path}: {error}") from error
    if autocommit:
        connection.isolation_level = None  # no implicit BEGIN: the caller's statements say where transactions go
    pragmas = ["PRAGMA journal_mode=WAL"] if wal else []
    pragmas += ["PRAGMA foreign_keys=ON", "PRAGMA secure_delete=ON"]
    if relaxed_sync:
        pragmas.append("PRAGMA synchronous=NORMAL")
    try:
        _run_while_locked(connection, pragmas)
    except sqlite3.Error as error:  # some failures (not a database) only show on the first statement
        connection.close()
        raise sqlite3.OperationalError(f"cannot open the SQLite file {path}: {error}") from error
    return connection


def _run_while_locked(connection: sqlite3.Connection, statements: list[str]) -> None:
    """Run `statements`, trying again for up to BUSY_TIMEOUT_S while the file is locked.

    Switching a new file to WAL needs an exclusive lock; when two processes open the same new file at once
    (Ray workers sharing the generation cache) SQLite answers one of them "database is locked" at once,
    without waiting in the busy handler, because both hold a shared lock and waiting could deadlock.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.01
    while True:
        try:
            for statement in statements:
                connection.execute(statement)
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, PRAGMA_RETRY_MAX_PAUSE_S)


def truncate_wal(connection: sqlite3.Connection) -> None:
    """Copy the WAL into the database file and truncate it to zero bytes (after an erasure).

    sqlite3.OperationalError when another connection's reader keeps the WAL from being fully copied: the
    old page images would stay on disk, so the caller must know.
    """
    busy, _frames, _copied = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy:
        raise sqlite3.OperationalError("the WAL could not be truncated: another connection is reading; retry")


class SqliteStore:
    """A store on one SQLite connection (`_db`) that its methods use under `_lock`."""

    def __init__(self, path: Path, *, autocommit: bool = False, relaxed_sync: bool = False) -> None:
        self._db = open_sqlite(path, autocommit=autocommit, relaxed_sync=relaxed_sync)
        self._lock = threading.Lock()

    def scrub_erased(self, tables: Sequence[str] = ()) -> None:
        """After an erasure: move the WAL into the file and truncate it.

        Deleted rows are zeroed in the file already (secure_delete); this leaves no copy in the -wal file. It
        covers every table at once, so `tables` is not needed.
        """
        with self._lock:
            truncate_wal(self._db)

    def close(self) -> None:
        """Close the database; further calls fail."""
        with self._lock:
            self._db.close()

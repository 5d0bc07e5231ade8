"""The one way the project opens a SQLite file: the same pragmas everywhere, and an error that names the file.

Every SQLite store is one connection shared by a process's threads under a lock (`SqliteStore`); the
LangGraph checkpointer takes a connection from `open_sqlite` and brings its own lock.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

# Generous: scale-out workers on one machine write the same files from several processes.
BUSY_TIMEOUT_S = 30.0


def open_sqlite(path: Path, *, autocommit: bool = False, relaxed_sync: bool = False) -> sqlite3.Connection:
    """A connection to the SQLite file at `path`, created with its folder when missing.

    WAL lets readers run beside the one writer; the busy timeout makes writers take turns instead of failing;
    foreign keys are enforced; the connection may be used from any thread (callers serialize with a lock).
    `autocommit` leaves transactions to explicit BEGIN/COMMIT; `relaxed_sync` (synchronous=NORMAL) trades the
    last commits on a power loss for speed, for logs that can lose a tail. sqlite3.OperationalError naming
    the path when the file cannot be opened (a folder, not a database, no permission).
    """
    path.parent.mkdir(parents=True, exist_ok=True)  # its OSError already names the folder
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    except sqlite3.Error as error:
        raise sqlite3.OperationalError(f"cannot open the SQLite file {path}: {error}") from error
    if autocommit:
        connection.isolation_level = None  # no implicit BEGIN: the caller's statements say where transactions go
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA foreign_keys=ON")
        if relaxed_sync:
            connection.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.Error as error:  # some failures (not a database) only show on the first statement
        connection.close()
        raise sqlite3.OperationalError(f"cannot open the SQLite file {path}: {error}") from error
    return connection


class SqliteStore:
    """A store on one SQLite connection (`_db`) that its methods use under `_lock`."""

    def __init__(self, path: Path, *, autocommit: bool = False, relaxed_sync: bool = False) -> None:
        self._db = open_sqlite(path, autocommit=autocommit, relaxed_sync=relaxed_sync)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the database; further calls fail."""
        with self._lock:
            self._db.close()

"""The shared SQLite opener: the same pragmas for every store, its folder created, errors that name the file."""

from __future__ import annotations

import multiprocessing
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from tools.stores.sqlite import BUSY_TIMEOUT_S, SqliteStore, _run_while_locked, open_sqlite, truncate_wal


def _pragma(connection: sqlite3.Connection, name: str) -> object:
    return connection.execute(f"PRAGMA {name}").fetchone()[0]


def test_every_connection_gets_the_same_pragmas_and_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "store.sqlite"
    connection = open_sqlite(path)
    try:
        assert path.parent.is_dir()
        assert _pragma(connection, "journal_mode") == "wal"
        assert _pragma(connection, "busy_timeout") == int(BUSY_TIMEOUT_S * 1000)
        assert _pragma(connection, "foreign_keys") == 1
        assert _pragma(connection, "secure_delete") == 1  # deleted rows are zeroed, not left in freed pages
        assert _pragma(connection, "synchronous") == 2  # FULL unless a store relaxes it
        assert connection.isolation_level == ""  # Python opens transactions, as sqlite3 does by default
    finally:
        connection.close()


def test_autocommit_and_relaxed_sync_are_opt_in(tmp_path: Path) -> None:
    connection = open_sqlite(tmp_path / "log.sqlite", autocommit=True, relaxed_sync=True)
    try:
        assert connection.isolation_level is None
        assert _pragma(connection, "synchronous") == 1  # NORMAL
    finally:
        connection.close()


def test_the_connection_may_be_used_from_another_thread(tmp_path: Path) -> None:
    connection = open_sqlite(tmp_path / "store.sqlite")
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(connection.execute("SELECT 1").fetchone()[0]))
    worker.start()
    worker.join()
    connection.close()
    assert seen == [1]


def test_a_folder_is_refused_with_its_path(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(sqlite3.OperationalError, match=re.escape(f"cannot open the SQLite file {folder}")):
        open_sqlite(folder)


def test_a_file_that_is_not_a_database_is_refused_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("not a database, just some text that is long enough to hold a header " * 4)
    expected = re.escape(f"cannot open the SQLite file {path}: file is not a database")
    with pytest.raises(sqlite3.OperationalError, match=expected):
        open_sqlite(path)


def test_a_store_closes_its_connection_once_for_all(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "store.sqlite")
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        store._db.execute("SELECT 1")


def test_a_deleted_row_leaves_the_file_and_the_wal(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    connection = open_sqlite(path)
    try:
        connection.execute("CREATE TABLE t (v TEXT)")
        connection.executemany("INSERT INTO t VALUES (?)", [("keep-me",), ("canary-value-9",)])
        connection.commit()
        connection.execute("DELETE FROM t WHERE v = 'canary-value-9'")
        connection.commit()
        truncate_wal(connection)
        on_disk = b"".join(p.read_bytes() for p in tmp_path.iterdir())
        assert b"canary-value-9" not in on_disk and b"keep-me" in on_disk
        assert (tmp_path / "store.sqlite-wal").stat().st_size == 0
    finally:
        connection.close()


def test_a_file_of_another_library_keeps_its_journal_mode(tmp_path: Path) -> None:
    path = tmp_path / "theirs.sqlite"
    sqlite3.connect(path).close()
    connection = open_sqlite(path, wal=False)
    try:
        assert _pragma(connection, "journal_mode") == "delete"
        assert _pragma(connection, "secure_delete") == 1
    finally:
        connection.close()


class _LockedTwice:
    """A connection whose first two tries of the opening pragmas find the file locked."""

    def __init__(self, error: str = "database is locked") -> None:
        self.error = error
        self.executed: list[str] = []
        self.failures_left = 2

    def execute(self, statement: str) -> None:
        if self.failures_left:
            self.failures_left -= 1
            raise sqlite3.OperationalError(self.error)
        self.executed.append(statement)


def test_opening_pragmas_are_tried_again_while_another_opener_holds_the_lock() -> None:
    # Two processes switching one new file to WAL: SQLite answers one "locked" without waiting (deadlock risk).
    connection = _LockedTwice()
    _run_while_locked(connection, ["PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON"])  # type: ignore[arg-type]
    assert connection.executed == ["PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON"]


def test_an_error_other_than_a_lock_is_not_tried_again() -> None:
    connection = _LockedTwice("file is not a database")
    with pytest.raises(sqlite3.OperationalError, match="not a database"):
        _run_while_locked(connection, ["PRAGMA journal_mode=WAL"])  # type: ignore[arg-type]
    assert connection.failures_left == 1


def _open_and_create(path: str, barrier: Any, results: Any) -> None:
    barrier.wait()
    try:
        connection = open_sqlite(Path(path))
        connection.execute("CREATE TABLE IF NOT EXISTS g (k TEXT PRIMARY KEY)")
        connection.commit()
        connection.close()
        results.put("ok")
    except sqlite3.Error as error:
        results.put(repr(error))


def test_processes_opening_one_new_file_at_once_all_get_it(tmp_path: Path) -> None:
    # Ray workers open the shared generation cache together; before the retry about one round in eight failed.
    context = multiprocessing.get_context("fork")
    outcomes: list[str] = []
    for round_number in range(12):
        path = str(tmp_path / f"shared-{round_number}.sqlite")
        barrier, results = context.Barrier(4), context.Queue()
        workers = [context.Process(target=_open_and_create, args=(path, barrier, results)) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        outcomes += [results.get() for _ in workers]
    assert set(outcomes) == {"ok"}

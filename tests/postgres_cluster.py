"""A throwaway PostgreSQL cluster for tests: initdb in a temp dir, a free loopback port, stopped afterwards.

PostgreSQL refuses to run as root, so as root (CI, the dev machines) initdb and pg_ctl run as the `postgres`
user through runuser, in a temp dir that user owns. When the server cannot start, the tests fail with the
server's log: they never skip, so a CI machine without PostgreSQL cannot pass silently.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from glob import glob
from pathlib import Path

import pytest
from pydantic import SecretStr

from tools.llm.supervisor import free_loopback_port

INSTALL_HINT = "install it with `apt-get install postgresql` (.ci/run does this on a clean machine)"


def _bin_dir() -> Path:
    """The newest installed server's bin folder (Debian's layout: /usr/lib/postgresql/<major>/bin)."""
    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        pytest.fail(f"PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin: {INSTALL_HINT}")
    return Path(found[-1]).parent


class PostgresCluster:
    """One running server; each test gets its own database from `new_database`."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self._names = itertools.count(1)

    def url(self, database: str = "postgres") -> str:
        """A URL for a database of this cluster (trust auth on loopback: no password)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """Create an empty database and return its URL."""
        import psycopg  # the postgres extra; imported here so SQLite-only runs never need it

        name = f"test_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _as_postgres(args: list[str]) -> list[str]:
    """Run as the postgres user when we are root (the server refuses root)."""
    if os.geteuid() != 0:
        return args
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail(f"running as root and there is no `postgres` user to run the server as: {INSTALL_HINT}")
    return ["runuser", "-u", "postgres", "--", *args]


def _run(args: list[str], log: Path | None = None) -> None:
    done = subprocess.run(_as_postgres(args), capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        server_log = log.read_text(errors="replace")[-3000:] if log is not None and log.exists() else ""
        pytest.fail(f"PostgreSQL: `{' '.join(args)}` failed ({done.returncode}):\n{done.stderr}\n{server_log}")


@contextlib.contextmanager
def running_cluster() -> Iterator[PostgresCluster]:
    """Start a fresh cluster, yield it, stop it and remove its files."""
    bin_dir = _bin_dir()
    root = Path(tempfile.mkdtemp(prefix="promo-pg-"))  # under /tmp: the postgres user must reach it
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(root, entry.pw_uid, entry.pw_gid)
    data, log, port = root / "data", root / "server.log", free_loopback_port()
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"]
    _run([*initdb, "--no-sync", "--no-instructions"])
    # Durability is not under test here; fsync off makes each commit cheap on a shared CI machine.
    # wal_recycle off: a checkpoint unlinks WAL segments it no longer needs (erasure: nothing left in pg_wal).
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    options += " -c wal_recycle=off"
    _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options, "start"], log)
    try:
        yield PostgresCluster(root, port)
    finally:
        subprocess.run(
            _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One PostgreSQL server for the whole test session, started only when a test asks for it."""
    with running_cluster() as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> SecretStr | None:
    """Run a test on both backends: None (SQLite files, the default) or a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        return None
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    return SecretStr(cluster.new_database())

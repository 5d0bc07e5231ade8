"""Kill a campaign run with SIGKILL midway, resume it, and get exactly the uninterrupted run's plan.

On both backends: SQLite files (the default) and PostgreSQL (run store and checkpoints), with a real kill.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydantic import SecretStr

from campaign.store import RunStore
from tests.postgres_cluster import PostgresCluster
from tools.stores.database import open_database

ROOT = Path(__file__).parents[2]


def start(home: Path, run_id: str, plans: Path, database_url: SecretStr | None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    url = [database_url.get_secret_value()] if database_url is not None else []
    return subprocess.Popen(
        [sys.executable, "-m", "tests.campaign_worker", str(home), run_id, str(plans), *url],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def done_count(store: RunStore, run_id: str) -> int:
    return store.progress(run_id).done


def plan_rows(plans: Path, run_id: str) -> list[dict[str, object]]:
    lines = (plans / f"{run_id}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_killed_run_resumes_to_the_same_plan_without_duplicates(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    straight_home, killed_home = tmp_path / "straight", tmp_path / "killed"
    straight_url = killed_url = None
    if backend == "postgres":  # one database per run: both use run id "r"
        cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
        straight_url, killed_url = SecretStr(cluster.new_database()), SecretStr(cluster.new_database())
    straight = start(straight_home, "r", tmp_path / "plans-straight", straight_url)
    assert straight.wait(timeout=600) == 0, straight.stdout.read() if straight.stdout else ""

    killed_store = RunStore(open_database(killed_url, killed_home / "runs.sqlite"))
    victim = start(killed_home, "r", tmp_path / "plans-killed", killed_url)
    deadline = time.monotonic() + 300
    while done_count(killed_store, "r") < 3:
        assert victim.poll() is None, "the run finished before it could be killed: make the fake slower"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)  # a real kill: no cleanup, no flush
    victim.wait(timeout=30)
    interrupted_at = done_count(killed_store, "r")
    killed_store.close()

    resumed = start(killed_home, "r", tmp_path / "plans-killed", killed_url)
    resumed_output = resumed.communicate(timeout=600)[0].decode(errors="replace")
    assert resumed.returncode == 0, resumed_output

    expected, actual = plan_rows(tmp_path / "plans-straight", "r"), plan_rows(tmp_path / "plans-killed", "r")
    assert len(expected) >= 5, "the plan is too small to test a kill midway"
    assert 0 < interrupted_at < len(expected)
    differing = [(e, a) for e, a in zip(expected, actual, strict=False) if e != a]
    assert actual == expected, f"killed at {interrupted_at}; first differing rows {differing[:2]}; {resumed_output}"
    user_ids = [row["user_id"] for row in actual]
    assert len(user_ids) == len(set(user_ids)), "a user was planned twice"

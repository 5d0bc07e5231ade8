"""Kill a campaign run with SIGKILL midway, resume it, and get exactly the uninterrupted run's plan."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parents[2]


def start(home: Path, run_id: str, plans: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.campaign_worker", str(home), run_id, str(plans)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def done_count(home: Path, run_id: str) -> int:
    path = home / "runs.sqlite"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        try:
            row = db.execute(
                "SELECT COUNT(*) FROM run_users WHERE run_id = ? AND status = 'done'", (run_id,)
            ).fetchone()
        except sqlite3.OperationalError:
            return 0
    return int(row[0])


def plan_rows(plans: Path, run_id: str) -> list[dict[str, object]]:
    lines = (plans / f"{run_id}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_killed_run_resumes_to_the_same_plan_without_duplicates(tmp_path: Path) -> None:
    straight_home, killed_home = tmp_path / "straight", tmp_path / "killed"
    straight = start(straight_home, "r", tmp_path / "plans-straight")
    assert straight.wait(timeout=600) == 0, straight.stdout.read() if straight.stdout else ""

    victim = start(killed_home, "r", tmp_path / "plans-killed")
    deadline = time.monotonic() + 300
    while done_count(killed_home, "r") < 3:
        assert victim.poll() is None, "the run finished before it could be killed: make the fake slower"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)  # a real kill: no cleanup, no flush
    victim.wait(timeout=30)
    interrupted_at = done_count(killed_home, "r")

    resumed = start(killed_home, "r", tmp_path / "plans-killed")
    assert resumed.wait(timeout=600) == 0, resumed.stdout.read() if resumed.stdout else ""

    expected, actual = plan_rows(tmp_path / "plans-straight", "r"), plan_rows(tmp_path / "plans-killed", "r")
    assert len(expected) >= 5, "the plan is too small to test a kill midway"
    assert 0 < interrupted_at < len(expected)
    assert actual == expected
    user_ids = [row["user_id"] for row in actual]
    assert len(user_ids) == len(set(user_ids)), "a user was planned twice"

"""The run store: one row per run and per audience member, so a killed run resumes exactly where it was."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from domain.decision import PromotionResult
from domain.offer import Campaign

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY NOT NULL, campaign TEXT NOT NULL, clock TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_users (
    run_id TEXT NOT NULL, position INTEGER NOT NULL, user_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending', result TEXT, error TEXT, seconds REAL,
    PRIMARY KEY (run_id, user_id)
);
"""


@dataclass(frozen=True)
class RunInfo:
    """A run's fixed inputs: the campaign and the clock every user is evaluated against."""

    run_id: str
    campaign: Campaign
    clock: datetime


@dataclass(frozen=True)
class RunProgress:
    """Counts by status."""

    total: int
    done: int
    failed: int
    holdout: int = 0

    @property
    def pending(self) -> int:
        """Users still to process."""
        return self.total - self.done - self.failed - self.holdout


class RunStore:
    """SQLite file of runs; writes are serialized, each user's result is committed as it completes."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def create(
        self,
        run_id: str,
        campaign: Campaign,
        clock: datetime,
        audience: list[str],
        holdout: frozenset[str] = frozenset(),
    ) -> RunInfo:
        """Record a new run and its audience in one transaction; an existing run is returned unchanged.

        Holdout users are selected like the others but get no message: they measure the campaign's effect.
        """
        existing = self.get(run_id)
        if existing is not None:
            return existing
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?)",
                (run_id, campaign.model_dump_json(), clock.isoformat(), datetime.now(UTC).isoformat()),
            )
            self._db.executemany(
                "INSERT INTO run_users (run_id, position, user_id, status) VALUES (?, ?, ?, ?)",
                [(run_id, i, uid, "holdout" if uid in holdout else "pending") for i, uid in enumerate(audience)],
            )
        return RunInfo(run_id, campaign, clock)

    def get(self, run_id: str) -> RunInfo | None:
        """A run's inputs, or None."""
        row = self._db.execute("SELECT campaign, clock FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        if row is None:
            return None
        return RunInfo(run_id, Campaign.model_validate_json(row[0]), datetime.fromisoformat(row[1]))

    def pending(self, run_id: str) -> list[str]:
        """Users not yet done, in audience order (failed users are retried on resume)."""
        rows = self._db.execute(
            "SELECT user_id FROM run_users WHERE run_id = ? AND status IN ('pending', 'failed') ORDER BY position",
            (run_id,),
        ).fetchall()
        return [str(r[0]) for r in rows]

    def finish(
        self, run_id: str, user_id: str, result: PromotionResult | None, error: str | None, seconds: float
    ) -> None:
        """Commit one user's outcome."""
        status = "done" if result is not None else "failed"
        payload = result.model_dump_json() if result is not None else None
        with self._lock, self._db:
            self._db.execute(
                "UPDATE run_users SET status = ?, result = ?, error = ?, seconds = ? WHERE run_id = ? AND user_id = ?",
                (status, payload, error, seconds, run_id, user_id),
            )

    def results(self, run_id: str) -> list[tuple[str, PromotionResult]]:
        """Done users' results in audience order."""
        rows = self._db.execute(
            "SELECT user_id, result FROM run_users WHERE run_id = ? AND status = 'done' ORDER BY position", (run_id,)
        ).fetchall()
        return [(str(uid), PromotionResult.model_validate_json(res)) for uid, res in rows]

    def progress(self, run_id: str) -> RunProgress:
        """Counts by status."""
        rows = dict(
            self._db.execute(
                "SELECT status, COUNT(*) FROM run_users WHERE run_id = ? GROUP BY status", (run_id,)
            ).fetchall()
        )
        return RunProgress(
            total=sum(rows.values()),
            done=rows.get("done", 0),
            failed=rows.get("failed", 0),
            holdout=rows.get("holdout", 0),
        )

    def arms(self, run_id: str) -> dict[str, str]:
        """user_id → 'treated' (planned a message) or 'holdout', for effect estimation."""
        rows = self._db.execute(
            "SELECT user_id, status, result FROM run_users WHERE run_id = ? AND status IN ('done', 'holdout')",
            (run_id,),
        ).fetchall()
        arms: dict[str, str] = {}
        for user_id, status, result in rows:
            if status == "holdout":
                arms[str(user_id)] = "holdout"
            elif result is not None and PromotionResult.model_validate_json(result).decision.send:
                arms[str(user_id)] = "treated"
        return arms

    def close(self) -> None:
        """Close the database."""
        self._db.close()

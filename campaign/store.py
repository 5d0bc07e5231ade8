"""The run store: one row per run and per audience member, so a killed run resumes exactly where it was.

The same SQL runs on a SQLite file (the default) or on PostgreSQL (`PROMO_DATABASE_URL`): see tools.stores.database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from domain.clock import Clock, utc_now
from domain.decision import PromotionResult
from domain.offer import Campaign
from tools.pseudonym import user_ref
from tools.settings import Settings
from tools.stores.database import Database, SqlStore, open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY NOT NULL, campaign TEXT NOT NULL, clock TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_users (
    run_id TEXT NOT NULL, position INTEGER NOT NULL, user_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending', result TEXT, error TEXT, seconds DOUBLE PRECISION,
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


class RunStore(SqlStore):
    """Runs and their audiences; each user's result is committed as it completes.

    `db` is a SQLite file path or an open Database (SQLite or PostgreSQL); the store closes it.
    """

    def __init__(self, db: Database | Path, clock: Clock = utc_now) -> None:
        self._clock = clock  # stamps when a run was created (its campaign clock is the run's own)
        super().__init__(db, SCHEMA)

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self._db.backend

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
        with self._db.transaction() as tx:
            # ON CONFLICT: when two processes create the same run at once, the first one's audience wins.
            created = tx.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (run_id, campaign.model_dump_json(), clock.isoformat(), self._clock().isoformat()),
            )
            if created:
                tx.executemany(
                    "INSERT INTO run_users (run_id, position, user_id, status) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT DO NOTHING",
                    [(run_id, i, uid, "holdout" if uid in holdout else "pending") for i, uid in enumerate(audience)],
                )
        if not created:
            raced = self.get(run_id)
            if raced is None:
                raise RuntimeError(f"run {run_id!r} was neither created nor found")
            return raced
        return RunInfo(run_id, campaign, clock)

    def get(self, run_id: str) -> RunInfo | None:
        """A run's inputs, or None."""
        rows = self._db.query("SELECT campaign, clock FROM runs WHERE run_id = ?", (run_id,))
        if not rows:
            return None
        campaign, clock = rows[0]
        return RunInfo(run_id, Campaign.model_validate_json(campaign), datetime.fromisoformat(clock))

    def member(self, run_id: str, ref: str) -> str | None:
        """The audience user whose pseudonym is `ref` (thread ids name users by pseudonym), or None."""
        rows = self._db.query("SELECT user_id FROM run_users WHERE run_id = ?", (run_id,))
        return next((str(r[0]) for r in rows if user_ref(str(r[0])) == ref), None)

    def pending(self, run_id: str) -> list[str]:
        """Users not yet done, in audience order (failed users are retried on resume)."""
        rows = self._db.query(
            "SELECT user_id FROM run_users WHERE run_id = ? AND status IN ('pending', 'failed') ORDER BY position",
            (run_id,),
        )
        return [str(r[0]) for r in rows]

    def finish(
        self, run_id: str, user_id: str, result: PromotionResult | None, error: str | None, seconds: float
    ) -> None:
        """Commit one user's outcome."""
        status = "done" if result is not None else "failed"
        payload = result.model_dump_json() if result is not None else None
        with self._db.transaction() as tx:
            tx.execute(
                "UPDATE run_users SET status = ?, result = ?, error = ?, seconds = ? WHERE run_id = ? AND user_id = ?",
                (status, payload, error, seconds, run_id, user_id),
            )

    def results(self, run_id: str) -> list[tuple[str, PromotionResult]]:
        """Done users' results in audience order."""
        rows = self._db.query(
            "SELECT user_id, result FROM run_users WHERE run_id = ? AND status = 'done' ORDER BY position", (run_id,)
        )
        return [(str(uid), PromotionResult.model_validate_json(res)) for uid, res in rows]

    def failures(self, run_id: str) -> list[tuple[str, str]]:
        """Failed users and their errors, in audience order (they are retried on resume)."""
        rows = self._db.query(
            "SELECT user_id, error FROM run_users WHERE run_id = ? AND status = 'failed' ORDER BY position", (run_id,)
        )
        return [(str(uid), str(error)) for uid, error in rows]

    def progress(self, run_id: str) -> RunProgress:
        """Counts by status."""
        rows = {
            str(status): int(count)
            for status, count in self._db.query(
                "SELECT status, COUNT(*) FROM run_users WHERE run_id = ? GROUP BY status", (run_id,)
            )
        }
        return RunProgress(
            total=sum(rows.values()),
            done=rows.get("done", 0),
            failed=rows.get("failed", 0),
            holdout=rows.get("holdout", 0),
        )

    def arms(self, run_id: str) -> dict[str, str]:
        """user_id → 'treated' (planned a message) or 'holdout', for effect estimation."""
        rows = self._db.query(
            "SELECT user_id, status, result FROM run_users WHERE run_id = ? AND status IN ('done', 'holdout')",
            (run_id,),
        )
        arms: dict[str, str] = {}
        for user_id, status, result in rows:
            if status == "holdout":
                arms[str(user_id)] = "holdout"
            elif result is not None and PromotionResult.model_validate_json(result).decision.send:
                arms[str(user_id)] = "treated"
        return arms

    def erase_user(self, user_id: str) -> int:
        """Remove one user from every run (audience row and result); returns the rows removed."""
        with self._db.transaction() as tx:
            return tx.execute("DELETE FROM run_users WHERE user_id = ?", (user_id,))


def open_run_store(settings: Settings) -> RunStore:
    """The run store the settings name: PostgreSQL when PROMO_DATABASE_URL is set, else runs.sqlite in home."""
    return RunStore(open_database(settings.database_url, settings.runs_db_path))

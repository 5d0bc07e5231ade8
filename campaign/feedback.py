"""The feedback log: impressions, clicks, conversions and unsubscribes, idempotent by event id.

Bad rows are reported with their line and reason, never dropped silently; an id that reads as an
instruction to the model (tools/profile/instructions.py) is a bad row. Unsubscribes also revoke the
user's consent for that channel in the shop database, so the next run cannot reach them there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from domain.channels import Channel
from tools.files.csv_rows import NOT_UTF8, csv_rows, undecodable
from tools.profile.instructions import reads_as_instruction
from tools.settings import Settings
from tools.stores.database import Database, SqlStore, open_database

FeedbackKind = Literal["impression", "click", "conversion", "unsubscribe"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    event_id TEXT PRIMARY KEY NOT NULL, run_id TEXT NOT NULL, user_id TEXT NOT NULL, kind TEXT NOT NULL,
    ts TEXT NOT NULL, channel TEXT, value DOUBLE PRECISION NOT NULL
);
"""


class FeedbackEvent(BaseModel):
    """One thing that happened after a send."""

    event_id: str = Field(min_length=1, max_length=128)
    run_id: str = Field(min_length=1, max_length=128)
    user_id: str = Field(min_length=1, max_length=64)
    kind: FeedbackKind
    ts: datetime
    channel: Channel | None = None
    value: float = Field(default=0.0, ge=0, description="Order value for conversions.")

    @field_validator("event_id", "run_id", "user_id")
    @classmethod
    def _an_id_not_an_instruction(cls, value: str) -> str:
        """Ids come from files and request bodies: one that reads as an instruction to the model is a bad row."""
        if reads_as_instruction(value, "feedback"):
            raise ValueError("reads as an instruction to the model, not an id")
        return value


@dataclass
class IngestReport:
    """What an ingest did: new events, duplicates skipped, and every refused row with why."""

    added: int = 0
    duplicates: int = 0
    bad_rows: list[tuple[int, str]] = field(default_factory=list)


class FeedbackLog(SqlStore):
    """The feedback events table, on a SQLite file path or an open Database (SQLite or PostgreSQL)."""

    def __init__(self, db: Database | Path) -> None:
        super().__init__(db, SCHEMA)

    def add(self, events: list[FeedbackEvent]) -> tuple[int, int]:
        """Insert events; returns (added, duplicates)."""
        with self._db.transaction() as tx:
            added = tx.executemany(
                "INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(e.event_id, e.run_id, e.user_id, e.kind, e.ts.isoformat(), e.channel, e.value) for e in events],
            )
        return added, len(events) - added

    def outcomes(self, run_id: str, kind: FeedbackKind) -> dict[str, float]:
        """Per user of a run: 1.0 if any event of that kind, plus value for conversions (summed)."""
        rows = self._db.query(
            "SELECT user_id, COUNT(*), SUM(value) FROM feedback WHERE run_id = ? AND kind = ? GROUP BY user_id",
            (run_id, kind),
        )
        return {str(uid): (float(total) if kind == "conversion" and total else 1.0) for uid, _n, total in rows}

    def erase_user(self, user_id: str) -> int:
        """Remove every feedback event of one user; returns how many were removed."""
        with self._db.transaction() as tx:
            return tx.execute("DELETE FROM feedback WHERE user_id = ?", (user_id,))


def open_feedback_log(settings: Settings) -> FeedbackLog:
    """The feedback log the settings name: PostgreSQL when PROMO_DATABASE_URL is set, else feedback.sqlite."""
    return FeedbackLog(open_database(settings.database_url, settings.feedback_db_path))


def read_feedback_file(path: Path) -> tuple[list[FeedbackEvent], list[tuple[int, str]]]:
    """Parse a CSV (with header) or JSONL file into events and (line, reason) for each bad row."""
    if not path.is_file():
        raise FileNotFoundError(f"feedback file not found: {path}")
    events: list[FeedbackEvent] = []
    bad: list[tuple[int, str]] = []
    rows: list[tuple[int, object]] = []
    if path.suffix == ".jsonl":
        # Undecodable bytes become lone surrogates, so one bad line is a bad row instead of a failed file.
        with path.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                if undecodable(line):
                    bad.append((line_no, NOT_UTF8))
                    continue
                try:
                    rows.append((line_no, json.loads(line)))
                except json.JSONDecodeError as error:
                    bad.append((line_no, f"not JSON: {error.msg}"))
    else:
        records = csv_rows(path)
        header = next(records, None)
        for record in records:
            if header is None or header.problem:
                break
            if record.problem:
                bad.append((record.line, record.problem))
            elif len(record.fields) > len(header.fields):
                bad.append((record.line, f"{len(record.fields)} fields, the header names {len(header.fields)}"))
            else:
                rows.append((record.line, dict(zip(header.fields, record.fields, strict=False))))
        if header is not None and header.problem:
            bad.append((header.line, f"header: {header.problem}"))
    for line_no, row in rows:
        try:
            cleaned = {k: v for k, v in row.items() if v not in ("", None)} if isinstance(row, dict) else row
            events.append(FeedbackEvent.model_validate(cleaned))
        except ValidationError as error:
            reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
            bad.append((line_no, reasons))
    return events, sorted(bad)

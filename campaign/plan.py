"""The delivery plan: one row per planned message, as JSONL and CSV, in audience order."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any, TextIO

from domain.decision import PromotionResult

COLUMNS = [
    "user_id",
    "user_ref",
    "channel",
    "send_at",
    "variant_id",
    "source",
    "title",
    "text",
    "score",
    "propensity",
    "policy_version",
    "explanation",
]


def _flush(handle: TextIO) -> None:
    """Python's buffer, then the OS's: a full disk fails here, before the rename, not after."""
    handle.flush()
    os.fsync(handle.fileno())


def plan_row(user_id: str, result: PromotionResult) -> dict[str, Any] | None:
    """One plan row for a send; None for a no-send (no-sends stay in the run store with their reasons)."""
    decision, message = result.decision, result.message
    if not decision.send or message is None:
        return None
    return {
        "user_id": user_id,  # delivery needs the real address book key; the LLM never saw it
        "user_ref": result.user_ref,
        "channel": decision.channel,
        "send_at": decision.send_at.isoformat() if decision.send_at else None,
        "variant_id": message.variant_id,
        "source": message.source,
        "title": message.title,
        "text": result.rendered,
        "score": round(decision.score, 6),
        "propensity": round(decision.propensity, 6),
        "policy_version": decision.policy_version,
        "explanation": " | ".join(result.explanation.targeting_reasons),
    }


def write_plan(results: list[tuple[str, PromotionResult]], out_dir: Path, stem: str) -> tuple[Path, Path, int]:
    """Write `<stem>.jsonl` and `<stem>.csv` atomically; returns both paths and the number of rows.

    Each file is written beside its target, flushed to disk, then renamed over it: a full disk or a crash
    leaves the previous plan whole and no temporary file behind (the results stay in the run store).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = [row for uid, result in results if (row := plan_row(uid, result)) is not None]
    jsonl, table = out_dir / f"{stem}.jsonl", out_dir / f"{stem}.csv"
    tmp_jsonl, tmp_csv = jsonl.with_suffix(".jsonl.tmp"), table.with_suffix(".csv.tmp")
    try:
        with tmp_jsonl.open("w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
            _flush(handle)
        with tmp_csv.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
            _flush(handle)
    except OSError:
        tmp_jsonl.unlink(missing_ok=True)
        tmp_csv.unlink(missing_ok=True)
        raise
    tmp_jsonl.replace(jsonl)
    tmp_csv.replace(table)
    return jsonl, table, len(rows)

"""The `--clock` option of commands that compute against a moment (campaign runs, evaluation replays)."""

from __future__ import annotations

from datetime import datetime

CLOCK_HELP = "The run's clock, ISO 8601 with a time zone (e.g. 2026-11-05T14:00:00+08:00)"


def parse_clock(text: str | None) -> datetime | None:
    """The moment `text` names, or None when it is not given; ValueError says what to fix."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"--clock {text!r} is not an ISO date and time, e.g. 2026-11-05T14:00:00+08:00") from error
    if moment.tzinfo is None:
        raise ValueError("--clock needs a time zone, e.g. 2026-11-05T14:00:00+08:00")
    return moment

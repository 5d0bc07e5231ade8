"""The clock type every caller passes down: code below the entry points never reads the wall clock itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""Returns the current moment, time-zone aware."""


def utc_now() -> datetime:
    """The real clock, for entry points (CLI, service) and their defaults; tests pass a fixed one."""
    return datetime.now(UTC)

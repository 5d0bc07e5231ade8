"""When a named occasion (双十一, Black Friday, 618 ...) next happens, from the compliance rules' own calendar.

The copy rules block a festival named outside the campaign's window, so a brief's occasion either
stretches the window to reach it or is left out of the campaign; the calendar must be the same one.
"""

from __future__ import annotations

from datetime import date

from tools.compliance.date_patterns import FESTIVALS
from tools.compliance.textutil import fold

REACH_DAYS = 60
"""An occasion further ahead than this is not what a campaign starting now is for."""


def knows_occasion(occasion: str) -> bool:
    """Whether the copy rules check the dates of this occasion."""
    return any(pattern.search(fold(occasion)) for pattern, _ in FESTIVALS)


def next_occasion_end(occasion: str, today: date, reach_days: int = REACH_DAYS) -> date | None:
    """The last day of the occasion's next occurrence from `today`, when it is at most `reach_days` away."""
    for pattern, days in FESTIVALS:
        if not pattern.search(fold(occasion)):
            continue
        upcoming = sorted(d for year in (today.year, today.year + 1) for d in days(year) if d >= today)
        if upcoming and (upcoming[0] - today).days <= reach_days:
            return max(d for d in days(upcoming[0].year) if d >= upcoming[0])
        return None
    return None

"""Claims about dates and deadlines: they must agree with the campaign's window and end.

Decision: a relative deadline (最后一天, last day) is true when it stands next to the campaign's real end
date (11月11日最后一天); on its own it is true only for a campaign no longer than the deadline it names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

from domain.channels import Locale
from domain.review import Violation
from tools.compliance.claim_finding import claim_violation
from tools.compliance.claims_clock import ENDED, NOT_STARTED, ended_ok, hour_ok, relative_ok_at, started_ok
from tools.compliance.date_patterns import (
    CN_SMALL,
    DATES,
    DEADLINE_AFTER,
    DEADLINE_BEFORE,
    FESTIVALS,
    MONTHS,
    RELATIVE,
    WEEKEND_HOURS,
    Days,
    on,
)
from tools.compliance.facts import OfferFacts
from tools.compliance.textutil import Claimed

_CITATION = "PRC Advertising Law Art. 8 and Art. 28: the time limits of an offer must be stated truly"
_NEAR = 6
"""Characters between a relative deadline and the end date it leans on."""


def _mentions(folded: str) -> Iterator[tuple[re.Match[str], Days, int | None]]:
    for pattern, days in FESTIVALS:
        for m in pattern.finditer(folded):
            yield m, days, None
    for pattern in DATES:
        for m in pattern.finditer(folded):
            g = m.groupdict()
            month = MONTHS.index(g["mon"][:3].lower()) + 1 if g.get("mon") else int(g["m"])
            if 1 <= month <= 12 and 1 <= int(g["d"]) <= 31:  # 0.5 or 3.45 is no date
                yield m, on((month, int(g["d"]))), int(g["y"]) if g.get("y") else None


def _days(facts: OfferFacts, days: Days, year: int | None) -> list[date]:
    """The mention's days in the given year, or in every year the campaign touches."""
    years = [year] if year else range(facts.first_day.year, facts.last_day.year + 1)
    return [d for y in years for d in days(y)]


def _violation(code: str, span: str, message: str, hint: str) -> Violation:
    return claim_violation(code, span, message, hint, _CITATION)


def _count(raw: str | None, default: float = 1) -> float:
    """3 or 三 as a number; the default when there is none."""
    if not raw:
        return default
    return float(raw) if raw.isdigit() else float(CN_SMALL.get(raw, default))


def _relative_ok(m: re.Match[str], facts: OfferFacts) -> bool:
    """A relative deadline is true wherever the message is sent only when the whole campaign is that short."""
    days, hours_said = m["d"] or m["d2"] or m["d3"], m["n"] or m["n2"] or m["n3"]
    hours = WEEKEND_HOURS if m["weekend"] else 24 * _count(days) if days else _count(hours_said, 24)
    if facts.window_hours > hours:
        return False
    return hour_ok(m, facts)


def check_dates(
    text: str, folded: str, facts: OfferFacts, locale: Locale, claimed: Claimed, *, now: datetime | None = None
) -> list[Violation]:
    """Flag dates outside the campaign, deadlines other than its end, and relative deadlines it cannot keep.

    now: the run's clock; relative deadlines and ended-sale claims are judged at that moment. None judges them
    for every send time in the window (a relative deadline then holds only on a campaign that short).
    """
    last = facts.last_day
    end = f"{last.month}月{last.day}日" if locale == "zh" else f"{last:%b} {last.day}"
    window = f"{facts.first_day:%Y-%m-%d} to {last:%Y-%m-%d}"
    found, end_spans = [], []
    for m, days, year in _mentions(folded):
        if not claimed.take(m.start(), m.end()):
            continue
        span, dates = text[m.start() : m.end()], _days(facts, days, year)
        is_end = any(d in (last, facts.ends_at.date()) for d in dates)
        if is_end:
            end_spans.append(m.span())
        if not any(facts.first_day <= d <= last for d in dates):
            message = f"Date “{span}” lies outside the campaign ({window})."
            found.append(_violation("CLAIM_DATE", span, message, f"Remove “{span}”; the campaign ends {end}."))
        elif (
            DEADLINE_BEFORE.search(folded[max(0, m.start() - 8) : m.start()]) or DEADLINE_AFTER.match(folded, m.end())
        ) and not is_end:
            message = f"Deadline “{span}” is not the campaign's end ({end})."
            found.append(_violation("CLAIM_DEADLINE", span, message, f"Replace “{span}” with {end} or remove it."))
    for m in RELATIVE.finditer(folded):
        anchored = any(s - _NEAR <= m.end() and m.start() <= e + _NEAR for s, e in end_spans)
        ok = _relative_ok(m, facts) if now is None else relative_ok_at(m, facts, now)
        if claimed.take(m.start(), m.end()) and not anchored and not ok:
            span = text[m.start() : m.end()]
            message = f"Relative deadline “{span}” cannot be true for every send time of this campaign."
            hint = f"Remove “{span}”; if a deadline helps, write the end date: {end}."
            found.append(_violation("CLAIM_DEADLINE_RELATIVE", span, message, hint))
    for m in ENDED.finditer(folded):
        if claimed.take(m.start(), m.end()) and not ended_ok(facts, now):
            span = text[m.start() : m.end()]
            message = f"“{span}” says the sale is over; it runs until {end}."
            found.append(_violation("CLAIM_ENDED", span, message, f"Remove “{span}”."))
    for m in NOT_STARTED.finditer(folded):
        if claimed.take(m.start(), m.end()) and not started_ok(facts, now):
            span = text[m.start() : m.end()]
            message = f"“{span}” says the sale has not started; it runs until {end}."
            found.append(_violation("CLAIM_NOT_STARTED", span, message, f"Remove “{span}”."))
    return found

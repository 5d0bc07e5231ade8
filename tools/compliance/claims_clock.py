"""Relative deadlines and ended-sale claims judged at the run's clock (``now``).

Without a clock a relative deadline must hold at every send time (claims_dates judges it against the campaign's
length). With one it must hold at that moment: 最后一天 / last day only on the last day, 仅剩3天 / 3 days left only
when three (or, counting today, four) calendar days remain, 最后3小时 only in the last three hours.

Decisions:
- "n days left" counts calendar days in the campaign's time zone, today included or not (both are common usage).
- 即将结束 / ending soon / 倒计时 / last chance hold only within the last 24 hours.
- An ended-sale claim (活动已结束, the sale has ended) is false while the campaign runs, so without a clock it is
  false at every send time in the window.
- A not-yet-started claim (专场即将上线, the sale is coming soon) is true only before the campaign starts; without a
  clock it is false, since a campaign's messages go out inside its window. It needs the sale as its subject:
  冬天即将来临 and "winter is coming soon" say nothing about the sale.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from tools.compliance.date_patterns import CN_SMALL
from tools.compliance.facts import OfferFacts

_I = re.IGNORECASE
ENDED = re.compile(
    r"(?:活动|优惠|促销|特惠|折扣|专场|大促)\s*(?:已经?|都已经?)\s*(?:结束|截止|落幕)|(?:活动|优惠|促销)\s*结束了"
    r"|\b(?:sale|offer|deal|promotion|campaign|event)s?\s+(?:has|have|is|are)\s+(?:now\s+)?"
    r"(?:ended|over|closed|finished)\b|\b(?:sale|offer|promotion)\s+ended\b",
    _I,
)
"""Copy that says the sale is over."""
_SALE_ZH = r"(?:活动|优惠|促销|特惠|折扣|专场|大促|好物节|购物节|狂欢|盛典|会场|秒杀|(?<=[\u4e00-\u9fff])周)"
"""Words for the sale itself; 周 as the end of a sale's name (咖啡周即将开始: a campaign run on the demo shop)."""
_SALE_EN = r"\b(?:sale|offer|deal|promotion|campaign|event|week|savings)s?"
NOT_STARTED = re.compile(
    rf"{_SALE_ZH}\s*(?:即将|马上就?要?|就要|快要)\s*(?:上线|开始|开启|开抢|来袭|登场|开幕|启动|开售)了?"
    rf"|{_SALE_ZH}\s*(?:尚未|还没有?)\s*开始|敬请期待|即将开抢"
    rf"|{_SALE_EN}\s+(?:(?:is|are)\s+)?(?:coming|starting|launching|beginning)\s+soon"
    rf"|{_SALE_EN}\s+(?:starts?|launch(?:es)?|begins?|opens?)\s+soon"
    rf"|{_SALE_EN}\s+(?:is|are)\s+about\s+to\s+(?:start|begin|launch|open)"
    rf"|{_SALE_EN}\s+(?:has|have|is|are)\s*(?:n['’]?t|\s+not)\s+(?:started|begun|open)"
    r"|\bstay\s+tuned\b",
    _I,
)
"""Copy that announces the sale as not yet started."""
_SOON_HOURS = 24.0
_WITHIN = re.compile(r"最后|last|final|only", _I)
_TOMORROW = re.compile(r"明|tomorrow", _I)
_TODAY = re.compile(r"今|today|tonight|最后一天|(?:last|final)\s+day", _I)


def _count(raw: str) -> int:
    return int(raw) if raw.isdigit() else CN_SMALL.get(raw, 1)


def hour_ok(m: re.Match[str], facts: OfferFacts) -> bool:
    """今晚12点结束: a stated hour must match the campaign's end (24 for midnight); true when none is stated."""
    if not m["h"]:
        return True
    h = {"十": 10, "十二": 12, "午夜": 24, "零": 24}.get(m["h"]) or int(m["h"])
    h = 24 if h in (0, 12, 24) and m["tonight"] else h + (12 if m["tonight"] and h < 12 else 0)
    end = facts.ends_at.hour + facts.ends_at.minute / 60 or 24
    return abs(h - end) <= 1


def ended_ok(facts: OfferFacts, now: datetime | None) -> bool:
    """An ended-sale claim is true only once the campaign is over."""
    return now is not None and now >= facts.ends_at


def started_ok(facts: OfferFacts, now: datetime | None) -> bool:
    """A not-yet-started claim is true only before the campaign starts."""
    return now is not None and now < facts.starts_at


def relative_ok_at(m: re.Match[str], facts: OfferFacts, now: datetime) -> bool:
    """Whether a relative deadline (a match of date_patterns.RELATIVE) is true when sent at ``now``."""
    if not facts.starts_at <= now < facts.ends_at:
        return False  # outside the window no deadline of this campaign is true
    left = facts.ends_at - now
    today = now.astimezone(facts.ends_at.tzinfo).date()
    days_left = (facts.last_day - today).days + 1  # calendar days, today included
    said = m[0]
    if m["weekend"]:  # Friday to Sunday, and the campaign ends by this Sunday
        return today.weekday() >= 4 and facts.last_day <= today + timedelta(days=6 - today.weekday())
    if days := m["d"] or m["d2"] or m["d3"]:
        n = _count(days)
        return days_left <= n if _WITHIN.search(said) else n in (days_left - 1, days_left)
    if hours := m["n"] or m["n2"] or m["n3"]:
        return left <= timedelta(hours=_count(hours))
    if _TOMORROW.search(said):
        return days_left == 2
    if _TODAY.search(said):
        return days_left == 1 and hour_ok(m, facts)
    return left <= timedelta(hours=_SOON_HOURS)

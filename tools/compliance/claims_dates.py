"""Claims about dates and deadlines: they must agree with the campaign's window and end."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from domain.channels import Locale
from domain.review import Violation
from tools.compliance.facts import OfferFacts
from tools.compliance.textutil import Claimed

_I = re.IGNORECASE
_CITATION = "PRC Advertising Law Art. 8 and Art. 28: the time limits of an offer must be stated truly"
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATES = (
    re.compile(r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"),
    re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
    # 11.11 or 11/11, but not 8.5折, ¥11.11, 4.9分 or 1.5L
    re.compile(
        r"(?<![\d.¥$])(?:(?P<y>\d{4})[./])?(?P<m>\d{1,2})[./](?P<d>\d{1,2})"
        r"(?![\d.%折元块分星倍升寸斤克米毫厘秒万千]|[a-z])",
        _I,
    ),
    re.compile(rf"\b{_MONTH}\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(?P<y>\d{{4}}))?", _I),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\b\.?(?:,?\s*(?P<y>\d{{4}}))?", _I),
)
_FESTIVALS = (
    (re.compile(r"双\s*(?:十一|11)|光棍节|double\s*(?:11|eleven)|singles'?\s*day", _I), (11, 11)),
    (re.compile(r"双\s*(?:十二|12)|double\s*(?:12|twelve)", _I), (12, 12)),
    (re.compile(r"(?<![\d¥$.])618(?![\d.%元块])"), (6, 18)),
)
_BLACK_FRIDAY = re.compile(r"black\s+friday|黑五|黑色星期五", _I)
_DEADLINE_BEFORE = re.compile(
    r"(?:截止|截至|止于|至|到|until|till|through|thru|ends?(?:\s+on)?|ending(?:\s+on)?)\s*$", _I
)
_DEADLINE_AFTER = re.compile(r"\s*(?:\d{1,2}\s*[点:时]\s*\d{0,2}\s*)?(?:前|为止|结束|截止|止)")
_HOUR = r"(?:(?P<h>\d{1,2}|十二|十|午夜|零)\s*[点:时]\s*\d{0,2}\s*)?"
_RELATIVE = re.compile(
    rf"(?:(?P<tonight>今[晚夜]|tonight)|今[天日]|today)\s*{_HOUR}(?:前|结束|截止|恢复原价|下架|失效|止|only)"
    r"|仅限今[天日晚]|今[天日]最后|最后\s*(?:一|1)\s*天"
    r"|最后\s*(?P<n>[\d一二三四五六七八九十两几]+)\s*个?\s*(?:小时|钟头)|倒计时|明[天日晚]\s*(?:\d{1,2}\s*[点:时]\s*)?"
    r"(?:结束|截止|恢复原价|下架)|即将(?:结束|截止|恢复原价)|马上(?:结束|截止)|最后机会|过时不候"
    r"|ends?\s+(?:tonight|today|tomorrow|at\s+midnight|soon)|today\s+only|(?:last|final)\s+(?:day|chance)"
    r"|(?:last|final)\s+(?P<n2>\d+)\s+hours?|(?P<n3>\d+)\s+hours?\s+(?:left|to\s+go|only)|final\s+hours"
    r"|count\s*down|ending\s+soon",
    _I,
)
_CN_SMALL = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _black_friday(year: int) -> date:
    nov1 = date(year, 11, 1)
    return nov1 + timedelta(days=(3 - nov1.weekday()) % 7 + 22)  # the day after the 4th Thursday


def _mentions(folded: str) -> Iterator[tuple[re.Match[str], int, int, int | None]]:
    for pattern, (month, day) in _FESTIVALS:
        for m in pattern.finditer(folded):
            yield m, month, day, None
    for m in _BLACK_FRIDAY.finditer(folded):
        yield m, 11, 0, None  # day 0: resolved per year below
    for pattern in _DATES:
        for m in pattern.finditer(folded):
            g = m.groupdict()
            month = _MONTHS.index(g["mon"][:3].lower()) + 1 if g.get("mon") else int(g["m"])
            if 1 <= month <= 12 and 1 <= int(g["d"]) <= 31:  # 0.5 or 3.45 is no date
                yield m, month, int(g["d"]), int(g["y"]) if g.get("y") else None


def _in_window(facts: OfferFacts, month: int, day: int, year: int | None) -> bool:
    if day == 0:  # Black Friday
        years = range(facts.first_day.year, facts.last_day.year + 1)
        return any(facts.first_day <= _black_friday(y) <= facts.last_day for y in years)
    return facts.in_window(month, day, year)


def _is_end(facts: OfferFacts, month: int, day: int) -> bool:
    return any((d.month, d.day) == (month, day) for d in (facts.last_day, facts.ends_at.date()))


def _violation(code: str, span: str, message: str, hint: str) -> Violation:
    return Violation(code=code, family="claims", message=message, span=span, fix_hint=hint, citation=_CITATION)


def _relative_ok(m: re.Match[str], facts: OfferFacts) -> bool:
    """A relative deadline is true wherever the message is sent only when the whole campaign is that short."""
    raw = m["n"] or m["n2"] or m["n3"]
    hours = float(raw) if raw and raw.isdigit() else float(_CN_SMALL.get(raw or "", 24))
    if facts.window_hours > hours:
        return False
    if m["h"]:  # 今晚12点结束: the hour must match the campaign's end, 24 for midnight
        h = {"十": 10, "十二": 12, "午夜": 24, "零": 24}.get(m["h"]) or int(m["h"])
        h = 24 if h in (0, 12, 24) and m["tonight"] else h + (12 if m["tonight"] and h < 12 else 0)
        end = facts.ends_at.hour + facts.ends_at.minute / 60 or 24
        return abs(h - end) <= 1
    return True


def check_dates(text: str, folded: str, facts: OfferFacts, locale: Locale, claimed: Claimed) -> list[Violation]:
    """Flag dates outside the campaign, deadlines other than its end, and relative deadlines it cannot keep."""
    end = (
        f"{facts.last_day.month}月{facts.last_day.day}日"
        if locale == "zh"
        else f"{facts.last_day:%b} {facts.last_day.day}"
    )
    found = []
    for m, month, day, year in _mentions(folded):
        if not claimed.take(m.start(), m.end()):
            continue
        span = text[m.start() : m.end()]
        window = f"{facts.first_day:%Y-%m-%d} to {facts.last_day:%Y-%m-%d}"
        if not _in_window(facts, month, day, year):
            message = f"Date “{span}” lies outside the campaign ({window})."
            found.append(_violation("CLAIM_DATE", span, message, f"Remove “{span}”; the campaign ends {end}."))
        elif (
            _DEADLINE_BEFORE.search(folded[max(0, m.start() - 8) : m.start()]) or _DEADLINE_AFTER.match(folded, m.end())
        ) and not _is_end(facts, month, day):
            message = f"Deadline “{span}” is not the campaign's end ({end})."
            found.append(_violation("CLAIM_DEADLINE", span, message, f"Replace “{span}” with {end} or remove it."))
    for m in _RELATIVE.finditer(folded):
        if claimed.take(m.start(), m.end()) and not _relative_ok(m, facts):
            span = text[m.start() : m.end()]
            message = f"Relative deadline “{span}” cannot be true for every send time of this campaign."
            hint = f"Remove “{span}”; if a deadline helps, write the end date: {end}."
            found.append(_violation("CLAIM_DEADLINE_RELATIVE", span, message, hint))
    return found

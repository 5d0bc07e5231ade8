"""How copy writes dates, festivals and deadlines; each festival resolves to its days in a given year.

Festivals on the lunar calendar (春节, 中秋, 七夕, 元宵) are not resolved: copy naming them is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

Days = Callable[[int], tuple[date, ...]]
"""The days a mention stands for in one year (none when it names no real day, e.g. 2月30日)."""

_I = re.IGNORECASE
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
DATES = (
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


def black_friday(year: int) -> date:
    """The day after the fourth Thursday of November."""
    nov1 = date(year, 11, 1)
    return nov1 + timedelta(days=(3 - nov1.weekday()) % 7 + 22)


def on(*month_days: tuple[int, int]) -> Days:
    """A mention that stands for fixed calendar days."""

    def days(year: int) -> tuple[date, ...]:
        found = []
        for month, day in month_days:
            try:
                found.append(date(year, month, day))
            except ValueError:
                continue  # 2月30日 is no date
        return tuple(found)

    return days


def _span(month: int, first: int, last: int) -> Days:
    return on(*((month, d) for d in range(first, last + 1)))


FESTIVALS: tuple[tuple[re.Pattern[str], Days], ...] = (
    (re.compile(r"双\s*(?:十一|11)|光棍节|double\s*(?:11|eleven)|singles'?\s*day", _I), on((11, 11))),
    (re.compile(r"双\s*(?:十二|12)|double\s*(?:12|twelve)", _I), on((12, 12))),
    (re.compile(r"(?<![\d¥$.])618(?![\d.%元块])"), on((6, 18))),
    (re.compile(r"black\s+friday|黑五|黑色星期五", _I), lambda y: (black_friday(y),)),
    (re.compile(r"cyber\s+monday|网络星期一", _I), lambda y: (black_friday(y) + timedelta(days=3),)),
    (re.compile(r"元旦|new\s+year'?s\s+day", _I), on((1, 1))),
    (re.compile(r"(?<!七夕)情人节|valentine'?s?\s+day", _I), on((2, 14))),
    (re.compile(r"妇女节|女神节|女王节|women'?s\s+day", _I), on((3, 8))),
    (re.compile(r"劳动节|五一(?!折)|may\s+day|labou?r\s+day", _I), _span(5, 1, 5)),
    (re.compile(r"儿童节|六一(?!折)|children'?s\s+day", _I), on((6, 1))),
    (re.compile(r"国庆|十一黄金周|national\s+day", _I), _span(10, 1, 7)),
    (re.compile(r"万圣节|halloween", _I), on((10, 31))),
    (re.compile(r"平安夜|christmas\s+eve", _I), on((12, 24))),
    (re.compile(r"圣诞|christmas|x-?mas", _I), on((12, 24), (12, 25))),
)
DEADLINE_BEFORE = re.compile(
    r"(?:截止|截至|止于|至|到|until|till|through|thru|ends?(?:\s+on)?|ending(?:\s+on)?)\s*$", _I
)
DEADLINE_AFTER = re.compile(r"\s*(?:\d{1,2}\s*[点:时]\s*\d{0,2}\s*)?(?:前|为止|结束|截止|止)")
_HOUR = r"(?:(?P<h>\d{1,2}|十二|十|午夜|零)\s*[点:时]\s*\d{0,2}\s*)?"
RELATIVE = re.compile(
    rf"(?:(?P<tonight>今[晚夜]|tonight)|今[天日]|today)\s*{_HOUR}(?:前|结束|截止|恢复原价|下架|失效|止|only)"
    r"|仅限今[天日晚]|今[天日]最后|(?:最后|仅剩|只剩|还剩)\s*(?P<d>[\d一二三四五六七八九十两几]+)\s*天"
    r"|(?P<d2>\d+)\s+days?\s+(?:only|left|to\s+go)|(?:last|final)\s+(?P<d3>\d+)\s+days"
    r"|(?P<weekend>(?:this\s+)?weekend\s+only|only\s+this\s+weekend|仅限(?:本)?周末|周末(?:限定|专享|特惠|专场))"
    r"|最后\s*(?P<n>[\d一二三四五六七八九十两几]+)\s*个?\s*(?:小时|钟头)|倒计时|明[天日晚]\s*(?:\d{1,2}\s*[点:时]\s*)?"
    r"(?:结束|截止|恢复原价|下架)|(?:截止|截至|结束)[^，。！？,.!?\d]{0,6}明[天日晚]"
    r"|明[天日晚][^，。！？,.!?\d]{1,6}(?:结束|截止)"
    r"|即将(?:结束|截止|恢复原价)|马上(?:结束|截止)|最后机会|过时不候"
    r"|ends?\s+(?:tonight|today|tomorrow|at\s+midnight|soon)|today\s+only|(?:last|final)\s+(?:day|chance)"
    r"|(?:last|final)\s+(?P<n2>\d+)\s+hours?|(?P<n3>\d+)\s+hours?\s+(?:left|to\s+go|only)|final\s+hours"
    r"|count\s*down|ending\s+soon",
    _I,
)
CN_SMALL = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "几": 3}
WEEKEND_HOURS = 72.0
"""A weekend-only claim holds for a campaign of at most Friday evening to Sunday night."""

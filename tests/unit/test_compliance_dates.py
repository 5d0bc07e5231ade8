from __future__ import annotations

from datetime import datetime

import pytest

from domain.channels import Locale
from domain.offer import Campaign
from tests.unit.test_compliance_support import TZ8, campaign, facts_for
from tools.compliance.claims import find_claims

D11 = campaign()  # 2026-11-01 00:00 to 2026-11-11 23:59, UTC+8
ONE_DAY = campaign(starts=datetime(2026, 11, 11, 0, 0, tzinfo=TZ8), ends=datetime(2026, 11, 11, 23, 59, tzinfo=TZ8))
SIX_HOURS = campaign(starts=datetime(2026, 11, 11, 18, 0, tzinfo=TZ8), ends=datetime(2026, 11, 11, 23, 59, tzinfo=TZ8))
NOV_BLACK_FRIDAY = campaign(starts=datetime(2026, 11, 20, tzinfo=TZ8), ends=datetime(2026, 11, 30, tzinfo=TZ8))


def date_codes(text: str, c: Campaign = D11, locale: Locale = "zh") -> list[str]:
    return [v.code for v in find_claims(text, facts_for(c), locale)]


@pytest.mark.parametrize(
    "text",
    [
        "双十一狂欢",
        "双11保温杯专场",
        "Double 11 deals",
        "Singles' Day sale",
        "11月11日满300减50",
        "11月1日至11月11日",
        "11.11 当天",
        "11/11 only",
        "Nov 11",
        "November 5th",
        "11 Nov",
        "2026年11月11日",
        "活动截至11月11日",
        "11月11日24点结束",
        "Ends Nov 11",
        "until November 11",
        "24小时保温",
        "下单24小时内发货",
        "评分4.9分",
        "1.5L大容量",
        "11月11日最后一天",  # a relative deadline next to the real end date
        "最后一天：11月11日",
    ],
)
def test_dates_inside_the_window_pass(text: str) -> None:
    assert date_codes(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("双十二见", ["CLAIM_DATE"]),
        ("Double 12", ["CLAIM_DATE"]),
        ("618大促", ["CLAIM_DATE"]),
        ("11月20日开抢", ["CLAIM_DATE"]),
        ("12.12 返场", ["CLAIM_DATE"]),
        ("Dec 1", ["CLAIM_DATE"]),
        ("2025年11月11日", ["CLAIM_DATE"]),
        ("Black Friday deals", ["CLAIM_DATE"]),
        ("活动截至11月5日", ["CLAIM_DEADLINE"]),
        ("11月8日结束", ["CLAIM_DEADLINE"]),
        ("ends Nov 8", ["CLAIM_DEADLINE"]),
        ("今晚12点结束", ["CLAIM_DEADLINE_RELATIVE"]),
        ("今天结束", ["CLAIM_DEADLINE_RELATIVE"]),
        ("仅限今天", ["CLAIM_DEADLINE_RELATIVE"]),
        ("最后一天", ["CLAIM_DEADLINE_RELATIVE"]),
        ("最后3小时", ["CLAIM_DEADLINE_RELATIVE"]),
        ("明天恢复原价", ["CLAIM_DEADLINE_RELATIVE"]),
        ("即将结束", ["CLAIM_DEADLINE_RELATIVE"]),
        ("Ends tonight!", ["CLAIM_DEADLINE_RELATIVE"]),
        ("Today only", ["CLAIM_DEADLINE_RELATIVE"]),
        ("Last day to save", ["CLAIM_DEADLINE_RELATIVE"]),
        ("Only 3 hours left", ["CLAIM_DEADLINE_RELATIVE"]),
        ("8.5折", ["CLAIM_ZHE"]),  # a discount (wrong for 满300减50), not the date August 5
        ("国庆特惠", ["CLAIM_DATE"]),
        ("元旦前都有效", ["CLAIM_DATE"]),
        ("Christmas treat", ["CLAIM_DATE"]),
        ("仅剩3天", ["CLAIM_DEADLINE_RELATIVE"]),
        ("3 days only", ["CLAIM_DEADLINE_RELATIVE"]),
        ("仅限周末", ["CLAIM_DEADLINE_RELATIVE"]),
        ("this weekend only", ["CLAIM_DEADLINE_RELATIVE"]),
    ],
)
def test_dates_and_deadlines_the_campaign_does_not_support(text: str, expected: list[str]) -> None:
    assert date_codes(text) == expected


@pytest.mark.parametrize(
    ("text", "c", "expected"),
    [
        ("今晚12点结束", ONE_DAY, []),
        ("今晚24点截止", ONE_DAY, []),
        ("今晚8点结束", ONE_DAY, ["CLAIM_DEADLINE_RELATIVE"]),  # the campaign ends at 23:59, not 20:00
        ("仅限今天", ONE_DAY, []),
        ("Ends tonight", ONE_DAY, []),
        ("最后3小时", ONE_DAY, ["CLAIM_DEADLINE_RELATIVE"]),  # a 24-hour campaign is not 3 hours from its end
        ("最后6小时", SIX_HOURS, []),
        ("Only 6 hours left", SIX_HOURS, []),
        ("Black Friday deals", NOV_BLACK_FRIDAY, []),  # 2026-11-27
        ("Cyber Monday", D11, ["CLAIM_DATE"]),
    ],
)
def test_relative_deadlines_of_short_campaigns(text: str, c: Campaign, expected: list[str]) -> None:
    assert date_codes(text, c) == expected


def test_deadline_hint_names_the_real_end() -> None:
    [violation] = find_claims("活动截至11月5日", facts_for(D11), "zh")
    assert violation.span == "11月5日"
    assert "11月11日" in violation.fix_hint
    [violation] = find_claims("ends tonight", facts_for(D11), "en")
    assert "Nov 11" in violation.fix_hint


def test_midnight_end_counts_as_the_day_before() -> None:
    c = campaign(ends=datetime(2026, 11, 12, 0, 0, tzinfo=TZ8))
    assert date_codes("活动截至11月11日", c) == []
    assert date_codes("11月12日见", c) == ["CLAIM_DATE"]

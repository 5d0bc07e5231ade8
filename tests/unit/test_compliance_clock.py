"""Time claims judged at the run's clock (check_draft's ``now``); no test reads the wall clock."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.channels import Locale
from tests.unit.test_compliance_support import TZ8, check, codes, draft

# The default campaign runs 2026-11-01 00:00 to 2026-11-11 23:59 (+08:00).
EARLY = datetime(2026, 11, 5, 10, tzinfo=TZ8)
LAST_MORNING = datetime(2026, 11, 11, 9, tzinfo=TZ8)


@pytest.mark.parametrize(
    ("claim", "now", "ok"),
    [
        ("最后一天", EARLY, False),
        ("最后一天", LAST_MORNING, True),
        ("今晚12点结束", datetime(2026, 11, 10, 9, tzinfo=TZ8), False),
        ("今晚12点结束", LAST_MORNING, True),
        ("今晚8点结束", LAST_MORNING, False),  # the hour must still be the campaign's end
        ("仅剩3天", EARLY, False),
        ("仅剩3天", datetime(2026, 11, 9, 10, tzinfo=TZ8), True),
        ("仅剩3天", datetime(2026, 11, 8, 10, tzinfo=TZ8), True),  # three days after today
        ("仅剩3天", LAST_MORNING, False),
        ("最后3天", datetime(2026, 11, 10, 10, tzinfo=TZ8), True),
        ("明天结束", datetime(2026, 11, 10, 20, tzinfo=TZ8), True),
        ("明天结束", datetime(2026, 11, 11, 20, tzinfo=TZ8), False),
        ("活动截止至明日", datetime(2026, 11, 10, 20, tzinfo=TZ8), True),
        ("活动截止至明日", datetime(2026, 11, 5, 20, tzinfo=TZ8), False),  # a campaign run wrote it six days early
        ("活动结束时间定在明天中午", datetime(2026, 11, 5, 20, tzinfo=TZ8), False),  # and this one, to 6 users
        ("明天中午活动就结束", datetime(2026, 11, 5, 20, tzinfo=TZ8), False),
        ("即将结束", datetime(2026, 11, 1, 10, tzinfo=TZ8), False),
        ("即将结束", datetime(2026, 11, 11, 18, tzinfo=TZ8), True),
        ("最后3小时", datetime(2026, 11, 11, 21, 30, tzinfo=TZ8), True),
        ("最后3小时", LAST_MORNING, False),
        ("最后一天", datetime(2026, 11, 12, 9, tzinfo=TZ8), False),  # after the end nothing holds
    ],
)
def test_relative_deadlines_at_the_clock(claim: str, now: datetime, ok: bool) -> None:
    found = check(draft(f"保温杯满300减50，{claim}。"), now=now)
    assert ("CLAIM_DEADLINE_RELATIVE" not in codes(found)) is ok


@pytest.mark.parametrize(
    ("body", "now", "ok"),
    [
        ("15% off thermoses. Last day!", datetime(2026, 11, 11, 8, tzinfo=TZ8), True),
        ("15% off thermoses. Last day!", EARLY, False),
        ("15% off thermoses. Ends tonight!", LAST_MORNING, True),
        ("15% off thermoses, 2 days left.", datetime(2026, 11, 10, 8, tzinfo=TZ8), True),
        ("15% off thermoses, 2 days left.", EARLY, False),
        ("15% off thermoses, last 3 hours!", datetime(2026, 11, 11, 21, tzinfo=TZ8), True),
    ],
)
def test_english_relative_deadlines_at_the_clock(body: str, now: datetime, ok: bool) -> None:
    found = check(draft(body.replace("15% off", "¥50 off orders over ¥300:"), locale="en", title="Deals"), now=now)
    assert ("CLAIM_DEADLINE_RELATIVE" not in codes(found)) is ok


def test_without_a_clock_the_campaign_length_decides_as_before() -> None:
    assert "CLAIM_DEADLINE_RELATIVE" in codes(check(draft("保温杯满300减50，最后一天。")))
    assert "CLAIM_DEADLINE_RELATIVE" not in codes(check(draft("保温杯满300减50，11月11日最后一天。")))


@pytest.mark.parametrize(
    ("body", "locale"),
    [
        ("保温杯满300减50，活动已结束。", "zh"),
        ("保温杯满300减50，优惠已经结束了。", "zh"),
        ("¥50 off orders over ¥300. The sale has ended.", "en"),
    ],
)
def test_an_ended_sale_is_false_while_the_campaign_runs(body: str, locale: Locale) -> None:
    for now in (None, EARLY):
        assert "CLAIM_ENDED" in codes(check(draft(body, locale=locale, title="Deals"), now=now))


@pytest.mark.parametrize("body", ["炎热的夏天已结束，保温杯满300减50。", "活动11月11日结束，保温杯满300减50。"])
def test_other_endings_are_no_ended_sale(body: str) -> None:
    assert check(draft(body), now=EARLY) == []


BEFORE_START = datetime(2026, 10, 30, 10, tzinfo=TZ8)


@pytest.mark.parametrize(
    ("body", "locale"),
    [
        ("保温杯专场即将上线，满300减50。", "zh"),
        ("大促即将来袭，保温杯满300减50。", "zh"),
        ("活动尚未开始，保温杯满300减50。", "zh"),
        ("Our thermos sale is coming soon: ¥50 off orders over ¥300.", "en"),
        ("The sale hasn't started yet, but ¥50 off orders over ¥300 is on the way.", "en"),
    ],
)
def test_a_sale_announced_as_not_started_is_false_once_it_runs(body: str, locale: Locale) -> None:
    for now in (None, EARLY, LAST_MORNING):
        assert "CLAIM_NOT_STARTED" in codes(check(draft(body, locale=locale, title="Deals"), now=now))
    assert "CLAIM_NOT_STARTED" not in codes(check(draft(body, locale=locale, title="Deals"), now=BEFORE_START))


@pytest.mark.parametrize(
    ("body", "locale"),
    [("冬天即将来临，保温杯满300减50。", "zh"), ("Winter is coming soon. ¥50 off orders over ¥300.", "en")],
)
def test_other_things_coming_soon_are_no_claim_about_the_sale(body: str, locale: Locale) -> None:
    assert "CLAIM_NOT_STARTED" not in codes(check(draft(body, locale=locale, title="Deals"), now=EARLY))

from __future__ import annotations

import pytest

from domain.channels import CHANNELS, Channel, Locale
from tests.unit.test_compliance_support import OFFERS, campaign, check, codes, draft


@pytest.mark.parametrize(
    ("offer", "body", "locale"),
    [
        ("threshold", "双十一保温杯满300减50，第一次下单也能享受，24小时保温，3款可选。", "zh"),
        ("threshold", "最近浏览的保温杯300-50，活动截至11月11日。", "zh"),
        ("percent", "你第一眼就爱上的保温杯，双11享8折，到手价319.2元。", "zh"),
        ("percent", "保温杯享八折，11月1日至11月11日。", "zh"),
        ("amount", "保温杯立减50元，原价399元。", "zh"),
        ("gift", "购买保温杯赠送保温杯袋，双十一见。", "zh"),
        ("threshold", "¥50 off thermos orders over ¥300 until Nov 11.", "en"),
        ("percent", "Get 20% off the thermos you viewed. Keeps drinks hot for 24 hours.", "en"),
    ],
)
def test_clean_drafts_pass(offer: str, body: str, locale: Locale) -> None:
    c = campaign(OFFERS[offer])
    title, cta = ("双十一好物", "立即选购") if locale == "zh" else ("Thermos week", "Shop now")
    for channel in CHANNELS:
        d = draft(body, title=title, cta=cta, channel=channel, locale=locale)
        assert check(d, c) == [], channel


def test_small_model_output_is_blocked_with_actionable_hints() -> None:
    d = draft(
        "全网最低价！满39减10，全场9折，只需花一半的钱。仅剩3件，包邮，访问www.x.com #双十一#", title="最好的保温杯"
    )
    found = check(d, campaign(OFFERS["percent"]))
    assert {v.family for v in found} == {"absolute_terms", "claims", "channel"}
    assert {"ABS_PRICE", "ABS_SUPERLATIVE", "CLAIM_THRESHOLD", "CLAIM_ZHE", "CLAIM_SCOPE"} <= codes(found)
    assert {"CLAIM_HALF_PRICE"} <= codes(found)
    assert {"CLAIM_STOCK", "CLAIM_SHIPPING", "CH_URL", "CH_HASHTAG"} <= codes(found)
    threshold = next(v for v in found if v.code == "CLAIM_THRESHOLD")
    assert threshold.fix_hint == "Use exactly 八折; remove 满39减10."
    assert all(v.severity == "block" and v.fix_hint and v.message for v in found)
    assert next(v for v in found if v.code == "ABS_SUPERLATIVE").field == "title"


def test_each_finding_names_its_field() -> None:
    d = draft("满300减50。", title="顶级好物", cta="包邮抢购")
    assert [(v.code, v.field) for v in check(d)] == [("ABS_GRADE", "title"), ("CLAIM_SHIPPING", "cta")]


def test_personal_data_of_the_recipient_is_blocked() -> None:
    d = draft("张伟，你关注的保温杯满300减50。")
    found = check(d, personal_data=["u-zh-1", "张伟", "13812345678"])
    assert [(v.code, v.family, v.span) for v in found] == [("PD_KNOWN", "personal_data", "张伟")]
    assert check(draft("你关注的保温杯满300减50，电话13912345678。")) != []


@pytest.mark.parametrize(("channel", "locale"), [("sms", "zh"), ("sms", "en"), ("push", "en"), ("email", "zh")])
def test_same_finding_is_reported_once(channel: Channel, locale: Locale) -> None:
    d = draft("包邮包邮", title="x", channel=channel, locale=locale)
    found = check(d)
    assert len(found) == len(set(found))

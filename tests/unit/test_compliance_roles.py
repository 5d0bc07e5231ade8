"""Money claims judged by role: prices, lowest prices, up-to wording and a threshold stated or hidden."""

from __future__ import annotations

import pytest

from domain.channels import Locale
from tests.unit.test_compliance_support import OFFERS, campaign, check, codes, draft, facts_for
from tools.compliance.claims import find_claims


def claim_codes(text: str, offer: str = "threshold", locale: Locale = "zh") -> list[str]:
    return [v.code for v in find_claims(text, facts_for(campaign(OFFERS[offer])), locale)]


# Test catalog: thermoses at 399 and 129 are eligible; 满300减50 makes the 399 one 349.
@pytest.mark.parametrize(
    ("text", "offer", "expected"),
    [
        ("保温杯129元起，满300减50", "threshold", []),  # the lowest eligible price
        ("保温杯50元起，满300减50", "threshold", ["CLAIM_PRICE"]),  # 50 is the amount off
        ("保温杯349元起，满300减50", "threshold", ["CLAIM_PRICE"]),  # not the lowest price
        ("保温杯低至300元，满300减50", "threshold", ["CLAIM_PRICE"]),  # the threshold is no price
        ("满300减50，到手只要50元", "threshold", ["CLAIM_PRICE"]),
        ("满300减50，到手价349元", "threshold", []),
        ("满300减50，原价399元", "threshold", []),
        ("Thermoses from ¥103.2, 20% off", "percent", []),  # 129 after 20% off
        ("Thermoses from ¥25.8, 20% off", "percent", ["CLAIM_PRICE"]),  # a saving, not a price
        ("20% off, now just ¥319.2", "percent", []),
        ("20% off, now just ¥79.8", "percent", ["CLAIM_PRICE"]),
        ("立省79.8元，八折", "percent", []),  # a saving presented as one
    ],
)
def test_amounts_are_judged_by_their_role(text: str, offer: str, expected: list[str]) -> None:
    locale: Locale = "en" if text.isascii() or "¥" in text else "zh"
    assert claim_codes(text, offer, locale) == expected


@pytest.mark.parametrize(
    ("text", "offer"),
    [
        ("高达8折", "percent"),
        ("低至八折", "percent"),
        ("Up to 20% off", "percent"),
        ("最多减50元，满300减50", "threshold"),
    ],
)
def test_up_to_wording_on_a_flat_offer_is_flagged(text: str, offer: str) -> None:
    assert claim_codes(text, offer, "en" if text.isascii() else "zh") == ["CLAIM_UP_TO"]


def test_up_to_with_a_wrong_value_reports_the_value() -> None:
    assert claim_codes("Up to 30% off", "percent", "en") == ["CLAIM_PERCENT"]


def test_stacking_threshold_is_another_offer() -> None:
    assert claim_codes("每满300减50") == ["CLAIM_THRESHOLD"]


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        ("双十一好物", "保温杯立减50元。", {"CLAIM_THRESHOLD_OMITTED"}),
        ("保温杯立减50元", "双十一保温杯满300减50。", set()),  # the body states the threshold
        ("双十一好物", "满300减50，最高立减50元。", {"CLAIM_UP_TO"}),
    ],
)
def test_a_threshold_saving_needs_its_threshold_somewhere_in_the_draft(
    title: str, body: str, expected: set[str]
) -> None:
    assert codes(check(draft(body, title=title))) == expected


def test_english_threshold_phrasings() -> None:
    assert claim_codes("¥50 off when you spend ¥300", locale="en") == []
    assert claim_codes("Save ¥50 on any thermos", locale="en") == ["CLAIM_THRESHOLD_OMITTED"]


def test_amounts_after_a_chinese_comma_are_not_one_number() -> None:
    assert claim_codes("满300减50，500ml") == []
    assert claim_codes("满300减50，100%纯棉杯套") == []  # the 减 belongs to another clause


def test_phone_like_pairs_are_no_threshold() -> None:
    assert claim_codes("call 555-0134", locale="en") == []

"""Offer terms the campaign does not have, extra gifts, and categories outside the campaign."""

from __future__ import annotations

import pytest

from domain.channels import Locale
from domain.offer import Offer
from tests.unit.test_compliance_support import OFFERS, campaign, facts_for
from tools.compliance.claims import find_claims


def claim_codes(
    text: str, offer: Offer, locale: Locale = "zh", categories: tuple[str, ...] = ("thermos",)
) -> list[str]:
    return [v.code for v in find_claims(text, facts_for(campaign(offer, categories=categories)), locale)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("满300减50，会员专享", "CLAIM_CONDITION"),
        ("新人专享：满300减50", "CLAIM_CONDITION"),
        ("首单满300减50", "CLAIM_CONDITION"),
        ("Members only: ¥50 off orders over ¥300", "CLAIM_CONDITION"),
        ("¥50 off orders over ¥300 for new customers only", "CLAIM_CONDITION"),
        ("满300减50，支持12期免息", "CLAIM_FINANCE"),
        ("Pay in 4 interest-free installments", "CLAIM_FINANCE"),
        ("满300减50，还能叠加店铺券", "CLAIM_COUPON"),
        ("Use code WINTER for ¥50 off orders over ¥300", "CLAIM_COUPON"),
        ("满300减50，运费险", "CLAIM_SERVICE"),
        ("Free returns on every order", "CLAIM_SERVICE"),
        ("满300减50，每人限购2件", "CLAIM_STOCK"),
        ("满300减50，还送杯刷", "CLAIM_GIFT"),
        ("¥50 off orders over ¥300 with a free tote", "CLAIM_GIFT"),
        ("Buy one mug, get one free", "CLAIM_BOGO"),
    ],
)
def test_invented_offer_terms(text: str, expected: str) -> None:
    locale: Locale = "en" if text.isascii() or "¥" in text else "zh"
    assert set(claim_codes(text, OFFERS["threshold"], locale)) == {expected}


@pytest.mark.parametrize(
    "text",
    [
        "第一次下单也能享受满300减50",
        "送礼佳品，满300减50",
        "7天无理由退货",
        "No code needed",
        "02号色同享",
        "快递也送到家",
    ],
)
def test_ordinary_phrases_are_no_offer_terms(text: str) -> None:
    locale: Locale = "en" if text.isascii() else "zh"
    assert claim_codes(text, OFFERS["threshold"], locale) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("下单赠送保温杯袋", []),
        ("买保温杯送保温杯袋一个", []),
        ("买保温杯赠保温杯袋和杯刷", ["CLAIM_GIFT"]),
        ("买保温杯送杯刷", ["CLAIM_GIFT"]),
        ("买保温杯送保温杯袋，再送杯刷", ["CLAIM_GIFT"]),
    ],
)
def test_a_gift_campaign_may_name_only_its_gift(text: str, expected: list[str]) -> None:
    assert claim_codes(text, OFFERS["gift"]) == expected


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("咖啡也享满300减50", "zh", ["CLAIM_CATEGORY"]),
        ("保温杯和咖啡都满300减50", "zh", ["CLAIM_CATEGORY"]),
        ("装咖啡的保温杯满300减50", "zh", []),  # coffee as a use
        ("保温杯满300减50", "zh", []),
        ("¥50 off thermoses and mugs over ¥300", "en", ["CLAIM_CATEGORY"]),
        ("Keeps your coffee hot: ¥50 off orders over ¥300", "en", []),
    ],
)
def test_a_discount_may_name_only_eligible_categories(text: str, locale: Locale, expected: list[str]) -> None:
    assert claim_codes(text, OFFERS["threshold"], locale) == expected


def test_storewide_campaign_covers_every_category() -> None:
    assert claim_codes("咖啡也享满300减50", OFFERS["threshold"], categories=()) == []

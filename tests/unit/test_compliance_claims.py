from __future__ import annotations

import pytest

from domain.channels import Locale
from tests.unit.test_compliance_support import OFFERS, campaign, check, codes, draft, facts_for
from tools.compliance.claims import find_claims


def claim_codes(text: str, offer: str = "threshold", locale: Locale = "zh", storewide: bool = False) -> list[str]:
    c = campaign(OFFERS[offer], categories=() if storewide else ("thermos",))
    return [v.code for v in find_claims(text, facts_for(c), locale)]


# The real offer, written the many ways copy writes it: all pass.
@pytest.mark.parametrize(
    ("offer", "text"),
    [
        ("threshold", "满300减50"),
        ("threshold", "双十一保温杯满300减50，快来"),
        ("threshold", "满300元减50元"),
        ("threshold", "满三百减五十"),
        ("threshold", "300-50 专场"),
        ("threshold", "满￥300立减￥50"),
        ("threshold", "原价399元，凑单满300减50"),
        ("threshold", "¥50 off orders over ¥300"),
        ("threshold", "Spend ¥300, save ¥50"),
        ("threshold", "Save ¥50 on orders over ¥300"),
        ("percent", "八折"),
        ("percent", "8折"),
        ("percent", "打8折啦"),
        ("percent", "20% off"),
        ("percent", "20%OFF"),
        ("percent", "立省20%"),
        ("percent", "20 percent off"),
        ("percent", "到手价319.2元"),
        ("percent", "399元的保温杯立省79.8元"),
        ("percent15", "8.5折"),
        ("percent15", "八五折"),
        ("percent15", "85折"),
        ("percent15", "15% off"),
        ("amount", "立减50元"),
        ("amount", "直减50"),
        ("amount", "立减五十元"),
        ("amount", "¥50 off"),
        ("amount", "Save ¥50 today"),
        ("amount", "到手仅需349元"),
        ("gift", "下单赠送保温杯袋"),
        ("gift", "买保温杯送保温杯袋"),
        ("gift_en", "free gift: insulated bag"),
        ("usd", "$5 off"),
        ("usd", "立减5美元"),
    ],
)
def test_true_offer_phrasings_pass(offer: str, text: str) -> None:
    assert claim_codes(text, offer) == []


# Numbers without a currency or discount marker are no claims.
@pytest.mark.parametrize(
    "text",
    [
        "24小时保温",
        "3款可选",
        "500ml大容量",
        "8-12小时保温",
        "三折叠晴雨伞",
        "优惠3款",
        "3块毛巾",
        "2026-11-01起",
        "316不锈钢",
        "Keeps drinks hot for 12 hours",
        "3 colours",
        "100%纯钢",  # an absolute term, not a discount: judged by absolute_terms
        "限时优惠",
        "Limited-time offer",
    ],
)
def test_non_money_numbers_are_not_claims(text: str) -> None:
    assert claim_codes(text) == []


# What small models invent, judged against the 满300减50 offer unless noted.
@pytest.mark.parametrize(
    ("text", "offer", "expected"),
    [
        ("满39减10", "threshold", ["CLAIM_THRESHOLD"]),
        ("满300减80", "threshold", ["CLAIM_THRESHOLD"]),
        ("每满300减50", "threshold", ["CLAIM_THRESHOLD"]),  # decided: a repeating threshold is another offer
        ("39-10", "threshold", ["CLAIM_THRESHOLD"]),
        ("满300减50", "percent", ["CLAIM_THRESHOLD"]),
        ("$50 off orders over $100", "threshold", ["CLAIM_CURRENCY"]),
        ("¥50 off orders over ¥129", "threshold", ["CLAIM_THRESHOLD"]),
        ("全场9折", "percent", ["CLAIM_SCOPE", "CLAIM_ZHE"]),
        ("9折", "percent", ["CLAIM_ZHE"]),
        ("九折", "percent", ["CLAIM_ZHE"]),
        ("八折", "threshold", ["CLAIM_ZHE"]),
        ("8折", "percent15", ["CLAIM_ZHE"]),
        ("30% off", "percent", ["CLAIM_PERCENT"]),
        ("立省30%", "percent", ["CLAIM_PERCENT"]),
        ("Extra 10 percent off", "percent", ["CLAIM_PERCENT"]),
        ("只需花一半的钱", "threshold", ["CLAIM_HALF_PRICE"]),
        ("半价", "percent", ["CLAIM_HALF_PRICE"]),
        ("half price", "percent", ["CLAIM_HALF_PRICE"]),
        ("五折", "percent", ["CLAIM_ZHE"]),
        ("$99.59", "threshold", ["CLAIM_CURRENCY"]),
        ("¥99.59", "threshold", ["CLAIM_PRICE"]),
        ("99元", "threshold", ["CLAIM_PRICE"]),
        ("只要59元", "threshold", ["CLAIM_PRICE"]),  # the umbrella's price: not an eligible item
        ("Save $20", "usd", ["CLAIM_AMOUNT_OFF"]),
        ("Save ¥20", "amount", ["CLAIM_AMOUNT_OFF"]),
        ("立减100元", "amount", ["CLAIM_AMOUNT_OFF"]),
        ("立减50元", "usd", ["CLAIM_CURRENCY"]),
        ("五十元", "threshold", []),
        ("八十元", "threshold", ["CLAIM_PRICE"]),
        ("买一送一", "threshold", ["CLAIM_BOGO"]),
        ("第二件半价", "threshold", ["CLAIM_BOGO"]),
        ("Buy one, get one free", "threshold", ["CLAIM_BOGO"]),
        ("包邮", "threshold", ["CLAIM_SHIPPING"]),
        ("全国免运费", "threshold", ["CLAIM_SHIPPING"]),
        ("Free shipping", "threshold", ["CLAIM_SHIPPING"]),
        ("下单送保温杯袋", "threshold", ["CLAIM_GIFT"]),
        ("赠品多多", "percent", ["CLAIM_GIFT"]),
        ("Free gift inside", "amount", ["CLAIM_GIFT"]),
        ("仅剩3件", "threshold", ["CLAIM_STOCK"]),
        ("限量100个", "threshold", ["CLAIM_STOCK"]),
        ("库存紧张", "threshold", ["CLAIM_STOCK"]),
        ("最后2件", "threshold", ["CLAIM_STOCK"]),
        ("Only 3 left", "threshold", ["CLAIM_STOCK"]),
        ("limited stock", "threshold", ["CLAIM_STOCK"]),
        ("Selling fast", "threshold", ["CLAIM_STOCK"]),
        ("满300返50", "threshold", ["CLAIM_CASHBACK"]),
        ("全场满300减50", "threshold", ["CLAIM_SCOPE"]),
        ("storewide savings", "threshold", ["CLAIM_SCOPE"]),
    ],
)
def test_invented_offers_are_caught(text: str, offer: str, expected: list[str]) -> None:
    assert claim_codes(text, offer) == expected


def test_storewide_campaign_may_say_storewide() -> None:
    assert claim_codes("全场满300减50", storewide=True) == []


def test_fix_hint_names_the_real_offer_and_the_wrong_span() -> None:
    [violation] = find_claims("满39减10", facts_for(campaign()), "zh")
    assert violation.family == "claims"
    assert violation.span == "满39减10"
    assert violation.fix_hint == "Use exactly 满300减50; remove 满39减10."
    assert violation.citation


def test_english_fix_hint_uses_english_offer() -> None:
    [violation] = find_claims("Save 30%", facts_for(campaign(OFFERS["percent"])), "en")
    assert "Use exactly 20% off" in violation.fix_hint


def test_spans_come_from_the_original_full_width_text() -> None:
    [violation] = find_claims("满３９减１０", facts_for(campaign()), "zh")
    assert violation.span == "满３９减１０"


def test_several_claims_in_one_text() -> None:
    codes = claim_codes("满39减10，全场9折，只需花一半的钱，$99.59，包邮，仅剩3件", "percent")
    assert codes == [
        "CLAIM_STOCK",
        "CLAIM_SHIPPING",
        "CLAIM_SCOPE",
        "CLAIM_THRESHOLD",
        "CLAIM_ZHE",
        "CLAIM_HALF_PRICE",
        "CLAIM_CURRENCY",
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("¥50 off ¥300 on thermoses.", set()),
        ("Take ¥50 off ¥300 or more.", set()),
        ("¥50 off your ¥300+ order.", set()),
        ("Get ¥50 off a ¥300 order.", set()),
        ("¥50 off ¥400 on thermoses.", {"CLAIM_THRESHOLD"}),
        ("¥50 off every ¥300 on thermoses.", {"CLAIM_THRESHOLD"}),  # repeats: a different offer
    ],
)
def test_an_amount_off_an_amount_is_a_threshold_offer(body: str, expected: set[str]) -> None:
    assert codes(check(draft(body, locale="en", title="Deals", cta="Shop now"))) == expected

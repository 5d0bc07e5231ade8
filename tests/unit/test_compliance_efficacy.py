"""Effects on the body or on health: blocked unless an in-scope catalog title states them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.offer import Offer
from tools.compliance.claims import find_claims
from tools.compliance.claims_efficacy import decode_banned_effects
from tools.compliance.facts import OfferFacts

START = datetime(2026, 11, 1, tzinfo=UTC)


def facts(*titles: str) -> OfferFacts:
    offer = Offer(kind="percent_off", percent_off=20)
    return OfferFacts(offer=offer, starts_at=START, ends_at=START, item_titles=titles, storewide=False)


def codes(text: str, held: OfferFacts, fixed: tuple[str, ...] = ()) -> list[str]:
    return [v.code for v in find_claims(text, held, "zh", fixed=fixed) if v.code == "CLAIM_EFFICACY"]


@pytest.mark.parametrize(
    ("text", "titles", "flagged"),
    [
        ("面膜让肌肤补水", ("补水修护面膜",), False),
        ("面膜让肌肤美白", ("补水修护面膜",), True),
        ("Brightening serum for winter", ("Vitamin C Brightening Serum",), False),
        ("Whitening serum for winter", ("Vitamin C Brightening Serum",), True),
        ("A moisturizing cream", ("Hydrating moisturizer",), False),
        ("保温杯增强免疫力", ("钛合金保温杯",), True),
        ("抗菌砧板，切菜更安心", ("抗菌砧板",), False),
        ("保温杯是现代人必备的健康单品", ("钛合金保温杯",), True),  # make demo, 1.5B
        ("保温杯，你的健康之选", ("钛合金保温杯",), True),
        ("保温杯陪你开启健康生活", ("钛合金保温杯",), False),
        ("保温杯，你的健康小帮手", ("钛合金保温杯",), True),
        ("保温杯的温暖与健康，你来试试吧", ("钛合金保温杯",), True),
        ("兼顾工作与健康生活", ("钛合金保温杯",), False),
        ("A thermos, the healthy choice for busy days", ("Titanium thermos",), True),
        ("Healthy habits start with a warm cup", ("Titanium thermos",), False),
        ("Stay healthy with our smart thermos", ("Titanium thermos",), True),  # campaign run, seed 7
        ("Discover the taste and health benefits", ("Drip coffee 20 bags",), True),  # campaign run, held-out shop
        ("咖啡的健康益处", ("挂耳咖啡20包",), True),
        ("你想要一杯简单又健康的咖啡吗", ("无糖速溶黑咖啡",), True),  # campaign run, held-out shop
        ("既美味又健康", ("挂耳咖啡20包",), True),
    ],
)
def test_an_effect_is_allowed_only_where_a_catalog_title_states_it(
    text: str, titles: tuple[str, ...], flagged: bool
) -> None:
    assert bool(codes(text, facts(*titles))) is flagged


def test_the_campaign_s_own_name_is_no_claim() -> None:
    held = facts("护肤套装")
    assert codes("补水季：护肤套装买即赠", held) == ["CLAIM_EFFICACY"]
    assert codes("补水季：护肤套装买即赠", held, fixed=("补水季",)) == []


def test_the_decode_time_ban_holds_words_the_rule_blocks_everywhere() -> None:
    words = decode_banned_effects()
    assert {"治疗", "免疫", "immunity"} <= set(words)
    assert all(codes(w, facts("钛合金保温杯", "Titanium thermos")) for w in words if not w.isascii())
    assert all(
        any(v.code == "CLAIM_EFFICACY" for v in find_claims(f"a {w} thermos", facts(), "en"))
        for w in words
        if w.isascii()
    )

"""A promotion must state its offer somewhere in the draft (CLAIM_OFFER_MISSING)."""

from __future__ import annotations

import pytest

from tests.unit.test_compliance_support import OFFERS, campaign, check, codes, draft, facts_for
from tools.compliance.facts import OfferFacts
from tools.compliance.offer_stated import offer_stated


def _facts(offer: str) -> OfferFacts:
    return facts_for(campaign(OFFERS[offer]))


@pytest.mark.parametrize(
    ("offer", "text", "stated"),
    [
        ("threshold", "真空保温杯锁住温度，冬天出门带上它。", False),
        ("threshold", "限时优惠，快来看看保温杯。", False),
        ("threshold", "保温杯满300减50。", True),
        ("threshold", "保温杯满200减50。", True),  # a wrong offer is stated; CLAIM_THRESHOLD reports it
        ("threshold", "真空保温杯到手价349元。", True),  # the price after the offer
        ("threshold", "真空保温杯到手价399元。", False),  # the price before it states nothing
        ("percent", "保温杯八折。", True),
        ("percent", "20% off thermoses.", True),
        ("amount", "保温杯立减50元。", True),
        ("gift", "买保温杯赠保温杯袋。", True),
        ("gift", "A free gift with every thermos.", True),
        ("gift", "保温杯冬天暖手。", False),
    ],
)
def test_offer_stated(offer: str, text: str, stated: bool) -> None:
    assert offer_stated(text, _facts(offer)) is stated


def test_the_offer_may_stand_in_title_or_cta() -> None:
    assert check(draft("真空保温杯锁住温度。", title="满300减50")) == []
    assert check(draft("真空保温杯锁住温度。", cta="满300减50")) == []
    found = check(draft("真空保温杯锁住温度。"))
    assert codes(found) == {"CLAIM_OFFER_MISSING"}
    assert found[0].fix_hint == "State the offer exactly as 满300减50."


def test_an_empty_body_is_left_to_ch_empty() -> None:
    assert codes(check(draft(" "))) == {"CH_EMPTY"}

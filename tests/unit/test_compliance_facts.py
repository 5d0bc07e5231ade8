from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.channels import Locale
from domain.offer import Offer
from tests.unit.test_compliance_support import ITEMS, OFFERS, TZ8, campaign, facts_for
from tools.compliance import OfferFacts, describe_offer


def test_threshold_facts_hold_offer_amounts_and_eligible_prices_only() -> None:
    facts = facts_for(campaign(OFFERS["threshold"]))
    # 399 and 129 are eligible thermos prices; 399 meets the threshold (349 after); the umbrella (59) is not eligible.
    assert facts.amounts == {50.0, 300.0, 399.0, 129.0, 349.0}
    assert facts.amounts_off == {50.0}
    assert facts.percents == frozenset()
    assert facts.zhe == frozenset()
    assert not facts.storewide


def test_percent_facts_hold_percent_zhe_prices_after_and_savings() -> None:
    facts = facts_for(campaign(OFFERS["percent"]))
    assert facts.percents == {20.0}
    assert facts.zhe == {8.0}
    assert {399.0, 319.2, 129.0, 103.2} <= facts.amounts
    assert facts.amounts_off == {79.8, 25.8}
    assert facts.allows_amount(319.20)
    assert facts.allows_zhe(8)
    assert not facts.allows_zhe(9)


def test_fifteen_percent_off_is_eight_point_five_zhe() -> None:
    assert facts_for(campaign(OFFERS["percent15"])).zhe == {8.5}


def test_amount_off_facts() -> None:
    facts = facts_for(campaign(OFFERS["amount"]))
    assert facts.amounts_off == {50.0}
    assert {50.0, 399.0, 349.0, 129.0, 79.0} == facts.amounts


def test_titles_and_categories_in_both_locales() -> None:
    facts = facts_for(campaign())
    assert facts.item_titles == ("真空保温杯500ml", "Vacuum thermos 500ml", "儿童保温杯", "Kids thermos")
    assert facts.categories == ("thermos", "保温杯")


def test_storewide_campaign_takes_every_item() -> None:
    facts = facts_for(campaign(OFFERS["amount"], categories=()))
    assert facts.storewide
    assert 59.0 in facts.amounts
    assert facts.categories == ()


def test_item_ids_make_items_eligible() -> None:
    c = campaign(categories=()).model_copy(update={"eligible_item_ids": ["u1"]})
    facts = OfferFacts.from_campaign(c, ITEMS)
    assert 59.0 in facts.amounts
    assert 399.0 not in facts.amounts
    assert not facts.storewide
    assert "umbrella" in facts.categories


def test_window_days_in_campaign_time_zone() -> None:
    facts = facts_for(campaign(ends=datetime(2026, 11, 12, 0, 0, tzinfo=TZ8)))
    assert facts.first_day == date(2026, 11, 1)
    assert facts.last_day == date(2026, 11, 11)  # an end at midnight belongs to the day before
    assert facts.in_window(11, 11)
    assert not facts.in_window(11, 12)
    assert not facts.in_window(10, 31)
    assert facts.in_window(11, 5, 2026)
    assert not facts.in_window(11, 5, 2025)
    assert not facts.in_window(2, 30)


def test_window_across_new_year() -> None:
    facts = facts_for(campaign(starts=datetime(2026, 12, 28, tzinfo=TZ8), ends=datetime(2027, 1, 3, tzinfo=TZ8)))
    assert facts.in_window(12, 31)
    assert facts.in_window(1, 2)
    assert not facts.in_window(1, 5)


def test_facts_are_frozen_and_hashable() -> None:
    facts = facts_for(campaign())
    with pytest.raises(AttributeError):
        facts.storewide = True  # type: ignore[misc]
    assert hash(facts) == hash(facts_for(campaign()))


@pytest.mark.parametrize(
    ("offer", "locale", "expected"),
    [
        (Offer(kind="percent_off", percent_off=20), "zh", "八折"),
        (Offer(kind="percent_off", percent_off=10), "zh", "九折"),
        (Offer(kind="percent_off", percent_off=15), "zh", "8.5折"),
        (Offer(kind="percent_off", percent_off=50), "zh", "五折"),
        (Offer(kind="amount_off", amount_off=50), "zh", "立减50元"),
        (Offer(kind="amount_off", amount_off=9.9), "zh", "立减9.9元"),
        (Offer(kind="threshold", threshold=300, amount_off=50), "zh", "满300减50"),
        (Offer(kind="threshold", threshold=100, amount_off=10, currency="USD"), "zh", "满100美元减10美元"),
        (Offer(kind="gift", gift="保温杯袋"), "zh", "赠送保温杯袋"),
        (Offer(kind="percent_off", percent_off=20), "en", "20% off"),
        (Offer(kind="percent_off", percent_off=12.5), "en", "12.5% off"),
        (Offer(kind="amount_off", amount_off=50), "en", "¥50 off"),
        (Offer(kind="amount_off", amount_off=50, currency="USD"), "en", "$50 off"),
        (Offer(kind="threshold", threshold=300, amount_off=50), "en", "¥50 off orders over ¥300"),
        (Offer(kind="gift", gift="insulated bag"), "en", "free gift: insulated bag"),
        (Offer(kind="gift", gift="保温杯袋"), "en", "free gift with purchase"),
    ],
)
def test_describe_offer(offer: Offer, locale: Locale, expected: str) -> None:
    assert describe_offer(offer, locale) == expected

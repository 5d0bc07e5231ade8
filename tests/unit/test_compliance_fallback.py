from __future__ import annotations

import itertools

import pytest

from domain.channels import CHANNELS, LOCALES, Channel, Locale, limits_for
from domain.copy import Draft
from domain.offer import BrandRules, Campaign, Offer
from tests.unit.test_compliance_support import OFFERS, campaign, facts_for
from tools.compliance import check_draft, describe_offer, fallback_variant

KINDS: dict[str, Offer] = {
    **OFFERS,
    "gift_long": Offer(kind="gift", gift="价值99元的316不锈钢真空保温杯专用防烫隔热杯套一个"),
    "threshold_usd": Offer(kind="threshold", threshold=100, amount_off=15, currency="USD"),
    "percent_odd": Offer(kind="percent_off", percent_off=12.5),
}
SETUPS: dict[str, dict[str, object]] = {
    "d11": {},
    "storewide": {"categories": ()},
    "unknown_category": {"categories": ("umbrella",)},
    "two_categories": {"categories": ("thermos", "coffee")},
    "english_name": {"name": "Thermos Week"},
    "long_name": {"name": "双十一保温杯专场" * 7},
    "long_brand": {"brand": BrandRules(brand_name="好物铺" * 6)},
    "required_phrase": {"brand": BrandRules(brand_name="好物铺", required_phrases=["正品保障"])},
    "banned_name_word": {"brand": BrandRules(brand_name="好物铺", banned_words=["专场"])},
    "no_brand": {"brand": BrandRules()},
}


def _campaign(kind: str, setup: str) -> Campaign:
    return campaign(KINDS[kind], **SETUPS[setup])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "setup", "channel", "locale"), list(itertools.product(KINDS, SETUPS, CHANNELS, LOCALES))
)
def test_fallback_passes_every_rule(kind: str, setup: str, channel: Channel, locale: Locale) -> None:
    c = _campaign(kind, setup)
    facts = facts_for(c)
    variant = fallback_variant(c, channel, locale, facts)
    d = Draft(variant_id="fb", channel=channel, locale=locale, attempt=0, source="fallback", **variant.model_dump())
    assert check_draft(d, c, facts) == []
    limits = limits_for(channel, locale)
    assert len(d.rendered_body(c.brand.brand_name)) <= limits.body_max
    assert not limits.title_max or len(variant.title) <= limits.title_max
    if limits.unsubscribe_text:
        assert limits.unsubscribe_text in d.rendered_body(c.brand.brand_name)


@pytest.mark.parametrize("kind", ["percent", "percent15", "amount", "threshold", "gift_en", "usd"])
@pytest.mark.parametrize("locale", LOCALES)
def test_fallback_states_the_canonical_offer(kind: str, locale: Locale) -> None:
    c = _campaign(kind, "d11")
    variant = fallback_variant(c, "push", locale, facts_for(c))
    offer_text = describe_offer(c.offer, locale)
    if c.offer.kind in ("threshold", "gift") and locale == "en":
        offer_text = offer_text.split(" ")[0]  # en threshold/gift wording names the category in between
    assert offer_text.lower() in variant.body.lower()


def test_fallback_names_the_campaign_and_the_category() -> None:
    c = _campaign("threshold", "d11")
    variant = fallback_variant(c, "sms", "zh", facts_for(c))
    assert variant.body == "双十一保温杯专场：保温杯满300减50。"
    assert variant.title == "双十一保温杯专场"
    en = fallback_variant(c, "push", "en", facts_for(c))
    assert en.body == "¥50 off thermos orders over ¥300."


def test_fallback_leaves_out_a_campaign_name_outside_the_window() -> None:
    c = campaign(OFFERS["threshold"], name="双十二保温杯专场")  # the campaign runs Nov 1-11
    variant = fallback_variant(c, "push", "zh", facts_for(c))
    assert "双十二" not in variant.title + variant.body


def test_fallback_refuses_when_brand_rules_cannot_be_met() -> None:
    c = campaign(brand=BrandRules(brand_name="好物铺", required_phrases=["全网最低价"]))
    with pytest.raises(ValueError, match="no rule-passing fallback"):
        fallback_variant(c, "sms", "zh", facts_for(c))

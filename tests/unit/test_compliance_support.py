"""Builders shared by the compliance tests (no tests here)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from domain.channels import Channel, Locale
from domain.copy import Draft
from domain.offer import BrandRules, Campaign, Offer
from domain.people import Item
from domain.review import Violation
from tools.compliance import OfferFacts, check_draft

TZ8 = timezone(timedelta(hours=8))

OFFERS: dict[str, Offer] = {
    "percent": Offer(kind="percent_off", percent_off=20),
    "percent15": Offer(kind="percent_off", percent_off=15),
    "amount": Offer(kind="amount_off", amount_off=50),
    "threshold": Offer(kind="threshold", threshold=300, amount_off=50),
    "gift": Offer(kind="gift", gift="保温杯袋"),
    "gift_en": Offer(kind="gift", gift="insulated bag"),
    "usd": Offer(kind="amount_off", amount_off=5, currency="USD"),
}

ITEMS = [
    Item(item_id="t1", title_zh="真空保温杯500ml", title_en="Vacuum thermos 500ml", category="thermos", price=399),
    Item(item_id="t2", title_zh="儿童保温杯", title_en="Kids thermos", category="thermos", price=129),
    Item(item_id="u1", title_zh="折叠雨伞", title_en="Folding umbrella", category="umbrella", price=59),
]


def campaign(
    offer: Offer | None = None,
    *,
    starts: datetime = datetime(2026, 11, 1, tzinfo=TZ8),
    ends: datetime = datetime(2026, 11, 11, 23, 59, tzinfo=TZ8),
    categories: tuple[str, ...] = ("thermos",),
    name: str = "双十一保温杯专场",
    brand: BrandRules | None = None,
) -> Campaign:
    """The d11 campaign of the brief, with overrides."""
    return Campaign(
        campaign_id="d11",
        name=name,
        offer=offer or OFFERS["threshold"],
        eligible_categories=list(categories),
        starts_at=starts,
        ends_at=ends,
        channels=["push", "sms", "email"],
        locale="zh",
        brand=brand or BrandRules(brand_name="好物铺"),
    )


def facts_for(c: Campaign) -> OfferFacts:
    """Facts of a campaign over the test catalog."""
    return OfferFacts.from_campaign(c, ITEMS)


def draft(
    body: str, *, title: str = "双十一好物", cta: str = "立即选购", channel: Channel = "push", locale: Locale = "zh"
) -> Draft:
    """A draft with sensible defaults around the text under test."""
    return Draft(variant_id="v1", channel=channel, locale=locale, title=title, body=body, cta=cta, attempt=0)


def check(d: Draft, c: Campaign | None = None, **kwargs: object) -> list[Violation]:
    """check_draft with the default campaign."""
    c = c or campaign()
    return check_draft(d, c, facts_for(c), **kwargs)  # type: ignore[arg-type]


def codes(violations: list[Violation]) -> set[str]:
    """The set of rule codes."""
    return {v.code for v in violations}


def only_finding(found: list[Violation], code: str, span: str, family: str) -> Violation:
    """The one finding a rule test expects (its code, span and family), citing why; returned for more checks."""
    assert [(v.code, v.span, v.family) for v in found] == [(code, span, family)]
    assert found[0].citation
    return found[0]

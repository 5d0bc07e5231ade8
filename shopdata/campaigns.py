"""Sample campaigns for the demo shop, valid around a given moment."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.offer import BrandRules, Campaign, Offer

BRAND = BrandRules(banned_words=["最低价", "全网第一", "国家级"], brand_name="好物铺")


def demo_campaigns(now: datetime) -> list[Campaign]:
    """Three campaigns running at ``now`` (aware): a 双十一 thermos threshold offer, English coffee, a gift."""
    if now.tzinfo is None:
        raise ValueError("now needs a time zone, e.g. datetime.now(UTC)")
    start = now - timedelta(days=1)
    return [
        Campaign(
            campaign_id="double11-thermos",
            name="双十一保温杯专场",
            offer=Offer(kind="threshold", threshold=300, amount_off=50),
            eligible_categories=["thermos"],
            starts_at=start,
            ends_at=now + timedelta(days=10),
            channels=["push", "sms"],
            locale="zh",
            max_sends=20,
            brand=BRAND,
        ),
        Campaign(
            campaign_id="coffee-20-off-en",
            name="Coffee Week: 20% off",
            offer=Offer(kind="percent_off", percent_off=20),
            eligible_categories=["coffee"],
            starts_at=start,
            ends_at=now + timedelta(days=7),
            channels=["push", "email"],
            locale="en",
            max_sends=10,
            brand=BrandRules(banned_words=["best in the world", "guaranteed"], brand_name="GoodGoods"),
        ),
        Campaign(
            campaign_id="skincare-gift",
            name="护肤满赠：送旅行装洁面乳",
            offer=Offer(kind="gift", gift="氨基酸洁面乳旅行装 30ml"),
            eligible_categories=["skincare"],
            starts_at=start,
            ends_at=now + timedelta(days=14),
            channels=["push", "email"],
            locale="zh",
            max_sends=15,
            brand=BRAND,
        ),
    ]

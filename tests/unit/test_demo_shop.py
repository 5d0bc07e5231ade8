from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from shopdata.demo_shop import INJECTED_ITEM_ID, INJECTIONS, DemoShop, build_demo_shop, demo_campaigns

NOW = datetime(2026, 11, 5, 6, 0, tzinfo=UTC)
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def shop() -> DemoShop:
    return build_demo_shop(seed=7, now=NOW)


def test_same_seed_same_shop_other_seed_other_shop(shop: DemoShop) -> None:
    assert build_demo_shop(seed=7, now=NOW) == shop
    assert build_demo_shop(seed=8, now=NOW).events != shop.events


def test_sizes_and_catalog(shop: DemoShop) -> None:
    assert len(shop.users) == 40
    assert len(shop.items) == 60
    assert {i.category for i in shop.items} == {
        "thermos", "coffee", "sneakers", "skincare", "snacks", "headphones", "bedding", "kids_clothing",
    }  # fmt: skip
    assert len(shop.events) > 1000
    assert all(5 <= i.price <= 5000 for i in shop.items)
    assert len({e.event_id for e in shop.events}) == len(shop.events)


def test_personal_data_looks_real() -> None:
    users = build_demo_shop(seed=3, n_users=200, now=NOW).users
    assert all(re.fullmatch(r"1[358]\d{9}", u.phone) for u in users)
    assert len({u.phone for u in users}) == len(users)
    assert all(re.fullmatch(r"[\w.]+@[\w.]+\.\w+", u.email) and u.name and u.address for u in users)
    locales = Counter(u.locale for u in users)
    assert locales["zh"] > locales["en"] > 0
    rates = {ch: sum(u.has_consent(ch) for u in users) / len(users) for ch in ("push", "sms", "email")}
    assert 0.5 < rates["push"] < 0.8
    assert 0.25 < rates["sms"] < 0.5
    assert 0.35 < rates["email"] < 0.6
    assert any(not any(u.consent.values()) for u in users)
    assert any(u.quiet_hours.start_hour != 22 for u in users)


def test_funnel_is_realistic(shop: DemoShop) -> None:
    kinds = Counter(e.kind for e in shop.events)
    assert kinds["view"] > kinds["cart"] > kinds["purchase"] > 0
    assert kinds["search"] > 0
    assert kinds["fav"] > 0
    assert kinds["click"] > 0
    for buy in (e for e in shop.events if e.kind == "purchase"):
        carts = [e for e in shop.events_of(buy.user_id) if e.kind == "cart" and e.item_id == buy.item_id]
        assert any(c.ts <= buy.ts for c in carts), buy


def test_events_follow_users(shop: DemoShop) -> None:
    users = {u.user_id: u for u in shop.users}
    for e in shop.events:
        user = users[e.user_id]
        assert e.ts <= NOW
        assert e.ts.tzinfo is not None
        if e.kind == "click":
            assert e.channel
            assert user.has_consent(e.channel)
        if e.kind == "search" and e.query not in {i.query for i in INJECTIONS.values()}:
            assert bool(CJK.search(e.query or "")) == (user.locale == "zh"), e.query
        if e.item_title:
            assert e.item_title == next(i for i in shop.items if i.item_id == e.item_id).title(user.locale)


def test_segments_shape_recency(shop: DemoShop) -> None:
    assert set(shop.segments.values()) == {"high_value", "bargain_hunter", "browser", "dormant", "new"}
    for user_id, segment in shop.segments.items():
        events = shop.events_of(user_id)
        if segment == "dormant" and events:
            assert max(e.ts for e in events) < NOW - timedelta(days=90)
        if segment == "new":
            assert all(e.ts >= NOW - timedelta(days=7) for e in events)
            assert not any(e.kind == "purchase" for e in events)
    spend = Counter[str]()
    for e in shop.events:
        if e.kind == "purchase":
            spend[shop.segments[e.user_id]] += int(e.price or 0)
    assert spend["high_value"] > spend["browser"]


def test_injected_instructions_are_planted(shop: DemoShop) -> None:
    assert len(shop.injected_user_ids) == 2
    locales = set()
    for user_id in shop.injected_user_ids:
        user = next(u for u in shop.users if u.user_id == user_id)
        locales.add(user.locale)
        events = shop.events_of(user_id)
        assert any(e.query == INJECTIONS[user.locale].query for e in events)
        assert any(
            e.item_id == INJECTED_ITEM_ID and "ignore previous instructions" in (e.item_title or "") for e in events
        )
    assert locales == {"zh", "en"}


def test_campaigns_run_at_now() -> None:
    campaigns = demo_campaigns(NOW)
    assert len(campaigns) == 3
    assert len({c.campaign_id for c in campaigns}) == 3
    categories = {i.category for i in build_demo_shop(n_users=1, now=NOW).items}
    for c in campaigns:
        assert c.starts_at <= NOW < c.ends_at
        assert set(c.eligible_categories) <= categories
    d11 = campaigns[0]
    assert d11.offer.kind == "threshold"
    assert (d11.offer.threshold, d11.offer.amount_off) == (300, 50)
    assert d11.locale == "zh"
    assert set(d11.channels) == {"push", "sms"}
    assert campaigns[1].locale == "en"
    assert campaigns[1].offer.percent_off == 20
    assert campaigns[2].offer.kind == "gift"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"now": datetime(2026, 11, 5)}, "time zone"),
        ({"n_users": 0, "now": NOW}, "n_users"),
        ({"days": 3, "now": NOW}, "days"),
    ],
)
def test_bad_arguments_say_what_to_fix(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_demo_shop(**kwargs)  # type: ignore[arg-type]


def test_naive_now_refused_by_campaigns() -> None:
    with pytest.raises(ValueError, match="time zone"):
        demo_campaigns(datetime(2026, 11, 5))

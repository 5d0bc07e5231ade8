"""The campaign's view of a profile: only in-scope interests and categories, so relevant twins share a prompt."""

from __future__ import annotations

from domain.profile import PromptProfile
from tests.unit.conftest import ITEMS, make_campaign, make_profile
from tools.profile.campaign_view import MAX_RELEVANT, campaign_view

THERMOS = [i for i in ITEMS if i.category == "thermos"]


def profile(categories: list[str], interests: list[str]) -> PromptProfile:
    return make_profile(top_categories=categories, interests=interests)


def test_out_of_scope_interests_and_categories_are_dropped() -> None:
    seen = profile(["coffee", "thermos"], ["挂耳咖啡 20包", "316不锈钢保温杯 500ml", "保温杯", "Kids Straw Thermos"])
    view = campaign_view(seen, make_campaign(), THERMOS)
    assert view.top_categories == ["thermos"]
    assert view.interests == ["316不锈钢保温杯 500ml", "保温杯"]  # in scope, in order, at most MAX_RELEVANT
    assert len(view.interests) == MAX_RELEVANT
    assert (view.recency, view.value_tier, view.price_sensitivity) == ("active_7d", "high", "high")


def test_users_differing_only_out_of_scope_share_one_view() -> None:
    coffee_fan = profile(["coffee", "thermos"], ["挂耳咖啡 20包", "保温杯"])
    tea_fan = profile(["tea"], ["乌龙茶", "保温杯"])
    campaign = make_campaign()
    assert campaign_view(coffee_fan, campaign, THERMOS).interests == ["保温杯"]
    assert campaign_view(tea_fan, campaign, THERMOS).interests == ["保温杯"]


def test_storewide_campaign_keeps_the_top_category_and_first_interests() -> None:
    seen = profile(["coffee", "thermos"], ["a", "b", "c"])
    view = campaign_view(seen, make_campaign(eligible_categories=[]), ITEMS)
    assert view.top_categories == ["coffee"] and view.interests == ["a", "b"]


def test_item_scoped_campaign_matches_item_titles_in_both_languages() -> None:
    seen = profile([], ["316 steel thermos 500ml", "kids straw thermos"])
    campaign = make_campaign(eligible_categories=[], eligible_item_ids=["i1"])
    view = campaign_view(seen, campaign, [ITEMS[0]])
    assert view.interests == ["316 steel thermos 500ml"]

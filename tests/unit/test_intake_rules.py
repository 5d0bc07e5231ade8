"""The deterministic brief reader and the catalog matcher: tables of briefs, zh and en."""

from __future__ import annotations

import pytest

from domain.offer import Offer
from shopdata.catalog import load_catalog
from tools.brief.catalog_match import CatalogIndex
from tools.brief.offer import find_offer, offer_is_stated
from tools.brief.rules import read_brief, read_conversation


@pytest.fixture(scope="module")
def catalog() -> CatalogIndex:
    return CatalogIndex(load_catalog().items)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("满300减50", {"kind": "threshold", "threshold": 300, "amount_off": 50}),
        ("每满三百减五十元", {"kind": "threshold", "threshold": 300, "amount_off": 50}),
        ("满300元-50", {"kind": "threshold", "threshold": 300, "amount_off": 50}),
        ("300-50 off", {"kind": "threshold", "threshold": 300, "amount_off": 50}),
        ("$10 off orders over $100", {"kind": "threshold", "threshold": 100, "amount_off": 10, "currency": "USD"}),
        ("spend 300, get 50 off", {"kind": "threshold", "threshold": 300, "amount_off": 50}),
        ("8折", {"kind": "percent_off", "percent_off": 20}),
        ("全场打八五折", {"kind": "percent_off", "percent_off": 15}),
        ("20% off", {"kind": "percent_off", "percent_off": 20}),
        ("立减20元", {"kind": "amount_off", "amount_off": 20}),
        ("¥20 off", {"kind": "amount_off", "amount_off": 20}),
        ("买就送旅行装洁面乳", {"kind": "gift", "gift": "旅行装洁面乳"}),
        ("free gift of a travel-size cleanser with any order", {"kind": "gift", "gift": "travel-size cleanser"}),
    ],
)
def test_offers_are_read(text: str, expected: dict[str, object]) -> None:
    found = find_offer(text)
    assert found.offer == Offer.model_validate(expected), found


@pytest.mark.parametrize("text", ["给高价值用户写三条推送", "write two push messages", "打折促销", "让用户满意的推送"])
def test_no_offer_is_invented(text: str) -> None:
    assert find_offer(text).offer is None


def test_impossible_offer_is_explained() -> None:
    found = find_offer("满50减300")
    assert found.offer is None and found.error and "满50减300" in found.error


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (
            "给最近浏览过保温杯的高价值用户写三条双十一推送，满300减50",
            {"n_variants": 3, "channels": ("push",), "value_tier": "high", "behaviour": "viewed", "locale": "zh"},
        ),
        (
            "write three Double-11 push messages for high-value users who viewed thermos cups, 300-50 off",
            {"n_variants": 3, "channels": ("push",), "value_tier": "high", "behaviour": "viewed", "locale": "en"},
        ),
        ("咖啡豆8折，发短信给买过的用户，两条", {"n_variants": 2, "channels": ("sms",), "behaviour": "bought"}),
        ("近一个月浏览过但没买过的用户，邮件和推送", {"behaviour": "viewed", "recency_days": 30}),
        ("customers who bought in the last 2 weeks, email, 2 variants", {"recency_days": 14, "n_variants": 2}),
        ("最近7天看过的中等价值用户", {"recency_days": 7, "value_tier": "mid", "behaviour": "viewed"}),
        ("写十条短信", {"n_variants": 5, "channels": ("sms",)}),
        ("300-50 off messages for thermos", {"n_variants": None}),
    ],
)
def test_brief_fields_are_read(text: str, fields: dict[str, object]) -> None:
    hints = read_brief(text)
    for name, value in fields.items():
        assert getattr(hints, name) == value, (name, hints)


def test_occasion_and_storewide() -> None:
    hints = read_brief("双11全场满200减30")
    assert hints.occasion == ("双十一", "Double 11") and hints.storewide


def test_later_messages_override_earlier_ones() -> None:
    hints = read_conversation(["保温杯推送，满50减300", "改成满300减50，发短信"])
    assert hints.offer == Offer(kind="threshold", threshold=300, amount_off=50)
    assert hints.offer_error is None and hints.channels == ("sms",)


def test_llm_offer_must_be_in_the_marketers_words() -> None:
    offer = Offer(kind="threshold", threshold=300, amount_off=50)
    assert offer_is_stated(offer, "门槛300，减50")
    assert not offer_is_stated(offer, "保温杯做个活动")
    assert offer_is_stated(Offer(kind="percent_off", percent_off=20), "八折")


@pytest.mark.parametrize(
    ("text", "categories", "items"),
    [
        ("给最近浏览过保温杯的用户", ["thermos"], []),
        ("users who viewed thermos cups", ["thermos"], []),
        ("咖啡豆8折", [], ["coffee-01", "coffee-02"]),
        ("护肤品满赠", ["skincare"], []),
        ("headphones, spend 300 get 50 off", ["headphones"], []),
    ],
)
def test_product_words_resolve_against_the_catalog(
    catalog: CatalogIndex, text: str, categories: list[str], items: list[str]
) -> None:
    found_categories, found_items, unknown = catalog.scope(catalog.product_words(text))
    assert (found_categories, found_items, unknown) == (categories, items, [])


def test_words_outside_the_catalog_are_unknown(catalog: CatalogIndex) -> None:
    assert catalog.product_words("给高价值用户写三条推送") == []
    assert catalog.scope(["spaceship"]) == ([], [], ["spaceship"])

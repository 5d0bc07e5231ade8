from __future__ import annotations

from domain.offer import BrandRules, Campaign
from tests.unit.test_compliance_support import campaign, check, draft


def brand_campaign(banned_words: tuple[str, ...] = (), required_phrases: tuple[str, ...] = ()) -> Campaign:
    rules = BrandRules(brand_name="好物铺", banned_words=list(banned_words), required_phrases=list(required_phrases))
    return campaign(brand=rules)


def test_banned_words_are_flagged_per_field() -> None:
    c = brand_campaign(banned_words=("爆款", "cheap"))
    found = check(draft("爆款保温杯满300减50。", title="Cheap thermos"), c)
    assert [(v.code, v.field, v.span) for v in found if v.family == "brand"] == [
        ("BRAND_BANNED", "body", "爆款"),
        ("BRAND_BANNED", "title", "cheap"),
    ]


def test_required_phrases_must_be_delivered() -> None:
    c = brand_campaign(required_phrases=("正品保障",))
    missing = check(draft("满300减50。"), c)
    assert [(v.code, v.field) for v in missing] == [("BRAND_REQUIRED", "rendered")]
    assert "正品保障" in missing[0].fix_hint
    assert check(draft("满300减50，正品保障。"), c) == []
    assert check(draft("满300减50。", title="正品保障"), c) == []
    # SMS shows no title: the phrase must be in the body.
    sms = check(draft("满300减50。", title="正品保障", channel="sms"), c)
    assert [v.code for v in sms] == ["BRAND_REQUIRED"]


def test_brand_name_in_the_sms_signature_counts_as_present() -> None:
    c = brand_campaign(required_phrases=("好物铺",))
    assert check(draft("满300减50。", channel="sms"), c) == []


def test_blank_rules_are_ignored() -> None:
    c = brand_campaign(banned_words=("",), required_phrases=("  ",))
    assert check(draft("满300减50。"), c) == []

"""Decisions in the marketer's words and language (issue #17): who, why, when, and the detail behind a click."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from agents.chat_answer import summarise
from agents.text.brief_text import brief_fields, describe_brief
from agents.text.chat_events import status_text, variant_payload
from agents.text.why_text import detail_lines, local_time, no_send_reason, who_text, why_text
from domain.brief import AudienceSample, AudienceSpec, CampaignBrief, ProductScope
from domain.channels import Locale
from domain.copy import CopyVariant, Draft
from domain.decision import Explanation, PromotionResult, TargetingDecision
from domain.offer import Offer
from domain.profile import PromptProfile
from domain.review import DraftReview, Violation
from tools.targeting.policy import NO_SEND

CHINA = timezone(timedelta(hours=8))
SEND_AT = datetime(2026, 11, 5, 14, 0, 0, 123456, tzinfo=CHINA)  # microseconds, as the clock gives them
PROFILE = PromptProfile(
    recency="active_7d",
    value_tier="high",
    price_sensitivity="medium",
    funnel_stage="considering",
    top_categories=["thermos"],
    interests=["316不锈钢保温杯 500ml"],
)
REASONS = [
    "estimated lift 3.10 pts vs threshold 1.20 pts",
    "driver: category_affinity +2.50 pts",
    "driver: recency +1.00 pts",
    "variant a0v0 (quality 3.0) drawn by Thompson sampling on variant features (lints-n0) with p=0.97",
    "channel push: consented, ranked first by click history and cost",
]
MACHINERY = re.compile(
    r"active_7d|category_affinity|Thompson|lints|quality|p=|\d{4}-\d\d-\d\dT|\.\d{6}|pts|fallback|a0v\d|0\.031"
)
"""What the plain text must never show: feature names, policy jargon, ISO timestamps, microseconds, ids."""
ENGLISH_LABELS = re.compile(r"Who gets it|Why|chosen|fallback|push|variant|lift", re.I)


def draft(locale: Locale, variant_id: str = "a0v0", source: str = "llm") -> Draft:
    copy = CopyVariant(title="保温杯好价" if locale == "zh" else "Warm sips", body="满300减50。", cta="去看看")
    made = Draft.from_variant(copy, variant_id=variant_id, channel="push", locale=locale, attempt=0)
    return made.model_copy(update={"source": source})


def review(variant_id: str = "a0v0") -> DraftReview:
    return DraftReview(variant_id=variant_id, attempt=0, verdict="PASS", checks_passed=["claims", "brand", "channel"])


def result(
    locale: Locale, *, send: bool = True, first_reason: str | None = None, **decision: object
) -> PromotionResult:
    chosen = draft(locale)
    made = TargetingDecision(
        send=send,
        channel="push" if send else None,
        variant_id="a0v0" if send else None,
        send_at=SEND_AT if send else None,
        score=0.031,
        threshold=0.012,
        propensity=0.97,
        policy_version="prior-v1+lints-n0",
        reasons=([first_reason] if first_reason else []) + REASONS[: 5 if send else 3],
        **decision,
    )
    return PromotionResult(
        user_ref="u_3f2a9c1d0b7e",
        campaign_id="chat-20261105-abcd1234",
        message=chosen if send else None,
        rendered=None,
        decision=made,
        explanation=Explanation(
            features_used=PROFILE, critic_checks=[], attempts=1, used_fallback=False, targeting_reasons=[]
        ),
        reviews=[review(), review("a0v1")],
        drafts=[chosen, draft(locale, "a0v1")],
    )


def sentences(text: str) -> int:
    return len([s for s in re.split(r"。|\.(?:\s|$)", text) if s.strip()])


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_why_is_two_or_three_plain_sentences(locale: Locale) -> None:
    sent = result(locale)
    why = why_text(sent, draft(locale), review(), chosen=True, approved=2)
    assert 2 <= sentences(why) <= 3, why
    assert not MACHINERY.search(why), MACHINERY.search(why)
    spare = why_text(sent, draft(locale, "a0v1"), review("a0v1"), chosen=False, approved=2)
    assert 2 <= sentences(spare) <= 3 and not MACHINERY.search(spare)


def test_why_in_chinese_says_who_what_why_and_when() -> None:
    why = why_text(result("zh"), draft("zh"), review(), chosen=True, approved=2)
    assert why.startswith("高价值用户，近 7 天来过店里，加购或收藏过保温杯。")
    assert "从 2 条通过的文案中选中" in why and "走App 推送" in why
    assert "3.1 个百分点" in why and "北京时间 11月5日 14:00发出" in why
    assert not re.search(r"[A-Za-z]{3,}", why.replace("App", "")), "no English words on a Chinese card"


def test_why_in_english_says_who_what_why_and_when() -> None:
    why = why_text(result("en"), draft("en"), review(), chosen=True, approved=1)
    assert why.startswith("A high-value customer who was in the shop in the last 7 days and carted or saved thermos.")
    assert "was the only one that did" in why and "by push" in why
    assert "3.1 percentage points" in why and "Nov 5, 14:00 China time" in why
    assert not re.search(r"[\u4e00-\u9fff]", why), "no Chinese on an English card"


def test_lift_is_in_one_unit() -> None:
    for locale in ("zh", "en"):
        text = why_text(result(locale), draft(locale), review(), chosen=True, approved=2)
        assert "0.031" not in text and "3.10" not in text and "3.1" in text


def test_send_time_is_local_to_the_minute() -> None:
    assert local_time(SEND_AT, "zh") == "北京时间 11月5日 14:00"
    assert local_time(SEND_AT, "en") == "Nov 5, 14:00 China time"
    tokyo = SEND_AT.astimezone(timezone(timedelta(hours=9)))
    assert local_time(tokyo, "zh") == "用户当地时间（UTC+9） 11月5日 15:00"
    assert local_time(tokyo, "en") == "Nov 5, 15:00 their local time (UTC+9)"


def test_quiet_hours_are_said_when_they_delay_a_send() -> None:
    delayed = result("zh", constraints=["quiet hours 22-8h: delayed"])
    assert "已避开免打扰时段" in why_text(delayed, draft("zh"), review(), chosen=True, approved=1)
    assert any("避开 22–8 点的免打扰时段" in line for line in detail_lines(delayed, review(), "zh", chosen=True))


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("below_threshold", "预计提升低于发送门槛", "the expected lift is below the bar"),
        ("no_variant", "没有文案通过审核", "no copy passed review"),
        ("quiet_hours", "活动结束前都在用户的免打扰时段", "their quiet hours last until the campaign ends"),
    ],
)
def test_no_send_reasons_are_in_the_brief_language(code: str, zh: str, en: str) -> None:
    for locale, expected in (("zh", zh), ("en", en)):
        not_sent = result(locale, send=False, first_reason=NO_SEND[code])  # type: ignore[arg-type]
        assert no_send_reason(not_sent.decision, locale) == expected  # type: ignore[arg-type]
        line = status_text(not_sent, "u_1", None, locale)  # type: ignore[arg-type]
        assert expected in line and "no send:" not in line


def test_no_channel_names_the_constraints_in_words() -> None:
    blocked = result(
        "zh",
        send=False,
        first_reason=NO_SEND["no_channel"],
        constraints=["consent: no marketing consent for sms", "frequency cap: 3 promotions in 7 days (cap 3)"],
    )
    said = "没有可用的渠道、未同意接收短信、7 天内已收到 3 条促销（上限 3 条）"
    assert no_send_reason(blocked.decision, "zh") == said


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_technical_detail_is_labelled_in_the_language(locale: Locale) -> None:
    lines = detail_lines(result(locale), review(), locale, chosen=True)
    joined = "\n".join(lines)
    assert ("品类偏好：+2.50" if locale == "zh" else "category affinity: +2.50") in joined
    assert ("抽中概率 97%" if locale == "zh" else "probability 97%") in joined
    assert "2026-11-05 14:00 UTC+8" in joined and ".123456" not in joined and "T14" not in joined
    assert "category_affinity" not in joined


def test_a_fallback_is_said_plainly() -> None:
    made = result("zh")
    template = draft("zh", source="fallback")
    why = why_text(made, template, review(), chosen=True, approved=1)
    assert "检查过的模板文案" in why and "fallback" not in why


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_variant_payload_carries_the_words_the_page_shows(locale: Locale) -> None:
    payload = variant_payload(result(locale), draft(locale), review(), approved=2)
    assert payload["chosen"] and payload["who"] == who_text(result(locale), locale)
    assert payload["who"].startswith("u_3f2a9c1d0b7e") and "active_7d" not in payload["who"]
    assert payload["detail"] and payload["decision"]["send_at"] == "2026-11-05T14:00:00+08:00"  # data, no µs


def brief(locale: Locale, **update: object) -> CampaignBrief:
    made = CampaignBrief(
        name="双十一保温杯专场" if locale == "zh" else "Double 11 thermos sale",
        occasion="双十一" if locale == "zh" else "Double 11",
        offer=Offer(kind="threshold", threshold=300, amount_off=50),
        scope=ProductScope(words=["保温杯"], categories=["thermos"]),
        audience=AudienceSpec(behaviour="viewed"),
        channels=["push"],
        locale=locale,
        n_variants=3,
        provenance={"offer": "stated", "products": "stated", "occasion": "stated", "n_variants": "stated"},
    )
    return made.model_copy(update=update)


def test_the_brief_echo_shows_each_fields_source_in_chinese() -> None:
    echo = describe_brief(brief("zh")).splitlines()
    assert echo[0] == "活动：双十一保温杯专场"
    assert "优惠：满300减50（您写的）" in echo and "人群：不限价值层级（默认，可改）" in echo
    assert "商品：保温杯（您写的）" in echo and "文案：每人 3 条（您写的）" in echo
    assert "行为：浏览过活动商品（默认，可改）" in echo and "时间窗口：近 30 天（默认，可改）" in echo
    assert "语言：中文（默认，可改）" in echo and echo[-1].startswith("要改哪一项")
    assert not any(ENGLISH_LABELS.search(line) for line in echo)


def test_the_brief_echo_shows_each_fields_source_in_english() -> None:
    echo = describe_brief(brief("en")).splitlines()
    assert echo[0] == "Campaign: Double 11 thermos sale"
    assert "Offer: ¥50 off orders over ¥300 (as you wrote)" in echo
    assert "Audience: all value tiers (default, yours to change)" in echo
    assert "Products: thermos (as you wrote)" in echo
    assert "Copy: 3 per user (as you wrote)" in echo and "Language: English (default, yours to change)" in echo
    assert not any(re.search(r"[\u4e00-\u9fff]", line) for line in echo)


def test_brief_fields_are_structured_for_the_page() -> None:
    rows = brief_fields(brief("zh", provenance={"offer": "inferred"}))
    offer = next(r for r in rows if r["field"] == "offer")
    assert offer == {"field": "offer", "label": "优惠", "value": "满300减50", "source": "inferred",
                     "source_label": "模型读出，待确认"}  # fmt: skip
    assert [r["field"] for r in rows][:3] == ["offer", "products", "occasion"]
    assert "回复「确认」" in describe_brief(brief("zh", provenance={"offer": "inferred"}))


def test_nobody_matching_advises_only_what_the_brief_narrowed() -> None:
    sample = AudienceSample(total=5, scanned=5, other_tier=2)
    wide = summarise(brief("zh", audience=AudienceSpec()), sample, [], [])
    assert "不限价值层级" not in wide  # the marketer already said (or got) every tier
    narrow = summarise(brief("zh", audience=AudienceSpec(value_tier="high")), sample, [], [])
    assert "「不限价值层级」" in narrow


def test_the_answer_says_when_fewer_variants_passed_than_asked() -> None:
    made = result("zh")
    text = summarise(brief("zh"), None, [made], [])
    assert "每人要求 3 条" in text and "1 位用户通过审核的文案少于 3 条" in text
    assert "北京时间 11月5日 14:00发出，预计提升 3.1 个百分点" in text
    assert not MACHINERY.search(text)


def test_the_payload_says_what_the_rules_fixed_before_the_copy_passed() -> None:
    made = result("zh")
    found = Violation(code="ABS_SUPERLATIVE", family="absolute_terms", message="superlative", span="全网最低")
    failed = DraftReview(variant_id="a0v0", attempt=0, verdict="BLOCK", violations=[found])
    made = made.model_copy(update={"reviews": [failed, review()]})
    payload = variant_payload(made, draft("zh"), review(), approved=1)
    assert payload["repaired"] == [{"code": "ABS_SUPERLATIVE", "family": "absolute_terms", "span": "全网最低"}]
    other = variant_payload(made, draft("zh", variant_id="a0v1"), review("a0v1"), approved=1)
    assert other["repaired"] == [], "another variant's findings are not this one's"

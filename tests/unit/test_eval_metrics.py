"""Per-scenario metrics on hand-made results with known answers: rules re-checked, expectations, personalization."""

from __future__ import annotations

from typing import Any

import pytest

from domain.channels import Channel
from domain.copy import Draft
from domain.decision import Explanation, PromotionResult, TargetingDecision
from evaluation.materialize import Materialized, demo_shop_at, materialize
from evaluation.mentions import attribute_recall, mentions, personal_terms, terms_of
from evaluation.metrics import score_scenario
from evaluation.scenario import DEFAULT_CLOCK, Scenario
from evaluation.text_metrics import rouge_l, tokenize
from tests.unit.conftest import make_profile

PROFILE = make_profile(
    value_tier="mid",
    price_sensitivity="unknown",
    top_categories=["thermos", "coffee"],
    interests=["316不锈钢保温杯 500ml", "挂耳咖啡 混合装"],
)
CAMPAIGN_TEXT = "双十一保温杯专场 thermos 保温杯 满300减50"


def scenario(**expect: Any) -> Materialized:
    spec = {
        "id": "m1",
        "user": {"consent": {"push": True}, "name": "张伟", "phone": "13812345678"},
        "campaign": "double11-thermos",
        "attributes": ["不锈钢", "500ml", "保温"],
        "expect": expect,
    }
    return materialize(Scenario.model_validate(spec), DEFAULT_CLOCK, lambda: demo_shop_at(DEFAULT_CLOCK))


def result(
    body: str | None, *, send: bool = True, title: str = "保温杯好价", channel: Channel = "push"
) -> PromotionResult:
    draft = None
    if body is not None:
        draft = Draft(variant_id="v1", channel=channel, locale="zh", title=title, body=body, cta="去看看", attempt=1)
    return PromotionResult(
        user_ref="r1",
        campaign_id="double11-thermos",
        message=draft,
        rendered=draft.rendered_body("好物铺") if draft else None,
        decision=TargetingDecision(send=send, score=0.03, threshold=0.012, propensity=1.0, policy_version="test"),
        explanation=Explanation(
            features_used=PROFILE, critic_checks=[], attempts=2, used_fallback=False, targeting_reasons=[]
        ),
    )


def test_terms_are_cjk_runs_and_latin_words() -> None:
    assert terms_of(["316不锈钢保温杯 500ml", "Drip Coffee 20 bags", "the mug"]) == [
        "不锈钢保温杯",
        "drip",
        "coffee",
        "bags",
        "mug",
    ]


def test_personal_terms_leave_out_what_the_campaign_says_itself() -> None:
    # thermos and 保温杯 (the label of thermos) are in the campaign text: generic, not personal.
    assert personal_terms(PROFILE, "zh", CAMPAIGN_TEXT) == ["coffee", "咖啡", "不锈钢保温杯", "挂耳咖啡", "混合装"]


def test_mentions_fold_width_and_case() -> None:
    assert mentions("ＳＨＯＰ Now 满３００减５０", "shop now")
    assert mentions("满３００减５０", "满300减50")
    assert not mentions("满300减50", "满300减60")
    assert attribute_recall("不锈钢保温杯", ["不锈钢", "500ml", "不锈钢"]) == 0.5
    assert attribute_recall("x", []) is None


def test_a_good_message_scores_clean() -> None:
    body = "你常看的不锈钢保温杯参加双十一，满300减50。"
    m = scenario(
        decision="send", must_mention=["满300减50"], must_not_mention=["最低价"], max_length=60, reference=body
    )
    scored = score_scenario(m, result(body))
    assert scored.sent is True and scored.decision_agrees is True
    assert scored.blocking == [] and scored.claim_ok is True and scored.channel_ok is True
    assert scored.must_mention_ok is True and scored.must_not_mention_ok is True and scored.max_length_ok is True
    assert scored.personalized is True and scored.matched_terms == ["不锈钢保温杯"]
    assert scored.attribute_recall == pytest.approx(2 / 3)  # 不锈钢 and 保温, not 500ml
    assert scored.rouge_l == pytest.approx(1.0) and scored.bleu4 == pytest.approx(1.0)
    assert scored.rendered_length == len(body + "去看看")


def test_a_bad_message_is_caught_by_the_recheck_and_the_expectations() -> None:
    body = "史上最低价，满39减10，仅剩3件！联系13812345678"
    m = scenario(decision="no_send", must_mention=["满300减50"], must_not_mention=["最低价"], max_length=20)
    scored = score_scenario(m, result(body))
    assert {"CLAIM_STOCK", "BRAND_BANNED"} <= set(scored.blocking)
    assert any(code.startswith("PD_") for code in scored.blocking), scored.blocking  # the user's phone
    assert scored.claim_ok is False
    assert scored.decision_agrees is False
    assert scored.missing_mentions == ["满300减50"] and scored.must_mention_ok is False
    assert scored.forbidden_mentions == ["最低价"] and scored.must_not_mention_ok is False
    assert scored.max_length_ok is False
    assert scored.personalized is False


def test_an_sms_message_checks_the_rendered_signature_and_opt_out() -> None:
    m = scenario(must_mention=["好物铺", "回T退订"])
    scored = score_scenario(m, result("双十一保温杯满300减50。", title="好价", channel="sms"))
    assert scored.must_mention_ok is True and scored.channel_ok is True


def test_no_send_and_errors() -> None:
    m = scenario(decision="no_send", must_mention=["满300减50"], must_not_mention=["最低价"], reference="参考")
    quiet = score_scenario(m, result(None, send=False))
    assert quiet.decision_agrees is True and quiet.copy_text is None and quiet.rouge_l is None
    assert quiet.must_mention_ok is False  # nothing delivered mentions nothing
    assert quiet.must_not_mention_ok is True
    failed = score_scenario(m, None)
    assert failed.sent is None and failed.decision_agrees is None and failed.expected_send is False


def test_reference_scores_use_the_body_only() -> None:
    m = scenario(reference="冬天用保温杯")
    scored = score_scenario(m, result("冬天用保温杯", title="完全不同的标题"))
    assert scored.rouge_l == pytest.approx(rouge_l(tokenize("冬天用保温杯"), tokenize("冬天用保温杯")))

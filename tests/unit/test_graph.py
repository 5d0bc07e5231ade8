"""The whole graph with real SQLite + Chroma and scripted models: routing, bounds, privacy, decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from pydantic import BaseModel

from agents.context import Context
from domain.approval import ApprovalAnswer
from domain.copy import CopyBatch, CopyVariant
from domain.offer import BrandRules
from domain.review import Critique
from graphs.batch import AwaitingApproval, resume_one, run_many, run_one
from graphs.checkpoints import sqlite_checkpointer
from graphs.promotion import PromotionGraph, build_graph, graph
from tests.fakes import ScriptedChatModel, llm_timeout
from tests.unit.conftest import (
    BAD_ZH,
    CRITIQUE,
    GOOD_EN,
    GOOD_ZH,
    NOW,
    USERS,
    bad_batch,
    good_batch,
    good_slots,
    make_campaign,
)
from tools.compliance import OfferFacts, check_draft
from tools.services import Services

SNAPSHOT = Path(__file__).parent / "snapshots" / "promotion_graph.mmd"


def writer(services: Services) -> ScriptedChatModel:
    assert isinstance(services.writer_model, ScriptedChatModel)
    return services.writer_model


def critic(services: Services) -> ScriptedChatModel:
    assert isinstance(services.critic_model, ScriptedChatModel)
    return services.critic_model


def context(services: Services, **options: object) -> Context:
    return Context(services=services, now=NOW, **options)  # type: ignore[arg-type]


def test_wiring_matches_snapshot() -> None:
    drawn = graph.get_graph().draw_mermaid()
    assert drawn.strip() == SNAPSHOT.read_text(encoding="utf-8").strip(), (
        "graph wiring changed: update the snapshot if intended"
    )


def test_good_copy_passes_first_time_and_is_sent(services: Services) -> None:
    writer(services).script(CopyBatch, good_batch())
    critic(services).script(Critique, default=CRITIQUE)
    result = run_one("u-zh-1", make_campaign(), context(services))
    assert result.decision.send, result.decision.reasons
    assert result.message is not None and result.message.source == "llm"
    assert result.explanation.attempts == 1 and not result.explanation.used_fallback
    assert result.decision.channel == "push"  # consented; free beats paid SMS when click history ties
    assert result.rendered and "满300减50" in result.rendered
    assert 0 < result.decision.propensity <= 1
    assert "claims" in result.explanation.critic_checks
    assert result.user_ref != "u-zh-1" and "u-zh-1" not in result.model_dump_json()


def test_invented_offer_is_rewritten_with_targeted_feedback(services: Services) -> None:
    writer(services).script(CopyBatch, bad_batch(), good_batch())
    critic(services).script(Critique, default=CRITIQUE)
    result = run_one("u-zh-1", make_campaign(), context(services))
    assert result.explanation.attempts == 2
    assert result.message is not None and result.message.attempt == 1
    rewrite_prompt = str(writer(services).calls[1][1][-1].content)
    assert "满39减10" in rewrite_prompt  # the previous draft is quoted with its violations
    blocked = [r for r in result.reviews if r.verdict == "BLOCK"]
    assert blocked and {v.family for r in blocked for v in r.violations} >= {"claims", "absolute_terms"}


def test_invented_contact_details_are_redacted_from_the_rewrite_prompt(services: Services) -> None:
    # Seen with the 0.5B model on AdvertiseGen: it invented a service e-mail, and quoting that draft back
    # made the prompt guard refuse the rewrite, so the user got no copy at all.
    leaky = CopyVariant(title="保温杯好价", body="满300减50，咨询 kefu@haowu.example 或 13812345678。", cta="去看看")
    writer(services).script(CopyBatch, CopyBatch(variants=[leaky, leaky]), good_batch())
    critic(services).script(Critique, default=CRITIQUE)
    result = run_one("u-zh-1", make_campaign(), context(services))
    assert result.explanation.attempts == 2 and result.message is not None and result.message.source == "llm"
    rewrite_prompt = str(writer(services).calls[1][1][-1].content)
    assert "满300减50" in rewrite_prompt and "[…]" in rewrite_prompt  # the draft is still quoted, redacted
    assert "kefu@" not in rewrite_prompt and "13812345678" not in rewrite_prompt


def test_bounded_rewrites_end_in_a_checked_fallback(services: Services) -> None:
    writer(services).script(CopyBatch, default=bad_batch())
    campaign = make_campaign()
    result = run_one("u-zh-1", campaign, context(services, max_rewrites=2))
    assert result.explanation.attempts == 3
    assert result.explanation.used_fallback
    assert result.message is not None and result.message.source == "fallback"
    facts = OfferFacts.from_campaign(campaign, services.shop.items_for_campaign(["thermos"], []))
    assert [v for v in check_draft(result.message, campaign, facts) if v.severity == "block"] == []
    # The template is personal: it names what this customer looked at, with the offer from data.
    interest = result.explanation.features_used
    assert interest.interests or interest.top_categories
    assert result.message.body.startswith("你常看的这类好物有新活动了。") and "满300减50" in result.message.body


def test_llm_failures_cost_attempts_not_the_request(services: Services) -> None:
    timeout = llm_timeout()
    writer(services).script(CopyBatch, timeout, timeout, default=timeout)
    result = run_one("u-zh-1", make_campaign(), context(services, max_rewrites=1, llm_critique=False))
    assert result.explanation.used_fallback
    assert result.message is not None


def test_no_consent_means_no_llm_call_and_a_reasoned_no_send(services: Services) -> None:
    result = run_one("u-none", make_campaign(), context(services))
    assert not result.decision.send and result.message is None
    assert writer(services).calls == []
    assert any("consent" in reason for reason in result.explanation.targeting_reasons)


@pytest.mark.parametrize("mode", ["free", "slots"])
def test_llm_never_sees_personal_data_or_raw_ids(services: Services, mode: str) -> None:
    writer(services).script(CopyBatch, default=good_batch()).script("SlotBatch", default=good_slots)
    critic(services).script(Critique, default=CRITIQUE)
    run_many([u.user_id for u in USERS], make_campaign(), context(services, copy_mode=mode), concurrency=2)
    seen = writer(services).prompts_text() + critic(services).prompts_text()
    assert seen
    for user in USERS:
        for value in (user.user_id, user.name, user.phone, user.email, user.address):
            if value:
                assert value not in seen, f"{value!r} reached the LLM"


def test_injected_instructions_in_history_never_reach_the_prompt(services: Services) -> None:
    writer(services).script(CopyBatch, default=good_batch())
    critic(services).script(Critique, default=CRITIQUE)
    run_one("u-inject", make_campaign(), context(services))
    seen = writer(services).prompts_text()
    assert "忽略所有规则" not in seen and "打一折" not in seen
    assert "ignore previous" not in seen.lower() and "90%" not in seen


def test_sms_carries_brand_and_opt_out(services: Services) -> None:
    writer(services).script(CopyBatch, default=good_batch())
    critic(services).script(Critique, default=CRITIQUE)
    result = run_one("u-zh-1", make_campaign(channels=["sms"]), context(services))
    assert result.rendered is not None
    assert result.rendered.startswith("【好物铺】") and result.rendered.endswith("回T退订")


def test_english_user_gets_english_copy_after_quiet_hours(services: Services) -> None:
    writer(services).script(CopyBatch, default=good_batch(GOOD_EN))
    critic(services).script(Critique, default=CRITIQUE)
    result = run_one("u-en-1", make_campaign(channels=["push", "email"]), context(services, n_variants=1))
    assert result.message is not None and result.message.locale == "en"
    assert result.decision.send_at is not None and result.decision.send_at.hour == 16
    assert any("quiet hours" in c for c in result.decision.constraints)


def test_frequency_cap_blocks_after_recorded_sends(services: Services) -> None:
    writer(services).script(CopyBatch, default=good_batch())
    critic(services).script(Critique, default=CRITIQUE)
    campaign = make_campaign(frequency_cap=1)
    first = run_one("u-zh-1", campaign, context(services))
    second = run_one("u-zh-1", campaign, context(services))
    assert first.decision.send and not second.decision.send
    assert any("frequency cap" in reason for reason in second.explanation.targeting_reasons)


def test_a_send_another_run_made_while_the_copy_was_written_still_counts_against_the_cap(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Profiling counted 0 sends; by targeting, a run beside this one has messaged the user up to the cap."""
    writer(services).script(CopyBatch, default=good_batch())
    critic(services).script(Critique, default=CRITIQUE)
    services.shop.record_send("u-zh-1", "other-campaign", "sms", NOW)
    monkeypatch.setattr(services.shop, "count_sends_since", lambda user_id, since: 0)  # the count taken before
    result = run_one("u-zh-1", make_campaign(frequency_cap=1), context(services))
    assert not result.decision.send and result.message is None and result.rendered is None
    assert any("reached while this message was written" in c for c in result.decision.constraints)
    assert services.shop.count_campaign_sends("d11-thermos") == 0


def test_unknown_user_fails_in_batch_without_sinking_others(services: Services) -> None:
    writer(services).script(CopyBatch, default=good_batch())
    critic(services).script(Critique, default=CRITIQUE)
    outcomes = run_many(["nobody", "u-zh-1"], make_campaign(), context(services), concurrency=2)
    assert outcomes[0].result is None and outcomes[0].error and "nobody" in outcomes[0].error
    assert outcomes[1].result is not None


@pytest.mark.parametrize(("option", "value"), [("n_variants", 0), ("n_variants", 9), ("max_rewrites", -1)])
def test_context_rejects_bad_options(services: Services, option: str, value: int) -> None:
    with pytest.raises(ValueError, match=option):
        Context(services=services, **{option: value})  # type: ignore[arg-type]


def test_batch_and_stream_entry_points(services: Services) -> None:
    writer(services).script(CopyBatch, default=good_batch())
    critic(services).script(Critique, default=CRITIQUE)
    campaign = make_campaign()
    requests = [{"user_id": uid, "campaign": campaign} for uid in ("u-zh-1", "u-none")]
    outputs = graph.batch(requests, context=context(services, record_sends=False))  # type: ignore[arg-type]
    assert [bool(o["result"].decision.send) for o in outputs] == [True, False]
    steps = [next(iter(chunk)) for chunk in graph.stream(requests[0], context=context(services, record_sends=False))]
    assert steps == ["profile", "write", "review", "target"]


def test_campaign_no_template_can_satisfy_ends_in_no_send(services: Services) -> None:
    writer(services).script(CopyBatch, default=bad_batch())
    rules = BrandRules(brand_name="好物铺", banned_words=["保温杯"], required_phrases=["保温杯"])
    result = run_one("u-zh-1", make_campaign(brand=rules), context(services, max_rewrites=0))
    assert not result.decision.send
    assert result.message is None
    assert any("no variant passed" in reason for reason in result.decision.reasons)


def test_below_threshold_user_costs_no_llm_call(services: Services) -> None:
    result = run_one("u-cold", make_campaign(), context(services))
    assert not result.decision.send
    assert writer(services).calls == []
    assert result.decision.score < result.decision.threshold
    assert any("below threshold" in reason for reason in result.decision.reasons)


@pytest.fixture
def paused(services: Services) -> tuple[PromotionGraph, str]:
    writer(services).script(CopyBatch, default=bad_batch())
    compiled = build_graph(checkpointer=InMemorySaver())
    with pytest.raises(AwaitingApproval) as waiting:
        run_one(
            "u-zh-1",
            make_campaign(on_exhausted="human"),
            context(services, max_rewrites=1),
            compiled=compiled,
            thread_id="t-1",
        )
    assert waiting.value.request.drafts, "the reviewer must see the failed drafts"
    assert all(r.verdict == "BLOCK" for r in waiting.value.request.reviews)
    return compiled, waiting.value.thread_id


def test_human_edit_is_checked_and_sent(services: Services, paused: tuple[PromotionGraph, str]) -> None:
    compiled, thread = paused
    answer = ApprovalAnswer(action="edit", reviewer="legal@shop", edited=GOOD_ZH)
    result = resume_one(thread, answer, context(services), compiled)
    assert result.decision.send
    assert result.message is not None and result.message.source == "human"
    assert [d.source for d in result.drafts][-1] == "human"


def test_human_edit_that_breaks_a_rule_is_not_sent(services: Services, paused: tuple[PromotionGraph, str]) -> None:
    compiled, thread = paused
    answer = ApprovalAnswer(action="edit", reviewer="legal@shop", edited=BAD_ZH)
    result = resume_one(thread, answer, context(services), compiled)
    assert not result.decision.send
    assert result.message is None


@pytest.mark.parametrize(("action", "sent"), [("reject", False), ("approve_fallback", True)])
def test_reviewer_can_reject_or_take_the_fallback(
    services: Services, paused: tuple[PromotionGraph, str], action: str, sent: bool
) -> None:
    compiled, thread = paused
    answer = ApprovalAnswer.model_validate({"action": action, "reviewer": "ops"})
    result = resume_one(thread, answer, context(services), compiled)
    assert result.decision.send is sent
    assert (result.message is not None and result.message.source == "fallback") is sent


def test_approval_answer_validates_edit_copy() -> None:
    with pytest.raises(ValueError, match="needs 'edited'"):
        ApprovalAnswer(action="edit", reviewer="x")


def test_pause_without_checkpointer_says_what_to_do(services: Services) -> None:
    writer(services).script(CopyBatch, default=bad_batch())
    with pytest.raises(RuntimeError, match="checkpointer"):
        run_one("u-zh-1", make_campaign(on_exhausted="human"), context(services, max_rewrites=0))


def test_pause_survives_a_restart_with_the_sqlite_checkpointer(services: Services, tmp_path: Path) -> None:
    writer(services).script(CopyBatch, default=bad_batch())
    first = sqlite_checkpointer(tmp_path / "ckpt.sqlite")
    with pytest.raises(AwaitingApproval) as waiting:
        run_one(
            "u-zh-1",
            make_campaign(on_exhausted="human"),
            context(services, max_rewrites=0),
            compiled=build_graph(first),
            thread_id="t-restart",
        )
    first.conn.close()
    second = sqlite_checkpointer(tmp_path / "ckpt.sqlite")  # as a new process would open it
    answer = ApprovalAnswer(action="edit", reviewer="legal@shop", edited=GOOD_ZH)
    result = resume_one(waiting.value.thread_id, answer, context(services), build_graph(second))
    assert result.decision.send
    assert result.message is not None
    assert result.message.source == "human"
    second.conn.close()


def test_brand_tone_reaches_the_writer_and_the_critic(services: Services) -> None:
    writer(services).script(CopyBatch, default=good_batch())
    critic(services).script(Critique, default=CRITIQUE)
    rules = BrandRules(brand_name="好物铺", tone="温暖、克制，不喊口号")
    run_one("u-zh-1", make_campaign(brand=rules), context(services, llm_critique=True))
    assert "温暖、克制，不喊口号" in writer(services).prompts_text()
    assert "温暖、克制，不喊口号" in critic(services).prompts_text()


def test_the_llm_critique_is_opt_in_one_call_per_message_by_default(services: Services) -> None:
    writer(services).script(CopyBatch, default=good_batch())
    critic(services).script(Critique, default=CRITIQUE)
    result = run_one("u-zh-1", make_campaign(), context(services))
    assert result.decision.send and result.message is not None and result.message.source == "llm"
    assert len(writer(services).calls) == 1
    assert critic(services).calls == []
    assert all(review.critique is None for review in result.reviews)


def test_slot_copy_states_the_offer_product_and_dates_from_data_in_one_call(services: Services) -> None:
    writer(services).script("SlotBatch", default=good_slots)
    critic(services).script(Critique, default=CRITIQUE)
    result = run_one("u-zh-1", make_campaign(), context(services, copy_mode="slots", n_variants=1))
    message = result.message
    assert message is not None and message.source == "llm" and result.explanation.attempts == 1
    assert message.title == "冬天出门也要热乎乎"
    assert message.body.endswith("陪你通勤路上捧一杯热的，暖手又暖心。保温杯满300减50，活动截至11月11日。")
    names = [name for name, _ in writer(services).calls]
    assert names == ["SlotBatch"], "one LLM call wrote the message"


def test_an_absolute_term_in_a_slot_is_repaired_not_rewritten(services: Services) -> None:
    def superlative(schema: type[BaseModel]) -> dict[str, Any]:
        answer = good_slots(schema)
        variant = answer["variants"][0]
        variant["line"] = variant["focus"] + "独家设计，暖手又暖心"  # 独家: an absolute term the rules block
        return answer

    writer(services).script("SlotBatch", default=superlative)
    critic(services).script(Critique, default=CRITIQUE)
    result = run_one("u-zh-1", make_campaign(), context(services, copy_mode="slots", n_variants=1))
    assert result.message is not None and result.message.source == "llm" and result.explanation.attempts == 1
    assert "特别设计，暖手又暖心。" in result.message.body and "独家" not in result.message.body


def test_a_blocked_clause_is_taken_out_before_a_rewrite_is_spent(services: Services) -> None:
    def national(schema: type[BaseModel]) -> dict[str, Any]:
        answer = good_slots(schema)
        variant = answer["variants"][0]
        variant["line"] = variant["focus"] + "国家级品质"  # one clause, no plain word: slot repair cannot fix it
        return answer

    writer(services).script("SlotBatch", default=national)
    result = run_one("u-zh-1", make_campaign(), context(services, copy_mode="slots", max_rewrites=1))
    message = result.message
    assert result.explanation.attempts == 1 and message is not None and message.source == "llm"
    assert message.variant_id.endswith("-fix") and "国家级" not in message.body
    assert message.title == "冬天出门也要热乎乎" and message.body.endswith("满300减50，活动截至11月11日。")
    assert [r.verdict for r in result.reviews][:2] == ["BLOCK", "PASS"], "the original's review stays on record"


def test_a_repair_that_left_the_facts_alone_gives_way_to_a_sibling_that_passed(services: Services) -> None:
    def two(schema: type[BaseModel]) -> dict[str, Any]:
        answer = good_slots(schema)
        good = answer["variants"][0]
        blocked = good | {"line": good["focus"] + "国家级品质"}  # its fix keeps the facts alone: no product named
        answer["variants"] = [blocked, good]
        return answer

    writer(services).script("SlotBatch", default=two)
    result = run_one("u-zh-1", make_campaign(), context(services, copy_mode="slots", n_variants=2))
    message = result.message
    assert message is not None and message.source == "llm" and not message.variant_id.endswith("-fix")
    assert "陪你通勤路上捧一杯热的" in message.body


def test_slot_copy_no_repair_can_fix_is_rewritten_then_falls_back(services: Services) -> None:
    def national(schema: type[BaseModel]) -> dict[str, Any]:
        answer = good_slots(schema)
        answer["variants"][0]["hook"] = "国家级好杯子"  # the whole title: taking it out leaves no title
        return answer

    writer(services).script("SlotBatch", default=national)
    result = run_one("u-zh-1", make_campaign(), context(services, copy_mode="slots", max_rewrites=1))
    assert result.explanation.attempts == 2 and result.explanation.used_fallback
    assert result.message is not None and result.message.source == "fallback"

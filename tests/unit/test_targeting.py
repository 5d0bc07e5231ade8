from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.people import QuietHours, User
from domain.profile import CategoryScore, UserFeatures
from tests.unit.conftest import NOW, make_campaign
from tools.targeting import TargetingPolicy, VariantCandidate, eligible_channels, next_send_time, score_send
from tools.targeting.scoring import discount_depth


def features(**overrides: object) -> UserFeatures:
    fields: dict[str, object] = {
        "event_count": 10,
        "recency_days": 2.0,
        "recency_bucket": "active_7d",
        "frequency_90d": 3,
        "monetary_90d": 500.0,
        "top_categories": [CategoryScore(category="thermos", score=0.9)],
        "avg_item_price": 120.0,
        "price_sensitivity": "high",
        "channel_clicks": {"push": 2},
    }
    fields.update(overrides)
    return UserFeatures.model_validate(fields)


USER = User(user_id="u1", consent={"push": True, "sms": False, "email": True})


def test_consent_is_a_hard_constraint() -> None:
    result = eligible_channels(USER, make_campaign(), sends_last_7d=0, campaign_sends=0)
    assert result.channels == ["push"]
    assert any("consent" in reason and "sms" in reason for reason in result.blocked)


def test_missing_consent_entry_means_no_consent() -> None:
    user = User(user_id="u2", consent={"push": True})
    assert not user.has_consent("email")


@pytest.mark.parametrize(
    ("sends_7d", "campaign_sends", "reason"),
    [(2, 0, "frequency cap"), (0, 1000, "budget")],
)
def test_caps_and_budget_block_everyone(sends_7d: int, campaign_sends: int, reason: str) -> None:
    result = eligible_channels(USER, make_campaign(), sends_last_7d=sends_7d, campaign_sends=campaign_sends)
    assert not result.reachable
    assert reason in result.blocked[0]


def test_requested_channel_outside_campaign_is_refused() -> None:
    result = eligible_channels(USER, make_campaign(), sends_last_7d=0, campaign_sends=0, requested="email")
    assert not result.reachable
    assert "not one of this campaign's channels" in result.blocked[0]


def test_click_history_ranks_channels() -> None:
    campaign = make_campaign(channels=["push", "email"])
    result = eligible_channels(USER, campaign, sends_last_7d=0, campaign_sends=0, channel_clicks={"email": 3})
    assert result.channels == ["email", "push"]


def test_quiet_hours_wrap_midnight_and_delay_the_send() -> None:
    user = User(user_id="u", quiet_hours=QuietHours(start_hour=22, end_hour=8), utc_offset_hours=8)
    late = datetime(2026, 11, 5, 15, 30, tzinfo=UTC)  # 23:30 local
    send_at = next_send_time(user, late, make_campaign())
    assert send_at is not None
    assert (send_at.hour, send_at.minute) == (8, 0)
    assert send_at > late


def test_no_send_time_when_campaign_ends_in_quiet_hours() -> None:
    user = User(user_id="u", quiet_hours=QuietHours(start_hour=22, end_hour=8), utc_offset_hours=8)
    campaign = make_campaign()  # ends 23:59 UTC+8, inside the quiet window
    assert next_send_time(user, campaign.ends_at - timedelta(hours=1), campaign) is None


def test_score_is_the_sum_of_named_contributions() -> None:
    score = score_send(features(), make_campaign(), bought_eligible_last_7d=False)
    assert score.lift == pytest.approx(sum(score.contributions.values()))
    assert score.contributions["category_affinity"] > 0
    assert score.top_reasons(1)[0].startswith("category_affinity")
    bought = score_send(features(), make_campaign(), bought_eligible_last_7d=True)
    assert bought.lift < score.lift


def test_discount_depth_per_offer_kind() -> None:
    assert discount_depth(make_campaign().offer, 100) == pytest.approx(50 / 300)


def test_variant_probabilities_favour_quality_but_explore() -> None:
    policy = TargetingPolicy()
    probabilities = policy.variant_probabilities([VariantCandidate("a", 4.5), VariantCandidate("b", 3.0)])
    assert sum(probabilities) == pytest.approx(1.0)
    assert 0.5 < probabilities[0] < 1.0


def test_softmax_variant_choice_is_reproducible_and_logs_its_propensity() -> None:
    policy = TargetingPolicy(variant_bandit=None)
    candidates = [VariantCandidate("a", 4.0), VariantCandidate("b", 4.0), VariantCandidate("c", 2.0)]
    first = policy.choose_variant(candidates, "u_1:camp")
    assert first == policy.choose_variant(candidates, "u_1:camp")
    assert first[1] == pytest.approx(policy.variant_probabilities(candidates)[candidates.index(first[0])])


def test_policy_validates_its_arguments() -> None:
    with pytest.raises(ValueError, match="temperature"):
        TargetingPolicy(temperature=0)
    with pytest.raises(ValueError, match="at least one"):
        TargetingPolicy().choose_variant([], "k")


def test_decision_explains_send_and_constraints() -> None:
    decision = TargetingPolicy().decide(
        user=USER,
        user_ref="u_x",
        campaign=make_campaign(),
        features=features(),
        eligibility_channels=["push"],
        blocked=["consent: no marketing consent for sms"],
        channel="push",
        candidates=[VariantCandidate("a0v0", 4.0)],
        bought_eligible_last_7d=False,
        now=NOW,
    )
    assert decision.send
    assert decision.variant_id == "a0v0"
    assert decision.propensity == 1.0
    assert any("driver" in reason for reason in decision.reasons)
    assert decision.constraints[0].startswith("consent")

"""The variant bandit: features, Thompson choices with propensities, learning from runs, and the graph wiring."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from agents.context import Context
from campaign.feedback import FeedbackEvent, FeedbackLog
from campaign.store import RunStore
from campaign.variant_learning import learn_from_run
from cli.main import app
from domain.copy import CopyBatch, Draft
from domain.decision import Explanation, PromotionResult, TargetingDecision
from domain.offer import Offer
from domain.review import Critique, DraftReview
from graphs.batch import run_one
from tests.fakes import ScriptedChatModel
from tests.unit.conftest import CRITIQUE, NOW, good_batch, make_campaign, make_profile
from tools.services import Services
from tools.settings import get_settings
from tools.targeting import TargetingPolicy, VariantCandidate
from tools.targeting.variant_bandit import VariantBandit
from tools.targeting.variant_features import FEATURE_NAMES, offer_numbers, variant_features

PROFILE = make_profile(top_categories=["保温杯"], interests=["316不锈钢保温杯"])
THRESHOLD = Offer(kind="threshold", threshold=300, amount_off=50)


def draft(body: str, *, source: str = "llm", attempt: int = 0) -> Draft:
    return Draft(
        variant_id="v",
        channel="push",
        locale="zh",
        title="好价",
        body=body,
        cta="去看看",
        attempt=attempt,
        source=source,  # type: ignore[arg-type]
    )


def features(personal: float, early: float = 0.0) -> dict[str, float]:
    values = dict.fromkeys(FEATURE_NAMES, 0.0)
    values.update(bias=1.0, mentions_interest=personal, offer_early=early)
    return values


# --- features ---------------------------------------------------------------------------------------------


def test_features_see_personal_mentions_offer_position_and_origin() -> None:
    personal = variant_features(draft("满300减50！你常看的保温杯，冬天喝口热水。"), None, PROFILE, THRESHOLD)
    generic = variant_features(
        draft("冬天到了，给家人挑一份礼物吧，全场好物等你来看，满300减50。", source="fallback", attempt=2),
        None,
        PROFILE,
        THRESHOLD,
    )
    assert list(personal) == list(FEATURE_NAMES)
    assert personal["mentions_interest"] == 1.0 and generic["mentions_interest"] == 0.0
    assert personal["offer_early"] == 1.0 and generic["offer_early"] == 0.0
    assert personal["offer_early_x_price_sensitive"] == 1.0  # PROFILE is price sensitive
    assert personal["mentions_interest_x_recent"] == 1.0
    assert generic["template_fallback"] == 1.0 and generic["rewritten"] == 1.0
    assert all(-1.0 <= v <= 1.0 for v in [*personal.values(), *generic.values()])


def test_critic_scores_move_the_quality_feature() -> None:
    review = DraftReview(
        variant_id="v", attempt=0, verdict="PASS", critique=Critique(fluency=5, tone=5, personalization=5, comment="")
    )
    assert variant_features(draft("满300减50"), review, PROFILE, THRESHOLD)["critic_quality"] == 1.0
    assert variant_features(draft("满300减50"), None, PROFILE, THRESHOLD)["critic_quality"] == 0.0


@pytest.mark.parametrize(
    ("offer", "expected"),
    [
        (Offer(kind="threshold", threshold=300, amount_off=50), ["300", "50"]),
        (Offer(kind="percent_off", percent_off=20), ["20", "8"]),
        (Offer(kind="amount_off", amount_off=15.5), ["15.5"]),
        (Offer(kind="gift", gift="杯套"), []),
    ],
)
def test_offer_numbers_as_copy_writes_them(offer: Offer, expected: list[str]) -> None:
    assert offer_numbers(offer) == expected


# --- choices ----------------------------------------------------------------------------------------------


def test_choice_is_reproducible_with_a_true_propensity() -> None:
    bandit = VariantBandit()
    candidates = {"a": features(1.0), "b": features(0.0), "c": features(1.0, 1.0)}
    first = bandit.choose(candidates, "u_1:camp")
    assert first == bandit.choose(candidates, "u_1:camp")
    assert sum(first.probabilities.values()) == pytest.approx(1.0)
    assert first.propensity == first.probabilities[first.chosen] > 0
    assert min(first.probabilities.values()) >= bandit.uniform_share / 3  # bounded IPW weights
    keys = {bandit.choose(candidates, f"u_{i}:camp").chosen for i in range(40)}
    assert len(keys) > 1, "an untrained bandit must explore"


def test_the_prior_leans_toward_the_critics_favourite() -> None:
    bandit = VariantBandit()
    liked, plain = features(0.0), features(0.0)
    liked["critic_quality"] = 1.0
    choice = bandit.choose({"liked": liked, "plain": plain}, "k")
    assert choice.probabilities["liked"] > 0.6


def test_learning_shifts_choices_to_what_earns_clicks() -> None:
    # Truth: mentioning the user's interest lifts clicks from 2 % to 12 %.
    rng = np.random.default_rng(7)
    bandit = VariantBandit()
    candidates = {"personal": features(1.0), "generic": features(0.0)}
    before = bandit.choose(candidates, "probe").probabilities["personal"]
    for i in range(1500):
        choice = bandit.choose(candidates, f"u{i}")
        p_click = 0.12 if choice.chosen == "personal" else 0.02
        bandit.update(candidates[choice.chosen], float(rng.random() < p_click))
    after = bandit.choose(candidates, "probe").probabilities["personal"]
    assert after > 0.9 > before
    assert bandit.posterior_mean()[FEATURE_NAMES.index("mentions_interest")] == pytest.approx(0.10, abs=0.04)


def test_logged_propensities_make_ipw_unbiased() -> None:
    # Log with the bandit (frozen), then estimate the value of "always personal" by IPW: truth is 0.12.
    rng = np.random.default_rng(11)
    bandit = VariantBandit()
    candidates = {"personal": features(1.0), "generic": features(0.0)}
    weighted = []
    for i in range(6000):
        choice = bandit.choose(candidates, f"log{i}")
        click = float(rng.random() < (0.12 if choice.chosen == "personal" else 0.02))
        weighted.append(click / choice.propensity if choice.chosen == "personal" else 0.0)
    estimate, se = float(np.mean(weighted)), float(np.std(weighted) / np.sqrt(len(weighted)))
    assert abs(estimate - 0.12) < 2.6 * se


@pytest.mark.parametrize(
    ("candidates", "message"),
    [
        ({}, "at least one candidate"),
        ({"a": {"bias": 1.0}}, "missing"),
        ({"a": {**features(1.0), "extra": 1.0}}, "unexpected"),
        ({"a": {**features(1.0), "bias": float("nan")}}, "finite"),
    ],
)
def test_bad_candidates_are_refused(candidates: dict[str, dict[str, float]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        VariantBandit().choose(candidates, "k")


def test_bad_settings_and_rewards_are_refused() -> None:
    with pytest.raises(ValueError, match="n_draws"):
        VariantBandit(n_draws=5)
    with pytest.raises(ValueError, match="unknown features"):
        VariantBandit(prior_mean={"colour": 1.0})
    with pytest.raises(ValueError, match="finite"):
        VariantBandit().update(features(1.0), float("inf"))


def test_state_round_trips_and_refuses_foreign_files(tmp_path: Path) -> None:
    bandit = VariantBandit()
    bandit.update(features(1.0), 1.0)
    bandit.learned_runs.append("run-1")
    path = tmp_path / "state" / "bandit.json"
    bandit.save(path)
    restored = VariantBandit.load(path)
    assert restored.version == "lints-n1" and restored.learned_runs == ["run-1"]
    np.testing.assert_allclose(restored.posterior_mean(), bandit.posterior_mean())
    candidates = {"a": features(1.0), "b": features(0.0)}
    assert restored.choose(candidates, "k") == bandit.choose(candidates, "k")
    (tmp_path / "other.json").write_text('{"format": "something-else"}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"other\.json: not a usable"):
        VariantBandit.load(tmp_path / "other.json")


def test_policy_mixing_candidates_with_and_without_features_is_an_error() -> None:
    with pytest.raises(ValueError, match="every variant candidate"):
        TargetingPolicy().choose_variant([VariantCandidate("a", 4.0, features(1.0)), VariantCandidate("b", 4.0)], "k")


# --- learning from a run ----------------------------------------------------------------------------------


def result(send: bool, chosen: dict[str, float]) -> PromotionResult:
    decision = TargetingDecision(
        send=send,
        score=0.03,
        threshold=0.012,
        propensity=0.5,
        policy_version="prior-v1+lints-n0",
        choice_features=chosen if send else {},
    )
    explanation = Explanation(
        features_used=PROFILE, critic_checks=[], attempts=1, used_fallback=False, targeting_reasons=[]
    )
    return PromotionResult(
        user_ref="u_x", campaign_id="c", message=None, rendered=None, decision=decision, explanation=explanation
    )


def test_a_run_is_learned_once_with_one_reward_per_send() -> None:
    bandit = VariantBandit()
    results = [("u1", result(True, features(1.0))), ("u2", result(True, features(0.0))), ("u3", result(False, {}))]
    report = learn_from_run(bandit, "run-1", results, {"u1": 1.0, "u3": 1.0})
    assert (report.sends, report.rewarded, report.version_after) == (2, 1, "lints-n2")
    with pytest.raises(ValueError, match="already learned"):
        learn_from_run(bandit, "run-1", results, {})
    with pytest.raises(ValueError, match="no sends"):
        learn_from_run(bandit, "run-2", [("u3", result(False, {}))], {})


# --- in the graph -----------------------------------------------------------------------------------------


def test_graph_decisions_log_the_bandit_version_and_chosen_features(services: Services) -> None:
    assert isinstance(services.writer_model, ScriptedChatModel)
    assert isinstance(services.critic_model, ScriptedChatModel)
    services.writer_model.script(CopyBatch, good_batch())
    services.critic_model.script(Critique, default=CRITIQUE)
    outcome = run_one("u-zh-1", make_campaign(), Context(services=services, now=NOW))
    decision = outcome.decision
    assert decision.send and decision.policy_version == "prior-v1+lints-n0"
    assert list(decision.choice_features) == list(FEATURE_NAMES)
    assert 0 < decision.propensity < 1  # two approved variants, both kept possible
    assert any("Thompson sampling" in reason for reason in decision.reasons)


def test_cli_learn_trains_and_saves_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROMO_HOME", str(tmp_path))
    get_settings.cache_clear()
    store = RunStore(tmp_path / "runs.sqlite")
    store.create("run-1", make_campaign(), NOW, ["u1", "u2"])
    store.finish("run-1", "u1", result(True, features(1.0)), None, 1.0)
    store.finish("run-1", "u2", result(True, features(0.0)), None, 1.0)
    store.close()
    log = FeedbackLog(tmp_path / "feedback.sqlite")
    log.add([FeedbackEvent(event_id="e1", run_id="run-1", user_id="u1", kind="click", ts=datetime.now(UTC))])
    log.close()
    try:
        first = CliRunner().invoke(app, ["campaign", "learn", "run-1"])
        assert first.exit_code == 0, first.output
        assert "learned 2 sends (1 with a click)" in first.output
        assert VariantBandit.load(tmp_path / "variant_bandit.json").version == "lints-n2"
        again = CliRunner().invoke(app, ["campaign", "learn", "run-1"])
        assert again.exit_code == 2 and "already learned" in again.output
    finally:
        get_settings.cache_clear()

"""Re-estimating the send threshold from a run's holdout: OPE, safe promotion, the file, the run log."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from campaign.reestimate import send_log
from campaign.store import RunStore
from cli.main import app
from domain.decision import Explanation, PromotionResult, TargetingDecision
from domain.profile import PromptProfile
from tests.unit.conftest import NOW, make_campaign
from tools.services import Services
from tools.settings import get_settings
from tools.targeting.offline.send_threshold import CURRENT, SendLog, load_threshold, review_threshold, save_threshold


def simulated_run(n: int, *, effect_above: float, seed: int, cost: float = 2.0, holdout: float = 0.3) -> SendLog:
    """Audience lifts spread over [1.2, 5] pts; a send is worth 40 in order value x true uplift.

    With `effect_above`, users below that lift do not respond at all (their sends only cost money).
    """
    rng = np.random.default_rng(seed)
    lifts = rng.uniform(0.012, 0.05, n)
    treated = rng.random(n) >= holdout
    uplift = np.where(lifts >= effect_above, 0.25, 0.0)
    converts = rng.random(n) < 0.05 + treated * uplift
    return SendLog(
        lifts=lifts,
        treated=treated,
        outcomes=converts * 40.0,
        costs=np.where(treated, cost, 0.0),
    )


def test_a_stricter_threshold_is_promoted_when_low_scorers_do_not_pay() -> None:
    review = review_threshold(simulated_run(6000, effect_above=0.031, seed=1), current=0.012)
    assert review.selection.replaced, review.selection.reasons
    assert review.chosen_threshold > 0.02
    chosen = review.selection.values[review.selection.chosen]
    assert chosen.ci_low > review.selection.values[CURRENT].value


def test_the_current_threshold_stays_when_everyone_responds() -> None:
    review = review_threshold(simulated_run(6000, effect_above=0.0, seed=2), current=0.012)
    assert not review.selection.replaced
    assert review.chosen_threshold == 0.012


def test_the_estimate_of_the_current_policy_covers_the_truth() -> None:
    # Truth per user for "send to all": 0.05 * 40 + 0.25 * 40 - 2 = 10.
    value = review_threshold(simulated_run(6000, effect_above=0.0, seed=3), current=0.012).selection.values[CURRENT]
    assert value.ci_low <= 10.0 <= value.ci_high


@pytest.mark.parametrize(
    ("treated", "costs", "message"),
    [
        ([True, True], [1.0, 1.0], "both treated and holdout"),
        ([False, False], [0.0, 0.0], "both treated and holdout"),
        ([True, False], [1.0, 1.0], "0 for holdout"),
        ([True, False], [-1.0, 0.0], ">= 0"),
        ([True], [1.0], "one value per audience user"),
    ],
)
def test_bad_logs_are_refused(treated: list[bool], costs: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SendLog(lifts=np.array([0.02, 0.03]), treated=np.array(treated), outcomes=np.zeros(2), costs=np.array(costs))


def test_promoted_threshold_round_trips_and_foreign_files_are_refused(tmp_path: Path) -> None:
    review = review_threshold(simulated_run(6000, effect_above=0.031, seed=1), current=0.012)
    path = tmp_path / "send_threshold.json"
    save_threshold(path, review, ["run-1"], promoted_at=datetime(2026, 11, 5, tzinfo=UTC))
    assert load_threshold(path) == review.chosen_threshold
    path.write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a usable send-threshold file"):
        load_threshold(path)


def result(send: bool) -> PromotionResult:
    profile = PromptProfile(recency="active_7d", value_tier="high", price_sensitivity="high", funnel_stage="buyer")
    decision = TargetingDecision(
        send=send, channel="push" if send else None, score=0.03, threshold=0.012, propensity=1.0, policy_version="t"
    )
    explanation = Explanation(
        features_used=profile, critic_checks=[], attempts=1, used_fallback=False, targeting_reasons=[]
    )
    return PromotionResult(
        user_ref="u_x", campaign_id="c", message=None, rendered=None, decision=decision, explanation=explanation
    )


def test_send_log_scores_both_arms_at_the_run_clock(tmp_path: Path, services: Services) -> None:
    store = RunStore(tmp_path / "runs.sqlite")
    campaign = make_campaign()
    store.create("r1", campaign, NOW, ["u-zh-1", "u-en-1", "u-cold"], holdout=frozenset({"u-cold"}))
    store.finish("r1", "u-zh-1", result(True), None, 1.0)
    store.finish("r1", "u-en-1", result(True), None, 1.0)
    log = send_log(store, services, "r1", {"u-zh-1": 120.0})
    assert log.treated.tolist() == [False, True, True]  # sorted: u-cold (holdout), u-en-1, u-zh-1
    assert log.outcomes.tolist() == [0.0, 0.0, 120.0]
    assert log.costs.tolist() == [0.0, campaign.cost_per_send["push"], campaign.cost_per_send["push"]]
    assert (log.lifts > 0).all()
    with pytest.raises(ValueError, match="no run 'nope'"):
        send_log(store, services, "nope", {})
    store.close()


def test_cli_reestimate_of_unknown_run_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROMO_HOME", str(tmp_path))
    get_settings.cache_clear()
    try:
        outcome = CliRunner().invoke(app, ["campaign", "reestimate", "nope"])
    finally:
        get_settings.cache_clear()
    assert outcome.exit_code == 2 and "no run 'nope'" in outcome.output

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tools.targeting.offline.logs import FloatArray, LoggedFeedback, LogValidationError
from tools.targeting.offline.ope import (
    DirectMethod,
    DoublyRobust,
    InverseProbabilityWeighting,
    OffPolicyEstimator,
    SelfNormalizedIPW,
    deterministic_dist,
)
from tools.targeting.offline.selection import select_policy

GOOD: dict[str, Any] = {"actions": [0, 1, 2], "rewards": [1.0, 0.0, 1.0], "propensities": [0.5, 0.25, 0.25]}


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"propensities": [0.5, -0.1, 0.25]}, LogValidationError, r"propensities must be > 0; row 1 has -0.1"),
        ({"propensities": [0.5, 0.0, 0.25]}, LogValidationError, r"propensities must be > 0; row 1 has 0.0"),
        ({"propensities": [0.5, 25.0, 0.25]}, LogValidationError, r"must be <= 1; row 1 has 25.0 \(a percentage"),
        ({"rewards": [1.0, 0.0]}, LogValidationError, r"mismatched lengths: actions=3, rewards=2, propensities=3"),
        ({"actions": [], "rewards": [], "propensities": []}, LogValidationError, r"actions is empty"),
        ({"rewards": [1.0, np.nan, 0.0]}, LogValidationError, r"rewards has a NaN or infinite value at row 1"),
        ({"propensities": [0.5, np.nan, 0.2]}, LogValidationError, r"propensities has a NaN"),
        ({"actions": [0, 3, 1]}, LogValidationError, r"actions must be in 0..2; row 1 has 3"),
        ({"actions": [0, 1.5, 1]}, LogValidationError, r"integer action indices; row 1 has 1.5"),
        ({"actions": ["a", "b", "c"]}, LogValidationError, r"actions must be numbers"),
        ({"rewards": [[1.0], [0.0], [1.0]]}, LogValidationError, r"rewards must be 1-dimensional"),
        ({"n_actions": 1}, LogValidationError, r"n_actions must be an integer >= 2"),
    ],
)
def test_bad_logs_say_what_to_fix(change: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        LoggedFeedback(**{"n_actions": 3, **GOOD, **change})


@pytest.mark.parametrize(
    ("dist", "rewards_hat", "message"),
    [
        (np.full((2, 3), 1 / 3), None, r"action_dist must have shape \(3, 3\), got \(2, 3\)"),
        ([[0.5, 0.5, 0.5]] * 3, None, r"rows must sum to 1; row 0 sums to 1.5"),
        ([[1.5, -0.5, 0.0]] * 3, None, r"probabilities in \[0, 1\]; row 0"),
        ([[np.nan, 0.5, 0.5]] * 3, None, r"action_dist has a NaN"),
        (np.full((3, 3), 1 / 3), np.zeros((3, 2)), r"estimated_rewards must have shape \(3, 3\)"),
    ],
)
def test_bad_policies_say_what_to_fix(dist: Any, rewards_hat: Any, message: str) -> None:
    log = LoggedFeedback(n_actions=3, **GOOD)
    with pytest.raises(LogValidationError, match=message):
        DoublyRobust(n_bootstrap=10).estimate(log, dist, rewards_hat)


@pytest.mark.parametrize("estimator", [DirectMethod, DoublyRobust])
def test_model_based_estimators_need_a_reward_model(estimator: type[OffPolicyEstimator]) -> None:
    log = LoggedFeedback(n_actions=3, **GOOD)
    with pytest.raises(LogValidationError, match="needs estimated_rewards"):
        estimator().estimate(log, np.full((3, 3), 1 / 3))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"alpha": 0.0}, "alpha must be in"),
        ({"alpha": 1.5}, "alpha must be in"),
        ({"n_bootstrap": 5}, "n_bootstrap must be an integer >= 10"),
        ({"random_state": -1}, "random_state must be a non-negative integer"),
    ],
)
def test_bad_estimator_settings(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        InverseProbabilityWeighting(**settings)


# Synthetic world with exact truth: 4 context types, 3 actions, known click probabilities.
P_CONTEXT = np.array([0.4, 0.3, 0.2, 0.1])
Q = np.array([[0.10, 0.30, 0.20], [0.25, 0.05, 0.15], [0.40, 0.20, 0.10], [0.05, 0.10, 0.60]])
LOGGING = np.array([[0.6, 0.2, 0.2], [0.2, 0.6, 0.2], [0.2, 0.2, 0.6], [1 / 3, 1 / 3, 1 / 3]])
TARGET = np.array([[0.1, 0.8, 0.1], [0.8, 0.1, 0.1], [0.9, 0.05, 0.05], [0.0, 0.0, 1.0]])
TRUTH = float((P_CONTEXT[:, None] * TARGET * Q).sum())


def simulate(seed: int, n: int = 3000) -> tuple[LoggedFeedback, FloatArray, FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    context = rng.choice(4, size=n, p=P_CONTEXT)
    cumulative = LOGGING[context].cumsum(axis=1)
    actions = (rng.random(n)[:, None] > cumulative).sum(axis=1)
    rewards = (rng.random(n) < Q[context, actions]).astype(float)
    log = LoggedFeedback(actions, rewards, LOGGING[context, actions], n_actions=3)
    wrong_model = np.full((n, 3), 0.2)  # a deliberately wrong reward model: DR must still be unbiased
    return log, TARGET[context], Q[context], wrong_model


@pytest.mark.parametrize(
    ("estimator", "model"),
    [(InverseProbabilityWeighting, None), (SelfNormalizedIPW, None), (DirectMethod, "true"), (DoublyRobust, "wrong")],
)
def test_estimators_are_unbiased_with_honest_intervals(estimator: type[OffPolicyEstimator], model: str | None) -> None:
    estimates, covered = [], 0
    for seed in range(20):
        log, target, true_model, wrong_model = simulate(seed)
        rewards_hat = {"true": true_model, "wrong": wrong_model, None: None}[model]
        value = estimator(n_bootstrap=200, random_state=seed).estimate(log, target, rewards_hat)
        estimates.append(value.value)
        covered += value.ci_low <= TRUTH <= value.ci_high
    spread = np.std(estimates) / np.sqrt(len(estimates))
    assert abs(np.mean(estimates) - TRUTH) < 3 * spread + 1e-3  # bias within sampling error
    assert covered >= 16  # nominal 95 % coverage; 16 of 20 leaves room for chance


def test_direct_method_with_wrong_model_is_biased_and_dr_repairs_it() -> None:
    log, target, _, wrong_model = simulate(0, n=20_000)
    dm = DirectMethod(n_bootstrap=50).estimate(log, target, wrong_model)
    dr = DoublyRobust(n_bootstrap=50).estimate(log, target, wrong_model)
    assert not dm.ci_low <= TRUTH <= dm.ci_high
    assert abs(dr.value - TRUTH) < 0.01


def test_same_seed_same_interval_and_scaling() -> None:
    log, target, _, _ = simulate(1)
    first = InverseProbabilityWeighting(n_bootstrap=100).estimate(log, target)
    again = InverseProbabilityWeighting(n_bootstrap=100).estimate(log, target)
    assert first == again
    per_thousand = first.scaled(1000)
    assert per_thousand.value == pytest.approx(first.value * 1000)
    assert per_thousand.ci_low <= per_thousand.value <= per_thousand.ci_high


def test_selection_replaces_incumbent_only_on_clear_evidence() -> None:
    log, target, true_model, _ = simulate(2, n=5000)
    n = log.n_rounds
    worst = deterministic_dist(np.argmin(true_model, axis=1), 3)  # always the worst action
    best = deterministic_dist(np.argmax(true_model, axis=1), 3)
    candidates = {"incumbent": worst, "learned": best, "same": worst.copy(), "target": target}
    chosen = select_policy(log, candidates, "incumbent", estimated_rewards=true_model)
    assert chosen.replaced
    assert chosen.chosen == "learned"
    assert chosen.differences["learned"][1] > 0
    kept = select_policy(log, {"incumbent": best, "copy": best.copy()}, "incumbent", estimated_rewards=true_model)
    assert not kept.replaced
    assert "incumbent kept" in kept.reasons[-1]
    assert kept.values["incumbent"].n_rounds == n


def test_selection_needs_the_incumbent_among_candidates() -> None:
    log, target, _, _ = simulate(3, n=100)
    with pytest.raises(ValueError, match="incumbent 'old' is not among"):
        select_policy(log, {"new": target}, "old")

"""Close the loop for variant choice: a finished run's sends and their feedback train the variant bandit.

Each send logged the features of the variant it chose (`decision.choice_features`); its reward is 1 when the
user produced the outcome event (click or conversion) in that run, else 0. A run is learned at most once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.decision import PromotionResult
from tools.targeting.variant_bandit import VariantBandit


@dataclass(frozen=True)
class LearnReport:
    """What one learning pass used and changed."""

    run_id: str
    sends: int
    rewarded: int
    skipped_without_features: int
    version_before: str
    version_after: str


def learn_from_run(
    bandit: VariantBandit,
    run_id: str,
    results: Iterable[tuple[str, PromotionResult]],
    outcomes: dict[str, float],
) -> LearnReport:
    """Update `bandit` with one reward per send of `run_id`; refuses a run it has already learned."""
    if run_id in bandit.learned_runs:
        raise ValueError(f"run {run_id!r} was already learned by this bandit ({bandit.version}); rewards count once")
    before = bandit.version
    sends = rewarded = skipped = 0
    for user_id, result in results:
        decision = result.decision
        if not decision.send:
            continue
        if not decision.choice_features:
            # Sends planned before the bandit existed carry no features: nothing to learn from them.
            skipped += 1
            continue
        reward = 1.0 if user_id in outcomes else 0.0
        bandit.update(decision.choice_features, reward)
        sends += 1
        rewarded += int(reward > 0)
    if sends == 0:
        raise ValueError(f"run {run_id!r} has no sends with logged variant features to learn from")
    bandit.learned_runs.append(run_id)
    return LearnReport(run_id, sends, rewarded, skipped, before, bandit.version)

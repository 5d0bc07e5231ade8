"""Choose the effect model per data set by cross-fitted policy value, not by fit.

Each candidate (ridge, boosted trees) is fitted on all folds but one and ranks the held-out fold; the
policy "send the best treatment to the top `share` of the fold by predicted score" is then valued on that
fold with the cross-fitted doubly robust scores (an IPW value, corrected by the outcome models). The
candidate whose policy is worth most wins. Fit statistics (R², MSE on pseudo-outcomes) are not used:
what matters is whether the ranking at the budget finds the customers who respond.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import KFold

from tools.targeting.offline.logs import FloatArray, IntArray
from tools.targeting.offline.uplift import DRScores, EffectKind, Progress, fit_effect_model


def top_share_actions(scores: FloatArray, share: float) -> IntArray:
    """The best treatment (1..K-1) for the top `share` of rows by best score when it is positive; 0 otherwise."""
    actions = np.zeros(scores.shape[0], dtype=np.int64)
    best = scores.max(axis=1)
    chosen = np.argsort(-best, kind="stable")[: int(share * scores.shape[0])]
    chosen = chosen[best[chosen] > 0]
    actions[chosen] = scores[chosen].argmax(axis=1) + 1
    return actions


@dataclass(frozen=True)
class CandidateValue:
    """A candidate's cross-fitted policy value: mean DR score of its top-share policy, per customer."""

    value: float
    se: float
    """Standard error across rows."""
    per_fold: list[float]


@dataclass(frozen=True)
class LearnerChoice:
    """The chosen effect model and every candidate's value."""

    chosen: EffectKind
    share: float
    values: dict[str, CandidateValue]

    def summary(self) -> dict[str, Any]:
        """JSON-ready, for the policy file's info."""
        return {
            "rule": "highest cross-fitted DR value of the top-share policy",
            "share": self.share,
            "chosen": self.chosen,
            "values": {kind: {"value": v.value, "se": v.se} for kind, v in self.values.items()},
        }


def choose_effect_model(
    features: FloatArray,
    scores: dict[str, DRScores],
    weights: dict[str, float],
    kinds: Sequence[EffectKind] = ("linear", "trees"),
    *,
    share: float = 0.3,
    n_folds: int = 3,
    random_state: int = 0,
    n_threads: int = 1,
    progress: Progress | None = None,
) -> LearnerChoice:
    """Value each candidate's top-`share` policy on held-out folds; the highest value wins (ties: first)."""
    if not kinds:
        raise ValueError("name at least one candidate effect model")
    if not 0 < share <= 1:
        raise ValueError(f"selection share must be in (0, 1], got {share}")
    say = progress or (lambda _text: None)
    gamma = sum(weights[o] * scores[o].scores for o in weights)
    assert isinstance(gamma, np.ndarray)
    folds = list(KFold(n_folds, shuffle=True, random_state=random_state + 1).split(features))
    values: dict[str, CandidateValue] = {}
    for kind in kinds:
        per_row = np.empty(features.shape[0])
        for fold, (train, test) in enumerate(folds, start=1):
            say(f"candidate {kind}, fold {fold}/{n_folds}")
            ranking = np.zeros((test.size, gamma.shape[1] - 1))
            for outcome, weight in weights.items():
                model = fit_effect_model(kind, features[train], scores[outcome].pseudo[train], random_state, n_threads)
                ranking += weight * model.predict(features[test])
            per_row[test] = gamma[test, top_share_actions(ranking, share)]
        values[kind] = CandidateValue(
            float(per_row.mean()),
            float(per_row.std() / np.sqrt(per_row.size)),
            [float(per_row[test].mean()) for _, test in folds],
        )
    chosen = max(kinds, key=lambda kind: (values[kind].value, -kinds.index(kind)))
    return LearnerChoice(chosen, share, values)

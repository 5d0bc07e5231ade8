"""Choose the effect model and its training signal per data set by cross-fitted policy value, not by fit.

A candidate is an effect model kind (ridge, boosted trees) and a training signal: the outcomes whose
effects it ranks customers by, with weights. The signal is the target (the outcomes the policy is meant
to raise, e.g. conversion) or, where the log also holds a denser outcome declared as a surrogate (e.g.
visit, ten times as frequent as conversion and on the path to it), the surrogate alone or the target plus
the surrogate. A sparse target gives noisy pseudo-outcomes; a dense surrogate's effects may rank the same
customers better even when judged on the target.

Each candidate is fitted on all folds but one and ranks the held-out fold; the policy "send the best
treatment to the top `share` of the fold by predicted score" is then valued on that fold with the
cross-fitted doubly robust scores of the TARGET outcomes (an IPW value, corrected by the outcome
models), whatever the candidate was trained on. The candidate whose policy is worth most wins. Fit
statistics (R², MSE on pseudo-outcomes) are not used: what matters is whether the ranking at the budget
finds the customers who respond on the outcome that counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import KFold

from tools.targeting.offline.effects import EffectModel
from tools.targeting.offline.logs import FloatArray, IntArray
from tools.targeting.offline.uplift import DRScores, EffectKind, Progress, fit_effect_model

RULE = "highest cross-fitted DR value of the top-share policy on the target outcome(s)"


def top_share_actions(scores: FloatArray, share: float) -> IntArray:
    """The best treatment (1..K-1) for the top `share` of rows by best score when it is positive; 0 otherwise."""
    actions = np.zeros(scores.shape[0], dtype=np.int64)
    best = scores.max(axis=1)
    chosen = np.argsort(-best, kind="stable")[: int(share * scores.shape[0])]
    chosen = chosen[best[chosen] > 0]
    actions[chosen] = scores[chosen].argmax(axis=1) + 1
    return actions


@dataclass(frozen=True)
class Candidate:
    """An effect model kind and the signal it is trained on: outcome -> weight in the ranking score."""

    kind: EffectKind
    signal: dict[str, float]
    name: str
    """The kind alone when the signal is the target ("linear"), else "linear on visit" and the like."""

    def ranking(self, models: Mapping[str, EffectModel], features: FloatArray) -> FloatArray:
        """Weighted effects of each treatment 1..K-1, shape (n, K-1), from one effect model per signal outcome."""
        parts = [weight * models[outcome].predict(features) for outcome, weight in self.signal.items()]
        return np.asarray(np.sum(parts, axis=0), dtype=np.float64)


def average_effect(scores: Mapping[str, DRScores], weights: Mapping[str, float]) -> FloatArray:
    """DR estimate of each treatment's average effect on the weighted outcomes, shape (K-1,)."""
    return np.asarray(sum(w * scores[o].pseudo.mean(axis=0) for o, w in weights.items()), dtype=np.float64)


def surrogate_weight(scores: Mapping[str, DRScores], target: Mapping[str, float], surrogate: str) -> float:
    """Weight that puts a surrogate's effects in target units: |average target effect| / |average surrogate effect|.

    So "target + surrogate" gives both equal say, and a surrogate-only policy's scores read roughly as
    target effects. A surrogate is taken to move the same way as the target (more visits, more
    conversions): the weight is never negative. 1 when either average effect is zero.
    """
    target_size = float(np.linalg.norm(average_effect(scores, target)))
    surrogate_size = float(np.linalg.norm(average_effect(scores, {surrogate: 1.0})))
    if not (np.isfinite(target_size) and np.isfinite(surrogate_size)) or min(target_size, surrogate_size) <= 0:
        return 1.0
    return target_size / surrogate_size


def _name(kind: EffectKind, signal: Mapping[str, float], target: Mapping[str, float]) -> str:
    return kind if dict(signal) == dict(target) else f"{kind} on {'+'.join(signal)}"


def make_candidates(
    scores: Mapping[str, DRScores],
    target: Mapping[str, float],
    kinds: Sequence[EffectKind] = ("linear", "trees"),
    surrogates: Sequence[str] = (),
) -> list[Candidate]:
    """Every kind trained on the target; then, per surrogate, on the surrogate alone and on target + surrogate.

    Target-trained candidates come first, so ties go to them.
    """
    if not kinds:
        raise ValueError("name at least one candidate effect model")
    signals: list[dict[str, float]] = [dict(target)]
    for surrogate in surrogates:
        if surrogate in target:
            raise ValueError(f"surrogate {surrogate!r} is already a target outcome")
        if surrogate not in scores:
            raise ValueError(f"no DR scores for surrogate {surrogate!r}")
        weight = surrogate_weight(scores, target, surrogate)
        signals += [{surrogate: weight}, {**target, surrogate: weight}]
    return [Candidate(kind, signal, _name(kind, signal, target)) for signal in signals for kind in kinds]


@dataclass(frozen=True)
class CandidateValue:
    """A candidate's cross-fitted policy value: mean DR score of its top-share policy, per customer."""

    value: float
    se: float
    """Standard error across rows."""
    per_fold: list[float]


@dataclass(frozen=True)
class LearnerChoice:
    """The chosen candidate and every candidate's value on the target."""

    candidate: Candidate
    share: float
    values: dict[str, CandidateValue]
    target: dict[str, float]
    candidates: tuple[Candidate, ...] = ()

    @property
    def chosen(self) -> str:
        """The chosen candidate's name."""
        return self.candidate.name

    def summary(self) -> dict[str, Any]:
        """JSON-ready, for the policy file's info."""
        signals = {c.name: c.signal for c in self.candidates}
        return {
            "rule": RULE,
            "share": self.share,
            "target": self.target,
            "chosen": self.chosen,
            "effect_model": self.candidate.kind,
            "signal": self.candidate.signal,
            "values": {
                name: {"value": v.value, "se": v.se, **({"signal": signals[name]} if name in signals else {})}
                for name, v in self.values.items()
            },
        }


def choose_candidate(
    features: FloatArray,
    scores: Mapping[str, DRScores],
    target: Mapping[str, float],
    candidates: Sequence[Candidate],
    *,
    share: float = 0.3,
    n_folds: int = 3,
    random_state: int = 0,
    n_threads: int = 1,
    progress: Progress | None = None,
) -> LearnerChoice:
    """Value each candidate's top-`share` policy on held-out folds by the target's DR scores; highest wins.

    Ties go to the earlier candidate. Effect models are fitted once per (kind, outcome, fold) and shared
    by every candidate that needs them, so a mixed signal costs no extra fit.
    """
    if not candidates:
        raise ValueError("name at least one candidate effect model")
    if not 0 < share <= 1:
        raise ValueError(f"selection share must be in (0, 1], got {share}")
    if len({c.name for c in candidates}) != len(candidates):
        raise ValueError(f"candidate names must be distinct: {[c.name for c in candidates]}")
    say = progress or (lambda _text: None)
    gamma = sum(weight * scores[outcome].scores for outcome, weight in target.items())
    assert isinstance(gamma, np.ndarray)
    folds = list(KFold(n_folds, shuffle=True, random_state=random_state + 1).split(features))
    per_row = {c.name: np.empty(features.shape[0]) for c in candidates}
    for fold, (train, test) in enumerate(folds, start=1):
        models: dict[tuple[EffectKind, str], EffectModel] = {}
        for candidate in candidates:
            for outcome in candidate.signal:
                if (candidate.kind, outcome) not in models:
                    say(f"candidate {candidate.kind} on {outcome}, fold {fold}/{n_folds}")
                    models[candidate.kind, outcome] = fit_effect_model(
                        candidate.kind, features[train], scores[outcome].pseudo[train], random_state, n_threads
                    )
            mine = {outcome: models[candidate.kind, outcome] for outcome in candidate.signal}
            ranking = candidate.ranking(mine, features[test])
            per_row[candidate.name][test] = gamma[test, top_share_actions(ranking, share)]
    values = {
        name: CandidateValue(
            float(rows.mean()), float(rows.std() / np.sqrt(rows.size)), [float(rows[test].mean()) for _, test in folds]
        )
        for name, rows in per_row.items()
    }
    best = max(range(len(candidates)), key=lambda i: (values[candidates[i].name].value, -i))
    return LearnerChoice(candidates[best], share, values, dict(target), tuple(candidates))


def choose_effect_model(
    features: FloatArray,
    scores: Mapping[str, DRScores],
    weights: Mapping[str, float],
    kinds: Sequence[EffectKind] = ("linear", "trees"),
    *,
    surrogates: Sequence[str] = (),
    share: float = 0.3,
    n_folds: int = 3,
    random_state: int = 0,
    n_threads: int = 1,
    progress: Progress | None = None,
) -> LearnerChoice:
    """`choose_candidate` over `make_candidates`: every kind on the target `weights`, and on each surrogate."""
    return choose_candidate(
        features,
        scores,
        weights,
        make_candidates(scores, weights, kinds, surrogates),
        share=share,
        n_folds=n_folds,
        random_state=random_state,
        n_threads=n_threads,
        progress=progress,
    )


def fit_candidate(
    candidate: Candidate,
    features: FloatArray,
    scores: Mapping[str, DRScores],
    random_state: int = 0,
    n_threads: int = 1,
) -> dict[str, EffectModel]:
    """The candidate's effect models on all rows, one per outcome of its signal."""
    return {
        outcome: fit_effect_model(candidate.kind, features, scores[outcome].pseudo, random_state, n_threads)
        for outcome in candidate.signal
    }

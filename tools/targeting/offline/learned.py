"""A learned targeting policy: per-treatment effect models on encoded features, saved as plain JSON.

The file holds only numbers and names (encoding, linear effect coefficients or the boosted trees' split
features, thresholds, children, leaf values and counts, outcome weights), so loading a policy runs no
code: unlike pickle or joblib, an untrusted policy file cannot execute anything, and tree structures are
checked (children after parents, features in range) before use. Format /2 adds tree effect models;
/1 files (linear only) still load.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tools.targeting.offline.candidates import choose_candidate, fit_candidate, make_candidates
from tools.targeting.offline.effects import EffectModel, effects_from_dict
from tools.targeting.offline.encoding import FeatureEncoder
from tools.targeting.offline.logs import FloatArray
from tools.targeting.offline.table import Table, TableError
from tools.targeting.offline.uplift import (
    Calibration,
    DRLearner,
    DRScores,
    EffectKind,
    OutcomeModel,
    Progress,
)

POLICY_FORMAT = "promo-uplift-policy/2"
READABLE_FORMATS = ("promo-uplift-policy/1", POLICY_FORMAT)


@dataclass(frozen=True)
class LogColumns:
    """Which columns of a campaign log hold what."""

    treatment: str
    control: str
    """The treatment value that means "nothing sent"."""
    outcomes: dict[str, float]
    """Outcome column -> weight in the score (e.g. {"visit": 1.0} or {"conversion": 1.0, "spend": 0.01})."""
    numeric: list[str] = field(default_factory=list)
    categorical: list[str] = field(default_factory=list)
    propensity: str | None = None
    """P(logged treatment) per row; None: randomized, with each treatment's share of the log."""
    surrogates: list[str] = field(default_factory=list)
    """Denser outcome columns that move with the target (visit for conversion): effect models trained on
    them, alone or added to the target, are candidates too, still judged by cross-fitted target value."""

    def __post_init__(self) -> None:
        if not self.outcomes:
            raise ValueError("name at least one outcome column")
        if not all(np.isfinite(w) for w in self.outcomes.values()):
            raise ValueError(f"outcome weights must be finite numbers, got {self.outcomes}")
        if overlap := sorted(set(self.surrogates) & set(self.outcomes)):
            raise ValueError(f"surrogate(s) {', '.join(overlap)} already among the outcomes")
        if len(set(self.surrogates)) != len(self.surrogates):
            raise ValueError(f"surrogates named twice: {self.surrogates}")


@dataclass(frozen=True)
class UpliftPolicy:
    """Scores every treatment for every customer: the weighted sum of its predicted effects.

    `weights` is the signal the policy ranks by: the target outcomes, or, when a surrogate won the
    cross-fitted comparison, the surrogate's effects scaled into target units (`info["target"]` keeps
    the outcomes it was judged on).
    """

    encoder: FeatureEncoder
    treatments: list[str]
    """Index 0 is control; the others are the treatments that can be sent."""
    effects: dict[str, EffectModel]
    weights: dict[str, float]
    info: dict[str, Any] = field(default_factory=dict)

    def scores(self, features: FloatArray) -> FloatArray:
        """Weighted effect of each treatment 1..K-1, shape (n, K-1)."""
        total = np.zeros((features.shape[0], len(self.treatments) - 1))
        for outcome, weight in self.weights.items():
            total += weight * self.effects[outcome].predict(features)
        return total

    def contributions(self, features: FloatArray, treatment: int) -> FloatArray:
        """Per encoded feature, its push on treatment `treatment`'s score away from the average customer's."""
        total = np.zeros_like(features)
        for outcome, weight in self.weights.items():
            total += weight * self.effects[outcome].contributions(features, treatment)
        return total

    def to_json(self) -> str:
        """The policy file's text."""
        return json.dumps(
            {
                "format": POLICY_FORMAT,
                "encoder": self.encoder.to_dict(),
                "treatments": self.treatments,
                "effects": {name: effect.to_dict() for name, effect in self.effects.items()},
                "weights": self.weights,
                "info": self.info,
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str, source: str = "policy") -> UpliftPolicy:
        """Parse a policy file; errors say what is wrong with it."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"{source}: not a JSON policy file ({error})") from error
        if not isinstance(data, dict) or data.get("format") not in READABLE_FORMATS:
            raise ValueError(f"{source}: not a {POLICY_FORMAT} file; fit one with `promo policy fit`")
        try:
            effects = {name: effects_from_dict(effect) for name, effect in data["effects"].items()}
            return cls(
                FeatureEncoder.from_dict(data["encoder"]),
                data["treatments"],
                effects,
                data["weights"],
                data.get("info", {}),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{source}: damaged policy file ({error})") from error

    def save(self, path: Path) -> None:
        """Write the policy file."""
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> UpliftPolicy:
        """Read a policy file."""
        if not path.is_file():
            raise ValueError(f"{path}: policy file not found")
        return cls.from_json(path.read_text(encoding="utf-8"), str(path))


def treatment_indices(table: Table, columns: LogColumns) -> tuple[list[str], np.ndarray[Any, np.dtype[np.int64]]]:
    """Treatment names (control first) and each row's treatment index."""
    table.require([columns.treatment])
    raw = table.columns[columns.treatment]
    names = sorted(set(raw))
    if columns.control not in names:
        raise TableError(
            f"{table.source}: control value {columns.control!r} never appears in {columns.treatment!r}; "
            f"values seen: {', '.join(names[:10])}"
        )
    treatments = [columns.control] + [name for name in names if name != columns.control]
    index = {name: i for i, name in enumerate(treatments)}
    return treatments, np.asarray([index[value] for value in raw], dtype=np.int64)


def fit_uplift_policy(
    table: Table,
    columns: LogColumns,
    *,
    n_bins: int = 4,
    outcome_model: OutcomeModel = "gbm",
    calibration: Calibration = "isotonic",
    n_folds: int = 3,
    random_state: int = 0,
    effect_models: Sequence[EffectKind] = ("linear", "trees"),
    selection_share: float = 0.3,
    progress: Progress | None = None,
) -> UpliftPolicy:
    """Fit cross-fitted DR-learners, one per outcome, with the effect model chosen by cross-fitted value.

    The nuisance stage (outcome models per arm, DR scores) runs once per outcome and surrogate; each
    candidate (every kind in `effect_models`, trained on the target outcomes, and, per surrogate in
    `columns.surrogates`, on the surrogate alone and on target + surrogate) is then valued by the policy
    it implies at `selection_share` of the customers on held-out folds, always by the target outcomes'
    DR scores (`candidates.choose_candidate`), and the winner is refitted on all rows.
    """
    say = progress or (lambda _text: None)
    table.require([*columns.outcomes, *columns.surrogates, *([columns.propensity] if columns.propensity else [])])
    treatments, actions = treatment_indices(table, columns)
    encoder = FeatureEncoder(columns.numeric, columns.categorical, n_bins).fit(table)
    features = encoder.transform(table)
    if columns.propensity:
        propensities = table.numbers(columns.propensity)
    else:  # randomized assignment: P(treatment) is its share of the log
        propensities = (np.bincount(actions) / actions.size)[actions]
    scores: dict[str, DRScores] = {}
    for outcome in [*columns.outcomes, *columns.surrogates]:

        def tell(text: str, outcome: str = outcome) -> None:
            say(f"{outcome}: {text}")

        learner = DRLearner(len(treatments), outcome_model, calibration, n_folds, random_state)
        scores[outcome] = learner.dr_scores(features, actions, table.numbers(outcome), propensities, progress=tell)
    info: dict[str, Any] = {
        "rows": table.n_rows,
        "learner": "DR",
        "outcome_model": outcome_model,
        "random_state": random_state,
        "propensity": columns.propensity or "treatment shares (randomized)",
    }
    candidates = make_candidates(scores, columns.outcomes, effect_models or ("linear",), columns.surrogates)
    chosen = candidates[0]
    if len(candidates) > 1:
        choice = choose_candidate(
            features,
            scores,
            columns.outcomes,
            candidates,
            share=selection_share,
            n_folds=n_folds,
            random_state=random_state,
            progress=say,
        )
        chosen, info["selection"] = choice.candidate, choice.summary()
    say(f"effect model ({chosen.name})")
    effects = fit_candidate(chosen, features, scores, random_state)
    info["effect_model"] = chosen.kind
    info["target"] = dict(columns.outcomes)
    if columns.surrogates:
        info["surrogates"] = list(columns.surrogates)
    return UpliftPolicy(encoder, treatments, effects, dict(chosen.signal), info)

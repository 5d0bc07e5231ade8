"""Surrogate outcomes: effect models trained on a denser outcome compete, judged on the target's cross-fitted value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.model_selection import KFold

from tools.targeting.offline.candidates import (
    Candidate,
    choose_candidate,
    choose_effect_model,
    make_candidates,
    surrogate_weight,
    top_share_actions,
)
from tools.targeting.offline.learned import LogColumns, UpliftPolicy, fit_uplift_policy
from tools.targeting.offline.logs import FloatArray, IntArray
from tools.targeting.offline.table import Table
from tools.targeting.offline.uplift import DRLearner, DRScores, fit_effect_model

FAST: dict[str, Any] = {"outcome_model": "linear", "calibration": "none", "n_folds": 2}


def funnel(
    n: int, seed: int, *, helpful: bool, rate: float = 0.05
) -> tuple[FloatArray, IntArray, FloatArray, FloatArray]:
    """Three arms at 1/3; treatment 1 lifts visits by 0.3 where x0 > 0.

    helpful: a conversion is a visit that buys (`rate`), so conversions are sparse and their effect
    follows the visit effect. Not helpful: conversions are frequent and lifted only where x0 < 0, where
    visits are not: the surrogate points the wrong way.
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 8))
    a = rng.integers(0, 3, n)
    visit = rng.random(n) < 0.2 + np.where(a == 1, 0.3 * (x[:, 0] > 0), 0.0)
    if helpful:
        conversion = visit & (rng.random(n) < rate)
    else:
        conversion = rng.random(n) < 0.2 + np.where(a == 1, 0.3 * (x[:, 0] < 0), 0.0)
    return x, a, visit.astype(float), conversion.astype(float)


def dr_scores(x: FloatArray, a: IntArray, **outcomes: FloatArray) -> dict[str, DRScores]:
    return {name: DRLearner(3, **FAST).dr_scores(x, a, y, np.full(a.size, 1 / 3)) for name, y in outcomes.items()}


def constant_scores(effects: list[float], n: int = 4) -> DRScores:
    """DR scores whose pseudo-outcomes are `effects` (one per treatment) on every row."""
    return DRScores(np.tile([0.0, *effects], (n, 1)))


def test_candidates_cover_target_surrogate_and_mix_with_target_first() -> None:
    scores = {"conversion": constant_scores([0.006, 0.003]), "visit": constant_scores([0.08, 0.04])}
    weight = surrogate_weight(scores, {"conversion": 1.0}, "visit")
    assert weight == pytest.approx(0.075)  # |(0.006, 0.003)| / |(0.08, 0.04)|
    candidates = make_candidates(scores, {"conversion": 1.0}, ("linear", "trees"), ["visit"])
    assert [c.name for c in candidates] == [
        "linear",
        "trees",
        "linear on visit",
        "trees on visit",
        "linear on conversion+visit",
        "trees on conversion+visit",
    ]
    assert candidates[2].signal == {"visit": pytest.approx(0.075)}
    assert candidates[4].signal == {"conversion": 1.0, "visit": pytest.approx(0.075)}
    assert [c.name for c in make_candidates(scores, {"conversion": 1.0})] == ["linear", "trees"]
    # A surrogate with no average effect cannot be scaled: weight 1, never negative.
    assert surrogate_weight({**scores, "flat": constant_scores([0.0, 0.0])}, {"conversion": 1.0}, "flat") == 1.0
    assert surrogate_weight({**scores, "down": constant_scores([-0.08, -0.04])}, {"conversion": 1.0}, "down") > 0
    with pytest.raises(ValueError, match="already a target outcome"):
        make_candidates(scores, {"conversion": 1.0}, surrogates=["conversion"])
    with pytest.raises(ValueError, match="no DR scores for surrogate 'spend'"):
        make_candidates(scores, {"conversion": 1.0}, surrogates=["spend"])
    with pytest.raises(ValueError, match="at least one candidate"):
        make_candidates(scores, {"conversion": 1.0}, ())


def test_dense_surrogate_wins_when_the_target_is_sparse() -> None:
    x, a, visit, conversion = funnel(6000, 0, helpful=True)
    assert conversion.sum() < 100  # sparse: the conversion-trained ranking is mostly noise
    scores = dr_scores(x, a, conversion=conversion, visit=visit)
    choice = choose_effect_model(x, scores, {"conversion": 1.0}, ("linear",), surrogates=["visit"], n_folds=2)
    assert set(choice.values) == {"linear", "linear on visit", "linear on conversion+visit"}
    assert "visit" in choice.candidate.signal
    assert choice.values[choice.chosen].value > choice.values["linear"].value
    summary = choice.summary()
    assert summary["target"] == {"conversion": 1.0}
    assert summary["signal"] == choice.candidate.signal
    assert summary["values"]["linear on visit"]["signal"] == {"visit": pytest.approx(choice.candidate.signal["visit"])}


def test_candidates_are_valued_on_the_target_not_on_their_own_signal() -> None:
    x, a, visit, conversion = funnel(3000, 1, helpful=False)
    scores = dr_scores(x, a, conversion=conversion, visit=visit)
    choice = choose_effect_model(x, scores, {"conversion": 1.0}, ("linear",), surrogates=["visit"], n_folds=2)
    assert choice.chosen == "linear"  # the visit-trained ranking sends to x0 > 0, where conversions do not move
    assert choice.values["linear on visit"].value < choice.values["linear"].value - 0.03
    # Recompute the visit-trained candidate's value by hand: its ranking, the conversion DR scores.
    folds = KFold(2, shuffle=True, random_state=1).split(x)
    per_row = np.empty(x.shape[0])
    for train, test in folds:
        model = fit_effect_model("linear", x[train], scores["visit"].pseudo[train])
        per_row[test] = scores["conversion"].scores[test, top_share_actions(model.predict(x[test]), 0.3)]
    assert choice.values["linear on visit"].value == pytest.approx(per_row.mean(), abs=1e-12)
    # Judged on visits instead, the same candidate would have been the better one.
    on_visits = choose_effect_model(x, scores, {"visit": 1.0}, ("linear",), n_folds=2)
    assert on_visits.values["linear"].value > 0.2 + 0.3 * 0.3 - 0.03


def test_choice_checks_its_candidates() -> None:
    x, a, visit, conversion = funnel(600, 2, helpful=True)
    scores = dr_scores(x, a, conversion=conversion, visit=visit)
    twice = [Candidate("linear", {"visit": 1.0}, "same"), Candidate("trees", {"visit": 1.0}, "same")]
    with pytest.raises(ValueError, match="names must be distinct"):
        choose_candidate(x, scores, {"conversion": 1.0}, twice, n_folds=2)
    with pytest.raises(ValueError, match="at least one candidate"):
        choose_candidate(x, scores, {"conversion": 1.0}, [], n_folds=2)
    # Identical rankings tie; the earlier candidate wins.
    tied = [Candidate("linear", {"visit": 2.0}, "first"), Candidate("linear", {"visit": 1.0}, "second")]
    assert choose_candidate(x, scores, {"conversion": 1.0}, tied, n_folds=2).chosen == "first"


def funnel_table(n: int = 6000, seed: int = 0) -> Table:
    x, a, visit, conversion = funnel(n, seed, helpful=True)
    return Table(
        {
            "x0": [f"{v:.4f}" for v in x[:, 0]],
            "x1": [f"{v:.4f}" for v in x[:, 1]],
            "segment": [["No E-Mail", "Mens E-Mail", "Womens E-Mail"][k] for k in a],
            "visit": [str(int(v)) for v in visit],
            "conversion": [str(int(v)) for v in conversion],
        }
    )


def test_policy_trained_on_a_surrogate_keeps_its_target_and_explains_exactly(tmp_path: Path) -> None:
    columns = LogColumns("segment", "No E-Mail", {"conversion": 1.0}, ["x0", "x1"], surrogates=["visit"])
    table = funnel_table()
    policy = fit_uplift_policy(table, columns, **FAST)
    selection = policy.info["selection"]
    assert len(selection["values"]) == 6
    assert policy.info["target"] == {"conversion": 1.0}
    assert policy.info["surrogates"] == ["visit"]
    assert policy.weights == selection["signal"]
    assert "visit" in policy.weights
    assert set(policy.effects) == set(policy.weights)
    assert policy.info["effect_model"] == selection["effect_model"]
    path = tmp_path / "p.json"
    policy.save(path)
    loaded = UpliftPolicy.load(path)
    features = loaded.encoder.transform(funnel_table(200, 1))
    assert np.array_equal(loaded.scores(features), policy.scores(features))
    for treatment in (1, 2):
        base = sum(w * loaded.effects[o].baseline[treatment - 1] for o, w in loaded.weights.items())
        rebuilt = base + loaded.contributions(features, treatment).sum(axis=1)
        assert np.abs(rebuilt - loaded.scores(features)[:, treatment - 1]).max() < 1e-9
    # Without the surrogate: only target-trained candidates, the policy ranks by the target.
    plain = fit_uplift_policy(table, LogColumns("segment", "No E-Mail", {"conversion": 1.0}, ["x0", "x1"]), **FAST)
    assert set(plain.info["selection"]["values"]) == {"linear", "trees"}
    assert plain.weights == {"conversion": 1.0}
    assert "surrogates" not in plain.info


def test_log_columns_refuse_a_surrogate_that_is_a_target() -> None:
    with pytest.raises(ValueError, match="surrogate\\(s\\) visit already among the outcomes"):
        LogColumns("segment", "No E-Mail", {"visit": 1.0}, surrogates=["visit"])
    with pytest.raises(ValueError, match="surrogates named twice"):
        LogColumns("segment", "No E-Mail", {"conversion": 1.0}, surrogates=["visit", "visit"])

"""Boosted-tree effect models: exact TreeSHAP, JSON round trips, choice by cross-fitted policy value."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingRegressor

from tools.targeting.offline.candidates import choose_effect_model, top_share_actions
from tools.targeting.offline.curves import uplift_curves
from tools.targeting.offline.effects import LinearEffects, TreeEffects, effects_from_dict
from tools.targeting.offline.encoding import FeatureEncoder
from tools.targeting.offline.learned import LogColumns, UpliftPolicy, fit_uplift_policy
from tools.targeting.offline.logs import FloatArray, IntArray
from tools.targeting.offline.planning import Budget, plan_campaign
from tools.targeting.offline.table import Table
from tools.targeting.offline.trees import Tree, TreeEnsemble
from tools.targeting.offline.uplift import DRLearner

FAST: dict[str, Any] = {"outcome_model": "linear", "calibration": "none", "n_folds": 2}


def interacting(n: int = 3000, seed: int = 0) -> tuple[FloatArray, IntArray, FloatArray, FloatArray]:
    """Three arms at 1/3; treatment 1 helps only when x0 > 0 and x1 > 0 (an interaction), treatment 2 never."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    a = rng.integers(0, 3, n)
    tau = np.column_stack([0.8 * ((x[:, 0] > 0) & (x[:, 1] > 0)) - 0.2, np.full(n, -0.1)])
    y = 0.2 * x[:, 2] + np.where(a == 1, tau[:, 0], 0.0) + np.where(a == 2, tau[:, 1], 0.0) + rng.normal(0, 0.3, n)
    return x, a, y, tau


@pytest.fixture(scope="module")
def ensemble() -> tuple[TreeEnsemble, FloatArray, HistGradientBoostingRegressor]:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(1500, 5))
    x[:, 3] = x[:, 3] > 0  # a 0/1 column, like the encoder's one-hot and bin columns
    y = x[:, 0] * x[:, 1] + x[:, 3] * x[:, 2] + rng.normal(0, 0.5, 1500)
    model = HistGradientBoostingRegressor(max_iter=40, max_depth=3, max_leaf_nodes=8, random_state=0).fit(x, y)
    return TreeEnsemble.from_sklearn(model), x, model


def test_tree_copy_predicts_like_scikit_learn(ensemble: tuple[TreeEnsemble, FloatArray, Any]) -> None:
    trees, x, model = ensemble
    assert np.abs(trees.predict(x) - model.predict(x)).max() < 1e-9


def test_treeshap_contributions_add_up_to_the_prediction(ensemble: tuple[TreeEnsemble, FloatArray, Any]) -> None:
    trees, x, _ = ensemble
    contributions = trees.contributions(x)
    assert contributions.shape == x.shape
    assert np.abs(trees.expected + contributions.sum(axis=1) - trees.predict(x)).max() < 1e-9


def test_treeshap_equals_brute_force_shapley_values(ensemble: tuple[TreeEnsemble, FloatArray, Any]) -> None:
    trees, x, _ = ensemble
    small = TreeEnsemble(trees.base, trees.trees[:6], trees.n_features)

    def expected_given(tree: Tree, row: FloatArray, known: set[int], node: int = 0) -> float:
        if tree.feature[node] < 0:
            return float(tree.value[node])
        left, right = int(tree.left[node]), int(tree.right[node])
        if int(tree.feature[node]) in known:
            return expected_given(tree, row, known, left if row[tree.feature[node]] <= tree.threshold[node] else right)
        parts = [tree.cover[c] * expected_given(tree, row, known, c) for c in (left, right)]
        return float(sum(parts) / tree.cover[node])

    d = x.shape[1]
    for row in x[:3]:

        def game(known: set[int], row: FloatArray = row) -> float:
            return sum(expected_given(tree, row, known) for tree in small.trees)

        exact = np.zeros(d)
        for i in range(d):
            others = [j for j in range(d) if j != i]
            for size in range(d):
                weight = math.factorial(size) * math.factorial(d - size - 1) / math.factorial(d)
                for coalition in itertools.combinations(others, size):
                    exact[i] += weight * (game({*coalition, i}) - game(set(coalition)))
        assert np.abs(small.contributions(row[None, :])[0] - exact).max() < 1e-12


def test_tree_effects_round_trip_through_json(ensemble: tuple[TreeEnsemble, FloatArray, Any]) -> None:
    trees, x, _ = ensemble
    effects = TreeEffects([trees, TreeEnsemble(trees.base, trees.trees[:3], trees.n_features)])
    again = effects_from_dict(json.loads(json.dumps(effects.to_dict())))
    assert isinstance(again, TreeEffects)
    assert np.array_equal(again.predict(x), effects.predict(x))
    assert np.array_equal(again.contributions(x[:10], 2), effects.contributions(x[:10], 2))
    rebuilt = effects.baseline[1] + effects.contributions(x, 2).sum(axis=1)
    assert np.abs(rebuilt - effects.predict(x)[:, 1]).max() < 1e-9


def stump(**change: list[Any]) -> dict[str, list[Any]]:
    tree: dict[str, list[Any]] = {
        "feature": [0, -1, -1],
        "threshold": [0.5, 0.0, 0.0],
        "left": [1, 0, 0],
        "right": [2, 0, 0],
        "value": [0.0, -1.0, 1.0],
        "cover": [10.0, 4.0, 6.0],
    }
    return {**tree, **change}


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        (stump(left=[0, 0, 0]), "children must come after their parent"),
        (stump(right=[7, 0, 0]), "children must come after their parent"),
        (stump(value=[0.0, float("nan"), 1.0]), "must be finite"),
        (stump(cover=[0.0, 4.0, 6.0]), "covers must be positive"),
        (stump(value=[0.0, 1.0]), "of one length"),
        (stump(feature=[5, -1, -1]), "splits on feature >= n_features"),
    ],
)
def test_malformed_trees_are_refused(tree: dict[str, list[Any]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TreeEnsemble.from_dict({"base": 0.0, "n_features": 2, "trees": [tree]})


def test_oversized_trees_are_refused() -> None:
    n = 2 * 17 - 1  # 17 leaves as a chain
    inner = list(range(16))
    tree = {
        "feature": [0 if i in inner else -1 for i in range(n)],
        "threshold": [0.0] * n,
        "left": [i + 1 if i < 15 else 16 for i in range(16)] + [0] * (n - 16),
        "right": [17 + i for i in range(16)] + [0] * (n - 16),
        "value": [0.0] * n,
        "cover": [1.0] * n,
    }
    with pytest.raises(ValueError, match="at most 16 are supported"):
        Tree.from_dict(tree)


def test_dr_learner_with_tree_effects_finds_an_interaction() -> None:
    x, a, y, tau = interacting()
    learner = DRLearner(3, effect_model="trees", **FAST).fit(x, a, y, np.full(len(a), 1 / 3))
    predicted = learner.predict_effects(x)
    assert np.corrcoef(predicted[:, 0], tau[:, 0])[0, 1] > 0.8
    with pytest.raises(ValueError, match="effect_model must be 'linear' or 'trees'"):
        DRLearner(3, effect_model="forest")  # type: ignore[arg-type]


def test_effect_model_is_chosen_by_cross_fitted_policy_value() -> None:
    x, a, y, _ = interacting(n=3000, seed=2)
    scores = {"y": DRLearner(3, **FAST).dr_scores(x, a, y, np.full(len(a), 1 / 3))}
    choice = choose_effect_model(x, scores, {"y": 1.0}, share=0.25, n_folds=2)
    assert set(choice.values) == {"linear", "trees"}
    assert choice.chosen == "trees"  # only trees see "x0 > 0 and x1 > 0"
    assert choice.values["trees"].value > choice.values["linear"].value
    assert len(choice.values["trees"].per_fold) == 2
    assert choice.summary()["chosen"] == "trees"
    single = choose_effect_model(x, scores, {"y": 1.0}, ["linear"], n_folds=2)
    assert single.chosen == "linear"
    with pytest.raises(ValueError, match="at least one candidate"):
        choose_effect_model(x, scores, {"y": 1.0}, [])
    with pytest.raises(ValueError, match="selection share must be in"):
        choose_effect_model(x, scores, {"y": 1.0}, share=0.0)


def test_top_share_actions_send_only_positive_best_treatments() -> None:
    scores = np.asarray([[0.3, 0.1], [-0.2, -0.1], [0.05, 0.4], [0.2, 0.0]])
    assert top_share_actions(scores, 0.5).tolist() == [1, 0, 2, 0]
    assert top_share_actions(scores, 1.0).tolist() == [1, 0, 2, 1]


def interacting_table(n: int = 2000, seed: int = 0) -> Table:
    rng = np.random.default_rng(seed)
    segment = rng.choice(["No E-Mail", "Mens E-Mail", "Womens E-Mail"], n)
    mens, web = rng.integers(0, 2, n), rng.integers(0, 2, n)
    lift = np.where(segment == "Mens E-Mail", 0.4 * mens * web, 0.0)
    visit = (rng.random(n) < 0.1 + lift).astype(int)
    return Table(
        {
            "recency": [str(v) for v in rng.integers(1, 13, n)],
            "mens": [str(v) for v in mens],
            "channel": ["Web" if w else "Phone" for w in web],
            "segment": list(segment),
            "visit": [str(v) for v in visit],
        }
    )


def test_tree_policy_saves_loads_and_explains_every_row(tmp_path: Path) -> None:
    columns = LogColumns("segment", "No E-Mail", {"visit": 1.0}, ["recency", "mens"], ["channel"])
    settings: dict[str, Any] = {"outcome_model": "linear", "calibration": "none", "n_folds": 2}
    auto = fit_uplift_policy(interacting_table(), columns, **settings)
    assert auto.info["selection"]["chosen"] == auto.info["effect_model"]
    assert set(auto.info["selection"]["values"]) == {"linear", "trees"}
    policy = fit_uplift_policy(interacting_table(), columns, effect_models=["trees"], **settings)
    assert policy.info["effect_model"] == "trees"
    assert "selection" not in policy.info
    path = tmp_path / "p.json"
    policy.save(path)
    loaded = UpliftPolicy.load(path)
    customers = interacting_table(n=200, seed=1)
    features = loaded.encoder.transform(customers)
    assert np.array_equal(loaded.scores(features), policy.scores(features))
    base = sum(w * loaded.effects[o].baseline[0] for o, w in loaded.weights.items())
    rebuilt = base + loaded.contributions(features, 1).sum(axis=1)
    assert np.abs(rebuilt - loaded.scores(features)[:, 0]).max() < 1e-9
    plan = plan_campaign(loaded, customers, Budget(share=0.3))
    sends = [row for row in plan.rows if row.decision == "send"]
    assert len(sends) == 60
    assert all("drivers: " in row.reason and "drivers: none" not in row.reason for row in sends)
    assert all(row.treatment == "Mens E-Mail" for row in sends)


def test_version_1_linear_policy_files_still_load(tmp_path: Path) -> None:
    encoder = FeatureEncoder(["age"]).fit(Table({"age": ["1", "3"]}))
    effects = LinearEffects(np.asarray([[0.5]]), np.asarray([0.1]), np.asarray([0.0]))
    data = {
        "format": "promo-uplift-policy/1",
        "encoder": encoder.to_dict(),
        "treatments": ["none", "mail"],
        "effects": {"visit": {k: v for k, v in effects.to_dict().items() if k != "kind"}},
        "weights": {"visit": 1.0},
    }
    policy = UpliftPolicy.from_json(json.dumps(data))
    assert isinstance(policy.effects["visit"], LinearEffects)
    with pytest.raises(ValueError, match="unknown effect model kind 'forest'"):
        UpliftPolicy.from_json(json.dumps({**data, "effects": {"visit": {"kind": "forest"}}}))


def test_uplift_curves_of_a_perfect_and_a_reversed_ranking() -> None:
    # Treated rows (action 1) respond only in the first half; control rows never do.
    actions = np.asarray([1, 0, 1, 0, 1, 0, 1, 0])
    outcomes = np.asarray([1.0, 0, 1, 0, 0, 0, 0, 0])
    good = np.asarray([[8.0], [7], [6], [5], [4], [3], [2], [1]])
    curves = uplift_curves(good, actions, outcomes, np.full(8, 0.5), n_points=5)
    assert curves.share.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert curves.qini.tolist() == [0.0, 0.25, 0.5, 0.5, 0.5]
    assert curves.auuc == pytest.approx(0.375)
    assert curves.qini_coefficient == pytest.approx(0.125)
    assert curves.decile_uplift.sum() > 0
    reversed_curves = uplift_curves(-good, actions, outcomes, np.full(8, 0.5), n_points=5)
    assert reversed_curves.qini_coefficient < 0

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tools.targeting.offline.effects import LinearEffects
from tools.targeting.offline.encoding import FeatureEncoder
from tools.targeting.offline.learned import LogColumns, UpliftPolicy, fit_uplift_policy
from tools.targeting.offline.logs import FloatArray, IntArray, LogValidationError
from tools.targeting.offline.table import Table, TableError, read_table
from tools.targeting.offline.uplift import DRLearner, TLearner

FAST: dict[str, Any] = {"outcome_model": "linear", "calibration": "none", "n_folds": 2}


def randomized(
    n: int = 3000, seed: int = 0, binary: bool = False
) -> tuple[FloatArray, IntArray, FloatArray, FloatArray]:
    """Three arms at 1/3 each; treatment 1 helps when x0 > 0, treatment 2 when x1 > 0."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    a = rng.integers(0, 3, n)
    tau = np.column_stack([0.3 * x[:, 0], -0.1 + 0.3 * x[:, 1]])
    base = 0.3 + 0.1 * x[:, 2]
    mean = base + np.where(a == 1, tau[:, 0], 0.0) + np.where(a == 2, tau[:, 1], 0.0)
    y = (rng.random(n) < np.clip(mean, 0, 1)).astype(float) if binary else mean + rng.normal(0, 0.3, n)
    return x, a, y, tau


@pytest.mark.parametrize("learner", [TLearner(3, **FAST), DRLearner(3, **FAST)])
def test_learners_recover_heterogeneous_effects(learner: TLearner | DRLearner) -> None:
    x, a, y, tau = randomized()
    if isinstance(learner, DRLearner):
        learner.fit(x, a, y, np.full(len(a), 1 / 3))
    else:
        learner.fit(x, a, y)
    predicted = learner.predict_effects(x)
    assert predicted.shape == (len(a), 2)
    for k in range(2):
        assert np.corrcoef(predicted[:, k], tau[:, k])[0, 1] > 0.9


def test_dr_learner_with_estimated_propensities_and_calibrated_probabilities() -> None:
    x, a, y, tau = randomized(n=2000, binary=True, seed=1)
    learner = DRLearner(3, outcome_model="linear", calibration="sigmoid", n_folds=2).fit(x, a, y)
    assert np.corrcoef(learner.predict_effects(x)[:, 0], tau[:, 0])[0, 1] > 0.8
    assert learner.effects.baseline.shape == (2,)


def test_contributions_add_up_to_the_prediction() -> None:
    x, a, y, _ = randomized(seed=2)
    effects = DRLearner(3, **FAST).fit(x, a, y, np.full(len(a), 1 / 3)).effects
    rebuilt = effects.baseline[0] + effects.contributions(x[:5], 1).sum(axis=1)
    assert rebuilt == pytest.approx(effects.predict(x[:5])[:, 0])
    again = LinearEffects.from_dict(effects.to_dict())
    assert again.predict(x[:5]) == pytest.approx(effects.predict(x[:5]))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"n_actions": 1}, "n_actions must be >= 2"),
        ({"n_folds": 1}, "n_folds must be >= 2"),
        ({"outcome_model": "forest"}, "outcome_model must be 'gbm' or 'linear'"),
        ({"calibration": "platt"}, "calibration must be isotonic, sigmoid or none"),
    ],
)
def test_bad_learner_settings(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DRLearner(**{"n_actions": 3, **settings})


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"a": np.zeros(60, dtype=int)}, ValueError, r"every action needs >= 4 logged rows; counts are \[60, 0, 0\]"),
        ({"y": np.ones(59)}, LogValidationError, "mismatched lengths: features=60, actions=60, outcomes=59"),
        ({"x": np.full((60, 3), np.nan)}, LogValidationError, "features has a NaN or infinite value at row 0"),
        ({"p": np.zeros(60)}, LogValidationError, "propensities must be > 0"),
        ({"p": np.full(59, 0.3)}, LogValidationError, "mismatched lengths: features=60, propensities=59"),
    ],
)
def test_bad_training_data(change: dict[str, Any], error: type[Exception], message: str) -> None:
    x, a, y, _ = randomized(n=60)
    data: dict[str, Any] = {"x": x, "a": a, "y": y, "p": np.full(60, 1 / 3), **change}
    with pytest.raises(error, match=message):
        DRLearner(3, **FAST).fit(data["x"], data["a"], data["y"], data["p"])


def test_rare_outcomes_fall_back_to_the_arm_mean() -> None:
    x, a, _, _ = randomized(n=300, seed=4)
    y = np.zeros(300)
    y[np.flatnonzero(a == 1)[:3]] = 1.0  # three conversions in arm 1, none elsewhere
    learner = DRLearner(3, outcome_model="gbm", calibration="isotonic", n_folds=2).fit(x, a, y, np.full(300, 1 / 3))
    assert np.isfinite(learner.predict_effects(x)).all()
    t_effects = TLearner(3, n_folds=2).fit(x, a, y).predict_effects(x)
    assert t_effects[:, 0] == pytest.approx(np.full(300, 3 / (a == 1).sum()))


def test_prediction_before_fit_is_refused() -> None:
    with pytest.raises(ValueError, match="before fit"):
        DRLearner(3).predict_effects(np.zeros((1, 2)))
    with pytest.raises(ValueError, match="before fit"):
        TLearner(3).predict_effects(np.zeros((1, 2)))


def test_encoder_one_hot_bins_and_json() -> None:
    table = Table({"age": ["20", "30", "40", "50"], "city": ["a", "b", "a", "c"]})
    encoder = FeatureEncoder(["age"], ["city"], n_bins=2).fit(table)
    assert encoder.feature_names == ["age", "age>35", "city=a", "city=b", "city=c"]
    assert encoder.sources == ["age", "age", "city", "city", "city"]
    unseen = encoder.transform(Table({"age": ["35"], "city": ["z"]}))
    assert unseen[0, 2:].tolist() == [0.0, 0.0, 0.0]  # an unseen category encodes as the baseline
    assert FeatureEncoder.from_dict(encoder.to_dict()) == encoder


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("a,b\n", "no data rows"),
        ("a,b\n1,2\n3\n", "line 3 has 1 fields, the header has 2"),
    ],
)
def test_bad_csv_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TableError, match=message):
        read_table(path)


def test_table_errors_name_column_and_line() -> None:
    table = Table({"age": ["20", "x", "40"]}, source="c.csv")
    with pytest.raises(TableError, match=r"c.csv: column 'age', line 3: 'x' is not a finite number"):
        table.numbers("age")
    with pytest.raises(TableError, match="missing column"):
        table.require(["age", "city"])
    with pytest.raises(TableError, match="file not found"):
        read_table(Path("/nonexistent.csv"))


def hillstrom_like(n: int = 600, seed: int = 0) -> Table:
    rng = np.random.default_rng(seed)
    segment = rng.choice(["No E-Mail", "Mens E-Mail", "Womens E-Mail"], n)
    mens = rng.integers(0, 2, n)
    lift = np.where(segment == "Mens E-Mail", 0.1 + 0.2 * mens, 0.0) + np.where(segment == "Womens E-Mail", 0.1, 0.0)
    visit = (rng.random(n) < 0.1 + lift).astype(int)
    return Table(
        {
            "recency": [str(v) for v in rng.integers(1, 13, n)],
            "mens": [str(v) for v in mens],
            "channel": list(rng.choice(["Web", "Phone"], n)),
            "segment": list(segment),
            "visit": [str(v) for v in visit],
        }
    )


def test_policy_fits_saves_and_loads_as_json(tmp_path: Path) -> None:
    columns = LogColumns("segment", "No E-Mail", {"visit": 1.0}, ["recency", "mens"], ["channel"])
    policy = fit_uplift_policy(hillstrom_like(), columns, outcome_model="linear", calibration="none", n_folds=2)
    assert policy.treatments == ["No E-Mail", "Mens E-Mail", "Womens E-Mail"]
    path = tmp_path / "p.json"
    policy.save(path)
    loaded = UpliftPolicy.load(path)
    features = loaded.encoder.transform(hillstrom_like(n=20, seed=1))
    assert loaded.scores(features) == pytest.approx(policy.scores(features))
    assert loaded.info["propensity"] == "treatment shares (randomized)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not a JSON policy file"),
        ('{"format": "other"}', "not a promo-uplift-policy/2 file"),
        ('{"format": "promo-uplift-policy/1", "effects": {}}', "damaged policy file"),
    ],
)
def test_bad_policy_files(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        UpliftPolicy.from_json(text)


def test_log_columns_need_control_and_outcomes() -> None:
    with pytest.raises(ValueError, match="at least one outcome"):
        LogColumns("segment", "none", {})
    columns = LogColumns("segment", "Nothing", {"visit": 1.0}, ["recency"])
    with pytest.raises(TableError, match="control value 'Nothing' never appears in 'segment'"):
        fit_uplift_policy(hillstrom_like(), columns)

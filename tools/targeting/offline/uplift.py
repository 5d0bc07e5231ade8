"""Multi-treatment uplift: each treatment's effect on one outcome, per user, against control (action 0).

`TLearner` is the baseline: one outcome model per arm, effect = difference of predictions. `DRLearner`
(Kennedy 2023, "Towards optimal doubly robust estimation of heterogeneous causal effects") regresses
cross-fitted doubly robust pseudo-outcomes on the features, with a ridge model so that every predicted
effect splits into per-feature contributions and the fitted effect model is a few JSON numbers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Self

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge, RidgeCV
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from tools.targeting.offline.effects import LinearEffects
from tools.targeting.offline.logs import FloatArray, IntArray, as_action_array, as_float_array, check_propensities
from tools.targeting.offline.logs import check_same_length as same_length

OutcomeModel = Literal["gbm", "linear"]
Calibration = Literal["isotonic", "sigmoid", "none"]
Progress = Callable[[str], None]


def outcome_model(binary: bool, kind: OutcomeModel, calibration: Calibration, random_state: int) -> BaseEstimator:
    """An outcome model: calibrated probabilities for 0/1 outcomes, a regressor for amounts."""
    if not binary:
        if kind == "gbm":
            return HistGradientBoostingRegressor(
                max_iter=150, learning_rate=0.05, min_samples_leaf=100, random_state=random_state
            )
        return Ridge(alpha=1.0)
    base: BaseEstimator = (
        HistGradientBoostingClassifier(
            max_iter=150, learning_rate=0.05, min_samples_leaf=100, random_state=random_state
        )
        if kind == "gbm"
        else LogisticRegression(C=1.0, max_iter=2000)
    )
    # Boosted trees' scores are not probabilities; the DR correction divides residuals of them, so calibrate.
    return base if calibration == "none" else CalibratedClassifierCV(base, method=calibration, cv=3)


_MIN_CLASS_ROWS = 10  # below this many positives (or negatives) an arm's model would be noise, and calibration fails


@dataclass(frozen=True)
class _Mean:
    """A constant outcome model, for an arm where the outcome (almost) never or always happens."""

    value: float

    def predict_proba(self, features: FloatArray) -> FloatArray:
        p = np.full(features.shape[0], self.value)
        return np.column_stack([1 - p, p])

    def predict(self, features: FloatArray) -> FloatArray:
        return np.full(features.shape[0], self.value)


def _predict(model: Any, features: FloatArray, binary: bool) -> FloatArray:
    out = model.predict_proba(features)[:, 1] if binary else model.predict(features)
    return np.asarray(out, dtype=np.float64)


@dataclass
class UpliftLearner(ABC):
    """Shared settings and input checks for learners over actions 0 (control) .. n_actions - 1."""

    n_actions: int
    outcome_model: OutcomeModel = "gbm"
    calibration: Calibration = "isotonic"
    n_folds: int = 3
    random_state: int = 0
    n_threads: int = 1
    """OpenMP threads for the boosted trees. One by default: on a shared 2-core machine two spin-waiting
    threads fitted 13x slower than one (26 s against 2 s for the same calibrated model)."""

    def __post_init__(self) -> None:
        if self.n_actions < 2:
            raise ValueError(f"n_actions must be >= 2 (control plus at least one treatment), got {self.n_actions}")
        if self.n_folds < 2:
            raise ValueError(f"n_folds must be >= 2 for cross-fitting, got {self.n_folds}")
        if self.outcome_model not in ("gbm", "linear"):
            raise ValueError(f"outcome_model must be 'gbm' or 'linear', got {self.outcome_model!r}")
        if self.calibration not in ("isotonic", "sigmoid", "none"):
            raise ValueError(f"calibration must be isotonic, sigmoid or none, got {self.calibration!r}")
        if self.n_threads < 1:
            raise ValueError(f"n_threads must be >= 1, got {self.n_threads}")

    def _fit(self, binary: bool, x: FloatArray, y: FloatArray) -> Any:
        """Fit a fresh outcome model within the thread limit; the mean where a class is too rare to model."""
        if binary and min(int(y.sum()), int(y.size - y.sum())) < _MIN_CLASS_ROWS:
            return _Mean(float(y.mean()))
        with threadpool_limits(limits=self.n_threads, user_api="openmp"):
            return clone(self._model(binary)).fit(x, y)

    def _check(
        self, features: npt.ArrayLike, actions: npt.ArrayLike, outcomes: npt.ArrayLike
    ) -> tuple[FloatArray, IntArray, FloatArray, bool]:
        x = as_float_array(features, "features", ndim=2)
        a = as_action_array(actions, "actions", self.n_actions)
        y = as_float_array(outcomes, "outcomes")
        same_length(features=x, actions=a, outcomes=y)
        counts = np.bincount(a, minlength=self.n_actions)
        if counts.min() < 2 * self.n_folds:
            raise ValueError(f"every action needs >= {2 * self.n_folds} logged rows; counts are {counts.tolist()}")
        return x, a, y, bool(np.isin(y, (0.0, 1.0)).all())

    def _model(self, binary: bool) -> BaseEstimator:
        return outcome_model(binary, self.outcome_model, self.calibration, self.random_state)

    @abstractmethod
    def predict_effects(self, features: npt.ArrayLike) -> FloatArray:
        """Effect of each treatment 1..K-1 against control, shape (n, K-1)."""


@dataclass
class TLearner(UpliftLearner):
    """One outcome model per arm; effect = prediction under the treatment minus under control."""

    models_: list[Any] = field(default_factory=list, init=False, repr=False)
    binary_: bool = field(default=False, init=False, repr=False)

    def fit(self, features: npt.ArrayLike, actions: npt.ArrayLike, outcomes: npt.ArrayLike) -> Self:
        """Fit one model per action on that action's rows."""
        x, a, y, binary = self._check(features, actions, outcomes)
        self.models_ = [self._fit(binary, x[a == k], y[a == k]) for k in range(self.n_actions)]
        self.binary_ = binary
        return self

    def predict_outcomes(self, features: npt.ArrayLike) -> FloatArray:
        """Predicted outcome under every action, shape (n, K)."""
        if not self.models_:
            raise ValueError("TLearner used before fit: call fit(features, actions, outcomes) first")
        x = as_float_array(features, "features", ndim=2)
        return np.column_stack([_predict(model, x, self.binary_) for model in self.models_])

    def predict_effects(self, features: npt.ArrayLike) -> FloatArray:
        """Prediction under each treatment minus under control."""
        outcomes = self.predict_outcomes(features)
        effects: FloatArray = outcomes[:, 1:] - outcomes[:, :1]
        return effects


@dataclass
class DRLearner(UpliftLearner):
    """Cross-fitted doubly robust pseudo-outcomes, regressed on the features by ridge."""

    effects_: LinearEffects | None = field(default=None, init=False, repr=False)

    def fit(
        self,
        features: npt.ArrayLike,
        actions: npt.ArrayLike,
        outcomes: npt.ArrayLike,
        propensities: npt.ArrayLike | None = None,
        progress: Progress | None = None,
    ) -> Self:
        """Fit; `propensities` are each row's logged P(action taken), estimated when None."""
        x, a, y, binary = self._check(features, actions, outcomes)
        say = progress or (lambda _text: None)
        if propensities is None:
            e_taken = self._estimate_propensities(x, a)
        else:
            e_taken = check_propensities(propensities)
            same_length(features=x, propensities=e_taken)
        mu = np.zeros((x.shape[0], self.n_actions))
        folds = StratifiedKFold(self.n_folds, shuffle=True, random_state=self.random_state)
        for fold, (train, test) in enumerate(folds.split(x, a * 2 + (y > 0)), start=1):
            say(f"outcome models, fold {fold}/{self.n_folds}")
            for k in range(self.n_actions):
                rows = train[a[train] == k]
                mu[test, k] = _predict(self._fit(binary, x[rows], y[rows]), x[test], binary)
        residual_ipw = (y - mu[np.arange(len(a)), a]) / e_taken
        say("effect model")
        coef, intercept = [], []
        for k in range(1, self.n_actions):
            pseudo = mu[:, k] - mu[:, 0] + np.where(a == k, residual_ipw, 0.0) - np.where(a == 0, residual_ipw, 0.0)
            final = RidgeCV(alphas=np.logspace(-1, 4, 12)).fit(x, pseudo)
            coef.append(final.coef_)
            intercept.append(float(final.intercept_))
        self.effects_ = LinearEffects(np.asarray(coef), np.asarray(intercept), x.mean(axis=0))
        return self

    def _estimate_propensities(self, x: FloatArray, a: IntArray) -> FloatArray:
        """Cross-fitted multinomial logit of the logged action, clipped so no weight exceeds 100."""
        e_taken = np.zeros(len(a))
        folds = StratifiedKFold(self.n_folds, shuffle=True, random_state=self.random_state)
        for train, test in folds.split(x, a):
            model = LogisticRegression(max_iter=2000).fit(x[train], a[train])
            e_taken[test] = model.predict_proba(x[test])[np.arange(len(test)), a[test]]
        return np.clip(e_taken, 0.01, 1.0)

    @property
    def effects(self) -> LinearEffects:
        """The fitted linear effect model."""
        if self.effects_ is None:
            raise ValueError("DRLearner used before fit: call fit(features, actions, outcomes) first")
        return self.effects_

    def predict_effects(self, features: npt.ArrayLike) -> FloatArray:
        """Linear effect model's prediction."""
        return self.effects.predict(as_float_array(features, "features", ndim=2))

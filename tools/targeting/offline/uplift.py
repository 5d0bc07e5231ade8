"""Multi-treatment uplift: each treatment's effect on one outcome, per user, against control (action 0).

`TLearner` is the baseline: one outcome model per arm, effect = difference of predictions. `DRLearner`
(Kennedy 2023, "Towards optimal doubly robust estimation of heterogeneous causal effects") regresses
cross-fitted doubly robust pseudo-outcomes on the features, with a ridge model or shallow boosted trees;
either way every predicted effect splits exactly into per-feature contributions (coefficients, or
TreeSHAP) and the fitted effect model is plain JSON numbers.
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

from tools.targeting.offline.effects import EffectModel, LinearEffects, TreeEffects
from tools.targeting.offline.logs import FloatArray, IntArray, as_action_array, as_float_array, check_propensities
from tools.targeting.offline.logs import check_same_length as same_length
from tools.targeting.offline.trees import TreeEnsemble

OutcomeModel = Literal["gbm", "linear"]
EffectKind = Literal["linear", "trees"]
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


def fit_effect_model(
    kind: EffectKind, features: FloatArray, pseudo: FloatArray, random_state: int = 0, n_threads: int = 1
) -> EffectModel:
    """Regress pseudo-outcomes (n, K-1) on the features: ridge, or shallow boosted trees per treatment."""
    if kind == "linear":
        coef, intercept = [], []
        for k in range(pseudo.shape[1]):
            final = RidgeCV(alphas=np.logspace(-1, 4, 12)).fit(features, pseudo[:, k])
            coef.append(final.coef_)
            intercept.append(float(final.intercept_))
        return LinearEffects(np.asarray(coef), np.asarray(intercept), features.mean(axis=0))
    if kind != "trees":
        raise ValueError(f"effect model must be linear or trees, got {kind!r}")
    ensembles = []
    for k in range(pseudo.shape[1]):
        # Pseudo-outcomes are noisy (residuals divided by propensities): shallow trees, large leaves,
        # shrinkage, and early stopping on a held-out tenth keep the effect model from fitting the noise.
        model = HistGradientBoostingRegressor(
            max_iter=200,
            learning_rate=0.05,
            max_depth=3,
            max_leaf_nodes=8,
            min_samples_leaf=max(20, features.shape[0] // 200),
            l2_regularization=1.0,
            early_stopping=True,
            validation_fraction=0.1,
            n_iter_no_change=10,
            random_state=random_state,
        )
        with threadpool_limits(limits=n_threads, user_api="openmp"):
            model.fit(features, pseudo[:, k])
        ensembles.append(TreeEnsemble.from_sklearn(model))
    return TreeEffects(ensembles)


@dataclass(frozen=True)
class DRScores:
    """Cross-fitted doubly robust scores: scores[i, k] estimates row i's outcome under action k.

    scores[:, k] = mu_k(x) + 1[a = k] (y - mu_k(x)) / P(a | x), with mu fitted on the other folds. The
    mean of scores[i, pi(i)] is the DR value of a policy pi; scores[:, k] - scores[:, 0] are the
    DR-learner's pseudo-outcomes for treatment k.
    """

    scores: FloatArray

    @property
    def pseudo(self) -> FloatArray:
        """Pseudo-outcomes of treatments 1..K-1 against control, shape (n, K-1)."""
        out: FloatArray = self.scores[:, 1:] - self.scores[:, :1]
        return out


@dataclass
class DRLearner(UpliftLearner):
    """Cross-fitted doubly robust pseudo-outcomes, regressed on the features (ridge or boosted trees)."""

    effect_model: EffectKind = "linear"
    effects_: EffectModel | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.effect_model not in ("linear", "trees"):
            raise ValueError(f"effect_model must be 'linear' or 'trees', got {self.effect_model!r}")

    def fit(
        self,
        features: npt.ArrayLike,
        actions: npt.ArrayLike,
        outcomes: npt.ArrayLike,
        propensities: npt.ArrayLike | None = None,
        progress: Progress | None = None,
    ) -> Self:
        """Fit; `propensities` are each row's logged P(action taken), estimated when None."""
        x = as_float_array(features, "features", ndim=2)
        scores = self.dr_scores(x, actions, outcomes, propensities, progress)
        (progress or (lambda _text: None))("effect model")
        self.effects_ = fit_effect_model(self.effect_model, x, scores.pseudo, self.random_state, self.n_threads)
        return self

    def dr_scores(
        self,
        features: npt.ArrayLike,
        actions: npt.ArrayLike,
        outcomes: npt.ArrayLike,
        propensities: npt.ArrayLike | None = None,
        progress: Progress | None = None,
    ) -> DRScores:
        """The cross-fitted nuisance stage alone: outcome models per arm, then DR scores per row and action."""
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
        taken = np.arange(self.n_actions)[None, :] == a[:, None]
        return DRScores(mu + np.where(taken, residual_ipw[:, None], 0.0))

    def _estimate_propensities(self, x: FloatArray, a: IntArray) -> FloatArray:
        """Cross-fitted multinomial logit of the logged action, clipped so no weight exceeds 100."""
        e_taken = np.zeros(len(a))
        folds = StratifiedKFold(self.n_folds, shuffle=True, random_state=self.random_state)
        for train, test in folds.split(x, a):
            model = LogisticRegression(max_iter=2000).fit(x[train], a[train])
            e_taken[test] = model.predict_proba(x[test])[np.arange(len(test)), a[test]]
        return np.clip(e_taken, 0.01, 1.0)

    @property
    def effects(self) -> EffectModel:
        """The fitted effect model."""
        if self.effects_ is None:
            raise ValueError("DRLearner used before fit: call fit(features, actions, outcomes) first")
        return self.effects_

    def predict_effects(self, features: npt.ArrayLike) -> FloatArray:
        """The effect model's prediction."""
        return self.effects.predict(as_float_array(features, "features", ndim=2))

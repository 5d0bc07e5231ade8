"""Online variant choice: linear Thompson sampling over the approved variants, with logged propensities.

Each arm keeps a Bayesian linear regression of reward on the context (Agrawal & Goyal 2013). A choice
samples one coefficient vector per arm and takes the best; its propensity, needed for unbiased off-policy
evaluation later, has no closed form, so it is estimated from `n_draws` further seeded posterior draws.
The chosen draw is counted among them, so a logged propensity is never 0 (at least 1 / (n_draws + 1)).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from tools.targeting.logs import FloatArray, LogValidationError, as_float_array

STATE_FORMAT = "promo-lints/1"


@dataclass(frozen=True)
class BanditChoice:
    """The chosen arm, the probability the policy gave it, and every candidate's estimated probability."""

    arm: str
    propensity: float
    probabilities: dict[str, float]


@dataclass
class _Arm:
    precision: FloatArray
    """Posterior precision matrix A = prior * I + sum x x^T."""
    target: FloatArray
    """b = sum reward * x."""
    pulls: int = 0


@dataclass
class LinearThompsonSampling:
    """Contextual Thompson sampling with one linear model per arm; arms appear when first offered.

    Put a constant 1 among the context features so that each arm learns its own baseline reward.
    """

    n_features: int
    prior_precision: float = 1.0
    """Ridge strength of the prior; larger trusts the first rewards less."""
    exploration: float = 0.5
    """Posterior scale v: covariance v^2 A^-1. Larger explores more."""
    n_draws: int = 1000
    random_state: int = 0
    arms: dict[str, _Arm] = field(default_factory=dict)
    choices_made: int = 0
    """Counts choices, so successive calls use fresh, reproducible random streams."""

    def __post_init__(self) -> None:
        if self.n_features < 1:
            raise ValueError(f"n_features must be >= 1, got {self.n_features}")
        if self.prior_precision <= 0 or self.exploration <= 0:
            raise ValueError("prior_precision and exploration must be > 0")
        if self.n_draws < 10:
            raise ValueError(f"n_draws must be >= 10 to estimate propensities, got {self.n_draws}")

    def _context(self, context: npt.ArrayLike) -> FloatArray:
        x = as_float_array(context, "context")
        if x.shape != (self.n_features,):
            raise LogValidationError(f"context must have {self.n_features} features, got {x.shape[0]}")
        return x

    def _arm(self, name: str) -> _Arm:
        if name not in self.arms:
            self.arms[name] = _Arm(np.eye(self.n_features) * self.prior_precision, np.zeros(self.n_features))
        return self.arms[name]

    def choose(self, context: npt.ArrayLike, candidates: Sequence[str], key: str = "") -> BanditChoice:
        """Pick one of `candidates` (e.g. the critic-approved variants) for this context.

        `key` (e.g. user and campaign) joins the seed, so a rerun of the same decision makes the same choice.
        """
        x = self._context(context)
        names = list(dict.fromkeys(candidates))
        if not names:
            raise ValueError("choose needs at least one candidate arm")
        digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
        rng = np.random.default_rng([self.random_state, self.choices_made, digest])
        self.choices_made += 1
        draws = np.empty((self.n_draws + 1, len(names)))
        for j, name in enumerate(names):
            arm = self._arm(name)
            covariance = np.linalg.inv(arm.precision)
            mean = covariance @ arm.target
            # The reward's posterior at x is Gaussian: sample it directly, no d-dimensional draw needed.
            sd = self.exploration * float(np.sqrt(x @ covariance @ x))
            draws[:, j] = mean @ x + sd * rng.standard_normal(self.n_draws + 1)
        winners = draws.argmax(axis=1)
        counts = np.bincount(winners, minlength=len(names)) / winners.size
        chosen = int(winners[0])
        return BanditChoice(names[chosen], float(counts[chosen]), dict(zip(names, counts.tolist(), strict=True)))

    def update(self, context: npt.ArrayLike, action: str, reward: float) -> None:
        """Learn from one observed reward of `action` in `context`."""
        x = self._context(context)
        if not np.isfinite(reward):
            raise LogValidationError(f"reward must be a finite number, got {reward}")
        arm = self._arm(action)
        arm.precision += np.outer(x, x)
        arm.target += reward * x
        arm.pulls += 1

    def to_json(self) -> str:
        """The whole state, for storage between runs."""
        arms = {
            name: {"precision": arm.precision.tolist(), "target": arm.target.tolist(), "pulls": arm.pulls}
            for name, arm in self.arms.items()
        }
        settings = {k: getattr(self, k) for k in ("n_features", "prior_precision", "exploration", "n_draws")}
        return json.dumps(
            {
                "format": STATE_FORMAT,
                **settings,
                "random_state": self.random_state,
                "choices_made": self.choices_made,
                "arms": arms,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> LinearThompsonSampling:
        """Restore a state written by `to_json`."""
        data: dict[str, Any] = json.loads(text)
        if data.get("format") != STATE_FORMAT:
            raise ValueError(f"not a {STATE_FORMAT} bandit state")
        arms = {
            name: _Arm(np.asarray(arm["precision"]), np.asarray(arm["target"]), int(arm["pulls"]))
            for name, arm in data.pop("arms").items()
        }
        data.pop("format")
        return cls(**data, arms=arms)

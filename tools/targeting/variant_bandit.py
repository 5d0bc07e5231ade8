"""Online choice among the critic-approved variants: Thompson sampling on one shared linear model.

reward ≈ θ · x(variant, user), with a Gaussian posterior N(A⁻¹b, v² A⁻¹) over θ (Agrawal & Goyal 2013).
A choice samples θ and takes the candidate with the highest sampled reward, except for a small uniform share
of choices that keeps every candidate's propensity at least uniform_share / k. The propensity, which later
off-policy evaluation needs, has no closed form, so `n_draws` further posterior samples estimate it (the
deciding sample is counted among them).

Choices are seeded by the model's state and the caller's key (user and campaign), never by call order, so a
resumed or repeated run makes the same choice: campaign plans stay exactly-once and reproducible.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tools.targeting.variant_features import FEATURE_NAMES

STATE_FORMAT = "promo-variant-lints/1"
FloatArray = npt.NDArray[np.float64]

PRIOR_MEAN: dict[str, float] = {"critic_quality": 0.05}
"""Before any feedback: a variant the critic scores one point higher is taken to earn 2.5 points more clicks
(features are scaled to [-1, 1]), so an untrained bandit leans toward the critic's favourite, like the softmax
it replaces, and lets the data overrule it."""


@dataclass(frozen=True)
class VariantChoice:
    """The chosen candidate, the probability the policy gave it, and every candidate's probability."""

    chosen: str
    propensity: float
    probabilities: dict[str, float]


@dataclass
class VariantBandit:
    """Linear Thompson sampling over named variant features, shared by every user and variant."""

    feature_names: tuple[str, ...] = FEATURE_NAMES
    prior_mean: dict[str, float] = field(default_factory=lambda: dict(PRIOR_MEAN))
    """θ's prior mean per feature (absent names: 0)."""
    prior_precision: float = 4.0
    """Ridge strength λ = σ²/τ²: click noise σ ≈ 0.2 against a prior spread τ ≈ 0.1 per weight."""
    exploration: float = 0.2
    """Posterior scale v ≈ σ, the noise of a 0/1 click: covariance v² A⁻¹. Larger explores more."""
    n_draws: int = 500
    uniform_share: float = 0.05
    """Share of choices made uniformly at random, so every candidate keeps a propensity of at least
    uniform_share / k: inverse-propensity weights stay bounded for later off-policy evaluation."""
    random_state: int = 0
    precision: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    """A = prior · I + Σ x xᵀ."""
    target: FloatArray = field(default_factory=lambda: np.zeros(0))
    """b = Σ reward · x."""
    updates: int = 0
    """Rewards learned so far; part of the policy version that decisions log."""
    learned_runs: list[str] = field(default_factory=list)
    """Campaign runs already learned from, so no run's rewards are counted twice."""

    def __post_init__(self) -> None:
        d = len(self.feature_names)
        if d < 1:
            raise ValueError("feature_names must not be empty")
        if self.prior_precision <= 0 or self.exploration <= 0:
            raise ValueError("prior_precision and exploration must be > 0")
        if self.n_draws < 10:
            raise ValueError(f"n_draws must be >= 10 to estimate propensities, got {self.n_draws}")
        if not 0 <= self.uniform_share < 1:
            raise ValueError(f"uniform_share must be in [0, 1), got {self.uniform_share}")
        unknown = [n for n in self.prior_mean if n not in self.feature_names]
        if unknown:
            raise ValueError(f"prior_mean names unknown features {unknown}")
        if self.precision.size == 0:
            self.precision = np.eye(d) * self.prior_precision
            # b = A μ₀ puts the posterior mean at the prior mean before any reward.
            self.target = self.precision @ np.array([self.prior_mean.get(n, 0.0) for n in self.feature_names])
        if self.precision.shape != (d, d) or self.target.shape != (d,):
            raise ValueError(f"state does not match {d} features")

    @property
    def version(self) -> str:
        """Names the model a decision came from, e.g. lints-n120."""
        return f"lints-n{self.updates}"

    def vector(self, features: Mapping[str, float]) -> FloatArray:
        """The features in this model's order; a missing or extra name is an error, not a silent zero."""
        missing = [n for n in self.feature_names if n not in features]
        extra = [n for n in features if n not in self.feature_names]
        if missing or extra:
            raise ValueError(f"variant features do not match the model: missing {missing}, unexpected {extra}")
        x = np.array([float(features[n]) for n in self.feature_names])
        if not np.all(np.isfinite(x)):
            raise ValueError(f"variant features must be finite numbers, got {dict(features)}")
        return x

    def posterior_mean(self) -> FloatArray:
        """θ̂ = A⁻¹ b: the expected reward per unit of each feature."""
        return np.asarray(np.linalg.solve(self.precision, self.target), dtype=np.float64)

    def choose(self, candidates: Mapping[str, Mapping[str, float]], key: str) -> VariantChoice:
        """Pick one candidate (name → features); `key` (user and campaign) makes the choice reproducible."""
        if not candidates:
            raise ValueError("choose needs at least one candidate")
        names = list(candidates)
        x = np.stack([self.vector(candidates[n]) for n in names])
        digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
        rng = np.random.default_rng([self.random_state, self.updates, digest])
        # θ ~ N(A⁻¹b, v² A⁻¹): with A = L Lᵀ, θ = mean + v · L⁻ᵀ z.
        chol = np.linalg.cholesky(self.precision)
        z = rng.standard_normal((self.n_draws + 1, len(self.feature_names)))
        thetas = self.posterior_mean() + self.exploration * np.linalg.solve(chol.T, z.T).T
        winners = (thetas @ x.T).argmax(axis=1)
        k = len(names)
        shares = (1 - self.uniform_share) * np.bincount(winners, minlength=k) / winners.size + self.uniform_share / k
        explore = rng.random() < self.uniform_share
        chosen = int(rng.integers(k)) if explore else int(winners[0])
        return VariantChoice(names[chosen], float(shares[chosen]), dict(zip(names, shares.tolist(), strict=True)))

    def update(self, features: Mapping[str, float], reward: float) -> None:
        """Learn from one observed reward (click = 1, none = 0) of a variant with these features."""
        if not np.isfinite(reward):
            raise ValueError(f"reward must be a finite number, got {reward}")
        x = self.vector(features)
        self.precision += np.outer(x, x)
        self.target += reward * x
        self.updates += 1

    def to_json(self) -> str:
        """The whole state, for storage between runs."""
        return json.dumps(
            {
                "format": STATE_FORMAT,
                "feature_names": list(self.feature_names),
                "prior_mean": self.prior_mean,
                "prior_precision": self.prior_precision,
                "exploration": self.exploration,
                "n_draws": self.n_draws,
                "uniform_share": self.uniform_share,
                "random_state": self.random_state,
                "precision": self.precision.tolist(),
                "target": self.target.tolist(),
                "updates": self.updates,
                "learned_runs": self.learned_runs,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> VariantBandit:
        """Restore a state written by `to_json`; refuses a state trained on other features."""
        data: dict[str, Any] = json.loads(text)
        if data.pop("format", None) != STATE_FORMAT:
            raise ValueError(f"not a {STATE_FORMAT} state")
        names = tuple(data.pop("feature_names"))
        if names != FEATURE_NAMES:
            raise ValueError(f"state was trained on features {names}, this version uses {FEATURE_NAMES}")
        return cls(
            feature_names=names,
            precision=np.asarray(data.pop("precision"), dtype=np.float64),
            target=np.asarray(data.pop("target"), dtype=np.float64),
            **data,
        )

    def save(self, path: Path) -> None:
        """Write the state atomically, so a crash never leaves half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(path.suffix + ".partial")
        partial.write_text(self.to_json(), encoding="utf-8")
        partial.replace(path)

    @classmethod
    def load(cls, path: Path) -> VariantBandit:
        """Read a saved state, with the file named in the error when it is not one."""
        try:
            return cls.from_json(path.read_text(encoding="utf-8"))
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}: not a usable variant-bandit state ({error})") from error

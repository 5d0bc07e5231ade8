"""Off-policy evaluation: the value a new policy would have had, estimated from another policy's logs.

Every estimator here is a ratio of per-round sums, sum(numerator) / sum(denominator), which makes one
bootstrap serve all of them. Replicates are drawn from `random_state` and depend only on the number of
rounds, so two policies estimated with the same estimator settings on the same log share their resamples:
their bootstrap replicates are paired, and differences between them are tight (see `selection.py`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tools.targeting.offline.logs import (
    FloatArray,
    LoggedFeedback,
    LogValidationError,
    as_float_array,
    check_action_dist,
)

_CHUNK_CELLS = 2_000_000  # bootstrap index block size: bounds memory at ~16 MB whatever the log size


@dataclass(frozen=True)
class PolicyValue:
    """An estimated policy value with its bootstrap confidence interval."""

    estimator: str
    value: float
    ci_low: float
    ci_high: float
    n_rounds: int

    def scaled(self, factor: float) -> PolicyValue:
        """The same estimate in other units, e.g. per 1,000 customers."""
        return PolicyValue(
            self.estimator, self.value * factor, self.ci_low * factor, self.ci_high * factor, self.n_rounds
        )


@dataclass(frozen=True)
class OffPolicyEstimator(ABC):
    """Shared settings and the bootstrap; subclasses only say what each round contributes."""

    alpha: float = 0.05
    """1 - confidence level of the interval."""
    n_bootstrap: int = 1000
    random_state: int = 0

    name = "base"

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be in (0, 1), got {self.alpha}")
        if not isinstance(self.n_bootstrap, int) or self.n_bootstrap < 10:
            raise ValueError(f"n_bootstrap must be an integer >= 10, got {self.n_bootstrap!r}")
        if not isinstance(self.random_state, int) or self.random_state < 0:
            raise ValueError(f"random_state must be a non-negative integer, got {self.random_state!r}")

    @abstractmethod
    def terms(
        self, log: LoggedFeedback, action_dist: FloatArray, estimated_rewards: FloatArray | None
    ) -> tuple[FloatArray, FloatArray]:
        """Per-round numerator and denominator terms; the estimate is their sums' ratio."""

    def estimate(
        self,
        log: LoggedFeedback,
        action_dist: npt.ArrayLike,
        estimated_rewards: npt.ArrayLike | None = None,
    ) -> PolicyValue:
        """Estimate the value of the policy that chooses action a in round i with probability action_dist[i, a]."""
        numerator, denominator = self.checked_terms(log, action_dist, estimated_rewards)
        replicates = self.replicates(numerator, denominator)
        low, high = np.quantile(replicates, [self.alpha / 2, 1 - self.alpha / 2])
        value = float(numerator.sum() / denominator.sum())
        return PolicyValue(self.name, value, float(low), float(high), log.n_rounds)

    def checked_terms(
        self, log: LoggedFeedback, action_dist: npt.ArrayLike, estimated_rewards: npt.ArrayLike | None
    ) -> tuple[FloatArray, FloatArray]:
        """Validate the policy and reward-model arrays against the log, then compute the terms."""
        dist = check_action_dist(action_dist, log.n_rounds, log.n_actions)
        rewards_hat = None
        if estimated_rewards is not None:
            rewards_hat = as_float_array(estimated_rewards, "estimated_rewards", ndim=2)
            if rewards_hat.shape != dist.shape:
                raise LogValidationError(f"estimated_rewards must have shape {dist.shape}, got {rewards_hat.shape}")
        return self.terms(log, dist, rewards_hat)

    def replicates(self, numerator: FloatArray, denominator: FloatArray) -> FloatArray:
        """Bootstrap replicates of the ratio estimate (resampling rounds with replacement)."""
        n = numerator.shape[0]
        rng = np.random.default_rng(self.random_state)
        out = np.empty(self.n_bootstrap)
        step = max(1, _CHUNK_CELLS // n)
        for start in range(0, self.n_bootstrap, step):
            size = min(step, self.n_bootstrap - start)
            rows = rng.integers(0, n, size=(size, n))
            den = denominator[rows].sum(axis=1)
            # A resample whose weights all vanish has no defined ratio; count it as zero value.
            out[start : start + size] = np.divide(numerator[rows].sum(axis=1), den, out=np.zeros(size), where=den != 0)
        return out


def _weights(log: LoggedFeedback, action_dist: FloatArray) -> FloatArray:
    """Importance weights pi_e(a_i | x_i) / pi_0(a_i | x_i)."""
    chosen = action_dist[np.arange(log.n_rounds), log.actions]
    weights: FloatArray = chosen / log.propensities
    return weights


def _need_rewards(estimated_rewards: FloatArray | None, name: str) -> FloatArray:
    if estimated_rewards is None:
        raise LogValidationError(f"{name} needs estimated_rewards: a reward model's prediction for every action")
    return estimated_rewards


@dataclass(frozen=True)
class InverseProbabilityWeighting(OffPolicyEstimator):
    """IPW: unbiased when propensities are right and positive wherever the new policy acts."""

    name = "IPW"

    def terms(
        self, log: LoggedFeedback, action_dist: FloatArray, estimated_rewards: FloatArray | None
    ) -> tuple[FloatArray, FloatArray]:
        """Weighted reward over ones."""
        return _weights(log, action_dist) * log.rewards, np.ones(log.n_rounds)


@dataclass(frozen=True)
class SelfNormalizedIPW(OffPolicyEstimator):
    """SNIPW: IPW divided by the mean weight; slightly biased, much less variable when weights are large."""

    name = "SNIPW"

    def terms(
        self, log: LoggedFeedback, action_dist: FloatArray, estimated_rewards: FloatArray | None
    ) -> tuple[FloatArray, FloatArray]:
        """Weighted reward over the weights."""
        weights = _weights(log, action_dist)
        return weights * log.rewards, weights


@dataclass(frozen=True)
class DirectMethod(OffPolicyEstimator):
    """DM: the reward model's prediction averaged under the new policy; low variance, biased if the model is."""

    name = "DM"

    def terms(
        self, log: LoggedFeedback, action_dist: FloatArray, estimated_rewards: FloatArray | None
    ) -> tuple[FloatArray, FloatArray]:
        """Policy-weighted predicted reward over ones."""
        rewards_hat = _need_rewards(estimated_rewards, self.name)
        return (action_dist * rewards_hat).sum(axis=1), np.ones(log.n_rounds)


@dataclass(frozen=True)
class DoublyRobust(OffPolicyEstimator):
    """DR: DM plus an IPW correction of the model's residual; unbiased if either part is right."""

    name = "DR"

    def terms(
        self, log: LoggedFeedback, action_dist: FloatArray, estimated_rewards: FloatArray | None
    ) -> tuple[FloatArray, FloatArray]:
        """DM term plus weighted residual, over ones."""
        rewards_hat = _need_rewards(estimated_rewards, self.name)
        direct = (action_dist * rewards_hat).sum(axis=1)
        residual = log.rewards - rewards_hat[np.arange(log.n_rounds), log.actions]
        return direct + _weights(log, action_dist) * residual, np.ones(log.n_rounds)


ESTIMATORS: dict[str, type[OffPolicyEstimator]] = {
    cls.name: cls for cls in (InverseProbabilityWeighting, SelfNormalizedIPW, DirectMethod, DoublyRobust)
}


def deterministic_dist(actions: npt.ArrayLike, n_actions: int) -> FloatArray:
    """A deterministic policy's choices as one-hot action probabilities."""
    chosen = np.asarray(actions, dtype=np.int64)
    dist = np.zeros((chosen.shape[0], n_actions))
    dist[np.arange(chosen.shape[0]), chosen] = 1.0
    return dist

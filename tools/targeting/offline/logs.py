"""Logged bandit feedback as validated arrays: the checks every estimator and learner runs first.

Errors say which array, which row and what to fix, because a bad propensity silently ruins every
off-policy estimate built on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class LogValidationError(ValueError):
    """Logged data or policy probabilities that no estimator may use as they are."""


def as_float_array(values: npt.ArrayLike, name: str, *, ndim: int = 1) -> FloatArray:
    """A finite float array of the given rank, or an error naming the first bad row."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise LogValidationError(f"{name} must be numbers: {error}") from error
    if array.ndim != ndim:
        raise LogValidationError(f"{name} must be {ndim}-dimensional, got shape {array.shape}")
    if array.shape[0] == 0:
        raise LogValidationError(f"{name} is empty: the log has no rows to learn from or evaluate")
    bad = ~np.isfinite(array)
    if bad.any():
        row = int(np.argwhere(bad)[0][0])
        raise LogValidationError(f"{name} has a NaN or infinite value at row {row}: fill or drop that row")
    return array


def as_action_array(values: npt.ArrayLike, name: str, n_actions: int) -> IntArray:
    """Integer action indices in [0, n_actions)."""
    raw = as_float_array(values, name)
    if not np.all(raw == np.round(raw)):
        row = int(np.argmax(raw != np.round(raw)))
        raise LogValidationError(f"{name} must be integer action indices; row {row} has {raw[row]}")
    actions = raw.astype(np.int64)
    outside = (actions < 0) | (actions >= n_actions)
    if outside.any():
        row = int(np.argmax(outside))
        raise LogValidationError(f"{name} must be in 0..{n_actions - 1}; row {row} has {actions[row]}")
    return actions


def check_propensities(values: npt.ArrayLike, name: str = "propensities") -> FloatArray:
    """Probabilities of the logged choices: in (0, 1], since a zero-probability choice cannot be reweighted."""
    array = as_float_array(values, name)
    if (array <= 0).any():
        row = int(np.argmax(array <= 0))
        raise LogValidationError(
            f"{name} must be > 0; row {row} has {array[row]} (the logger must record the probability "
            "of the action it took, and never take an action it gave probability 0)"
        )
    if (array > 1).any():
        row = int(np.argmax(array > 1))
        raise LogValidationError(f"{name} must be <= 1; row {row} has {array[row]} (a percentage instead of 0..1?)")
    return array


def check_same_length(**arrays: npt.NDArray[np.generic]) -> int:
    """All arrays have the same number of rows; returns it."""
    lengths = {name: int(array.shape[0]) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name}={n}" for name, n in lengths.items())
        raise LogValidationError(f"mismatched lengths: {listed}; every array needs one entry per logged row")
    return next(iter(lengths.values()))


def check_action_dist(values: npt.ArrayLike, n_rows: int, n_actions: int) -> FloatArray:
    """An evaluation policy's probabilities, one row per logged round, each row summing to 1."""
    dist = as_float_array(values, "action_dist", ndim=2)
    if dist.shape != (n_rows, n_actions):
        raise LogValidationError(f"action_dist must have shape ({n_rows}, {n_actions}), got {dist.shape}")
    if (dist < 0).any() or (dist > 1).any():
        row = int(np.argwhere((dist < 0) | (dist > 1))[0][0])
        raise LogValidationError(f"action_dist must be probabilities in [0, 1]; row {row} is {dist[row].tolist()}")
    sums = dist.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-6):
        row = int(np.argmax(np.abs(sums - 1.0) > 1e-6))
        raise LogValidationError(f"action_dist rows must sum to 1; row {row} sums to {sums[row]:.6f}")
    return dist


@dataclass(frozen=True)
class LoggedFeedback:
    """Rounds logged by a stochastic policy: the action taken, its probability and the reward seen.

    Arrays are converted and checked on construction, so an instance is always safe to estimate with.
    """

    actions: IntArray
    rewards: FloatArray
    propensities: FloatArray
    n_actions: int

    def __post_init__(self) -> None:
        if not isinstance(self.n_actions, int) or self.n_actions < 2:
            raise LogValidationError(f"n_actions must be an integer >= 2, got {self.n_actions!r}")
        actions = as_action_array(self.actions, "actions", self.n_actions)
        rewards = as_float_array(self.rewards, "rewards")
        propensities = check_propensities(self.propensities)
        check_same_length(actions=actions, rewards=rewards, propensities=propensities)
        # Frozen: the converted arrays replace the inputs once, here, so later code sees only clean arrays.
        object.__setattr__(self, "actions", actions)
        object.__setattr__(self, "rewards", rewards)
        object.__setattr__(self, "propensities", propensities)

    @property
    def n_rounds(self) -> int:
        """Number of logged rounds."""
        return int(self.actions.shape[0])

    def subset(self, rows: IntArray | BoolArray) -> LoggedFeedback:
        """The same log restricted to some rows (e.g. a held-out split)."""
        return LoggedFeedback(
            actions=self.actions[rows],
            rewards=self.rewards[rows],
            propensities=self.propensities[rows],
            n_actions=self.n_actions,
        )

"""Budget allocation: at most one treatment per user, a total budget, channel capacities, eligibility.

The problem is a multiple-choice knapsack with side constraints. `allocate_exact` solves it with scipy's
MILP (HiGHS); `greedy.allocate_greedy` scales to millions of users; `solve.allocate` picks. Both return a
proven upper bound on the optimum, so every allocation states how far from optimal it can be.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, vstack

from tools.targeting.offline.logs import BoolArray, FloatArray, IntArray, as_float_array

EXACT_MAX_PAIRS = 10_000  # above this many (user, treatment) candidates HiGHS may need minutes


@dataclass(frozen=True)
class AllocationProblem:
    """Who may get which treatment, what each is worth and costs, and the limits."""

    values: FloatArray
    """(n, K) expected gain of treatment k for user i over sending nothing (any unit: visits, margin)."""
    budget: float
    """Total cost allowed; with the default unit costs, a number of sends."""
    costs: FloatArray | None = None
    """(K,) or (n, K) cost of each treatment, > 0; default 1 per send."""
    eligible: BoolArray | None = None
    """(n, K) hard constraints (consent, quiet hours, frequency caps): False means never."""
    channels: IntArray | None = None
    """(K,) channel index of each treatment; default all in channel 0."""
    capacities: FloatArray | None = None
    """(n_channels,) most sends per channel; inf for none."""

    def __post_init__(self) -> None:
        values = as_float_array(self.values, "values", ndim=2)
        n, k = values.shape
        if not np.isfinite(self.budget) or self.budget < 0:
            raise ValueError(f"budget must be a finite number >= 0, got {self.budget}")
        costs = np.ones(k) if self.costs is None else np.asarray(self.costs, dtype=np.float64)
        costs = np.broadcast_to(costs, (n, k)) if costs.shape in ((k,), (n, k)) else costs
        if costs.shape != (n, k):
            raise ValueError(f"costs must have shape ({k},) or ({n}, {k}), got {costs.shape}")
        if not np.isfinite(costs).all() or (costs <= 0).any():
            raise ValueError("costs must be finite and > 0 (a free treatment needs no budget: give it a tiny cost)")
        eligible = np.ones((n, k), dtype=bool) if self.eligible is None else np.asarray(self.eligible, dtype=bool)
        if eligible.shape != (n, k):
            raise ValueError(f"eligible must have shape ({n}, {k}), got {eligible.shape}")
        channels = np.zeros(k, dtype=np.int64) if self.channels is None else np.asarray(self.channels, dtype=np.int64)
        if channels.shape != (k,) or (channels < 0).any():
            raise ValueError(f"channels must be {k} non-negative channel indices, got {channels.tolist()}")
        n_channels = int(channels.max()) + 1
        capacities = np.full(n_channels, np.inf) if self.capacities is None else np.asarray(self.capacities, float)
        if capacities.shape != (n_channels,) or np.isnan(capacities).any() or (capacities < 0).any():
            raise ValueError(f"capacities must be {n_channels} numbers >= 0 (inf for none), got {capacities.tolist()}")
        for name, array in (("values", values), ("costs", costs), ("eligible", eligible)):
            object.__setattr__(self, name, array)
        object.__setattr__(self, "channels", channels)
        object.__setattr__(self, "capacities", capacities)

    @property
    def shape(self) -> tuple[int, int]:
        """(users, treatments)."""
        n, k = np.shape(self.values)
        return int(n), int(k)

    def candidates(self) -> BoolArray:
        """Pairs worth considering: eligible, positive value, affordable on their own."""
        mask: BoolArray = self.eligible & (self.values > 0) & (self.costs <= self.budget)  # type: ignore[operator]
        return mask


@dataclass(frozen=True)
class Allocation:
    """The chosen treatment per user (-1: none) and the proof of how good the choice is."""

    treatment: IntArray
    value: float
    cost: float
    upper_bound: float
    """A proven upper bound on the best achievable value (LP / Lagrangian bound)."""
    budget_line: float
    """Value per unit cost of the last pair the budget admitted: the bar a pair had to clear."""
    method: Literal["milp", "greedy"]

    @property
    def optimality_gap(self) -> float:
        """(bound - value) / bound: the allocation is at least this close to optimal."""
        return 0.0 if self.upper_bound <= 0 else max(0.0, (self.upper_bound - self.value) / self.upper_bound)

    @property
    def sends(self) -> int:
        """Users who get a treatment."""
        return int((self.treatment >= 0).sum())


def summarize(problem: AllocationProblem, treatment: IntArray) -> tuple[float, float]:
    """Total value and cost of a per-user choice."""
    chosen = np.flatnonzero(treatment >= 0)
    values, costs = np.asarray(problem.values), np.asarray(problem.costs)
    return float(values[chosen, treatment[chosen]].sum()), float(costs[chosen, treatment[chosen]].sum())


def allocate_exact(problem: AllocationProblem, *, time_limit: float = 60.0) -> Allocation:
    """Solve the integer program with HiGHS; the bound is the solver's dual bound."""
    users, treatments = np.nonzero(problem.candidates())
    n, _ = problem.shape
    m = users.shape[0]
    if m == 0:
        return Allocation(np.full(n, -1, dtype=np.int64), 0.0, 0.0, 0.0, 0.0, "milp")
    values, costs = np.asarray(problem.values), np.asarray(problem.costs)
    channels, capacities = np.asarray(problem.channels), np.asarray(problem.capacities)
    cols = np.arange(m)
    one_per_user = csr_array((np.ones(m), (users, cols)), shape=(n, m))
    budget_row = csr_array(costs[users, treatments][None, :])
    used = channels[treatments]
    finite = [c for c in range(capacities.shape[0]) if np.isfinite(capacities[c])]
    rows = [one_per_user, budget_row]
    upper: list[float] = [1.0] * n + [problem.budget]
    for c in finite:
        rows.append(csr_array((used == c).astype(np.float64)[None, :]))
        upper.append(float(capacities[c]))
    result = milp(
        c=-values[users, treatments],
        constraints=LinearConstraint(vstack(rows).tocsr(), -np.inf, np.asarray(upper)),
        integrality=np.ones(m),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit},
    )
    if result.x is None:
        raise RuntimeError(f"MILP found no solution: {result.message}")
    picked = result.x > 0.5
    treatment = np.full(n, -1, dtype=np.int64)
    treatment[users[picked]] = treatments[picked]
    value, cost = summarize(problem, treatment)
    dual = getattr(result, "mip_dual_bound", None)  # minimizing -value: minus the dual bound caps the value
    bound = value if dual is None or not np.isfinite(dual) else max(value, -float(dual))
    efficiency = values[users[picked], treatments[picked]] / costs[users[picked], treatments[picked]]
    line = float(efficiency.min()) if efficiency.size else 0.0
    return Allocation(treatment, value, cost, bound, line, "milp")

"""Pick the allocation solver: exact MILP while the instance is small, the LP-greedy beyond."""

from __future__ import annotations

from typing import Literal

from tools.targeting.allocation import EXACT_MAX_PAIRS, Allocation, AllocationProblem, allocate_exact
from tools.targeting.greedy import allocate_greedy

Method = Literal["auto", "milp", "greedy"]


def allocate(problem: AllocationProblem, *, method: Method = "auto") -> Allocation:
    """Exact when at most `EXACT_MAX_PAIRS` candidate pairs (or when asked), the LP-greedy otherwise."""
    if method not in ("auto", "milp", "greedy"):
        raise ValueError(f"method must be auto, milp or greedy, got {method!r}")
    if method == "milp" or (method == "auto" and int(problem.candidates().sum()) <= EXACT_MAX_PAIRS):
        return allocate_exact(problem)
    return allocate_greedy(problem)

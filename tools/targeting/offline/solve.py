"""Pick the allocation solver: the LP-greedy always, the exact MILP where the greedy is not provably optimal."""

from __future__ import annotations

from typing import Literal

from tools.targeting.offline.allocation import EXACT_MAX_PAIRS, Allocation, AllocationProblem, allocate_exact
from tools.targeting.offline.greedy import allocate_greedy

Method = Literal["auto", "milp", "greedy"]


def allocate(problem: AllocationProblem, *, method: Method = "auto", time_limit: float = 20.0) -> Allocation:
    """Allocate the budget.

    auto: run the LP-greedy; if its certificate leaves a gap (costs or caps) and the instance has at most
    `EXACT_MAX_PAIRS` candidate pairs, also solve the MILP (within `time_limit` seconds) and keep the better.
    """
    if method not in ("auto", "milp", "greedy"):
        raise ValueError(f"method must be auto, milp or greedy, got {method!r}")
    if method == "milp":
        return allocate_exact(problem, time_limit=time_limit)
    greedy = allocate_greedy(problem)
    if method == "greedy" or greedy.optimality_gap < 1e-9 or int(problem.candidates().sum()) > EXACT_MAX_PAIRS:
        return greedy
    exact = allocate_exact(problem, time_limit=time_limit)
    return exact if exact.value > greedy.value else greedy

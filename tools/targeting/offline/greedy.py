"""The LP-greedy for large allocations: upgrade steps along each user's convex hull, best value per cost first.

Guarantee. Without binding channel capacities this is the greedy of Sinha & Zoltners (1979) for the
multiple-choice knapsack (Kellerer, Pferschy & Pisinger, "Knapsack Problems", 2004, section 11.2): each
user's options, sorted by cost, are reduced to their upper convex hull; the hull's upgrade steps are taken
in decreasing value per cost until the first step that does not fit. The steps taken up to that point are
the LP optimum with its single fractional step dropped, so

    value >= LP* - (value of that step) >= OPT - max_{i,k} values[i, k].

With equal costs per send the LP optimum is integral and the greedy is exactly optimal (the top users by
their best value). After the break the greedy keeps filling with steps that still fit, which only adds
value.

Channel capacities are handled by Lagrangian prices: a price per capped channel, found by bisection on a
seeded sample of users, is subtracted from the value of that channel's treatments before the greedy runs
(the LP's own device for a second constraint), and the caps are then enforced exactly: a full channel
takes no one new until users leave it. The a-priori bound does not cover this case, but the returned
`upper_bound` (a Lagrangian bound, valid for any multipliers by weak duality) certifies every instance.
"""

from __future__ import annotations

import numpy as np

from tools.targeting.offline.allocation import Allocation, AllocationProblem, summarize
from tools.targeting.offline.hull import lp_greedy
from tools.targeting.offline.logs import FloatArray, IntArray


def channel_prices(problem: AllocationProblem, *, sample: int = 20_000, random_state: int = 0) -> FloatArray:
    """Per-channel Lagrange prices that make the greedy respect the caps, bisected on a sample of users."""
    channels, capacities = np.asarray(problem.channels), np.asarray(problem.capacities)
    prices = np.zeros(capacities.shape[0])
    capped = np.flatnonzero(np.isfinite(capacities)).tolist()
    if not capped:
        return prices
    n, _ = problem.shape
    rows = np.sort(np.random.default_rng(random_state).permutation(n)[:sample])
    share = rows.size / n  # the sample gets its share of the budget and of every cap
    values = np.where(problem.candidates()[rows], np.asarray(problem.values)[rows], -np.inf)
    costs = np.asarray(problem.costs)[rows]
    top = float(np.max(values[np.isfinite(values)], initial=0.0))

    def usage(trial: FloatArray) -> IntArray:
        choice, _, _ = lp_greedy(
            values - trial[channels], costs, channels, np.full_like(trial, np.inf), problem.budget * share
        )
        return np.bincount(channels[choice[choice >= 0]], minlength=prices.shape[0])

    for _ in range(2):  # two sweeps: a price on one channel shifts users onto the others
        for channel in capped:
            low, high = 0.0, top
            for _ in range(14):
                trial = prices.copy()
                trial[channel] = (low + high) / 2
                low, high = (
                    (trial[channel], high)
                    if usage(trial)[channel] > capacities[channel] * share
                    else (low, trial[channel])
                )
            prices[channel] = (
                high if usage(prices)[channel] > capacities[channel] * share else min(prices[channel], high)
            )
    return prices


def allocate_greedy(problem: AllocationProblem, *, sample: int = 20_000, random_state: int = 0) -> Allocation:
    """Allocate by the LP-greedy; see the module docstring for the guarantee and the channel prices."""
    values, costs = np.asarray(problem.values), np.asarray(problem.costs)
    channels, capacities = np.asarray(problem.channels), np.asarray(problem.capacities)
    candidates = problem.candidates()
    prices = np.zeros(capacities.shape[0])
    if np.isfinite(capacities).any():
        prices = channel_prices(problem, sample=sample, random_state=random_state)
    options = np.where(candidates, values - prices[channels][None, :], -np.inf)
    # The priced LP-greedy without caps first: with good prices it already fits them, and its budget break
    # is the bound's multiplier. If a cap is exceeded (the sample's prices were a little low), drop the
    # excess and refill with the caps enforced.
    uncapped = np.full_like(capacities, np.inf)
    choice, first_break, line = lp_greedy(options, costs, channels, uncapped, problem.budget)
    if _over_capacity(choice, channels, capacities):
        start = _drop_excess(choice, options, costs, channels, capacities)
        choice, _, line = lp_greedy(options, costs, channels, capacities, problem.budget, start)
    value, cost = summarize(problem, choice)
    bound = min(lagrangian_bound(problem, first_break, prices), lagrangian_bound(problem, first_break, 0 * prices))
    return Allocation(choice, value, cost, max(value, bound), line, "greedy")


def _over_capacity(choice: IntArray, channels: IntArray, capacities: FloatArray) -> bool:
    used = np.bincount(channels[choice[choice >= 0]], minlength=capacities.shape[0])
    return bool((used > capacities).any())


def _drop_excess(
    choice: IntArray, options: FloatArray, costs: FloatArray, channels: IntArray, capacities: FloatArray
) -> IntArray:
    """Unassign the least efficient users of each over-full channel until it fits."""
    kept = choice.copy()
    held = np.flatnonzero(kept >= 0)
    efficiency = options[held, kept[held]] / costs[held, kept[held]]
    for channel in np.flatnonzero(np.isfinite(capacities)).tolist():
        inside = channels[choice[held]] == channel
        excess = int(inside.sum()) - int(np.floor(capacities[channel]))
        if excess > 0:
            ranked = held[inside][np.argsort(efficiency[inside], kind="stable")]
            kept[ranked[:excess]] = -1
    return kept


def lagrangian_bound(problem: AllocationProblem, lam: float, prices: FloatArray) -> float:
    """Lagrangian bound: lam * B + prices . caps + sum_i max(0, max_k v_ik - lam * c_ik - price of k's channel).

    An upper bound on the optimum for any lam >= 0 and prices >= 0 (weak duality); uncapped channels
    must carry price 0.
    """
    values, costs = np.asarray(problem.values), np.asarray(problem.costs)
    channels, caps = np.asarray(problem.channels), np.asarray(problem.capacities)
    prices = np.where(np.isfinite(caps), prices, 0.0)
    adjusted = np.where(problem.candidates(), values - lam * costs - prices[channels][None, :], 0.0)
    priced = prices > 0
    total = lam * problem.budget + float((prices[priced] * caps[priced]).sum())
    return total + float(np.maximum(adjusted.max(axis=1), 0.0).sum())

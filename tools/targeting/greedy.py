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

from typing import NamedTuple

import numpy as np

from tools.targeting.allocation import Allocation, AllocationProblem, summarize
from tools.targeting.logs import FloatArray, IntArray

_TOL = 1e-9
_MAX_ROUNDS = 64  # each round ends at a full channel or a budget break; real instances need a handful


class Steps(NamedTuple):
    """Upgrade steps, one row per (user, hull level): move `user` from option `frm` (-1: none) to `to`."""

    user: IntArray
    to: IntArray
    frm: IntArray
    extra_cost: FloatArray
    gain: FloatArray
    slope: FloatArray
    """Gain per extra cost; non-increasing along one user's levels (the hull is concave)."""
    level: IntArray


def hull_steps(
    options: FloatArray, costs: FloatArray, current: IntArray, cur_v: FloatArray, cur_c: FloatArray
) -> Steps:
    """Each user's upgrade steps from their current choice along the upper convex hull of their options.

    `options` holds each pair's value, -inf where the pair is not allowed. Because one user's slopes do not
    increase from level to level, a stable global sort by slope keeps each user's steps in order.
    """
    n, k = options.shape
    value, cost, at = cur_v.copy(), cur_c.copy(), current.copy()
    live = np.ones(n, dtype=bool)
    parts: list[Steps] = []
    rows = np.arange(n)
    for level in range(k):
        gain = options - value[:, None]
        extra = costs - cost[:, None]
        slope = np.full((n, k), -np.inf)
        np.divide(gain, extra, out=slope, where=(gain > 0) & (extra > 0) & live[:, None])
        best = slope.argmax(axis=1)
        live = np.isfinite(slope[rows, best])
        users = np.flatnonzero(live)
        if users.size == 0:
            break
        to = best[users]
        levels = np.full(users.size, level, dtype=np.int64)
        parts.append(Steps(users, to, at[users], extra[users, to], gain[users, to], slope[users, to], levels))
        value[users], cost[users], at[users] = options[users, to], costs[users, to], to
    if not parts:
        no_int, no_float = np.zeros(0, dtype=np.int64), np.zeros(0)
        return Steps(no_int, no_int, no_int, no_float, no_float, no_float, no_int)
    return Steps(*(np.concatenate(column) for column in zip(*parts, strict=True)))


def _lp_greedy(
    options: FloatArray, costs: FloatArray, channels: IntArray, capacities: FloatArray, budget: float
) -> tuple[IntArray, float, float]:
    """Hull steps by slope until the budget breaks, then fill; caps enforced. Returns (choice, break, line).

    `options` are the (priced) values, -inf where a pair is not allowed.
    """
    n, k = options.shape
    current = np.full(n, -1, dtype=np.int64)
    cur_v, cur_c, cap_left = np.zeros(n), np.zeros(n), capacities.astype(np.float64).copy()
    budget_left, line, first_break = budget, 0.0, 0.0
    for _ in range(_MAX_ROUNDS):
        # A full channel takes no one new this round; users leaving it free room for the next round.
        closed = cap_left < 1 - _TOL
        allowed = ~closed[channels][None, :] & (costs - cur_c[:, None] <= budget_left + _TOL)
        users, to, frm, extra, _, slope, level = hull_steps(
            np.where(allowed, options, -np.inf), costs, current, cur_v, cur_c
        )
        if users.size == 0:
            break
        order = np.argsort(-slope, kind="stable")  # stable: ties keep level order, so steps stay in sequence
        spent = np.cumsum(extra[order])
        over_budget = spent > budget_left + _TOL
        budget_stop = int(np.argmax(over_budget)) if over_budget.any() else order.size
        # The taken prefix is applied at once, so only its end state must respect the caps: a channel may
        # overflow mid-way while later upgrades move users out of it again.
        fits = np.ones(order.size + 1, dtype=bool)
        usage: dict[int, IntArray] = {}
        for channel in np.flatnonzero(np.isfinite(cap_left)).tolist():
            enters = (channels[to] == channel).astype(np.int64)
            leaves = (frm >= 0) & (channels[np.maximum(frm, 0)] == channel)
            usage[channel] = np.concatenate(([0], np.cumsum((enters - leaves)[order])))
            fits &= usage[channel] <= cap_left[channel] + _TOL
        stop = int(np.flatnonzero(fits[: budget_stop + 1])[-1])
        taken = order[:stop]
        for lv in range(k):  # level by level, so a user's later upgrade overrides the earlier one
            sel = taken[level[taken] == lv]
            who, what = users[sel], to[sel]
            current[who], cur_v[who], cur_c[who] = what, options[who, what], costs[who, what]
        if stop:
            line = float(slope[order[stop - 1]])
            budget_left -= float(spent[stop - 1])
            for channel, used in usage.items():
                cap_left[channel] -= used[stop]
        if stop == order.size:
            break
        if stop == budget_stop and not first_break:
            first_break = float(slope[order[stop]])
    return current, first_break, line


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
        choice, _, _ = _lp_greedy(
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
    best: tuple[float, IntArray, float] = (-np.inf, np.full(problem.shape[0], -1, dtype=np.int64), 0.0)
    bound = np.inf
    trials = [np.zeros(capacities.shape[0])]
    if np.isfinite(capacities).any():
        trials.append(channel_prices(problem, sample=sample, random_state=random_state))
    for prices in trials:
        options = np.where(candidates, values - prices[channels][None, :], -np.inf)
        choice, first_break, line = _lp_greedy(options, costs, channels, capacities, problem.budget)
        value, _ = summarize(problem, choice)
        if value > best[0]:
            best = (value, choice, line)
        bound = min(bound, lagrangian_bound(problem, first_break, prices))
    value, choice, line = best
    _, cost = summarize(problem, choice)
    return Allocation(choice, value, cost, max(value, bound), line, "greedy")


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

"""The LP-greedy for large allocations: upgrade steps along each user's convex hull, best value per cost first.

Guarantee. Without binding channel capacities this is the greedy of Sinha & Zoltners (1979) for the
multiple-choice knapsack (Kellerer, Pferschy & Pisinger, "Knapsack Problems", 2004, section 11.2): each
user's options, sorted by cost, are reduced to their upper convex hull; the hull's upgrade steps are taken
in decreasing value per cost until the first step that does not fit. The steps taken up to that point are
the LP optimum with its single fractional step dropped, so

    value >= LP* - (value of that step) >= OPT - max_{i,k} values[i, k].

With equal costs per send the LP optimum is integral and the greedy is exactly optimal (the top users by
their best value). After the break the greedy keeps filling with steps that still fit, which only adds
value. When a channel fills up it is closed and the remaining users' hulls are rebuilt without it; the
a-priori bound then no longer applies, but the returned `upper_bound` (a Lagrangian bound, valid for any
multipliers by weak duality) still certifies every instance.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from tools.targeting.allocation import Allocation, AllocationProblem, summarize
from tools.targeting.logs import BoolArray, FloatArray, IntArray

_TOL = 1e-9


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


def allocate_greedy(problem: AllocationProblem, *, max_rounds: int = 64) -> Allocation:
    """Allocate by the LP-greedy; see the module docstring for the guarantee."""
    n, k = problem.shape
    values, costs = np.asarray(problem.values), np.asarray(problem.costs)
    channels, cap_left = np.asarray(problem.channels), np.asarray(problem.capacities, dtype=np.float64).copy()
    candidates = problem.candidates()
    current = np.full(n, -1, dtype=np.int64)
    cur_v, cur_c = np.zeros(n), np.zeros(n)
    budget_left, line, first_break = float(problem.budget), 0.0, None
    channel_lines = np.zeros(cap_left.shape[0])
    for _ in range(max_rounds):
        # A full channel takes no one new this round; users leaving it free room for the next round.
        closed = cap_left < 1 - _TOL
        open_ = candidates & ~closed[channels][None, :] & (costs - cur_c[:, None] <= budget_left + _TOL)
        steps = hull_steps(np.where(open_, values, -np.inf), costs, current, cur_v, cur_c)
        users, to, frm, dc, dv, eff, level = steps
        if users.size == 0:
            break
        order = np.argsort(-eff, kind="stable")  # stable: ties keep level order, so steps stay in sequence
        spent = np.cumsum(dc[order])
        over_budget = spent > budget_left + _TOL
        over = over_budget.copy()
        moves: dict[int, IntArray] = {}
        for channel in np.flatnonzero(np.isfinite(cap_left)).tolist():
            enters = (channels[to] == channel).astype(np.int64)
            leaves = (frm >= 0) & (channels[np.maximum(frm, 0)] == channel)
            moves[channel] = np.cumsum((enters - leaves)[order])
            over |= moves[channel] > cap_left[channel] + _TOL
        stop = int(np.argmax(over)) if over.any() else order.size
        print("ROUND", order.size, stop, budget_left, cap_left, over_budget[stop] if stop < order.size else None)
        taken = order[:stop]
        for lv in range(k):  # apply level by level so a user's later upgrade overrides the earlier one
            sel = taken[level[taken] == lv]
            who, what = users[sel], to[sel]
            current[who], cur_v[who], cur_c[who] = what, values[who, what], costs[who, what]
        if stop:
            line = float(eff[order[stop - 1]])
            budget_left -= float(spent[stop - 1])
            for c, used in moves.items():
                cap_left[c] -= used[stop - 1]
        if stop == order.size:
            break
        blocked = order[stop]
        if over_budget[stop] and first_break is None:
            first_break = float(eff[blocked])
        for c, used in moves.items():
            if used[stop] - (used[stop - 1] if stop else 0) > cap_left[c] + _TOL:
                channel_lines[c] = max(channel_lines[c], float(dv[blocked]))
    value, cost = summarize(problem, current)
    bound = _lagrangian_bound(problem, candidates, first_break or 0.0, channel_lines)
    return Allocation(current, value, cost, max(value, bound), line, "greedy")


def _lagrangian_bound(problem: AllocationProblem, candidates: BoolArray, lam: float, mu: FloatArray) -> float:
    """Smallest of two Lagrangian bounds  lam*B + mu.cap + sum_i max(0, max_k v - lam*c - mu_channel).

    Any lam, mu >= 0 give an upper bound on the optimum (weak duality); the first ignores the channel
    capacities (mu = 0), the second prices the closed channels at the value they turned away.
    """
    values, costs = np.asarray(problem.values), np.asarray(problem.costs)
    channels, caps = np.asarray(problem.channels), np.asarray(problem.capacities)
    best = np.inf
    for prices in (np.zeros_like(mu), mu):
        adjusted = np.where(candidates, values - lam * costs - prices[channels][None, :], 0.0)
        priced = np.isfinite(caps) & (prices > 0)
        total = lam * problem.budget + float((prices[priced] * caps[priced]).sum())
        best = min(best, total + float(np.maximum(adjusted.max(axis=1), 0.0).sum()))
    return best

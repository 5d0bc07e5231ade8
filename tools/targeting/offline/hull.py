"""The LP-greedy core for the multiple-choice knapsack (see `greedy.py` for its guarantee).

Each user's upgrade steps along the convex hull of their options are taken globally in decreasing value
per cost, with the budget and the channel caps enforced.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from tools.targeting.offline.logs import FloatArray, IntArray

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


def lp_greedy(
    options: FloatArray,
    costs: FloatArray,
    channels: IntArray,
    capacities: FloatArray,
    budget: float,
    start: IntArray | None = None,
) -> tuple[IntArray, float, float]:
    """Hull steps by slope until the budget breaks, then fill; caps enforced. Returns (choice, break, line).

    `options` are the (priced) values, -inf where a pair is not allowed; `start` is a feasible choice to
    continue from (default: nobody gets anything). `break` is the slope of the first step the budget
    refused (0 if none): the LP's budget multiplier.
    """
    n, k = options.shape
    current = np.full(n, -1, dtype=np.int64) if start is None else start.copy()
    held = np.flatnonzero(current >= 0)
    cur_v, cur_c = np.zeros(n), np.zeros(n)
    cur_v[held], cur_c[held] = options[held, current[held]], costs[held, current[held]]
    cap_left = capacities - np.bincount(channels[current[held]], minlength=capacities.shape[0])
    budget_left, line, first_break = budget - float(cur_c.sum()), 0.0, 0.0
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

"""Plan a campaign: score every customer with a learned policy, allocate the budget, explain each row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from tools.targeting.offline.allocation import Allocation, AllocationProblem
from tools.targeting.offline.eligibility import Eligibility
from tools.targeting.offline.learned import UpliftPolicy
from tools.targeting.offline.logs import FloatArray, IntArray
from tools.targeting.offline.solve import Method, allocate
from tools.targeting.offline.table import Table


@dataclass(frozen=True)
class Budget:
    """Exactly one of: a share of the customers, a number of sends, or a total cost."""

    share: float | None = None
    sends: int | None = None
    cost: float | None = None

    def __post_init__(self) -> None:
        given = [v for v in (self.share, self.sends, self.cost) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one budget: a share of customers, a number of sends, or a total cost")
        if self.share is not None and not 0 <= self.share <= 1:
            raise ValueError(f"budget share must be in [0, 1], got {self.share}")
        if any(v < 0 for v in given):
            raise ValueError(f"budget must be >= 0, got {given[0]}")

    def amount(self, n_customers: int) -> float:
        """The budget in allocation units (sends, or cost when costs are given)."""
        if self.share is not None:
            return float(np.floor(self.share * n_customers))
        return float(self.sends if self.sends is not None else self.cost or 0.0)


@dataclass(frozen=True)
class PlanRow:
    """One customer's decision, as written to the plan file."""

    customer: str
    decision: Literal["send", "hold"]
    treatment: str
    score: float
    rank: int
    reason: str


@dataclass(frozen=True)
class Plan:
    """All rows plus the allocation behind them (value, bound, budget line)."""

    rows: list[PlanRow]
    allocation: Allocation
    warnings: list[str] = field(default_factory=list)
    """Things the planner noticed but accepted, e.g. category values unseen in training."""


MAX_UNSEEN_SHARE = 0.5
"""Refuse a file where more than this share of rows has an unseen value in any one categorical column.

An unseen value encodes as "no category", so its rows get the policy's baseline for that column. A few
such rows (a new zip code) are fine and only warned about; when most rows of a column are unseen, the
file is almost certainly not what the policy was fitted for (renamed categories, a different source, a
shifted column), and the plan would rank customers on a column it cannot read.
"""


def check_unseen(policy: UpliftPolicy, table: Table, max_share: float = MAX_UNSEEN_SHARE) -> list[str]:
    """Warnings for category values the policy never saw; an error when they dominate a column."""
    warnings = []
    n = table.n_rows
    for column, counts in policy.encoder.unseen(table).items():
        rows = sum(counts.values())
        shown = ", ".join(f"{value!r} ({count:,} rows)" for value, count in list(counts.items())[:5])
        more = f" and {len(counts) - 5} more" if len(counts) > 5 else ""
        line = f"column {column!r}: {rows:,} of {n:,} rows ({rows / n:.0%}) have values never seen in training: "
        if rows > max_share * n:
            levels = policy.encoder.levels[column]
            known = ", ".join(levels[:10]) + (f", ... ({len(levels)} in all)" if len(levels) > 10 else "")
            raise ValueError(
                f"{table.source}: {line}{shown}{more}; that is over the {max_share:.0%} limit, so this file does "
                f"not match the policy. Fix the column's values (known: {known}) or refit the policy on a log "
                "that has them."
            )
        warnings.append(f"{line}{shown}{more}; they are scored as the baseline for {column!r}")
    return warnings


def plan_campaign(
    policy: UpliftPolicy,
    table: Table,
    budget: Budget,
    *,
    costs: dict[str, float] | None = None,
    eligibility: Eligibility | None = None,
    id_column: str | None = None,
    top_features: int = 3,
    method: Method = "auto",
    max_unseen_share: float = MAX_UNSEEN_SHARE,
    progress: Callable[[str], None] | None = None,
) -> Plan:
    """Decide, for every customer of `table`, whether to send and which treatment, within the budget.

    Category values unseen in training are listed in `Plan.warnings`; a table where they exceed
    `max_unseen_share` of the rows in any column is refused (ValueError).
    """
    say = progress or (lambda _text: None)
    treatments = policy.treatments[1:]
    unknown = sorted(set(costs or {}) - set(treatments))
    if unknown:
        raise ValueError(f"costs name unknown treatment(s) {unknown}; the policy's treatments are {treatments}")
    table.require(policy.encoder.numeric + policy.encoder.categorical)
    warnings = check_unseen(policy, table, max_unseen_share)
    say("scoring")
    features = policy.encoder.transform(table)
    scores = policy.scores(features)
    n = scores.shape[0]
    cost = np.asarray([(costs or {}).get(name, 1.0) for name in treatments])
    mask = np.ones_like(scores, dtype=bool) if eligibility is None else eligibility.mask
    say("allocating")
    allocation = allocate(AllocationProblem(scores, budget.amount(n), cost, mask), method=method)
    efficiency = np.where(mask, scores / cost, -np.inf)
    best = efficiency.argmax(axis=1)
    shown = np.where(allocation.treatment >= 0, allocation.treatment, best)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(-efficiency[np.arange(n), best], kind="stable")] = np.arange(1, n + 1)
    sent = allocation.treatment >= 0
    line_rank = int(rank[sent].max()) if sent.any() else 0
    say("explaining")
    drivers = _drivers(policy, table, features, shown, top_features)
    if id_column:
        table.require([id_column])
    ids = table.columns[id_column] if id_column else [str(i + 1) for i in range(n)]
    rows = []
    for i in range(n):
        blocked = eligibility.reasons.get(i, []) if eligibility else []
        name, score = treatments[shown[i]], float(scores[i, shown[i]])
        where = f"rank {rank[i]:,} of {n:,}, budget line at rank {line_rank:,}"
        tail = f"drivers: {drivers[i]}; constraints: {', '.join(blocked) or 'none'}"
        if sent[i]:
            rows.append(
                PlanRow(ids[i], "send", name, score, int(rank[i]), f"send {name}: {score:+.4g}; {where}; {tail}")
            )
            continue
        if not mask[i].any():
            why = f"hold: blocked by hard constraints ({', '.join(blocked)})"
        elif score <= 0:
            why = f"hold: no treatment is expected to help (best {name} {score:+.4g}); {tail}"
        else:
            why = f"hold: best {name} {score:+.4g} is below the budget line; {where}; {tail}"
        rows.append(PlanRow(ids[i], "hold", "", score, int(rank[i]), why))
    return Plan(rows, allocation, warnings)


def _drivers(policy: UpliftPolicy, table: Table, features: FloatArray, shown: IntArray, top: int) -> list[str]:
    """Per row, the raw columns that moved the shown treatment's score most, with their values and pushes."""
    sources = policy.encoder.sources
    names = list(dict.fromkeys(sources))
    membership = np.asarray([[source == name for name in names] for source in sources], dtype=np.float64)
    by_column = np.zeros((features.shape[0], len(names)))
    for t in np.unique(shown).tolist():
        rows = shown == t
        by_column[rows] = policy.contributions(features[rows], t + 1) @ membership
    order = np.argsort(-np.abs(by_column), axis=1)[:, :top]
    return [
        ", ".join(
            f"{names[j]}={table.columns[names[j]][i]} {by_column[i, j]:+.3g}" for j in order[i] if by_column[i, j]
        )
        or "none"
        for i in range(features.shape[0])
    ]

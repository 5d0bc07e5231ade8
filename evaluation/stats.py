"""Small, exact statistics used by the metrics: nearest-rank percentiles, means and rates."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile: the ``ceil(q * n)``-th smallest value (1-based); None for no values.

    ``q`` is a fraction in [0, 1]; q = 0 gives the minimum. The same rule as tools.llm_usage, so run-level
    and call-level figures read alike.
    """
    if not 0 <= q <= 1:
        raise ValueError(f"q must be in [0, 1], got {q}")
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def mean(values: Sequence[float]) -> float | None:
    """Arithmetic mean; None for no values."""
    return sum(values) / len(values) if values else None


def rate(hits: int, total: int) -> float | None:
    """``hits / total``; None when nothing was measured (total 0), so a gate cannot pass on no data."""
    if hits < 0 or total < 0 or hits > total:
        raise ValueError(f"need 0 <= hits <= total, got {hits} / {total}")
    return hits / total if total else None


def share_true(flags: Sequence[bool | None]) -> float | None:
    """Share of True among the flags that are not None (None means: does not apply)."""
    applicable = [f for f in flags if f is not None]
    return rate(sum(applicable), len(applicable))

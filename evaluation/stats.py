"""Small, exact statistics used by the metrics: means and rates (percentiles: tools.stats)."""

from __future__ import annotations

from collections.abc import Sequence


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

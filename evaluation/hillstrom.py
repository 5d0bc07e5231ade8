"""The public Hillstrom e-mail log as the uplift benchmarks read it: where it lies, its arms and its columns."""

from __future__ import annotations

from pathlib import Path

from tools.targeting.offline.learned import LogColumns

HILLSTROM_CSV = Path("../shared/data/hillstrom/hillstrom_public.csv")
"""Relative to the repository root, as the benchmarks are run from there; never copied into the repo."""
ARMS = ["No E-Mail", "Mens E-Mail", "Womens E-Mail"]
COLUMNS = LogColumns(
    "segment",
    "No E-Mail",
    {"visit": 1.0},
    ["recency", "history", "mens", "womens", "newbie"],
    ["history_segment", "zip_code", "channel"],
)
"""Treatment column and control arm, the outcome weights of a visit policy, numeric and categorical features."""

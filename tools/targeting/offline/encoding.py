"""The feature encoding every learned targeting model shares.

The encoding is plain JSON (means, scales, bin edges, category levels), so a saved policy needs no pickle,
and each encoded column remembers its source column, so a linear score splits back into per-feature reasons.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tools.targeting.offline.logs import FloatArray
from tools.targeting.offline.table import Table


@dataclass(frozen=True)
class FeatureEncoder:
    """Numeric columns standardized (plus optional quantile-bin indicators), categorical columns one-hot.

    Categories unseen at fit time encode as all zeros: the model falls back to its baseline for them.
    """

    numeric: list[str] = field(default_factory=list)
    categorical: list[str] = field(default_factory=list)
    n_bins: int = 0
    """Quantile bins per numeric column, so a linear model can bend; 0 keeps numeric features linear."""
    means: dict[str, float] = field(default_factory=dict)
    scales: dict[str, float] = field(default_factory=dict)
    bin_edges: dict[str, list[float]] = field(default_factory=dict)
    levels: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.numeric and not self.categorical:
            raise ValueError("name at least one feature column (numeric or categorical)")
        overlap = set(self.numeric) & set(self.categorical)
        if overlap:
            raise ValueError(f"columns cannot be both numeric and categorical: {sorted(overlap)}")
        if self.n_bins < 0 or self.n_bins == 1:
            raise ValueError(f"n_bins must be 0 (no bins) or >= 2, got {self.n_bins}")

    def fit(self, table: Table) -> FeatureEncoder:
        """Learn means, scales, bin edges and category levels from a table."""
        table.require(self.numeric + self.categorical)
        means, scales, edges, levels = {}, {}, {}, {}
        for name in self.numeric:
            values = table.numbers(name)
            means[name] = float(values.mean())
            scales[name] = float(values.std()) or 1.0
            inner = np.quantile(values, np.linspace(0, 1, self.n_bins + 1)[1:-1]) if self.n_bins else np.zeros(0)
            # Drop edges at the maximum: "x > max" is never true and would add a constant-zero column.
            edges[name] = sorted({float(edge) for edge in inner if edge < values.max()})
        for name in self.categorical:
            levels[name] = sorted(set(table.columns[name]))
        return FeatureEncoder(self.numeric, self.categorical, self.n_bins, means, scales, edges, levels)

    @property
    def fitted(self) -> bool:
        """Whether `fit` has run (or the encoder was loaded)."""
        return bool(self.means or self.levels)

    @property
    def feature_names(self) -> list[str]:
        """Encoded column names, in transform order."""
        return [name for name, _ in self._columns()]

    @property
    def sources(self) -> list[str]:
        """The raw column behind each encoded column, for per-feature explanations."""
        return [source for _, source in self._columns()]

    def _columns(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for name in self.numeric:
            pairs.append((name, name))
            pairs += [(f"{name}>{edge:g}", name) for edge in self.bin_edges[name]]
        for name in self.categorical:
            pairs += [(f"{name}={level}", name) for level in self.levels[name]]
        return pairs

    def transform(self, table: Table) -> FloatArray:
        """Encode a table; fails on missing columns or non-numeric values."""
        if not self.fitted:
            raise ValueError("FeatureEncoder.transform before fit: call fit(table) first")
        table.require(self.numeric + self.categorical)
        blocks: list[FloatArray] = []
        for name in self.numeric:
            values = table.numbers(name)
            blocks.append(((values - self.means[name]) / self.scales[name])[:, None])
            if self.bin_edges[name]:
                blocks.append((values[:, None] > np.asarray(self.bin_edges[name])[None, :]).astype(np.float64))
        for name in self.categorical:
            column = np.asarray(table.columns[name])
            blocks.append((column[:, None] == np.asarray(self.levels[name])[None, :]).astype(np.float64))
        return np.hstack(blocks)

    def unseen(self, table: Table) -> dict[str, dict[str, int]]:
        """Per categorical column, the values absent at fit time and their row counts (most rows first)."""
        out: dict[str, dict[str, int]] = {}
        for name in self.categorical:
            known = set(self.levels[name])
            counts = Counter(value for value in table.columns[name] if value not in known)
            if counts:
                out[name] = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters."""
        return {
            "numeric": self.numeric,
            "categorical": self.categorical,
            "n_bins": self.n_bins,
            "means": self.means,
            "scales": self.scales,
            "bin_edges": self.bin_edges,
            "levels": self.levels,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureEncoder:
        """Rebuild from `to_dict` output."""
        return cls(**data)

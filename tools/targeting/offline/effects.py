"""A linear treatment-effect model: predictions that split exactly into per-feature contributions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tools.targeting.offline.logs import FloatArray


@dataclass(frozen=True)
class LinearEffects:
    """effect_k(x) = baseline_k + sum_j coef[k, j] * (x_j - center_j), for treatments k = 1..K-1.

    `baseline_k` is the effect at the training mean, so contributions read as "this feature moves the
    effect up or down from the average customer's".
    """

    coef: FloatArray
    """Shape (K-1, d)."""
    intercept: FloatArray
    """Shape (K-1,)."""
    center: FloatArray
    """Training mean of each encoded feature, shape (d,)."""

    def __post_init__(self) -> None:
        coef, intercept, center = (np.asarray(v, dtype=np.float64) for v in (self.coef, self.intercept, self.center))
        if coef.ndim != 2 or intercept.shape != (coef.shape[0],) or center.shape != (coef.shape[1],):
            raise ValueError(
                f"LinearEffects shapes disagree: coef {coef.shape}, intercept {intercept.shape}, center {center.shape}"
            )
        object.__setattr__(self, "coef", coef)
        object.__setattr__(self, "intercept", intercept)
        object.__setattr__(self, "center", center)

    @property
    def n_features(self) -> int:
        """Encoded feature count."""
        return int(self.coef.shape[1])

    @property
    def baseline(self) -> FloatArray:
        """Each treatment's effect for a customer at the training mean."""
        out: FloatArray = self.intercept + self.coef @ self.center
        return out

    def predict(self, features: FloatArray) -> FloatArray:
        """Effects, shape (n, K-1)."""
        if features.shape[1] != self.n_features:
            raise ValueError(f"features have {features.shape[1]} columns, the effect model expects {self.n_features}")
        out: FloatArray = features @ self.coef.T + self.intercept
        return out

    def contributions(self, features: FloatArray, treatment: int) -> FloatArray:
        """Per encoded feature, how far each row moves treatment `treatment` (1-based) from the baseline."""
        out: FloatArray = (features - self.center) * self.coef[treatment - 1]
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready numbers."""
        return {"coef": self.coef.tolist(), "intercept": self.intercept.tolist(), "center": self.center.tolist()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearEffects:
        """Rebuild from `to_dict` output."""
        return cls(np.asarray(data["coef"]), np.asarray(data["intercept"]), np.asarray(data["center"]))

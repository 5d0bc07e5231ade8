"""Treatment-effect models whose predictions split exactly into per-feature contributions.

`LinearEffects` (a ridge fit: contributions are coefficient x centred feature) and `TreeEffects`
(boosted trees: contributions are TreeSHAP values). Both satisfy, for every row and treatment k,
baseline[k] + contributions(x, k).sum() == predict(x)[k], and both save as plain JSON numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from tools.targeting.offline.logs import FloatArray
from tools.targeting.offline.trees import TreeEnsemble


class EffectModel(Protocol):
    """What a policy needs from an effect model, for treatments k = 1..K-1."""

    @property
    def baseline(self) -> FloatArray:
        """Each treatment's effect when nothing is known about the customer, shape (K-1,)."""

    def predict(self, features: FloatArray) -> FloatArray:
        """Effects, shape (n, K-1)."""

    def contributions(self, features: FloatArray, treatment: int) -> FloatArray:
        """Per encoded feature, its push on treatment `treatment` (1-based) away from the baseline, (n, d)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready numbers, with a "kind" key."""


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
        return {
            "kind": "linear",
            "coef": self.coef.tolist(),
            "intercept": self.intercept.tolist(),
            "center": self.center.tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearEffects:
        """Rebuild from `to_dict` output."""
        return cls(np.asarray(data["coef"]), np.asarray(data["intercept"]), np.asarray(data["center"]))


@dataclass(frozen=True)
class TreeEffects:
    """effect_k(x) = one boosted-tree ensemble per treatment; contributions are exact TreeSHAP values."""

    ensembles: list[TreeEnsemble]
    """One per treatment 1..K-1, all over the same encoded features."""

    def __post_init__(self) -> None:
        widths = {e.n_features for e in self.ensembles}
        if not self.ensembles or len(widths) != 1:
            raise ValueError(f"TreeEffects needs >= 1 ensemble over one feature count, got widths {sorted(widths)}")

    @property
    def n_features(self) -> int:
        """Encoded feature count."""
        return self.ensembles[0].n_features

    @property
    def baseline(self) -> FloatArray:
        """Each treatment's expected effect over the training rows (cover-weighted): the SHAP base."""
        return np.asarray([e.expected for e in self.ensembles])

    def predict(self, features: FloatArray) -> FloatArray:
        """Effects, shape (n, K-1)."""
        if features.shape[1] != self.n_features:
            raise ValueError(f"features have {features.shape[1]} columns, the effect model expects {self.n_features}")
        return np.column_stack([e.predict(features) for e in self.ensembles])

    def contributions(self, features: FloatArray, treatment: int) -> FloatArray:
        """TreeSHAP values of treatment `treatment` (1-based) per encoded feature."""
        return self.ensembles[treatment - 1].contributions(features)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready numbers."""
        return {"kind": "trees", "ensembles": [e.to_dict() for e in self.ensembles]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TreeEffects:
        """Rebuild from `to_dict` output."""
        return cls([TreeEnsemble.from_dict(e) for e in data["ensembles"]])


def effects_from_dict(data: dict[str, Any]) -> EffectModel:
    """Rebuild either kind; files written before trees existed have no "kind" and are linear."""
    kind = data.get("kind", "linear")
    if kind == "linear":
        return LinearEffects.from_dict(data)
    if kind == "trees":
        return TreeEffects.from_dict(data)
    raise ValueError(f"unknown effect model kind {kind!r}; expected linear or trees")

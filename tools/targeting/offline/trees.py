"""Boosted regression trees as plain arrays, with exact TreeSHAP contributions.

A fitted `HistGradientBoostingRegressor` is copied into `TreeEnsemble`: per tree, the split feature and
threshold, the children and the leaf values, plus each node's training count (the "cover" TreeSHAP
needs). The copy predicts on its own, without scikit-learn, and saves as JSON numbers: loading a policy
file runs no code (no pickle), and `TreeEnsemble.from_dict` checks that every tree is a well-formed
tree (children after parents, features in range) before it is used.

`contributions` is path-dependent TreeSHAP (Lundberg et al. 2020, "From local explanations to global
understanding with explainable AI for trees"): per row, per feature, its Shapley value for the game
"expected prediction when only these features are known", where unknown features follow both branches
in proportion to the training counts. They add up exactly: base + contributions.sum(axis=1) == predict.

How it is computed, vectorized over rows: along the path to one leaf with features D, the game is
v * prod_{j in D} (o_j if j known else p_j), where o_j(x) in {0, 1} says whether x passes every split
on j along the path and p_j is the product of the count ratios of those splits. Its Shapley values
depend on x only through which o_j are 1, so each tree gets a table indexed by the row's split outcomes
(2^internal nodes entries, at most 2^15) and a row's contributions are one lookup per tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from math import factorial
from typing import Any

import numpy as np

from tools.targeting.offline.logs import FloatArray, IntArray

MAX_LEAVES = 16
"""Largest tree kept: the per-tree lookup table has 2^(leaves - 1) rows."""


@dataclass(frozen=True)
class Tree:
    """One regression tree; `feature[i] < 0` marks a leaf. Rows go left when x[feature] <= threshold."""

    feature: IntArray
    threshold: FloatArray
    left: IntArray
    right: IntArray
    value: FloatArray
    """Leaf values (already scaled by the learning rate); ignored at internal nodes."""
    cover: FloatArray
    """Training rows that reached each node."""

    def __post_init__(self) -> None:
        n = len(self.feature)
        arrays = (self.threshold, self.left, self.right, self.value, self.cover)
        if n == 0 or any(len(a) != n for a in arrays):
            raise ValueError(f"tree arrays must be non-empty and of one length, got {[n, *map(len, arrays)]}")
        inner = np.flatnonzero(self.feature >= 0)
        if inner.size >= MAX_LEAVES:
            raise ValueError(f"tree has {inner.size + 1} leaves; at most {MAX_LEAVES} are supported")
        # Children strictly after their parent (and in range): the structure has no cycles.
        for child in (self.left[inner], self.right[inner]):
            if ((child <= inner) | (child >= n)).any():
                raise ValueError("tree children must come after their parent and be valid node indices")
        if not np.isfinite(self.threshold[inner]).all() or not np.isfinite(self.value).all():
            raise ValueError("tree thresholds and values must be finite")
        if (self.cover[inner] <= 0).any() or (self.cover < 0).any():
            raise ValueError("tree covers must be positive at internal nodes")

    @cached_property
    def inner(self) -> IntArray:
        """Internal node indices."""
        out: IntArray = np.flatnonzero(self.feature >= 0)
        return out

    def codes(self, features: FloatArray) -> IntArray:
        """Per row, bit b set when the row goes left at the b-th internal node."""
        inner = self.inner
        goes_left = features[:, self.feature[inner]] <= self.threshold[inner]
        powers = np.left_shift(1, np.arange(inner.size), dtype=np.int64).astype(np.float64)
        out: IntArray = (goes_left @ powers).astype(np.int64)  # exact: at most 2^15 in float64
        return out

    def leaves(self) -> list[tuple[int, list[tuple[int, bool]]]]:
        """Each leaf with its path: (internal node, went left) from the root."""
        out: list[tuple[int, list[tuple[int, bool]]]] = []
        stack: list[tuple[int, list[tuple[int, bool]]]] = [(0, [])]
        while stack:
            node, path = stack.pop()
            if self.feature[node] < 0:
                out.append((node, path))
                continue
            stack.append((int(self.left[node]), [*path, (node, True)]))
            stack.append((int(self.right[node]), [*path, (node, False)]))
        return out

    def value_table(self) -> FloatArray:
        """The leaf value reached, per split-outcome code (see `codes`), shape (2^internal nodes,)."""
        bit = {node: b for b, node in enumerate(self.inner.tolist())}
        codes = np.arange(2 ** len(bit), dtype=np.int64)
        table = np.zeros(codes.size)
        for leaf, path in self.leaves():
            reached = np.ones(codes.size, dtype=bool)
            for node, went_left in path:
                reached &= ((codes >> bit[node]) & 1) == int(went_left)
            table[reached] = self.value[leaf]
        return table

    def expected(self) -> float:
        """Cover-weighted mean leaf value: the prediction when no feature is known."""
        return float(sum(self.value[leaf] * self.cover[leaf] for leaf, _ in self.leaves()) / self.cover[0])

    def shap_table(self) -> tuple[IntArray, FloatArray]:
        """Features used by the tree, and per split-outcome code their contributions, (2^m, len(used))."""
        inner = self.inner.tolist()
        bit = {node: b for b, node in enumerate(inner)}
        used = sorted({int(self.feature[node]) for node in inner})
        column = {f: c for c, f in enumerate(used)}
        codes = np.arange(2 ** len(inner), dtype=np.int64)
        table = np.zeros((codes.size, len(used)))
        for leaf, path in self.leaves():
            ones: dict[int, Any] = {}
            zeros: dict[int, float] = {}
            for node, went_left in path:
                f, ratio = int(self.feature[node]), self.cover[self._child(node, went_left)] / self.cover[node]
                passes = ((codes >> bit[node]) & 1) == int(went_left)
                ones[f] = ones.get(f, True) & passes
                zeros[f] = zeros.get(f, 1.0) * ratio
            if not path:
                continue
            names = list(ones)
            pattern = sum(ones[f].astype(np.int64) << i for i, f in enumerate(names))
            phi = _leaf_shapley(np.asarray([zeros[f] for f in names]), float(self.value[leaf]))
            table[:, [column[f] for f in names]] += phi[pattern]
        return np.asarray(used, dtype=np.int64), table

    def _child(self, node: int, went_left: bool) -> int:
        return int(self.left[node] if went_left else self.right[node])

    def to_dict(self) -> dict[str, list[Any]]:
        """JSON-ready arrays."""
        return {
            "feature": self.feature.tolist(),
            "threshold": self.threshold.tolist(),
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "value": self.value.tolist(),
            "cover": self.cover.tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tree:
        """Rebuild from `to_dict` output; refuses malformed trees."""

        def ints(key: str) -> IntArray:
            return np.asarray(data[key], dtype=np.int64)

        def floats(key: str) -> FloatArray:
            return np.asarray(data[key], dtype=np.float64)

        return cls(ints("feature"), floats("threshold"), ints("left"), ints("right"), floats("value"), floats("cover"))


def _leaf_shapley(zero: FloatArray, value: float) -> FloatArray:
    """Shapley values of v * prod_j (o_j if known else zero_j) for every pattern of o, shape (2^d, d)."""
    d = zero.size
    weight = np.asarray([factorial(s) * factorial(d - s - 1) / factorial(d) for s in range(d)])
    patterns = np.arange(2**d)
    ones = ((patterns[:, None] >> np.arange(d)[None, :]) & 1).astype(np.float64)
    out = np.zeros((patterns.size, d))
    for i in range(d):
        # Coefficients of prod_{j != i} (zero_j + o_j t): entry s sums over coalitions of size s.
        poly = np.zeros((patterns.size, d))
        poly[:, 0] = 1.0
        for j in range(d):
            if j == i:
                continue
            shifted = np.zeros_like(poly)
            shifted[:, 1:] = poly[:, :-1] * ones[:, j : j + 1]
            poly = poly * zero[j] + shifted
        out[:, i] = value * (ones[:, i] - zero[i]) * (poly @ weight)
    return out


@dataclass(frozen=True)
class TreeEnsemble:
    """prediction = base + sum of tree outputs (a gradient-boosted regressor with squared error)."""

    base: float
    trees: list[Tree]
    n_features: int

    def __post_init__(self) -> None:
        for tree in self.trees:
            if (tree.feature >= self.n_features).any():
                raise ValueError(f"a tree splits on feature >= n_features ({self.n_features})")

    @classmethod
    def from_sklearn(cls, model: Any) -> TreeEnsemble:
        """Copy a fitted `HistGradientBoostingRegressor` (numeric features, squared error)."""
        trees = []
        for (predictor,) in model._predictors:
            nodes = predictor.nodes
            if nodes["is_categorical"].any():
                raise ValueError("categorical splits are not supported: encode categories before fitting")
            leaf = nodes["is_leaf"].astype(bool)
            trees.append(
                Tree(
                    np.where(leaf, -1, nodes["feature_idx"]).astype(np.int64),
                    np.where(leaf, 0.0, nodes["num_threshold"]),
                    nodes["left"].astype(np.int64),
                    nodes["right"].astype(np.int64),
                    np.where(leaf, nodes["value"], 0.0),
                    nodes["count"].astype(np.float64),
                )
            )
        return cls(float(np.ravel(model._baseline_prediction)[0]), trees, int(model.n_features_in_))

    def predict(self, features: FloatArray) -> FloatArray:
        """Predictions, shape (n,): one lookup per tree by the row's split outcomes."""
        out = np.full(features.shape[0], self.base)
        for tree, table in zip(self.trees, self._value_tables, strict=True):
            out += table[tree.codes(features)]
        return out

    @property
    def expected(self) -> float:
        """The prediction when no feature is known: the base of `contributions`."""
        return self.base + sum(tree.expected() for tree in self.trees)

    def contributions(self, features: FloatArray) -> FloatArray:
        """TreeSHAP values, shape (n, n_features); expected + row sum == predict, exactly up to rounding."""
        out = np.zeros((features.shape[0], self.n_features))
        for tree, (used, table) in zip(self.trees, self._tables, strict=True):
            if used.size:
                out[:, used] += table[tree.codes(features)]
        return out

    @cached_property
    def _value_tables(self) -> list[FloatArray]:
        """Each tree's leaf value per split-outcome code, built once per ensemble."""
        return [tree.value_table() for tree in self.trees]

    @cached_property
    def _tables(self) -> list[tuple[IntArray, FloatArray]]:
        """Each tree's TreeSHAP lookup table, built once per ensemble."""
        return [tree.shap_table() for tree in self.trees]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready numbers."""
        return {"base": self.base, "n_features": self.n_features, "trees": [t.to_dict() for t in self.trees]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TreeEnsemble:
        """Rebuild from `to_dict` output."""
        return cls(float(data["base"]), [Tree.from_dict(t) for t in data["trees"]], int(data["n_features"]))

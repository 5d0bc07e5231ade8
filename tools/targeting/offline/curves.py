"""Qini and uplift curves of a ranking, estimated by IPW on a randomized (or logged-propensity) log.

A ranking model scores every customer's best treatment; targeting the top k gives each of them that
treatment and leaves the rest alone. With logged propensities p_i, the incremental outcome of row i when
targeted is estimated by y_i (1[a_i = r_i] - 1[a_i = 0]) / p_i, r_i its recommended treatment: unbiased
for the effect of r_i against control in expectation. Summed over the top k it is the Qini curve
(incremental outcomes from targeting k customers); per targeted customer within each tenth of the ranking
it is the uplift curve. AUUC is the area under the Qini curve with both axes per customer (share
targeted, incremental outcomes per customer); the Qini coefficient is that area minus the area under
the straight line of targeting the same treatments at random.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from tools.targeting.offline.logs import FloatArray, IntArray


@dataclass(frozen=True)
class UpliftCurves:
    """Curves on a grid of shares targeted, values per customer of the whole population."""

    share: FloatArray
    """Shares targeted, 0..1."""
    qini: FloatArray
    """Incremental outcomes per customer when the top `share` are targeted."""
    decile_uplift: FloatArray
    """Uplift per targeted customer within each tenth of the ranking, best tenth first, shape (10,)."""

    @property
    def auuc(self) -> float:
        """Area under the Qini curve (trapezoids over the share grid)."""
        return float(np.sum((self.qini[1:] + self.qini[:-1]) / 2 * np.diff(self.share)))

    @property
    def qini_coefficient(self) -> float:
        """AUUC minus the random-targeting line's area (qini[-1] / 2)."""
        return self.auuc - float(self.qini[-1]) / 2


def uplift_curves(
    scores: FloatArray,
    actions: IntArray,
    outcomes: FloatArray,
    propensities: FloatArray,
    n_points: int = 101,
) -> UpliftCurves:
    """Curves for a ranking: scores (n, K-1) of treatments 1..K-1; actions, outcomes, propensities logged."""
    n = scores.shape[0]
    order = np.argsort(-scores.max(axis=1), kind="stable")
    recommended = scores.argmax(axis=1) + 1
    gain = outcomes * ((actions == recommended).astype(float) - (actions == 0).astype(float)) / propensities
    cumulative = np.concatenate([[0.0], np.cumsum(gain[order])]) / n
    share = np.linspace(0, 1, n_points)
    qini = cumulative[np.round(share * n).astype(np.int64)]
    edges = np.round(np.linspace(0, n, 11)).astype(np.int64)
    decile = np.asarray([gain[order[lo:hi]].mean() if hi > lo else 0.0 for lo, hi in pairwise(edges)])
    return UpliftCurves(share, qini, decile)

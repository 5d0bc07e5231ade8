"""The effect of a campaign against its holdout: difference in means with a normal 95 % interval."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Effect:
    """Treated minus holdout mean outcome, with its 95 % confidence interval and group sizes."""

    treated_mean: float
    holdout_mean: float
    lift: float
    ci_low: float
    ci_high: float
    n_treated: int
    n_holdout: int

    @property
    def significant(self) -> bool:
        """Whether the interval excludes zero."""
        return self.ci_low > 0 or self.ci_high < 0


def _mean_var(values: list[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    var = sum((v - mean) ** 2 for v in values) / (len(values) - 1) if len(values) > 1 else 0.0
    return mean, var


def estimate_effect(arms: dict[str, str], outcomes: dict[str, float]) -> Effect:
    """Difference in mean outcome (0 when a user has no event) between treated and holdout users.

    Randomized holdout assignment makes this unbiased; the interval uses the unpooled normal approximation.
    """
    treated = [outcomes.get(uid, 0.0) for uid, arm in arms.items() if arm == "treated"]
    holdout = [outcomes.get(uid, 0.0) for uid, arm in arms.items() if arm == "holdout"]
    if len(treated) < 2 or len(holdout) < 2:
        raise ValueError(
            f"need at least 2 treated and 2 holdout users with a known arm, got {len(treated)} and {len(holdout)}"
        )
    mt, vt = _mean_var(treated)
    mh, vh = _mean_var(holdout)
    se = math.sqrt(vt / len(treated) + vh / len(holdout))
    lift = mt - mh
    return Effect(mt, mh, lift, lift - 1.96 * se, lift + 1.96 * se, len(treated), len(holdout))

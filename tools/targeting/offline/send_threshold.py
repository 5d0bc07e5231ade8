"""Re-estimating the send threshold from a campaign's randomized holdout, by off-policy evaluation.

A run's audience is every user at or above the current threshold (within budget); a seeded share of it is
held out at random. That is a logged policy with known propensities (send 1 - h, hold out h), so the value
of any stricter threshold — send only to audience users whose estimated lift reaches t — can be estimated
without bias from the same log. Candidates are the current threshold and the quartiles of the audience's
scores (chosen without looking at outcomes, so the whole log can judge them); `select_policy` promotes one
only when its lower confidence bound beats the current threshold's estimate. The reward is the outcome
(e.g. order value) minus the send's cost, so a threshold that saves sends that do not pay can win.

Lower thresholds cannot be judged from such a log (no one below the line was ever sent); they need
exploration and are not proposed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tools.targeting.offline.logs import LoggedFeedback
from tools.targeting.offline.ope import InverseProbabilityWeighting
from tools.targeting.offline.selection import Selection, select_policy

CURRENT = "current"
FORMAT = "promo-send-threshold/1"


@dataclass(frozen=True)
class SendLog:
    """One row per audience user of a run: estimated lift, arm, and the reward observed."""

    lifts: npt.NDArray[np.float64]
    treated: npt.NDArray[np.bool_]
    outcomes: npt.NDArray[np.float64]
    costs: npt.NDArray[np.float64]
    """What each treated user's send cost (0 for holdout users)."""

    def __post_init__(self) -> None:
        n = len(self.lifts)
        if not n == len(self.treated) == len(self.outcomes) == len(self.costs):
            raise ValueError("lifts, treated, outcomes and costs must have one value per audience user")
        if self.treated.all() or not self.treated.any():
            raise ValueError("the run needs both treated and holdout users (start it with --holdout > 0)")
        if (self.costs < 0).any() or (self.costs[~self.treated] != 0).any():
            raise ValueError("costs must be >= 0, and 0 for holdout users (they were sent nothing)")

    @property
    def holdout_share(self) -> float:
        """The share held out, used as the logged propensity of not sending."""
        return float(1 - self.treated.mean())


@dataclass(frozen=True)
class ThresholdReview:
    """Every candidate threshold, the safe selection over them, and the threshold to use from now on."""

    thresholds: dict[str, float]
    selection: Selection
    n_users: int

    @property
    def chosen_threshold(self) -> float:
        """The threshold selection chose (the current one unless a challenger proved better)."""
        return self.thresholds[self.selection.chosen]


def review_threshold(log: SendLog, current: float, *, random_state: int = 0) -> ThresholdReview:
    """Estimate the current threshold and stricter ones on the run's log; choose safely."""
    h = log.holdout_share
    actions = log.treated.astype(np.int64)  # 1 = sent, 0 = held out
    rewards = log.outcomes - log.costs
    feedback = LoggedFeedback(
        actions=actions, rewards=rewards, propensities=np.where(log.treated, 1 - h, h), n_actions=2
    )
    thresholds = {CURRENT: current}
    for q in (25, 50, 75):
        value = float(np.percentile(log.lifts, q))
        if value > current:
            thresholds[f"lift>=p{q}"] = value
    candidates = {}
    for name, t in thresholds.items():
        send = (log.lifts >= t).astype(np.float64)
        candidates[name] = np.column_stack([1 - send, send])
    selection = select_policy(
        feedback, candidates, CURRENT, estimator=InverseProbabilityWeighting(random_state=random_state)
    )
    return ThresholdReview(thresholds, selection, len(log.lifts))


def save_threshold(path: Path, review: ThresholdReview, run_ids: list[str], promoted_at: datetime) -> None:
    """Write the promoted threshold with its evidence, atomically."""
    chosen = review.selection.chosen
    value = review.selection.values[chosen]
    record = {
        "format": FORMAT,
        "threshold": review.chosen_threshold,
        "chosen": chosen,
        "estimate": [value.value, value.ci_low, value.ci_high],
        "runs": run_ids,
        "promoted_at": promoted_at.isoformat(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    partial.write_text(json.dumps(record, indent=2), encoding="utf-8")
    partial.replace(path)


def load_threshold(path: Path) -> float:
    """The promoted send threshold in a file written by `save_threshold`."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file")
        threshold = float(record["threshold"])
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: not a usable send-threshold file ({error})") from error
    if not 0 <= threshold < 1:
        raise ValueError(f"{path}: threshold {threshold} is not a lift in [0, 1)")
    return threshold

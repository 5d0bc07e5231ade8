"""Safe policy selection: a challenger replaces the incumbent only on convincing held-out evidence.

Rule: estimate every candidate by off-policy evaluation on held-out logs (logs the candidates were not
fitted on). A challenger qualifies when the lower bound of its confidence interval is above the
incumbent's point estimate; among qualifiers the one with the highest lower bound wins. Otherwise the
incumbent stays. Since the estimator's bootstrap resamples depend only on its seed and the log size,
all candidates are judged on the same resamples, and the paired difference with the incumbent is reported
as well (a tighter interval, shown for information).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tools.targeting.offline.logs import LoggedFeedback
from tools.targeting.offline.ope import DoublyRobust, InverseProbabilityWeighting, OffPolicyEstimator, PolicyValue

RULE = "challenger replaces incumbent only if its CI lower bound > incumbent's estimate (highest such bound wins)"


@dataclass(frozen=True)
class Selection:
    """The chosen policy, every candidate's estimate, and why."""

    chosen: str
    incumbent: str
    replaced: bool
    values: dict[str, PolicyValue]
    differences: dict[str, tuple[float, float, float]]
    """Challenger -> (estimate, low, high) of its value minus the incumbent's, on paired resamples."""
    reasons: list[str]
    rule: str = RULE


def select_policy(
    log: LoggedFeedback,
    candidates: Mapping[str, npt.ArrayLike],
    incumbent: str,
    *,
    estimator: OffPolicyEstimator | None = None,
    estimated_rewards: npt.ArrayLike | None = None,
) -> Selection:
    """Compare `candidates` (name -> action probabilities per held-out round) against `incumbent`.

    The default estimator is DR when a reward model's predictions are given, IPW otherwise.
    """
    if incumbent not in candidates:
        raise ValueError(f"incumbent {incumbent!r} is not among the candidates {sorted(candidates)}")
    judge = estimator or (InverseProbabilityWeighting() if estimated_rewards is None else DoublyRobust())
    values: dict[str, PolicyValue] = {}
    replicates = {}
    tails = [judge.alpha / 2, 1 - judge.alpha / 2]
    for name, dist in candidates.items():
        numerator, denominator = judge.checked_terms(log, dist, estimated_rewards)
        replicates[name] = judge.replicates(numerator, denominator)
        low, high = np.quantile(replicates[name], tails)
        point = float(numerator.sum() / denominator.sum())
        values[name] = PolicyValue(judge.name, point, float(low), float(high), log.n_rounds)
    base = values[incumbent].value
    differences, reasons, qualified = {}, [], []
    for name, value in values.items():
        if name == incumbent:
            continue
        gap = replicates[name] - replicates[incumbent]
        low, high = np.quantile(gap, tails)
        differences[name] = (value.value - base, float(low), float(high))
        verdict = "qualifies" if value.ci_low > base else "does not qualify"
        reasons.append(f"{name}: lower bound {value.ci_low:.4g} vs incumbent estimate {base:.4g}: {verdict}")
        if value.ci_low > base:
            qualified.append((value.ci_low, name))
    chosen = max(qualified)[1] if qualified else incumbent
    reasons.append(f"chosen: {chosen}" + ("" if qualified else " (incumbent kept)"))
    return Selection(chosen, incumbent, chosen != incumbent, values, differences, reasons)

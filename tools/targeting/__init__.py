"""Targeting optimizer: hard constraints, send scoring, variant choice and the decision with its reasons.

Beside the graph's `TargetingPolicy`: uplift learners, budget allocation, off-policy evaluation, safe
policy selection, a contextual bandit and campaign planning (see docs/targeting.md).
"""

from typing import TYPE_CHECKING, Any

from tools.targeting.constraints import ChannelEligibility, eligible_channels, next_send_time
from tools.targeting.policy import POLICY_VERSION, TargetingPolicy, VariantCandidate
from tools.targeting.scoring import SendScore, score_send

if TYPE_CHECKING:
    from tools.targeting.allocation import Allocation, AllocationProblem, allocate_exact
    from tools.targeting.bandit import BanditChoice, LinearThompsonSampling
    from tools.targeting.eligibility import Eligibility, build_eligibility
    from tools.targeting.encoding import FeatureEncoder
    from tools.targeting.greedy import allocate_greedy
    from tools.targeting.learned import LogColumns, UpliftPolicy, fit_uplift_policy
    from tools.targeting.logs import LoggedFeedback, LogValidationError
    from tools.targeting.ope import (
        DirectMethod,
        DoublyRobust,
        InverseProbabilityWeighting,
        OffPolicyEstimator,
        PolicyValue,
        SelfNormalizedIPW,
    )
    from tools.targeting.planning import Budget, Plan, PlanRow, plan_campaign
    from tools.targeting.selection import Selection, select_policy
    from tools.targeting.solve import allocate
    from tools.targeting.table import Table, TableError, read_table
    from tools.targeting.uplift import DRLearner, TLearner

# The decision-science modules pull in scipy and scikit-learn (~1.5 s): load them on first use, so the
# graph, which only needs the policy above, starts as fast as before.
_LAZY = {
    "allocation": ["Allocation", "AllocationProblem", "allocate_exact"],
    "bandit": ["BanditChoice", "LinearThompsonSampling"],
    "eligibility": ["Eligibility", "build_eligibility"],
    "encoding": ["FeatureEncoder"],
    "greedy": ["allocate_greedy"],
    "learned": ["LogColumns", "UpliftPolicy", "fit_uplift_policy"],
    "logs": ["LoggedFeedback", "LogValidationError"],
    "ope": [
        "DirectMethod",
        "DoublyRobust",
        "InverseProbabilityWeighting",
        "OffPolicyEstimator",
        "PolicyValue",
        "SelfNormalizedIPW",
    ],
    "planning": ["Budget", "Plan", "PlanRow", "plan_campaign"],
    "selection": ["Selection", "select_policy"],
    "solve": ["allocate"],
    "table": ["Table", "TableError", "read_table"],
    "uplift": ["DRLearner", "TLearner"],
}
_HOME = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        import importlib

        return getattr(importlib.import_module(f"tools.targeting.{_HOME[name]}"), name)
    raise AttributeError(f"module 'tools.targeting' has no attribute {name!r}")


__all__ = [
    "POLICY_VERSION",
    "Allocation",
    "AllocationProblem",
    "BanditChoice",
    "Budget",
    "ChannelEligibility",
    "DRLearner",
    "DirectMethod",
    "DoublyRobust",
    "Eligibility",
    "FeatureEncoder",
    "InverseProbabilityWeighting",
    "LinearThompsonSampling",
    "LogColumns",
    "LogValidationError",
    "LoggedFeedback",
    "OffPolicyEstimator",
    "Plan",
    "PlanRow",
    "PolicyValue",
    "Selection",
    "SelfNormalizedIPW",
    "SendScore",
    "TLearner",
    "Table",
    "TableError",
    "TargetingPolicy",
    "UpliftPolicy",
    "VariantCandidate",
    "allocate",
    "allocate_exact",
    "allocate_greedy",
    "build_eligibility",
    "eligible_channels",
    "fit_uplift_policy",
    "next_send_time",
    "plan_campaign",
    "read_table",
    "score_send",
    "select_policy",
]

"""Online targeting: hard constraints, send scoring, the variant bandit and the decision with its reasons.

The offline side (uplift learners, budget allocation, off-policy evaluation, safe policy selection,
campaign planning) is in `tools.targeting.offline`; see docs/targeting.md.
"""

from tools.targeting.constraints import ChannelEligibility, eligible_channels, next_send_time
from tools.targeting.policy import POLICY_VERSION, TargetingPolicy, VariantCandidate
from tools.targeting.scoring import SendScore, score_send

__all__ = [
    "POLICY_VERSION",
    "ChannelEligibility",
    "SendScore",
    "TargetingPolicy",
    "VariantCandidate",
    "eligible_channels",
    "next_send_time",
    "score_send",
]

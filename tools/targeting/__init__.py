"""Targeting optimizer: hard constraints, send scoring, variant choice and the decision with its reasons."""

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

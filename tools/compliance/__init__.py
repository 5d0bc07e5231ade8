"""Deterministic compliance rules: the first stage of the critic agent.

Rule families (domain.review.RuleFamily): absolute_terms, claims, personal_data, channel, brand.
"""

from tools.compliance.engine import check_draft
from tools.compliance.facts import OfferFacts
from tools.compliance.fallback import fallback_variant
from tools.compliance.offer_text import describe_offer
from tools.compliance.personal_data import find_personal_data

__all__ = ["OfferFacts", "check_draft", "describe_offer", "fallback_variant", "find_personal_data"]

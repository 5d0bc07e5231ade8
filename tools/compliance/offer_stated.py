"""A promotion must state its offer: copy that never says what the recipient gets is no promotion.

The offer counts as stated when any discount claim (满减, 折, percent, money off, half price) or a price after the
offer (到手价138元) stands anywhere in the draft, or, for a gift offer, the gift or a gift phrase. A wrong offer is
stated too: its own rule reports it. An empty body is reported as CH_EMPTY and not judged here.
"""

from __future__ import annotations

from domain.channels import Locale
from domain.copy import Draft
from domain.review import Violation
from tools.compliance.claims_terms import RULES
from tools.compliance.facts import OfferFacts
from tools.compliance.money_scan import scan_money
from tools.compliance.offer_text import describe_offer
from tools.compliance.textutil import Claimed, fold

_CITATION = "PRC Advertising Law Art. 8: an advertised offer must be stated clearly; a promotion without it misleads"
_GIFT = next(rule.pattern for rule in RULES if rule.code == "CLAIM_GIFT")


def offer_stated(text: str, facts: OfferFacts) -> bool:
    """Whether folded copy states an offer (right or wrong) or a price after this campaign's offer."""
    for claim in scan_money(text, Claimed()):
        if claim.kind != "price" or round(claim.value, 2) in facts.sale_prices:
            return True
    if facts.offer.kind == "gift":
        gift = fold(facts.offer.gift or "")
        return bool(gift and gift in text) or _GIFT.search(text) is not None
    return False


def check_offer_stated(draft: Draft, facts: OfferFacts, locale: Locale) -> list[Violation]:
    """CLAIM_OFFER_MISSING when no part of the draft (title, body, CTA) states the offer."""
    if not draft.body.strip() or offer_stated(fold(draft.full_text()), facts):
        return []
    canonical = describe_offer(facts.offer, locale)
    return [
        Violation(
            code="CLAIM_OFFER_MISSING",
            family="claims",
            message=f"The message never states the offer ({canonical}).",
            span="",
            field="body",
            fix_hint=f"State the offer exactly as {canonical}.",
            citation=_CITATION,
        )
    ]

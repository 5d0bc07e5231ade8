"""Rule family claims: every discount, price, date, offer term and category must follow from the campaign."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.channels import Locale
from domain.review import Violation
from tools.compliance.claims_attributes import check_attributes, check_borrowed_features
from tools.compliance.claims_dates import check_dates
from tools.compliance.claims_efficacy import check_efficacy
from tools.compliance.claims_green import check_green
from tools.compliance.claims_money import check_money
from tools.compliance.claims_names import check_names
from tools.compliance.claims_offer import check_offer_terms
from tools.compliance.claims_scope import check_scope
from tools.compliance.facts import OfferFacts
from tools.compliance.textutil import Claimed, fold


def find_claims(
    text: str,
    facts: OfferFacts,
    locale: Locale,
    *,
    threshold_stated: bool | None = None,
    now: datetime | None = None,
    fixed: Sequence[str] = (),
) -> list[Violation]:
    """Every unsupported claim in one piece of copy.

    Offer terms run first, then dates, then money, and each span is judged once: 第二件半价 is a
    multi-buy claim (not also half price) and 11.11 is a date (not also an amount).

    threshold_stated: whether the whole draft states the offer's threshold (a title may say 立减50元 when
    the body says 满300减50); None looks in this text only.
    now: the run's clock for time claims; None judges them for every send time in the window.
    fixed: names the campaign sets (brand, campaign name); they are no invented names.
    """
    folded, claimed = fold(text), Claimed()
    gift = fold(facts.offer.gift or "")
    if facts.offer.kind == "gift" and gift:  # the marketer's gift text (价值99元的杯套) is the offer itself
        start = folded.find(gift)
        while start >= 0:
            claimed.take(start, start + len(gift))
            start = folded.find(gift, start + len(gift))
    masked = folded  # what the campaign itself sets (its gift text, brand, name) is not judged as a product claim
    for phrase in sorted(filter(None, map(fold, fixed)), key=len, reverse=True):
        masked = masked.replace(phrase, " " * len(phrase))
    return [
        *check_offer_terms(text, folded, facts, locale, claimed),
        *check_dates(text, folded, facts, locale, claimed, now=now),
        *check_money(text, folded, facts, locale, claimed, stated=threshold_stated),
        *check_scope(text, folded, facts, locale),
        *check_attributes(text, masked, facts, locale),
        *check_borrowed_features(masked, facts),
        *check_names(text, masked, facts, fixed),
        *check_efficacy(text, masked, facts, claimed),
        *check_green(text, masked, facts, claimed),
    ]

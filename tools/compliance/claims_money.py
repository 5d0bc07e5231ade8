"""Claims about discounts and money: every one must follow from the offer and the eligible prices.

Decisions:
- An amount's role comes from the words around it. 到手价 / 只要 / now / only make it a price, which must be
  an eligible item's price before or after the offer; 起 / 低至 / from make it the lowest price, which must
  be the lowest eligible price. The offer's own amounts (the 50 off, the 300 threshold) are no prices.
- Our offers are flat: up-to wording (高达 / 低至 / 最多 / up to) on a discount misstates the offer even
  when the number is right.
- A threshold offer's saving may not stand alone: 立减50元 for 满300减50 hides the condition, unless the
  threshold is stated elsewhere in the same draft.
"""

from __future__ import annotations

import re

from domain.channels import Locale
from domain.review import Violation
from tools.compliance.claim_finding import claim_violation
from tools.compliance.facts import OfferFacts
from tools.compliance.money_scan import MoneyClaim, scan_money
from tools.compliance.offer_text import describe_offer
from tools.compliance.textutil import Claimed

_I = re.IGNORECASE
_CITATION = "PRC Advertising Law Art. 8 and Art. 28; Price Law Art. 14(4): price and discount claims must be true"
_USD = {"$", "usd", "us$", "美元", "美金", "dollar", "dollars"}
_CNY = {"¥", "rmb", "cny", "元", "块", "块钱", "yuan"}
_UP_TO = re.compile(r"(?:高达|低至|最高|最多|至高|多达|up\s+to|as\s+much\s+as)\s*(?:可|能|立|直|再|享)?\s*$", _I)
_LOWEST_BEFORE = re.compile(r"(?:低至|最低|仅?需?\s*起价|as\s+low\s+as|from|starting\s+(?:at|from))\s*$", _I)
_LOWEST_AFTER = re.compile(r"\s*起")
_PRICE_BEFORE = re.compile(
    r"(?:到手价?|到手只要|只要|只需|仅需|仅|现价|折后价?|券后价?|活动价|(?:now|only|just)(?:\s+(?:just|only))?)\s*$", _I
)

_CODES = {
    "threshold": ("CLAIM_THRESHOLD", "Threshold offer"),
    "zhe": ("CLAIM_ZHE", "Discount"),
    "half": ("CLAIM_HALF_PRICE", "Half-price claim"),
    "percent": ("CLAIM_PERCENT", "Percent-off claim"),
    "amount_off": ("CLAIM_AMOUNT_OFF", "Money-off claim"),
    "price": ("CLAIM_PRICE", "Amount"),
}


def _role(claim: MoneyClaim, folded: str) -> str:
    """For a plain amount: "lowest" (起 / from), "price" (到手价 / now) or "amount" (no role word)."""
    before = folded[max(0, claim.start - 10) : claim.start]
    if _LOWEST_BEFORE.search(before) or _LOWEST_AFTER.match(folded, claim.end):
        return "lowest"
    return "price" if _PRICE_BEFORE.search(before) else "amount"


def _allowed(claim: MoneyClaim, facts: OfferFacts, role: str) -> bool:
    offer = facts.offer
    if claim.kind == "threshold":
        pair = (round(claim.threshold or 0, 2), round(claim.value, 2))
        same = pair == (round(offer.threshold or 0, 2), round(offer.amount_off or 0, 2))
        return offer.kind == "threshold" and same and not claim.stacking
    if claim.kind == "zhe":
        return facts.allows_zhe(claim.value)
    if claim.kind in ("half", "percent"):
        return facts.allows_percent(claim.value)
    if claim.kind == "amount_off":
        return facts.allows_amount_off(claim.value)
    if role == "amount":
        return facts.allows_amount(claim.value)
    return facts.allows_price(claim.value, lowest=role == "lowest")


def _wrong_currency(claim: MoneyClaim, currency: str) -> bool:
    foreign = _USD if currency == "CNY" else _CNY
    return any(marker in foreign for marker in claim.markers)


def _finding(claim: MoneyClaim, folded: str, facts: OfferFacts, threshold_stated: bool) -> tuple[str, str] | None:
    """(code, message with a {span} slot) when the claim breaks a rule; None when it follows from the offer."""
    offer, role = facts.offer, _role(claim, folded)
    if _wrong_currency(claim, offer.currency):
        return "CLAIM_CURRENCY", f"{{span}} uses another currency than the offer ({offer.currency})"
    if not _allowed(claim, facts, role):
        code, what = _CODES[claim.kind]
        if claim.kind == "price":
            what = {"lowest": "Lowest-price claim", "price": "Price"}.get(role, what)
        return code, f"{what} {{span}} does not follow from the offer"
    if claim.kind != "price" and _UP_TO.search(folded[max(0, claim.start - 10) : claim.start]):
        return "CLAIM_UP_TO", "Up-to wording before {span}: the offer is flat, every eligible item gets it"
    single = offer.kind == "threshold" and claim.kind == "amount_off" and round(claim.value, 2) == offer.amount_off
    if single and not threshold_stated:
        return "CLAIM_THRESHOLD_OMITTED", "Saving {span} without the minimum spend it needs"
    return None


def threshold_stated(folded: str) -> bool:
    """Whether a text states a threshold offer (满300减50 / ¥50 off orders over ¥300), right or wrong."""
    return any(claim.kind == "threshold" for claim in scan_money(folded, Claimed()))


def check_money(
    text: str, folded: str, facts: OfferFacts, locale: Locale, claimed: Claimed, *, stated: bool | None = None
) -> list[Violation]:
    """Flag each discount or money claim that the offer and the eligible prices do not support.

    stated: whether the draft states the offer's threshold anywhere (None: look in this text only).
    """
    canonical = describe_offer(facts.offer, locale)
    stated = threshold_stated(folded) if stated is None else stated
    found = []
    for claim in scan_money(folded, claimed):
        finding = _finding(claim, folded, facts, stated)
        if finding is None:
            continue
        code, message = finding
        span = text[claim.start : claim.end]
        message = message.format(span=f"“{span}”") + f" ({canonical})."
        hint = f"Use exactly {canonical}; remove {span}."
        if code == "CLAIM_CURRENCY":
            sign = "¥ / 元" if facts.offer.currency == "CNY" else "$ / 美元"
            hint = f"Write amounts in {sign} only; use exactly {canonical}; remove {span}."
        elif code == "CLAIM_PRICE":
            hint = f"Remove {span}: it is neither the offer nor an eligible item's price. State only {canonical}."
        elif code in ("CLAIM_UP_TO", "CLAIM_THRESHOLD_OMITTED"):
            hint = f"State the offer exactly as {canonical}."
        found.append(claim_violation(code, span, message, hint, _CITATION))
    return found

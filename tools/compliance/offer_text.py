"""Canonical phrasing of an offer: the wording prompts, fix hints and the fallback copy use."""

from __future__ import annotations

from domain.channels import Locale
from domain.offer import Offer
from tools.compliance.numerals import fmt_number, zhe_text
from tools.compliance.textutil import has_cjk


def money(amount: float, currency: str, locale: Locale) -> str:
    """An amount with its currency as copy writes it: 50元 / ¥50 / $50."""
    number = fmt_number(amount)
    if locale == "zh":
        return f"{number}元" if currency == "CNY" else f"{number}美元"
    return f"¥{number}" if currency == "CNY" else f"${number}"


def describe_offer(offer: Offer, locale: Locale) -> str:
    """Canonical, rule-passing phrasing of the offer (八折 / 立减50元 / 满300减50 / 20% off / ¥50 off ...)."""
    pct, amount, threshold = offer.percent_off or 0, offer.amount_off or 0, offer.threshold or 0
    if locale == "zh":
        if offer.kind == "percent_off":
            return f"{zhe_text((100 - pct) / 10)}折"
        if offer.kind == "amount_off":
            return f"立减{money(amount, offer.currency, locale)}"
        if offer.kind == "threshold":
            if offer.currency == "CNY":  # 满300减50 is how shoppers read it; 元 is implied
                return f"满{fmt_number(threshold)}减{fmt_number(amount)}"
            return f"满{money(threshold, offer.currency, locale)}减{money(amount, offer.currency, locale)}"
        return f"赠送{offer.gift}"
    if offer.kind == "percent_off":
        return f"{fmt_number(pct)}% off"
    if offer.kind == "amount_off":
        return f"{money(amount, offer.currency, locale)} off"
    if offer.kind == "threshold":
        return f"{money(amount, offer.currency, locale)} off orders over {money(threshold, offer.currency, locale)}"
    # A Chinese gift name would break English copy: say there is a gift without naming it.
    return "free gift with purchase" if has_cjk(offer.gift or "") else f"free gift: {offer.gift}"

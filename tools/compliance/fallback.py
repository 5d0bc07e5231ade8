"""fallback_variant: safe template copy, no LLM, that states only the offer, campaign name and category."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from domain.channels import Channel, Locale, limits_for
from domain.copy import CopyVariant, Draft
from domain.offer import Campaign
from prompts.phrases import phrase_table
from tools.compliance.categories import category_label
from tools.compliance.engine import check_draft
from tools.compliance.facts import OfferFacts
from tools.compliance.offer_text import describe_offer, money
from tools.compliance.textutil import has_cjk

_CTA: dict[Locale, tuple[str, ...]] = {
    locale: tuple(ctas) for locale, ctas in phrase_table("compose", "fallback_ctas").items()
}
_GENERIC_TITLE = cast(dict[Locale, str], phrase_table("compose", "fallback_title"))


def _scope(campaign: Campaign, locale: Locale) -> str | None:
    """The eligible categories in the locale's words; None when none can be named."""
    labels = [category_label(c, locale) for c in campaign.eligible_categories[:2]]
    named = [label for label in labels if label]
    return ("、" if locale == "zh" else " & ").join(named) if named else None


def offer_sentence(campaign: Campaign, locale: Locale, scope: str | None) -> str:
    """The offer with what it covers (保温杯满300减50 / 20% off coffee beans), in the campaign's own terms."""
    offer, storewide = campaign.offer, not campaign.eligible_categories and not campaign.eligible_item_ids
    text = describe_offer(offer, locale)
    if locale == "zh":
        what = scope or ("全场" if storewide else "活动商品")
        if offer.kind == "gift":
            return f"下单{text}" if storewide and not scope else f"购买{what}{text}"
        return f"{what}享{text}" if offer.kind == "percent_off" else f"{what}{text}"
    what = scope or ("storewide" if storewide else "selected items")
    if offer.kind == "threshold":
        amount, threshold = (
            money(offer.amount_off or 0, offer.currency, locale),
            money(offer.threshold or 0, offer.currency, locale),
        )
        return f"{amount} off {scope + ' ' if scope else ''}orders over {threshold}"
    if offer.kind == "gift":
        purchase = "any purchase" if storewide else "purchases of selected items"
        purchase = f"any {scope} purchase" if scope else purchase
        gift = f": {offer.gift}" if not has_cjk(offer.gift or "") else ""
        return f"Free gift with {purchase}{gift}"
    return f"{text} {what}"


def _candidates(campaign: Campaign, channel: Channel, locale: Locale) -> Iterator[CopyVariant]:
    """Variants from the most to the least informative; the caller keeps the first that passes."""
    fits_locale = has_cjk(campaign.name) if locale == "zh" else not has_cjk(campaign.name)
    names = [campaign.name, None] if fits_locale else [None]
    title_max = limits_for(channel, locale).title_max or 40
    colon, stop = ("：", "。") if locale == "zh" else (": ", ".")
    required = "".join(f"{p}{stop}" if locale == "zh" else f" {p}." for p in campaign.brand.required_phrases)
    for scope in (_scope(campaign, locale), None):
        sentence = offer_sentence(campaign, locale, scope)
        sentence = sentence[0].upper() + sentence[1:]
        for name in names:
            body = (f"{name}{colon}{sentence}{stop}" if name else f"{sentence}{stop}") + required
            titles = [t for t in (name, sentence, _GENERIC_TITLE[locale]) if t and len(t) <= min(title_max, 40)]
            for title in titles:
                for cta in _CTA[locale]:
                    if len(body) <= 300:
                        yield CopyVariant(title=title, body=body, cta=cta)


def fallback_variant(campaign: Campaign, channel: Channel, locale: Locale, facts: OfferFacts) -> CopyVariant:
    """A template variant that passes every rule for this channel and locale.

    Raises:
        ValueError: when the campaign's own settings (a long brand name, a required phrase that breaks
            a rule) leave no template that passes; the caller must then send nothing.

    """
    for variant in _candidates(campaign, channel, locale):
        draft = Draft.from_variant(
            variant, variant_id="fallback", channel=channel, locale=locale, attempt=0, source="fallback"
        )
        if not check_draft(draft, campaign, facts):
            return variant
    raise ValueError(f"no rule-passing fallback for campaign {campaign.campaign_id!r} on {channel}/{locale}")

"""What the intake agent says: the question when a brief lacks something, campaign names, the brief read back."""

from __future__ import annotations

from typing import cast

from domain.brief import DEFAULT_RECENCY_DAYS, DEFAULT_VARIANTS, MAX_VARIANTS, AudienceSpec, CampaignBrief, ProductScope
from domain.channels import Locale
from prompts.phrases import fill, phrase_table
from tools.brief.occasions import REACH_DAYS
from tools.compliance import describe_offer
from tools.compliance.categories import category_label

CHANNEL_LABELS = cast(dict[Locale, dict[str, str]], phrase_table("brief", "channel_labels"))
TIER_LABELS = cast(dict[Locale, dict[str, str]], phrase_table("brief", "tier_labels"))
ASK = cast(dict[Locale, dict[str, str]], phrase_table("brief", "ask"))
SEP = cast(dict[Locale, str], phrase_table("brief", "sep"))
ASSUMED = cast(
    dict[Locale, dict[str, str]],
    fill(
        phrase_table("brief", "assumed"),
        variants=DEFAULT_VARIANTS,
        recency_days=DEFAULT_RECENCY_DAYS,
        reach_days=REACH_DAYS,
        max_variants=MAX_VARIANTS,
    ),
)
"""The defaults and corrections the intake applied, as the marketer reads them."""


def question_text(
    locale: Locale,
    *,
    missing: list[str],
    offer_error: str | None = None,
    unknown: list[str] | None = None,
    categories: list[str] | None = None,
) -> str:
    """One question covering everything missing, in the brief's language."""
    ask, sep = ASK[locale], SEP[locale]
    lines = []
    for what in missing:
        if what == "offer":
            lines.append(ask["offer_invalid"].format(reason=offer_error) if offer_error else ask["offer"])
        elif what == "products" and not categories:
            lines.append(ask["no_catalog"])
        elif what == "products":
            names = sep.join(categories or [])
            lines.append(ask["unknown"].format(words=sep.join(unknown), categories=names) if unknown else
                         ask["products"].format(categories=names))  # fmt: skip
        else:
            lines.append(ask["empty"])
    return "\n".join(lines)


def scope_subject(scope: ProductScope, locale: Locale) -> str:
    """What the offer covers, in a few words: a category name, the marketer's word, or the whole store."""
    if scope.storewide:
        return "全场" if locale == "zh" else "storewide"
    if scope.categories:
        return category_label(scope.categories[0], locale) or scope.categories[0]
    return scope.words[0] if scope.words else ("活动商品" if locale == "zh" else "selected items")


def campaign_name(occasion: str, scope: ProductScope, locale: Locale) -> str:
    """A short campaign name built from what the marketer said (never from LLM text)."""
    subject = scope_subject(scope, locale)
    if locale == "zh":
        name = f"{occasion}{subject}专场" if occasion else f"{subject}优惠"
    else:
        name = f"{occasion} {subject} sale".strip()
        name = name[:1].upper() + name[1:]
    return name[:60]


def audience_spec_text(audience: AudienceSpec, locale: Locale) -> str:
    """The audience in words: value tier and behaviour window."""
    tier = TIER_LABELS[locale][audience.value_tier]
    if audience.behaviour == "any":
        return tier
    if locale == "zh":
        did = "浏览过" if audience.behaviour == "viewed" else "买过"
        return f"{tier}，近{audience.recency_days}天{did}活动商品"
    did = "viewed" if audience.behaviour == "viewed" else "bought"
    return f"{tier}, {did} the products in the last {audience.recency_days} days"


def describe_brief(brief: CampaignBrief) -> str:
    """The brief read back to the marketer, one field a line."""
    loc, sep = brief.locale, SEP[brief.locale]
    channels = sep.join(CHANNEL_LABELS[loc][c] for c in brief.channels)
    products = sep.join(brief.scope.words) or scope_subject(brief.scope, loc)
    if loc == "zh":
        lines = [
            f"活动：{brief.name}",
            f"优惠：{describe_offer(brief.offer, loc)}",
            f"商品：{products}",
            f"人群：{audience_spec_text(brief.audience, loc)}",
            f"渠道：{channels}",
            f"文案：每人 {brief.n_variants} 条候选",
        ]
        notes = "默认：" if brief.assumptions else ""
    else:
        lines = [
            f"Campaign: {brief.name}",
            f"Offer: {describe_offer(brief.offer, loc)}",
            f"Products: {products}",
            f"Audience: {audience_spec_text(brief.audience, loc)}",
            f"Channels: {channels}",
            f"Copy: {brief.n_variants} variant(s) per user",
        ]
        notes = "Defaults: " if brief.assumptions else ""
    if brief.assumptions:
        lines.append(notes + sep.join(brief.assumptions))
    return "\n".join(lines)

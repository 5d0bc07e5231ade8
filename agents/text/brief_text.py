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
SCOPE_WORDS = cast(dict[Locale, dict[str, str]], phrase_table("brief", "scope_words"))
CAMPAIGN_NAME = cast(dict[Locale, dict[str, str]], phrase_table("brief", "campaign_name"))
AUDIENCE = cast(dict[Locale, dict[str, str]], phrase_table("brief", "audience"))
READBACK = cast(dict[Locale, dict[str, str]], phrase_table("brief", "readback"))
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
        elif what == "instruction":
            lines.append(ask["instruction"])
        else:
            lines.append(ask["empty"])
    return "\n".join(lines)


def scope_subject(scope: ProductScope, locale: Locale) -> str:
    """What the offer covers, in a few words: a category name, the marketer's word, or the whole store."""
    if scope.storewide:
        return SCOPE_WORDS[locale]["storewide"]
    if scope.categories:
        return category_label(scope.categories[0], locale) or scope.categories[0]
    return scope.words[0] if scope.words else SCOPE_WORDS[locale]["selected"]


def campaign_name(occasion: str, scope: ProductScope, locale: Locale) -> str:
    """A short campaign name built from what the marketer said (never from LLM text)."""
    template = CAMPAIGN_NAME[locale]["occasion" if occasion else "plain"]
    name = template.format(occasion=occasion, subject=scope_subject(scope, locale))
    if locale == "en":
        name = name.strip()
        name = name[:1].upper() + name[1:]
    return name[:60]


def audience_spec_text(audience: AudienceSpec, locale: Locale) -> str:
    """The audience in words: value tier and behaviour window."""
    tier = TIER_LABELS[locale][audience.value_tier]
    if audience.behaviour == "any":
        return tier
    words = AUDIENCE[locale]
    did = words["viewed"] if audience.behaviour == "viewed" else words["bought"]
    return words["text"].format(tier=tier, did=did, days=audience.recency_days)


def describe_brief(brief: CampaignBrief) -> str:
    """The brief read back to the marketer, one field a line."""
    loc, sep, words = brief.locale, SEP[brief.locale], READBACK[brief.locale]
    lines = [
        words["campaign"].format(name=brief.name),
        words["offer"].format(offer=describe_offer(brief.offer, loc)),
        words["products"].format(products=sep.join(brief.scope.words) or scope_subject(brief.scope, loc)),
        words["audience"].format(audience=audience_spec_text(brief.audience, loc)),
        words["channels"].format(channels=sep.join(CHANNEL_LABELS[loc][c] for c in brief.channels)),
        words["copy"].format(n_variants=brief.n_variants),
    ]
    if brief.assumptions:
        lines.append(words["defaults"].format(assumptions=sep.join(brief.assumptions)))
    return "\n".join(lines)

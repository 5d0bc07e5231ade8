"""What the intake agent says: the question when a brief lacks something, campaign names, the brief read back."""

from __future__ import annotations

from typing import Any, cast

from domain.brief import BRIEF_FIELDS, MAX_VARIANTS, BriefField, CampaignBrief, ProductScope, Provenance
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
READBACK = cast(dict[Locale, dict[str, str]], phrase_table("brief", "readback"))
FIELD_LABELS = cast(dict[Locale, dict[BriefField, str]], phrase_table("brief", "field_labels"))
PROVENANCE = cast(dict[Locale, dict[Provenance, str]], phrase_table("brief", "provenance"))
VALUES = cast(dict[Locale, dict[str, str]], phrase_table("brief", "values"))
ASSUMED = cast(
    dict[Locale, dict[str, str]],
    fill(phrase_table("brief", "assumed"), reach_days=REACH_DAYS, max_variants=MAX_VARIANTS),
)
"""The corrections the intake made (a capped count, unknown words, an occasion out of reach)."""


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


def products_text(scope: ProductScope, locale: Locale) -> str:
    """What the offer covers, in the brief's language: the categories' names, else the marketer's words."""
    labels = [category_label(c, locale) for c in scope.categories]
    names = [label for label in labels if label]
    if scope.storewide or not names or len(names) < len(labels):
        return SEP[locale].join(scope.words) or scope_subject(scope, locale)
    return SEP[locale].join([*names, *(w for w in scope.words if scope.item_ids and w not in names)])


def field_value(brief: CampaignBrief, name: BriefField) -> str | None:
    """One field's value in the brief's language; None for a field that does not apply (the window of "any")."""
    loc, sep, values = brief.locale, SEP[brief.locale], VALUES[brief.locale]
    audience = brief.audience
    match name:
        case "offer":
            return describe_offer(brief.offer, loc)
        case "products":
            return products_text(brief.scope, loc)
        case "occasion":
            return brief.occasion or values["no_occasion"]
        case "value_tier":
            return TIER_LABELS[loc][audience.value_tier]
        case "behaviour":
            return values["any_behaviour"] if audience.behaviour == "any" else values[audience.behaviour]
        case "recency_days":
            return None if audience.behaviour == "any" else values["window"].format(days=audience.recency_days)
        case "channels":
            return sep.join(CHANNEL_LABELS[loc][c] for c in brief.channels)
        case "n_variants":
            return values["variants"].format(n=brief.n_variants)
        case "locale":
            return values[brief.locale]


def brief_fields(brief: CampaignBrief) -> list[dict[str, Any]]:
    """Each field that applies, as the page shows it: its name, label, value, and where the value came from."""
    loc = brief.locale
    rows = []
    for name in BRIEF_FIELDS:
        value = field_value(brief, name)
        if value is None:
            continue
        source = brief.source(name)
        rows.append(
            {
                "field": name,
                "label": FIELD_LABELS[loc][name],
                "value": value,
                "source": source,
                "source_label": PROVENANCE[loc][source],
            }
        )
    return rows


def describe_brief(brief: CampaignBrief) -> str:
    """The brief read back to the marketer: the name, then one field a line with where its value came from.

    Then how to change a default and, when the model read something, how to confirm it.
    """
    words = READBACK[brief.locale]
    lines = [words["campaign"].format(name=brief.name)]
    fields = brief_fields(brief)
    lines += [words["field"].format(label=f["label"], value=f["value"], source=f["source_label"]) for f in fields]
    if brief.assumptions:
        lines.append(words["notes"].format(notes=SEP[brief.locale].join(brief.assumptions)))
    if any(f["source"] == "default" for f in fields):
        lines.append(words["change"])
    if any(f["source"] == "inferred" for f in fields):
        lines.append(words["confirm"])
    return "\n".join(lines)

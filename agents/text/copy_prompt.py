"""Builds the copywriter's messages from non-identifying inputs only: offer, campaign, channel, profile."""

from __future__ import annotations

from itertools import islice
from typing import cast

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from domain.channels import Channel, Locale, limits_for
from domain.copy import Draft
from domain.offer import Campaign
from domain.people import Item
from domain.profile import PromptProfile
from domain.review import DraftReview
from prompts import render_prompt
from prompts.phrases import phrase_table
from tools.compliance import describe_offer
from tools.compliance.copy_fit import body_allowance
from tools.compliance.personal_data import redact_personal_data
from tools.profile.instructions import reads_as_instruction

CHANNEL_NAMES = cast(dict[Locale, dict[Channel, str]], phrase_table("copy", "channel_names"))
CHANNEL_HINTS = cast(dict[Locale, dict[Channel, str]], phrase_table("copy", "channel_hints"))
PROFILE_LABELS = cast(dict[Locale, dict[str, str]], phrase_table("copy", "profile_labels"))
CTA_ALLOWANCE: dict[Locale, int] = {"zh": 8, "en": 20}
DEFAULT_TONE = cast(dict[Locale, str], phrase_table("copy", "default_tone"))


def brand_tone(campaign: Campaign, locale: Locale) -> str:
    """The campaign's brand voice, or the house default."""
    return campaign.brand.tone or DEFAULT_TONE[locale]


def body_budget(channel: Channel, locale: Locale, brand_name: str) -> int:
    """Characters the prompt allows the body: what is left after a full-length CTA, signature and opt-out."""
    return max(20, body_allowance(channel, locale, "x" * CTA_ALLOWANCE[locale], brand_name))


def render_profile(profile: PromptProfile, locale: Locale) -> str:
    """One line per feature; lists joined; nothing that identifies the user."""
    labels = PROFILE_LABELS[locale]
    values = profile.model_dump()
    lines = []
    for key, label in labels.items():
        value = values[key]
        text = "、".join(value) if isinstance(value, list) else str(value)
        lines.append(f"- {label}: {text or '-'}")
    return "\n".join(lines)


def eligible_text(campaign: Campaign, items: list[Item], locale: Locale) -> str:
    """What the offer covers, in words the copy may repeat; a seller title that reads as an instruction is left out."""
    titles = (item.title(locale) for item in items)
    names = list(islice((t for t in titles if not reads_as_instruction(t, "title")), 2))  # more: it lists them all
    if campaign.eligible_categories:
        scope = list(campaign.eligible_categories)
    elif campaign.eligible_item_ids:
        scope = []  # only the listed items: "storewide" would be a false claim
    else:
        scope = ["全场"] if locale == "zh" else ["storewide"]
    return ", ".join([*scope, *names])


def feedback_text(previous: list[DraftReview], drafts: list[Draft], locale: Locale, version: str) -> str:
    """Targeted rewrite instructions from the last attempt's violations (empty on the first attempt)."""
    failed = [r for r in previous if r.blocking]
    if not failed:
        return ""
    worst = min(failed, key=lambda r: len(r.blocking))
    hints = dict.fromkeys(f"- {v.fix_hint or v.message}" for v in worst.blocking)
    draft = next((d for d in drafts if d.variant_id == worst.variant_id), None)
    shown = f"{draft.title} | {draft.body} | {draft.cta}" if draft else "-"
    # The model's own invented contact details must not come back in the prompt (the guard would refuse it).
    issues, quoted = redact_personal_data("\n".join(hints)), redact_personal_data(shown)
    return "\n" + render_prompt("copywriter", "feedback", locale, version, issues=issues, previous=quoted)


def exemplars_text(lines: list[str], locale: Locale, version: str) -> str:
    """A few style lines from the exemplar pool as a prompt section (empty when the pool had none)."""
    if not lines:
        return ""
    return render_prompt("copywriter", "exemplars", locale, version, lines="\n".join(f"- {line}" for line in lines))


def copywriter_messages(
    *,
    campaign: Campaign,
    items: list[Item],
    profile: PromptProfile,
    channel: Channel,
    locale: Locale,
    n_variants: int,
    feedback: str,
    version: str,
) -> list[BaseMessage]:
    """The system and user messages for one writing attempt."""
    limits = limits_for(channel, locale)
    window = f"{campaign.starts_at:%Y-%m-%d} – {campaign.ends_at:%Y-%m-%d}"
    common = {
        "n_variants": n_variants,
        "channel_name": CHANNEL_NAMES[locale][channel],
        "offer_text": describe_offer(campaign.offer, locale),
        "tone": brand_tone(campaign, locale),
    }
    system = render_prompt(
        "copywriter",
        "system",
        locale,
        version,
        title_max=limits.title_max or 8,
        body_max=body_budget(channel, locale, campaign.brand.brand_name),
        **common,
    )
    user = render_prompt(
        "copywriter",
        "user",
        locale,
        version,
        campaign_name=campaign.name,
        window=window,
        eligible=eligible_text(campaign, items, locale),
        channel_hint=CHANNEL_HINTS[locale][channel],
        profile=render_profile(profile, locale),
        feedback=feedback,
        **common,
    )
    return [SystemMessage(content=system), HumanMessage(content=user)]


ASKED_SHARE = 0.75
"""Small models overshoot the length they are asked for: asking for three quarters of the grammar's bound
leaves them room to end the sentence themselves before the grammar cuts it mid-word."""


def asked_length(bound: int) -> int:
    """The length the prompt asks for, for a slot the grammar bounds at `bound` characters."""
    return max(4, int(bound * ASKED_SHARE))


CHARS_PER_WORD = 6
"""An English word and its space, on average: the prompt asks English for words, which a small model can
count, where characters it cannot ("at most 30 characters" gave 50-character hooks, cut mid-phrase)."""


def asked_words(bound: int) -> int:
    """The English words the prompt asks for, for a slot of `bound` characters."""
    return max(3, asked_length(bound) // CHARS_PER_WORD)


def slot_messages(
    *,
    campaign: Campaign,
    profile: PromptProfile,
    channel: Channel,
    locale: Locale,
    focus: list[str],
    limits: tuple[int, int],
    n_variants: int,
    feedback: str,
    version: str,
    exemplars: list[str] | None = None,
) -> list[BaseMessage]:
    """The messages for one slot-writing attempt: the model writes hook and line, and picks a product.

    `exemplars` are style lines from the pool (tools/stores/exemplars.py), shown as examples of tone.
    """
    hook_max, line_max = (asked_length(bound) for bound in limits)
    separator = "、" if locale == "zh" else ", "
    system = render_prompt(
        "copywriter",
        "slots_system",
        locale,
        version,
        n_variants=n_variants,
        hook_max=hook_max,
        line_max=line_max,
        hook_words=asked_words(limits[0]),
        line_words=asked_words(limits[1]),
        tone=brand_tone(campaign, locale),
    )
    user = render_prompt(
        "copywriter",
        "slots_user",
        locale,
        version,
        campaign_name=campaign.name,
        focus_list=separator.join(focus),
        focus_example=focus[0],
        channel_name=CHANNEL_NAMES[locale][channel],
        profile=render_profile(profile, locale),
        exemplars=exemplars_text(exemplars or [], locale, version),
        feedback=feedback,
        n_variants=n_variants,
    )
    return [SystemMessage(content=system), HumanMessage(content=user)]

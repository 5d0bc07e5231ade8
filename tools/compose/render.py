"""One natural message per channel and locale from the slots and the facts; every fact comes from data.

zh push : title 「hook」, body 「line。{product}满300减50，活动截至11月11日。」
zh sms  : 【brand】「line。{product}满300减50，活动截至11月11日。」 CTA 回T退订 (brand and opt-out added by Draft)
zh email: subject 「hook｜{product}满300减50」, body 「line。{product}满300减50，活动截至11月11日。」
en      : the same shape: "Hook" / "Line. 20% off coffee beans until Nov 11."
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import cast

from domain.channels import Channel, Locale, limits_for
from domain.copy import CopyVariant, Draft
from domain.offer import Campaign
from prompts.phrases import phrase_table
from tools.compliance.facts import OfferFacts
from tools.compliance.fallback import offer_sentence
from tools.compose.slots import Slots

CTA = cast(dict[Locale, str], phrase_table("compose", "cta"))
HOOK_CAP: dict[Locale, int] = {"zh": 16, "en": 40}
LINE_CAP: dict[Locale, int] = {"zh": 36, "en": 100}
TITLE_CAP = 40
"""CopyVariant holds titles up to 40 characters."""
NEUTRAL_HOOK = cast(dict[Locale, str], phrase_table("compose", "neutral_hook"))
NEUTRAL_LINE = cast(dict[Locale, str], phrase_table("compose", "neutral_line"))
DraftCheck = Callable[[Draft], bool]
"""True when a draft has a blocking violation (the rule engine, bound to the campaign and its facts)."""
_TRAILING = " ，,、！!？?。.…~"
_ONE_CHAR: dict[Locale, str] = {"zh": "好", "en": "a"}


def until_text(day: date, locale: Locale) -> str:
    """The campaign's last day as copy states it: 活动截至11月11日 / until Nov 11."""
    return f"活动截至{day.month}月{day.day}日" if locale == "zh" else f"until {day:%b} {day.day}"


def _clean(text: str) -> str:
    # Slot ends are the renderer's: the model's own trailing punctuation would double ours.
    return " ".join(text.split()).strip(_TRAILING)


def _sentence(text: str, locale: Locale) -> str:
    text = _clean(text)
    if not text:  # repair left the line out: the facts stand alone
        return ""
    if locale == "en":
        return text[:1].upper() + text[1:] + ("" if text.endswith(("!", "?")) else ".")
    return text + "。"


def _title(hook: str, offer_tail: str, channel: Channel, locale: Locale) -> str:
    # An e-mail subject carries the offer when it fits; the hook alone otherwise (never a cut offer).
    room = min(limits_for(channel, locale).title_max or TITLE_CAP, TITLE_CAP)
    if channel == "email" and len(hook) + len(offer_tail) <= room:
        return hook + offer_tail
    return hook[:room]


def render_slots(
    slots: Slots,
    campaign: Campaign,
    facts: OfferFacts,
    channel: Channel,
    locale: Locale,
    scopes: Mapping[str, str] | None = None,
    *,
    scope_once: bool = True,
) -> CopyVariant:
    """The channel-ready variant: the model's hook and line around the offer, product and dates from data.

    `scopes` (focus.offer_scopes) name the category the offer covers a product by: when the line opens with
    the product's name, the offer says the category instead of the name again (「钛合金保温杯…。保温杯满300减50」);
    when it opens with that category itself, the Chinese offer does not repeat it (「保温杯…。满300减50」) unless
    `scope_once` is False (the longest form, which room is measured on).
    """
    led = slots.led
    hook, line = _clean(slots.hook), _sentence(slots.line, locale)
    scope = (scopes or {}).get(slots.focus, slots.focus) if led else slots.focus
    offer = offer_sentence(campaign, locale, scope)
    until = until_text(facts.last_day, locale)
    if locale == "zh":
        # A line that opens with the very word the offer names its goods by has just said what the offer covers:
        # 「保温杯是冬天的好帮手。满300减50」, not 「…。保温杯满300减50」. The subject, read alone, keeps it.
        said = scope_once and led and scope == slots.focus and offer.startswith(scope)
        facts_line = f"{offer[len(scope) :] if said else offer}，{until}。"
        if channel == "sms":  # no title on SMS: the line leads, the hook stays the draft's label
            return CopyVariant(title=hook[:TITLE_CAP], body=f"{line}{facts_line}", cta=CTA[locale])
        title = _title(hook, f"｜{offer}", channel, locale)
        return CopyVariant(title=title, body=f"{line}{facts_line}", cta=CTA[locale])
    facts_line = f"{offer[:1].upper()}{offer[1:]} {until}."
    hook_line = hook[:1].upper() + hook[1:]
    if channel == "sms":
        return CopyVariant(title=hook_line[:TITLE_CAP], body=f"{line} {facts_line}".strip(), cta=CTA[locale])
    title = _title(hook_line, f": {offer}", channel, locale)
    return CopyVariant(title=title, body=f"{line} {facts_line}".strip(), cta=CTA[locale])


def _line_room(
    name: str, campaign: Campaign, facts: OfferFacts, channel: Channel, locale: Locale, scopes: Mapping[str, str]
) -> int:
    """The characters a line that opens with `name` may take beside the facts, the name included."""
    # The name and one character, counted back below: an empty line is left out with its sentence end.
    measured = Slots(hook="", line=name + _ONE_CHAR[locale], focus=name)
    draft = Draft.from_variant(
        render_slots(measured, campaign, facts, channel, locale, scopes, scope_once=False),
        variant_id="measure",
        channel=channel,
        locale=locale,
        attempt=0,
    )
    rendered = len(draft.rendered_body(campaign.brand.brand_name))
    return limits_for(channel, locale).body_max - rendered + len(name) + 1


def slot_limits(
    campaign: Campaign,
    facts: OfferFacts,
    channel: Channel,
    locale: Locale,
    focus: list[str],
    scopes: Mapping[str, str] | None = None,
) -> tuple[int, int]:
    """(hook, line) maximum lengths that keep the rendered message within the channel's limits.

    Measured on the message rendered with an empty hook and a line that is only the product's name, for
    every product offered (the offer names some by category, others by name), so any slots within the
    bounds fit; ValueError when the facts alone leave no room (the caller falls back to the template).
    """
    limits = limits_for(channel, locale)
    body_room = min(_line_room(name, campaign, facts, channel, locale, scopes or {}) for name in focus)
    if channel == "sms":
        hook_max, line_max = HOOK_CAP[locale], min(LINE_CAP[locale], body_room)
    else:
        title_room = min(limits.title_max, TITLE_CAP)
        # The offer rides in an e-mail subject only when it fits beside the hook (_title): it never takes the
        # hook's room, or a long product name would leave none (Cold Brew Concentrate Pods: 3 characters).
        hook_max = min(HOOK_CAP[locale], title_room)
        line_max = min(LINE_CAP[locale], body_room)
    if hook_max < 6 or line_max < 8:
        raise ValueError(f"the offer and dates leave no room for copy on {channel}/{locale}")
    return hook_max, line_max


def renders_cleanly(
    name: str, campaign: Campaign, facts: OfferFacts, channel: Channel, locale: Locale, check: DraftCheck
) -> bool:
    """Whether a message about `name`, with neutral slots, passes the rules: only such names are offered."""
    neutral = Slots(hook=NEUTRAL_HOOK[locale], line=NEUTRAL_LINE[locale], focus=name)
    variant = render_slots(neutral, campaign, facts, channel, locale)
    draft = Draft.from_variant(variant, variant_id="probe", channel=channel, locale=locale, attempt=0)
    return not check(draft)

"""A decision in the marketer's words and language: who gets a message, why, and when it goes out.

"Why" is two or three plain sentences (who and what they did; why this message and channel; the expected
lift in percentage points and the send time in the user's local time), with no feature names, ISO
timestamps or policy jargon; the technical detail (feature contributions, the variant draw, the checks)
is listed apart, for the page to show one click away. Everything is built from the decision's own fields,
so it states exactly what was decided.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, cast

from agents.text.brief_text import CHANNEL_LABELS, SEP, TIER_LABELS
from domain.channels import Locale
from domain.copy import Draft
from domain.decision import PromotionResult, TargetingDecision
from domain.review import DraftReview
from prompts.phrases import phrase_table
from tools.compliance.categories import category_label
from tools.targeting.policy import NO_SEND

WHY = cast(dict[Locale, dict[str, Any]], phrase_table("chat", "why"))
"""The phrases of who / why / detail, per locale."""
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CHINA_OFFSET = timedelta(hours=8)
_DRIVER = re.compile(r"^driver: (?P<name>\w+) (?P<value>[+-]?\d+(?:\.\d+)?) pts$")
_CONSTRAINTS: list[tuple[str, re.Pattern[str]]] = [
    ("budget", re.compile(r"^budget:")),
    ("frequency", re.compile(r"^frequency cap: (?P<n>\d+) promotions in 7 days \(cap (?P<cap>\d+)\)")),
    ("consent", re.compile(r"^consent: no marketing consent for (?P<channel>\w+)")),
    ("quiet", re.compile(r"^quiet hours (?P<start>\d+)-(?P<end>\d+)h: delayed")),
    ("not_in_campaign", re.compile(r"^channel \w+ is not one of")),
]
"""The targeting constraints (tools/targeting/constraints.py, policy.py) the marketer's words say."""


def points(probability: float) -> str:
    """A lift or threshold (a probability) in percentage points, the one unit the page uses."""
    return f"{probability * 100:.1f}"


def utc_offset(at: datetime) -> str:
    """The UTC offset of `at`: UTC+8, UTC-5, UTC+5:30."""
    minutes = int((at.utcoffset() or timedelta(0)).total_seconds() // 60)
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    return f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def zone_name(at: datetime, locale: Locale) -> str:
    """The user's time zone as a marketer reads it: China time, or their local time with its UTC offset."""
    if at.utcoffset() == CHINA_OFFSET:
        return str(WHY[locale]["beijing"])
    return str(WHY[locale]["zone"]).format(offset=utc_offset(at))


def local_time(at: datetime, locale: Locale) -> str:
    """When a message goes out, in the user's local time, to the minute: 11月5日 14:00 / Nov 5, 14:00."""
    return str(WHY[locale]["when"]).format(
        month=at.month,
        month_name=MONTHS_EN[at.month - 1],
        day=at.day,
        hh=f"{at.hour:02d}",
        mm=f"{at.minute:02d}",
        zone=zone_name(at, locale),
    )


def categories_text(result: PromotionResult, locale: Locale) -> str:
    """The categories the user showed interest in, named in the locale (never an id)."""
    labels = [category_label(c, locale) for c in result.explanation.features_used.top_categories[:2]]
    named = [label for label in labels if label]
    return SEP[locale].join(named) if named else str(WHY[locale]["some_products"])


def who_text(result: PromotionResult, locale: Locale) -> str:
    """Who gets it: the pseudonym, value tier and how recently they were active."""
    words, profile = WHY[locale], result.explanation.features_used
    tier = TIER_LABELS[locale][profile.value_tier]
    return str(words["who"]).format(user_ref=result.user_ref, tier=tier, recency=words["recency"][profile.recency])


def did_text(result: PromotionResult, locale: Locale) -> str:
    """What kind of customer they are and what they did, as one sentence."""
    words, profile = WHY[locale], result.explanation.features_used
    funnel = str(words["funnel"][profile.funnel_stage]).format(category=categories_text(result, locale))
    return str(words["did"]).format(
        customer=words["customers"][profile.value_tier], recency=words["recency"][profile.recency], funnel=funnel
    )


def no_send_reason(decision: TargetingDecision, locale: Locale) -> str:
    """Why nobody gets anything, in words: the policy's reason, and the constraints that made it so."""
    reasons = WHY[locale]["reasons"]
    code = next((code for code, text in NO_SEND.items() if decision.reasons[:1] == [text]), "other")
    said = constraint_texts(decision, locale)
    return SEP[locale].join([str(reasons[code]), *said]) if code == "no_channel" and said else str(reasons[code])


def constraint_texts(decision: TargetingDecision, locale: Locale) -> list[str]:
    """The hard constraints that applied, in words; ones without words are left to the technical detail."""
    phrases = WHY[locale]["constraints"]
    out = []
    for text in decision.constraints:
        for code, pattern in _CONSTRAINTS:
            match = pattern.match(text)
            if match is None:
                continue
            values = match.groupdict()
            if "channel" in values:
                values["channel"] = CHANNEL_LABELS[locale].get(values["channel"], values["channel"])
            out.append(str(phrases[code]).format(**values))
            break
    return out


def delayed(decision: TargetingDecision) -> bool:
    """Whether the send waits for the user's quiet hours to end."""
    return any(_CONSTRAINTS[3][1].match(text) for text in decision.constraints)


def why_text(result: PromotionResult, draft: Draft, review: DraftReview, *, chosen: bool, approved: int) -> str:
    """Why this message, for this user, on this channel, and when: two or three plain sentences."""
    locale, decision, words = draft.locale, result.decision, WHY[draft.locale]
    checks, channel = len(review.checks_passed), CHANNEL_LABELS[draft.locale][draft.channel]
    lift, threshold = points(decision.score), points(decision.threshold)
    sentences = [did_text(result, locale)]
    if not decision.send:
        reason = no_send_reason(decision, locale)
        sentences.append(str(words["no_send"]).format(reason=reason, lift=lift, threshold=threshold))
    elif not chosen:
        sentences.append(str(words["alternative"]).format(checks=checks))
    else:
        if draft.source == "fallback":
            sentences.append(str(words["fallback"]).format(channel=channel))
        else:
            pick = words["pick_one"] if approved <= 1 else str(words["pick_many"]).format(n=approved)
            sentences.append(str(words["chosen"]).format(checks=checks, pick=pick, channel=channel))
        when = local_time(decision.send_at, locale) if decision.send_at else ""
        delay = words["delay"] if delayed(decision) else ""
        sentences.append(str(words["send"]).format(lift=lift, threshold=threshold, when=when, delay=delay))
    return ("" if locale == "zh" else " ").join(sentences)


def detail_lines(result: PromotionResult, review: DraftReview | None, locale: Locale, *, chosen: bool) -> list[str]:
    """The technical detail behind a decision, labelled in the locale: lift and its drivers, the draw, the checks."""
    words, decision = WHY[locale], result.decision
    detail, features = words["detail"], words["features"]
    lines = [str(detail["lift"]).format(lift=points(decision.score), threshold=points(decision.threshold))]
    for reason in decision.reasons:
        match = _DRIVER.match(reason)
        if match is not None:
            name, value = match["name"], float(match["value"])
            lines.append(str(detail["driver"]).format(feature=features.get(name, name), value=f"{value:+.2f}"))
    if chosen and decision.send and decision.variant_id:
        p = f"{decision.propensity * 100:.0f}"
        lines.append(str(detail["draw"]).format(variant_id=decision.variant_id, p=p))
    lines.append(str(detail["policy"]).format(version=decision.policy_version))
    if review is not None and review.checks_passed:
        lines.append(str(detail["checks"]).format(checks=", ".join(review.checks_passed)))
    if decision.send_at is not None:
        at = decision.send_at
        lines.append(str(detail["send_at"]).format(at=f"{at:%Y-%m-%d %H:%M} {utc_offset(at)}"))
    said = constraint_texts(decision, locale)
    lines += [str(detail["constraint"]).format(text=text) for text in said]
    return lines


def outcome_text(result: PromotionResult, locale: Locale) -> str:
    """A user's decision in a few words, for the closing answer: when it goes out and the lift, or why not."""
    decision = result.decision
    if not decision.send:
        return no_send_reason(decision, locale)
    when = local_time(decision.send_at, locale) if decision.send_at else ""
    return str(WHY[locale]["outcome"]).format(when=when, lift=points(decision.score))

"""Deterministic length fitting: cut an over-long LLM title or body back to whole sentences that fit.

Small models overshoot length limits even when told the number; cutting at a sentence boundary
saves a rewrite round-trip. The cut copy is still reviewed by every rule like any other draft.
"""

from __future__ import annotations

import re

from domain.channels import Channel, Locale, limits_for
from domain.copy import CopyVariant, Draft

SENTENCE_END = re.compile(r"[。！？!?…]|\.(?=\s|$)")
CLAUSE_END = re.compile(r"[，,；;：:、\s]")


def body_allowance(channel: Channel, locale: Locale, cta: str, brand_name: str) -> int:
    """Characters the body may use once brand signature, CTA and opt-out text are rendered around it."""
    probe = Draft(variant_id="probe", channel=channel, locale=locale, title="", body="x", cta=cta, attempt=0)
    overhead = len(probe.rendered_body(brand_name)) - 1
    return limits_for(channel, locale).body_max - overhead


def cut_to_sentences(text: str, limit: int) -> str | None:
    """The longest prefix of whole sentences within `limit` characters; None when not even one fits."""
    if len(text) <= limit:
        return text
    ends = [m.end() for m in SENTENCE_END.finditer(text) if m.end() <= limit]
    return text[: ends[-1]].strip() if ends else None


def cut_title(title: str, limit: int) -> str | None:
    """A title within `limit`, cut at the last clause boundary; None when no clean cut exists."""
    if len(title) <= limit:
        return title
    ends = [m.start() for m in CLAUSE_END.finditer(title) if 0 < m.start() <= limit]
    return title[: ends[-1]].strip() if ends else None


def fit_variant(variant: CopyVariant, channel: Channel, locale: Locale, brand_name: str) -> CopyVariant:
    """Cut title and body to the channel's limits where a clean cut exists; otherwise leave them (the critic flags)."""
    limits = limits_for(channel, locale)
    title = variant.title if channel == "sms" else (cut_title(variant.title, limits.title_max) or variant.title)
    allowance = body_allowance(channel, locale, variant.cta, brand_name)
    body = cut_to_sentences(variant.body, allowance) or variant.body
    return variant.model_copy(update={"title": title, "body": body})

"""Features derived from one user's events, and the sanitised profile the copywriter LLM may see.

Rules, so that every profile can be explained:

- recency bucket: days since the last event ≤ 7 ``active_7d``, ≤ 30 ``active_30d``, ≤ 90
  ``lapsing_90d``, more ``dormant``; no events ``new``.
- category affinity: each event counts by kind (view/click 1, fav 2, cart 3, purchase 5) times
  ``0.5 ** (age_days / 30)``; scores are divided by the largest, top 5 kept.
- price sensitivity: each priced purchase is divided by its category's median price (the catalog
  median from ``category_medians`` when given, else the median of the distinct prices the user
  looked at in that category, needing two or more). Mean ratio < 0.85 ``high``, > 1.15 ``low``,
  else ``medium``; fewer than 2 comparable purchases ``unknown``.
- funnel stage: a purchase in 90 days ``buyer``; else a cart or fav in 30 days ``considering``;
  else any event ``browsing``; none ``none``.
- value tier: no events ``new``; ≥ 3 purchases and ≥ ¥1000 in 90 days, or ≥ ¥2000, ``high``;
  ≥ 1 purchase in 90 days ``mid``; else ``low``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from statistics import median
from typing import Literal

from domain.channels import Channel
from domain.people import Event
from domain.profile import CategoryScore, PriceSensitivity, PromptProfile, RecencyBucket, UserFeatures
from tools.profile.instructions import looks_like_instruction, normalize_untrusted

HALF_LIFE_DAYS = 30.0
KIND_WEIGHT = {"view": 1.0, "click": 1.0, "fav": 2.0, "cart": 3.0, "purchase": 5.0}
RECENCY: tuple[tuple[float, RecencyBucket], ...] = ((7, "active_7d"), (30, "active_30d"), (90, "lapsing_90d"))
CHEAP, PRICEY, MIN_COMPARABLE = 0.85, 1.15, 2
HIGH_TIER = (3, 1000.0, 2000.0)
"""Purchases and spend in 90 days that together make ``high``, or spend alone."""
MAX_LIST = 5
FunnelStage = Literal["browsing", "considering", "buyer"]


def derive_features(
    events: Sequence[Event],
    now: datetime,
    related: Sequence[Event] = (),
    *,
    category_medians: Mapping[str, float] | None = None,
) -> UserFeatures:
    """Features of one user's history as of ``now``; ``related`` are that user's campaign-nearest events."""
    if now.tzinfo is None:
        raise ValueError("now needs a time zone, e.g. datetime.now(UTC)")
    users = {e.user_id for e in events} | {e.user_id for e in related}
    if len(users) > 1:
        raise ValueError(f"events of {len(users)} users given; features are derived for one user at a time")
    # Newest first; the event id breaks ties, so events at one moment give the same features in any order.
    past = sorted((e for e in events if e.ts <= now), key=lambda e: (e.ts, e.event_id), reverse=True)
    snippets = _dedup(e.item_title or e.query for e in related)
    if not past:
        zero = UserFeatures(event_count=0, recency_days=None, recency_bucket="new", frequency_90d=0, monetary_90d=0)
        return zero.model_copy(update={"campaign_related": snippets})

    def age(e: Event) -> float:
        return (now - e.ts).total_seconds() / 86400

    recency = age(past[0])
    bought = [e for e in past if e.kind == "purchase"]
    bought_90 = [e for e in bought if age(e) <= 90]
    priced = [e.price for e in past if e.price is not None and e.kind != "search"]
    return UserFeatures(
        event_count=len(past),
        recency_days=round(recency, 2),
        recency_bucket=next((b for limit, b in RECENCY if recency <= limit), "dormant"),
        frequency_90d=len(bought_90),
        monetary_90d=round(sum(e.price or 0.0 for e in bought_90), 2),
        top_categories=_affinity(past, age),
        recently_viewed=_dedup(e.item_title for e in past if e.kind in ("view", "click")),
        recently_bought=_dedup(e.item_title for e in bought),
        campaign_related=snippets,
        avg_item_price=round(sum(priced) / len(priced), 2) if priced else None,
        price_sensitivity=_price_sensitivity(past, category_medians),
        funnel_stage=_funnel_stage(past, age),
        channel_clicks=dict(Counter[Channel](e.channel for e in past if e.kind == "click" and e.channel)),
    )


def _dedup(texts: Iterable[str | None]) -> list[str]:
    """Non-empty texts in order, first occurrence kept (case-insensitive), at most MAX_LIST."""
    out: list[str] = []
    for text in texts:
        if text and text.strip() and text.casefold() not in {o.casefold() for o in out}:
            out.append(text)
        if len(out) == MAX_LIST:
            break
    return out


def _funnel_stage(past: Sequence[Event], age: Callable[[Event], float]) -> FunnelStage:
    """Buyer, considering or browsing, by the rule in the module docstring (``past`` is non-empty)."""
    if any(e.kind == "purchase" and age(e) <= 90 for e in past):
        return "buyer"
    if any(e.kind in ("cart", "fav") and age(e) <= 30 for e in past):
        return "considering"
    return "browsing"


def _affinity(past: Sequence[Event], age: Callable[[Event], float]) -> list[CategoryScore]:
    """Recency-weighted category scores scaled to 0..1, top 5."""
    raw: dict[str, float] = defaultdict(float)
    for e in past:
        if e.category and e.kind in KIND_WEIGHT:
            raw[e.category] += KIND_WEIGHT[e.kind] * 0.5 ** (age(e) / HALF_LIFE_DAYS)
    if not raw:
        return []
    top = max(raw.values())
    ranked = sorted(raw.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_LIST]
    return [CategoryScore(category=c, score=round(s / top, 3)) for c, s in ranked]


def _price_sensitivity(past: Sequence[Event], medians: Mapping[str, float] | None) -> PriceSensitivity:
    """``high`` / ``medium`` / ``low`` / ``unknown`` by the rule in the module docstring."""
    seen: dict[str, set[float]] = defaultdict(set)
    for e in past:
        if e.category and e.price is not None:
            seen[e.category].add(e.price)
    ratios = []
    for e in past:
        if e.kind != "purchase" or not e.category or not e.price:
            continue
        ref = medians.get(e.category) if medians else (median(seen[e.category]) if len(seen[e.category]) > 1 else None)
        if ref:
            ratios.append(e.price / ref)
    if len(ratios) < MIN_COMPARABLE:
        return "unknown"
    mean = sum(ratios) / len(ratios)
    return "high" if mean < CHEAP else "low" if mean > PRICEY else "medium"


def to_prompt_profile(features: UserFeatures, personal: Sequence[str]) -> PromptProfile:
    """The LLM's view: buckets, tiers, top 3 categories and at most 5 sanitised interests.

    personal: the user's identifying values (User.identifying_values). A history text holding one (a search
    for their own address, a seller title engraved with their name) is no interest to quote: it is dropped.
    """
    purchases, spend_with, spend_alone = HIGH_TIER
    f = features
    if f.event_count == 0:
        tier = "new"
    elif (f.frequency_90d >= purchases and f.monetary_90d >= spend_with) or f.monetary_90d >= spend_alone:
        tier = "high"
    else:
        tier = "mid" if f.frequency_90d >= 1 else "low"
    names_person = _personal_matcher(personal)
    categories = _dedup(sanitize_interest(c.category) for c in f.top_categories if not names_person(c.category))[:3]
    texts = [*f.campaign_related, *f.recently_bought, *f.recently_viewed]
    interests = _dedup(sanitize_interest(t) for t in texts if not names_person(t))
    return PromptProfile(
        recency=f.recency_bucket,
        value_tier=tier,
        price_sensitivity=f.price_sensitivity,
        funnel_stage=f.funnel_stage,
        top_categories=categories,
        interests=interests,
    )


def _personal_matcher(personal: Sequence[str]) -> Callable[[str], bool]:
    """Whether a text holds one of the values.

    Compared after the normalization untrusted text gets, caseless, with spaces, dashes, dots and brackets
    dropped (so 139 1234 0987 matches 13912340987).
    """

    def folded(text: str) -> str:
        return re.sub(r"[\s\-_.()]+", "", normalize_untrusted(text)).casefold()

    values = [v for v in (folded(p) for p in personal) if len(v) >= 2]

    def holds_one(text: str) -> bool:
        seen = folded(text)  # once per text, not once per value
        return any(v in seen for v in values)

    return holds_one


_REMOVE = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+\.(?:com|cn|net|org|io|shop|top|xyz)\b\S*"
    r"|\+?\d[\d -]{6,}\d|[¥$]\s*\d[\d,.]*|\d+(?:\.\d+)?\s*(?:%|元|块|折)|[一二三四五六七八九]折"
    r"|(?<![\w.])\d+(?:\.\d+)?(?![\w.])|[<>{}\[\]`|#*\\\"'“”【】]",
    re.IGNORECASE,
)
MAX_INTEREST = 24


def sanitize_interest(text: str | None) -> str | None:
    """An item name safe for the prompt, or None when nothing safe is left.

    Normalizes first (tools/profile/instructions.py), then drops the whole text when it looks like
    an instruction; otherwise removes URLs, e-mail addresses, phone numbers, prices, discounts,
    digits-only tokens and markup characters, then truncates to MAX_INTEREST characters without
    cutting a Latin word.
    """
    if not text:
        return None
    clean = normalize_untrusted(text)  # first: the check must see "a\n\nAssistant:" as two words
    if looks_like_instruction(clean):
        return None
    clean = re.sub(r"\s+", " ", _REMOVE.sub(" ", clean)).strip(" -,.:;!?/、，。；！？")
    if len(clean) > MAX_INTEREST:
        cut = clean[:MAX_INTEREST]
        space = cut.rfind(" ")
        if clean[MAX_INTEREST].isascii() and clean[MAX_INTEREST].isalnum() and space >= MAX_INTEREST // 2:
            cut = cut[:space]
        clean = cut.rstrip(" -,.:;/、，")
    return clean if len(clean) >= 2 and any(ch.isalpha() for ch in clean) else None

"""Deterministic reading of a marketer's brief: offer, counts, channels, audience words, occasion, language.

Runs before the LLM and overrides it: these patterns are the ground truth for every field they find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from domain.brief import MAX_VARIANTS, Behaviour, ValueTier
from domain.channels import Channel, Locale
from domain.offer import Offer
from tools.brief.offer import EN_NUMBERS, N, find_offer
from tools.compliance.numerals import parse_amount
from tools.compliance.textutil import CJK, LATIN, fold

CHANNEL_WORDS: list[tuple[Channel, re.Pattern[str]]] = [
    ("sms", re.compile(r"短信|\bsms\b|\btext messages?\b|\btexts\b", re.I)),
    ("push", re.compile(r"推送|通知|\bpush(?:es)?\b|\bnotifications?\b", re.I)),
    ("email", re.compile(r"邮件|邮箱|\bedm\b|\be-?mails?\b|\bnewsletters?\b", re.I)),
]
TIER_WORDS: list[tuple[ValueTier, re.Pattern[str]]] = [
    ("high", re.compile(r"高价值|高消费|高净值|高客单|大客户|核心(?:用户|客户)|\bvip\b", re.I)),
    ("high", re.compile(r"high[- ]value|high[- ]spend|top spenders|big spenders", re.I)),
    ("mid", re.compile(r"中等?价值|中消费|mid(?:dle)?[- ]value|medium[- ]value|mid[- ]tier", re.I)),
    ("low", re.compile(r"低价值|低消费|low[- ]value|low[- ]spend", re.I)),
]
VIEWED = re.compile(
    r"浏览|看过|逛过|点击过|加购|加入购物车|收藏|\b(?:viewed|browsed|looked at|visited|clicked|carted|wishlisted)\b",
    re.I,
)
BOUGHT = re.compile(r"买过|购买过|已购|下过单|下单过|复购|回购|\b(?:bought|purchased|ordered|buyers)\b", re.I)
NEGATION = re.compile(r"(?:没|未|不|没有|not|n't|never)\s*\S{0,2}$", re.I)
STOREWIDE = re.compile(
    r"全场|全店|全品类|所有商品|全部商品|store[- ]?wide|site[- ]?wide|all products|all items|entire store", re.I
)
OCCASIONS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"双十一|双11|11\.11|double[- ]?(?:11|eleven)|singles'? day", re.I), "双十一", "Double 11"),
    (re.compile(r"双十二|双12|12\.12|double[- ]?(?:12|twelve)", re.I), "双十二", "Double 12"),
    (re.compile(r"(?<!\d)618(?!\d)"), "618", "618"),
    (re.compile(r"黑五|black friday", re.I), "黑五", "Black Friday"),
    (re.compile(r"圣诞|christmas", re.I), "圣诞", "Christmas"),
    (re.compile(r"春节|年货节|chinese new year|spring festival", re.I), "年货节", "New Year"),
    (re.compile(r"中秋|mid-autumn", re.I), "中秋", "Mid-Autumn"),
    (re.compile(r"情人节|valentine", re.I), "情人节", "Valentine's Day"),
]
_COUNT_WORD = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
COUNT_ZH = re.compile(rf"{N}\s*(?:条|版|则|种|组|个(?:版本|文案|变体|方案))")
COUNT_EN = re.compile(
    rf"\b{_COUNT_WORD}\s+(?:(?!off\b)[\w-]+\s+){{0,3}}?(?:messages?|variants?|versions?|pushes|notifications?|texts?|sms"
    r"|e-?mails?|copies|options|drafts)\b",
    re.I,
)
RECENCY_ZH = re.compile(rf"(?:最近|近|过去)\s*{N}?\s*(天|日|周|星期|个?月)")
RECENCY_EN = re.compile(rf"\b(?:last|past|previous)\s+{_COUNT_WORD}?\s*(days?|weeks?|months?)\b", re.I)
UNIT_DAYS = {"天": 1, "日": 1, "周": 7, "星期": 7, "月": 30, "个月": 30, "day": 1, "week": 7, "month": 30}


@dataclass(frozen=True)
class BriefHints:
    """What the patterns found in a brief; None (or empty) where the text says nothing."""

    offer: Offer | None = None
    offer_error: str | None = None
    """Why the offer the marketer stated cannot run (e.g. 满50减300)."""
    n_variants: int | None = None
    channels: tuple[Channel, ...] = ()
    value_tier: ValueTier | None = None
    behaviour: Behaviour | None = None
    recency_days: int | None = None
    occasion: tuple[str, str] | None = None
    """(zh name, en name)."""
    storewide: bool = False
    locale: Locale | None = None
    asked_variants: int | None = None
    """The count the marketer asked for when it was out of bounds (n_variants holds the bounded one)."""

    def then(self, later: BriefHints) -> BriefHints:
        """These hints updated by a later message: whatever the later one states wins."""
        updates = {name: value for name, value in vars(later).items() if value not in (None, (), False)}
        if later.offer is not None:
            updates["offer_error"] = None
        if later.offer_error is not None:
            updates["offer"] = None
        return replace(self, **updates)


def detect_locale(text: str) -> Locale | None:
    """Zh when the text holds Chinese, en when it holds Latin letters only, None for numbers alone."""
    if CJK.search(text):
        return "zh"
    return "en" if LATIN.search(text) else None


def _count(raw: str) -> int | None:
    word = raw.lower()
    if word in EN_NUMBERS:
        return EN_NUMBERS[word]
    value = parse_amount(raw)
    return None if value is None or not value.is_integer() else int(value)


def _behaviour(text: str) -> Behaviour | None:
    viewed = VIEWED.search(text) is not None
    bought = any(not NEGATION.search(text[: m.start()]) for m in BOUGHT.finditer(text))
    if viewed and bought:
        return "any"
    return "viewed" if viewed else "bought" if bought else None


def _recency(text: str) -> int | None:
    match = RECENCY_ZH.search(text) or RECENCY_EN.search(text)
    if match is None:
        return None
    number = _count(match.group(1)) if match.group(1) else 1
    unit = match.group(match.lastindex or 1).lower().rstrip("s")
    return None if number is None else max(1, min(365, number * UNIT_DAYS.get(unit, 1)))


def read_brief(text: str) -> BriefHints:
    """Read one message of a brief."""
    folded = fold(text)
    found = find_offer(folded)
    count_match = COUNT_ZH.search(folded) or COUNT_EN.search(folded)
    asked = _count(count_match.group(1)) if count_match else None
    n_variants = None if asked is None else min(max(asked, 1), MAX_VARIANTS)
    occasion = next(((zh, en) for pattern, zh, en in OCCASIONS if pattern.search(folded)), None)
    return BriefHints(
        offer=found.offer,
        offer_error=found.error,
        n_variants=n_variants,
        channels=tuple(channel for channel, pattern in CHANNEL_WORDS if pattern.search(folded)),
        value_tier=next((tier for tier, pattern in TIER_WORDS if pattern.search(folded)), None),
        behaviour=_behaviour(folded),
        recency_days=_recency(folded),
        occasion=occasion,
        storewide=STOREWIDE.search(folded) is not None,
        locale=detect_locale(folded),
        asked_variants=asked if asked != n_variants else None,
    )


def read_conversation(user_texts: list[str]) -> BriefHints:
    """Read the marketer's messages in order; a later message overrides what an earlier one said."""
    hints = BriefHints()
    for text in user_texts:
        hints = hints.then(read_brief(text))
    return hints

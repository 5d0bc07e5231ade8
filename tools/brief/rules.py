"""Deterministic reading of a marketer's brief: offer, counts, channels, audience words, occasion, language.

Runs before the LLM and overrides it: these patterns are the ground truth for every field they find, and
the check an LLM reading must pass (agents/intake.py keeps a model value only where these words back it).
Negations are read too: 不限价值层级 / any value tier states "any", 不要短信 / no SMS names no SMS.
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
    ("sms", re.compile(r"短信|\bsms\b|\btext messages?\b|\btexts\b", re.I | re.A)),
    ("push", re.compile(r"推送|通知|\bpush(?:es)?\b|\bnotifications?\b", re.I | re.A)),
    ("email", re.compile(r"邮件|邮箱|\bedm\b|\be-?mails?\b|\bnewsletters?\b", re.I | re.A)),
]
TIER_WORDS: list[tuple[ValueTier, re.Pattern[str]]] = [
    ("high", re.compile(r"高价值|高消费|高净值|高客单|大客户|核心(?:用户|客户)|\bvip\b", re.I | re.A)),
    ("high", re.compile(r"high[- ]value|high[- ]spend|top spenders|big spenders", re.I | re.A)),
    ("mid", re.compile(r"中等?价值|中消费|mid(?:dle)?[- ]value|medium[- ]value|mid[- ]tier", re.I | re.A)),
    ("low", re.compile(r"低价值|低消费|low[- ]value|low[- ]spend", re.I | re.A)),
]
VIEWED = re.compile(
    r"浏览|看过|逛过|点击过|加购|加入购物车|收藏|\b(?:viewed|browsed|looked at|visited|clicked|carted|wishlisted)\b",
    re.I | re.A,
)
BOUGHT = re.compile(r"买过|购买过|已购|下过单|下单过|复购|回购|\b(?:bought|purchased|ordered|buyers)\b", re.I | re.A)
NEGATION = re.compile(r"(?:没|未|不|没有|not|n't|never)\s*\S{0,2}$", re.I | re.A)
NEGATED = re.compile(
    r"(?:不要|不用|不必|不需要|别|勿|不|非|没有|没|未|无|\bno|\bnot|n't|\bnever|\bwithout|\bexcept|\bnon-?)"
    r"\s*(?:发|用|走|通过|给|要|限于?|只|via|by|send|sending|use|using|through|to|only)?\s*(?:the\s+|an?\s+)?$",
    re.I | re.A,
)
"""Right before a channel, tier or behaviour word, a negation that unsays it: 不要短信, 非高价值, no SMS."""
ANY_TIER = re.compile(
    r"不限(?:价值|层级|人群|用户|客户)|不分(?:价值|层级)|(?:所有|全部|全体)的?(?:价值层级|层级|用户|客户|会员|人群)"
    r"|全量用户|\b(?:all|any|every)\s+(?:value\s+)?tiers?\b|\b(?:all|any)\s+(?:users|customers|shoppers|members)\b"
    r"|\bregardless of (?:value|tier|spend)\b|\beveryone\b|\bany value\b|\ball values\b",
    re.I | re.A,
)
"""The marketer says every value tier is wanted: a stated "any", not a gap for a default (or a model) to fill."""
ANY_BEHAVIOUR = re.compile(
    r"不限行为|不限(?:是否|有没有)(?:浏览|看|买|购买)过?|(?:不管|无论)(?:是否|有没有)(?:浏览|看|买|购买)过?"
    r"|\bany behaviou?r\b|\bregardless of (?:behaviou?r|history|what they (?:did|viewed|bought))\b",
    re.I | re.A,
)
ALL_CHANNELS = re.compile(r"全渠道|所有渠道|全部渠道|\ball (?:three )?channels\b|\bevery channel\b", re.I | re.A)
ANY_TIME = re.compile(r"不限时间|不限时段|时间不限|\b(?:any time|all time|no time limit)\b", re.I | re.A)
LANGUAGE_WORDS: list[tuple[Locale, re.Pattern[str]]] = [
    ("zh", re.compile(r"中文|汉语|简体|\bin chinese\b|\bchinese (?:copy|messages?|texts?|version)\b", re.I | re.A)),
    ("en", re.compile(r"英文|英语|\bin english\b|\benglish (?:copy|messages?|texts?|version)\b", re.I | re.A)),
]
"""The copy's language named outright (写英文文案 / in English): it wins over the language the brief is in."""
REFERS_BACK = re.compile(
    r"同上|同样|照旧|一样|其他不变|其余不变|别的不变|还是(?:这个|刚才|上面|上一个)|上一个|上个活动|刚才(?:的|那个)"
    r"|^(?:改成|改为|换成|换为|改发|改用)"
    r"|\bsame\b|\bas before\b|\bas above\b|\bthe (?:last|previous) (?:one|brief|campaign)\b|\binstead\b"
    r"|^(?:and|also|but|ok,? but)\b|\bchange (?:it|that|the)\b|\bswitch (?:it|to)\b",
    re.I | re.A,
)
"""A message that builds on the last brief (同上，改成邮件 / same, but for e-mail) rather than starting anew."""
CONFIRMS = re.compile(
    r"^\s*(?:确认|确定|对|对的|是的?|没错|好的?|可以|行|就这样|yes|yep|yeah|ok(?:ay)?|confirm(?:ed)?|correct|right"
    r"|looks good|that'?s right)\s*[。.!！~]*\s*$",
    re.I | re.A,
)
"""A message that only confirms what the assistant read back."""
STOREWIDE = re.compile(
    r"全场|全店|全品类|所有商品|全部商品|store[- ]?wide|site[- ]?wide|all products|all items|entire store", re.I | re.A
)
OCCASIONS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"双十一|双11|11\.11|double[- ]?(?:11|eleven)|singles'? day", re.I | re.A), "双十一", "Double 11"),
    (re.compile(r"双十二|双12|12\.12|double[- ]?(?:12|twelve)", re.I | re.A), "双十二", "Double 12"),
    (re.compile(r"(?<!\d)618(?!\d)"), "618", "618"),
    (re.compile(r"黑五|black friday", re.I | re.A), "黑五", "Black Friday"),
    (re.compile(r"圣诞|christmas", re.I | re.A), "圣诞", "Christmas"),
    (re.compile(r"春节|年货节|chinese new year|spring festival", re.I | re.A), "年货节", "New Year"),
    (re.compile(r"中秋|mid-autumn", re.I | re.A), "中秋", "Mid-Autumn"),
    (re.compile(r"情人节|valentine", re.I | re.A), "情人节", "Valentine's Day"),
]
_COUNT_WORD = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
COUNT_ZH = re.compile(rf"{N}\s*(?:条|版|则|种|组|个(?:版本|文案|变体|方案))")
COUNT_EN = re.compile(
    rf"\b{_COUNT_WORD}\s+(?:(?!off\b)[\w-]+\s+){{0,3}}?(?:messages?|variants?|versions?|pushes|notifications?|texts?|sms"
    r"|e-?mails?|copies|options|drafts)\b",
    re.I | re.A,
)
RECENCY_ZH = re.compile(rf"(?:最近|近|过去)\s*{N}?\s*(天|日|周|星期|个?月)|{N}\s*(天|日|周|星期|个?月)\s*内")
RECENCY_EN = re.compile(
    rf"\b(?:last|past|previous|within(?: the last)?)\s+{_COUNT_WORD}?\s*(days?|weeks?|months?)\b", re.I | re.A
)
DURATION = re.compile(
    rf"{N}\s*(天|日|周|星期|个?月)|\b{_COUNT_WORD}[\s-]*(days?|weeks?|months?)\b|\b(?:a|one)\s+(day|week|month)\b",
    re.I | re.A,
)
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
    """The language the message is written in."""
    language: Locale | None = None
    """The copy's language, when the message names it outright (in English / 用中文)."""
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


_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def detect_locale(text: str) -> Locale | None:
    """The language most of the text is in, zh or en; None for numbers alone.

    Two Chinese characters weigh one English word, so an English brief naming 保温杯 stays English.
    """
    cjk, words = len(CJK.findall(text)), len(_LATIN_WORD.findall(text))
    if not cjk and not words:
        return "en" if LATIN.search(text) else None
    return "zh" if cjk >= 2 * words else "en"


def conversation_locale(user_texts: list[str]) -> Locale:
    """The language of a brief told over several messages.

    The copy's language as last named outright, else the language most of the marketer's words are in (zh
    when they hold no words at all).
    """
    named = [found for text in user_texts if (found := read_language(fold(text)))]
    if named:
        return named[-1]
    return detect_locale("\n".join(user_texts)) or "zh"


def read_language(text: str) -> Locale | None:
    """The copy's language when the text names it outright (写英文文案, in Chinese); None for none or both."""
    found = {locale for locale, pattern in LANGUAGE_WORDS if pattern.search(text)}
    return found.pop() if len(found) == 1 else None


def _negated(text: str, start: int) -> bool:
    return NEGATED.search(text[max(0, start - 12) : start]) is not None


def _said(pattern: re.Pattern[str], text: str) -> bool:
    return any(not _negated(text, m.start()) for m in pattern.finditer(text))


def read_tier(text: str) -> ValueTier | None:
    """The value tier the text states: any for 不限价值层级 / all value tiers, a tier word unless negated."""
    if ANY_TIER.search(text):
        return "any"
    return next((tier for tier, pattern in TIER_WORDS if _said(pattern, text)), None)


def read_channels(text: str) -> tuple[Channel, ...]:
    """The channels the text names (全渠道 / all channels: every one), leaving out the ones it rules out."""
    if ALL_CHANNELS.search(text):
        return tuple(channel for channel, _ in CHANNEL_WORDS)
    return tuple(channel for channel, pattern in CHANNEL_WORDS if _said(pattern, text))


def durations(text: str) -> frozenset[int]:
    """Every span of time the text names, in days (两周 = 14, 30 days = 30, a month = 30)."""
    found: set[int] = set()
    for match in DURATION.finditer(fold(text)):
        raw, unit = match.group(1) or match.group(3), match.group(2) or match.group(4) or match.group(5)
        number = _count(raw) if raw else 1
        if number is not None and unit:
            found.add(number * UNIT_DAYS.get(unit.lower().rstrip("s"), 1))
    return frozenset(found)


def refers_back(text: str) -> bool:
    """Whether a message builds on the last brief (同上，改成邮件 / same, but for e-mail) or only confirms it."""
    folded = fold(text).strip()
    return REFERS_BACK.search(folded) is not None or confirms(folded)


def confirms(text: str) -> bool:
    """Whether a message only confirms what was read back (确认 / yes)."""
    return CONFIRMS.match(fold(text)) is not None


def _count(raw: str) -> int | None:
    word = raw.lower()
    if word in EN_NUMBERS:
        return EN_NUMBERS[word]
    value = parse_amount(raw)
    return None if value is None or not value.is_integer() else int(value)


def _behaviour(text: str) -> Behaviour | None:
    if ANY_BEHAVIOUR.search(text):
        return "any"
    viewed = any(not NEGATION.search(text[: m.start()]) for m in VIEWED.finditer(text))
    bought = any(not NEGATION.search(text[: m.start()]) for m in BOUGHT.finditer(text))
    if viewed and bought:
        return "any"
    return "viewed" if viewed else "bought" if bought else None


def _recency(text: str) -> int | None:
    if ANY_TIME.search(text):
        return 365
    match = RECENCY_ZH.search(text) or RECENCY_EN.search(text)
    if match is None:
        return None
    groups = [g for g in match.groups() if g is not None]
    number = _count(groups[0]) if len(groups) > 1 else 1
    unit = groups[-1].lower().rstrip("s")
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
        channels=read_channels(folded),
        value_tier=read_tier(folded),
        behaviour=_behaviour(folded),
        recency_days=_recency(folded),
        occasion=occasion,
        storewide=STOREWIDE.search(folded) is not None,
        locale=detect_locale(folded),
        language=read_language(folded),
        asked_variants=asked if asked != n_variants else None,
    )


def read_conversation(user_texts: list[str]) -> BriefHints:
    """Read the marketer's messages in order; a later message overrides what an earlier one said."""
    hints = BriefHints()
    for text in user_texts:
        hints = hints.then(read_brief(text))
    return hints

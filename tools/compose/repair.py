"""Deterministic repair of the slots before they are rendered, instead of an LLM rewrite.

The grammar lets a slot run past the room the channel leaves it (`grammar_bound`), so the model can finish
its sentence in the slot it started it in; repair then takes the slot back to its last whole clause within
the room (`fit_to_room`). A hook with no whole clause that fits gives way to the campaign's own name; a line
with none is left out (the facts stand alone). A hook the grammar itself cut mid-word ("你是否正在寻找一种独特
而时尚的连") may have been finished in the line ("裙？我们的活动…"): those carried-over words go too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

from domain.channels import Locale
from prompts.phrases import phrase_table
from tools.compliance.absolute_terms import find_absolute_terms
from tools.compliance.claims_attributes import borrowed_features
from tools.compliance.claims_clock import ENDED, NOT_STARTED
from tools.compliance.claims_efficacy import unstated_effects
from tools.compliance.claims_green import unstated_green_claims
from tools.compliance.date_patterns import FESTIVALS, RELATIVE
from tools.compliance.textutil import fold, has_cjk
from tools.compose.slots import Slots

_CLAUSE_END: dict[Locale, str] = {"zh": "，！？、；", "en": ",!?;"}


def _words(text: str) -> list[str]:
    """A word list written as one string, for a regex alternation."""
    return text.split()


_FUNCTION_WORDS_EN = _words(
    "a about an and any are as at by each even every for from have in into is its just like more most my of on or our "
    "so some such than that the their these this those to up very we where which while with your who whom whose "
    "be been being you've you're we've we're it's that's during without but yet has have had never ever"
)
_CUT_BEFORE_OBJECT_EN = _words(
    "enjoy get looking prefer prefers want wants need needs seeking searching craving provides offers gives brings "
    "delivers make makes keep keeps let lets help helps waiting designed crafted adding keeping "
    "fresh rich smooth new"  # adjectives the offer or a noun was to follow
)
_DETERMINERS_EN = _words("a an the your our my their this")
_ADJECTIVES_EN = _words(
    "bold cold daily delicious favourite favorite full good great hot light little new nice perfect quick refreshing "
    "rich smooth special strong warm versatile durable convenient stylish practical cozy comfortable essential premium "
    "healthy sleek fantastic wonderful amazing delightful simple easy tasty relaxing deep smoother richer bolder smart "
    "reliable trusty sturdy compact portable insulated lightweight "
    "better deeper stronger fresher warmer"
)
_DANGLING_EN = re.compile(
    rf"(?:\s+(?:{'|'.join(_FUNCTION_WORDS_EN + _CUT_BEFORE_OBJECT_EN)})"
    rf"|\s+(?:{'|'.join(_DETERMINERS_EN)})\s+(?:{'|'.join(_ADJECTIVES_EN)})"
    r"|\s+who\s+(?:love|loves|like|likes|adore|adores|appreciate|appreciates|value|values)"
    r"|\s+(?:what|when|if|that|where|how|why)\s+you(?:\s+[a-z]+)?|\s+[b-hj-z]"
    r"|\s+(?:a|an|the|your|our)\s+(?-i:[a-z]+(?:-[a-z]+)+)|\s+(?:a|an|the)\s+(?:[a-z]+\s+){0,3}way"
    r"|\s+(?:provides?|gives?|offers?|brings?|allows?|enables?|lets?)\s+you|\s+your\s+hands"
    r"|\s+(?:a|an|the)\s+(?-i:[a-z]+\s+and\s+[a-z]+(?:ive|ish|ful|ous|able|ible|al|ic|ant|ent|y)))+$",
    re.IGNORECASE,
)
"""Words an English sentence cannot end on: function words, the verbs and adjectives the model was about to
follow with the offer or a noun when the grammar or the room stopped it ("... and enjoy", "with fresh"), verbs
left without their object ("for anyone looking", "for those who prefer", "for those who love"), a noun phrase cut
before its noun ("for those who enjoy a strong", "offers a smoother", "with an easy-to-use", "Need a reliable
way"), a clause opened on "you" ("is just what you", "the feeling when you wake", "Discover why you"), a verb
left with only its "you" ("provides you") and a word cut to one letter ("to make the most o")."""
COPIED_RUN: dict[Locale, int] = {"zh": 8, "en": 24}
"""A run this long shared with a shown exemplar is copied, not inspired: the exemplar is another product's."""
MIN_KEPT: dict[Locale, int] = {"zh": 4, "en": 12}
HOOK_MIN: dict[Locale, int] = {"zh": 4, "en": 8}
"""The shortest title worth sending ("Stay warm" is one; "Get" is what a cut left)."""
"""A clause shorter than this is a stub (「你知道吗」 is the shortest hook worth sending), not a message part."""


_OPENS: dict[Locale, re.Pattern[str]] = {
    "zh": re.compile(r"^(?:.{0,6})(?:无论|不管|虽然|尽管|如果|因为|一方面|一边)"),
    "en": re.compile(r"^\s*(?:not only|whether|although|though|if|because|while)\b", re.IGNORECASE),
}
"""A clause that opens a pair (无论…都, 虽然…但, not only … but): alone at the end it is left hanging."""
_NOT_ONLY, _BUT_ALSO = "不仅|不但|不只", "而且|还|也|更"
_UNPAIRED_ZH = re.compile(rf"(?:{_NOT_ONLY})(?!.*(?:{_BUT_ALSO}))|既(?!.*(?:又|也))")
"""不仅 / 既 with no 而且 / 又 after it in the same clause: without the word the clause is a plain statement
(「它不仅让你拥有自信」 → 「它让你拥有自信」)."""

_NOT_ONLY_ZH = re.compile(rf"(?:{_NOT_ONLY})(?![^。！？]*(?:{_BUT_ALSO}))")
"""不仅 with no 而且 / 还 / 也 / 更 anywhere after it in its sentence, not only in a cut's last clause (make demo:
「保温杯不仅是一款实用的杯子，帮助你…」 → 「保温杯是一款实用的杯子，帮助你…」)."""


_DANGLING_ZH = re.compile(
    r"(?:[让使令把被给对为从向和与及或跟同往在将更很并能还也又再就都才]|而且|并且|的同时|(?:让|使|令|帮|带给)(?:你|您)"
    r"|想要|快速|马上|立刻|立即|尽情|随时|之余|(?:让|使|令)(?:你|您)?在[^，。！？；、]{0,12}(?:之中|中|里|时|上))$"
)
"""What a Chinese clause cannot end on: it was cut before its object (「…拼色设计的半裙，让」, 「…隔绝外界热量，让你」)
or its verb (「让你在休闲风中也能」, 「不仅功能强大，还」, 「而且在享受美味的同时」, 「想要快速」: a wish or an adverb
with nothing it applies to, chat page; 「还能让你在忙碌的工作之余」: a where/when with no verb after it, make demo)."""


def _left_open(clause: str, locale: Locale) -> bool:
    bare = clause.strip().rstrip(_CLAUSE_END[locale])
    return bool(_OPENS[locale].match(bare)) or (locale == "zh" and bool(_DANGLING_ZH.search(bare)))


def _close_open_clause(text: str, locale: Locale) -> str | None:
    """`text` without its last clause when that opens a pair it never closes or stops before its object.

    None when nothing whole is left.
    """
    # 、 lists inside a clause (「无论是你是在工作、学习还是休闲」): the pair a clause opens is judged over the list.
    ends = _CLAUSE_END[locale].replace("、", "")
    clauses = [c for c in re.split(f"(?<=[{re.escape(ends)}])", text) if c.strip()]
    while clauses and _left_open(clauses[-1], locale):
        clauses.pop()
    if clauses and locale == "zh":
        clauses[-1] = _UNPAIRED_ZH.sub("", clauses[-1])
    kept = "".join(clauses).rstrip(_CLAUSE_END[locale] + " ")
    if locale == "zh":  # a 不仅 whose 还 went with the last clause is a plain statement again
        kept = _NOT_ONLY_ZH.sub("", kept)
    if kept == text.rstrip(_CLAUSE_END[locale] + " "):
        return text  # nothing was open: a short hook stays as written
    return kept if len(kept) >= MIN_KEPT[locale] else None


def _without_dangling_en(text: str) -> str:
    """`text` without the words it cannot end on.

    A full stop the model put after them stays at the new end ("a must-have for those who love." → "a must-have.").
    """
    core = text.rstrip(".!?… ")
    stop = text[len(core) :].strip()[:1]
    core = _DANGLING_EN.sub("", core).rstrip(_CLAUSE_END["en"] + " -–—")  # a dash left open ("Beans - Enjoy a")
    return core + stop if core else core


def fit_to_room(text: str, locale: Locale, room: int) -> str | None:
    """`text` within `room` characters: as written when it fits, else up to its last whole clause that fits.

    None when no whole clause of at least MIN_KEPT characters fits; English, whose words are whole at a space,
    falls back to its last whole words and loses a dangling function word. A cut never ends on a clause that
    opens a pair it no longer closes (「它不仅让你拥有自信」).
    """
    text = " ".join(text.split())
    text = _without_dangling_en(text) if locale == "en" else _NOT_ONLY_ZH.sub("", text)
    if len(text) <= room:
        return _close_open_clause(text, locale) if text else text
    ends = [i for i, ch in enumerate(text[: room + 1]) if ch in _CLAUSE_END[locale] and i >= MIN_KEPT[locale]]
    if ends:
        kept = text[: ends[-1]]
        return _close_open_clause(_DANGLING_EN.sub("", kept) if locale == "en" else kept, locale)
    if locale == "en":  # English words are whole at a space: "Keep your coffee hot from the first sip"
        space = text.rfind(" ", 0, room + 1)
        kept = _DANGLING_EN.sub("", _before_last_phrase(text, space)) if space > 0 else ""
        return kept if len(kept) >= MIN_KEPT[locale] else None
    return None


_PHRASE_STARTS = re.compile(
    r"\s+(?=(?:about|after|and|as|at|because|before|but|by|for|from|in|into|like|of|on|or|so|than|that|"
    r"through|to|until|when|where|which|while|who|with|without)\b)",
    re.IGNORECASE,
)
"""Where an English phrase starts: cut there, a sentence ends on a whole phrase ("Warm up your morning")
instead of the middle of the next one ("Warm up your morning with a freshly")."""


_NOUN_PHRASE_START = re.compile(r"\s+(?=(?:a|an|the|our|your|my|their|this|these|those)\s)", re.IGNORECASE)
_NOUN_PHRASE_WORDS = 4
"""A determiner this many words or fewer before the cut opened the noun phrase the cut may have split."""


def _before_last_phrase(text: str, space: int) -> str:
    """`text` cut at the `space` before its room ends, taken back to where its last phrase starts.

    Unchanged when the cut already falls where a phrase starts ("…from the first sip | to the last"), or
    when no phrase start leaves enough to stand alone.
    """
    words = text[:space]
    if _PHRASE_STARTS.match(text, space):
        return words
    starts = [m.start() for m in _PHRASE_STARTS.finditer(words) if m.start() >= MIN_KEPT["en"]]
    if starts:
        return words[: starts[-1]]
    # No phrase start: the cut may fall inside a noun phrase ("Discover our premium titanium insulated |
    # bottle"); back to before its determiner, which ends the sentence on a whole verb phrase or leaves too
    # little (the hook then gives way to the campaign's name).
    determiner = [m.start() for m in _NOUN_PHRASE_START.finditer(words)]
    return words[: determiner[-1]] if determiner and words.count(" ", determiner[-1]) <= _NOUN_PHRASE_WORDS else words


NEUTRAL = cast(dict[Locale, dict[str, str]], phrase_table("compose", "plain_words"))
"""Plain words for the absolute terms small models reach for most (seen in drafts of both models)."""


def _clauses(text: str, locale: Locale) -> list[str]:
    return [c for c in re.split(f"(?<=[{re.escape(_CLAUSE_END[locale])}])", text) if c.strip()]


def drop_absolute_terms(text: str, locale: Locale) -> str:
    """`text` with each restricted absolute term replaced by a plain word, or its clause dropped.

    A term with no plain word takes its clause with it when other clauses remain; otherwise the text is
    returned as it is and the rules send it back for a rewrite.
    """
    for violation in find_absolute_terms(text):
        span = violation.span
        plain = NEUTRAL[locale].get(span.casefold())
        if plain is not None:
            plain = plain.capitalize() if span[:1].isupper() else plain
            text = text.replace(span, plain, 1)
            continue
        kept = [c for c in _clauses(text, locale) if span not in c]
        if kept:
            text = "".join(kept)
    return text.strip(" ,，")


_NATURAL_END: dict[Locale, str] = {"zh": "，！？、；。…吗呢吧啊呀哦", "en": ",!?;."}
"""A slot ending on one of these ended on its own, even at its bound (你还在为裙子烦恼吗)."""
_CARRIED_OVER: dict[Locale, re.Pattern[str]] = {
    "zh": re.compile(r"^[^，！？、；]{1,4}[，！？、；]"),
    "en": re.compile(r"^\W*\w+(?:\s+\w+){0,2}[,!?;]\s*"),
}
"""The line's first words when they finish the cut hook's phrase: a short clause (裙？ / ever wanted?)."""


def cut_mid_phrase(text: str, locale: Locale, bound: int) -> bool:
    """Whether the grammar stopped `text` at its `bound` in the middle of a phrase."""
    return len(text) >= bound and not text.endswith(tuple(_NATURAL_END[locale]))


def drop_carried_over(line: str, locale: Locale) -> str:
    """`line` without a leading fragment that finishes the hook's phrase; unchanged when nothing would remain."""
    rest = _CARRIED_OVER[locale].sub("", line, count=1)
    return rest if rest.strip() else line


def campaign_hook(campaign_name: str, locale: Locale, max_length: int, neutral: str) -> str:
    """The campaign's marketing name as the hook when it fits and is in the copy's language, else `neutral`."""
    fits = len(campaign_name) <= max_length and has_cjk(campaign_name) == (locale == "zh")
    # A name that carries the offer (Coffee Week: 20% off) would state it twice beside the rendered offer.
    return campaign_name if fits and not any(ch.isdigit() for ch in campaign_name) else neutral


_OFFER_TALK_EN = re.compile(
    r"\b(?:price[sd]?|pricing|dollars?|bucks|yuan|rmb|costs?|discounts?|save|saving|savings|cheap(?:er|est)?|"
    r"free|percent|on sale|(?:at|for|now) (?:just|only)|for up to|up to(?= (?:with|off|on|for|at|in)\b|\W*$))\b",
    re.IGNORECASE,
)
"""Price and discount words: the offer is rendered from data, so an English slot that talks money ("a price of
only X dollars") states what the data does not; where the grammar kept the number out, its frame is left
("up to with our offer", "at just ouch", "on sale at today", "now only of an hour", "warm for up to iced tea").
The Chinese grammar cannot write them at all (价 元 折 减 惠)."""


_OFFER_TALK_ZH = re.compile(
    r"低至|仅售|仅需|只需|特价|超值|便宜|划算|原价|白菜|秒杀|清仓|超低|全网|半角|礼品|红包|积分|包邮|返现|抽奖|双倍|酬宾|大酬|满购|额外"
    r"|满(?:单|额|件)|高达"
)
"""Price words the Chinese grammar's banned ideographs (价 元 折 减 惠) leave writable: with the number kept out,
only their frame is left (「享超值低至每杯仅售原装款的低配版」); a price claim (「全网超低的…」), 半价 with 价 banned
(「限时半角享受」), and offers the campaign does not make (「购买咖啡豆还可以获得礼品卡」, 「双倍保温杯」: a
campaign run on the demo shop)."""


def drop_offer_talk(text: str, locale: Locale) -> str:
    """`text` without the clauses that talk about prices or discounts (the offer is rendered from data)."""
    talk = _OFFER_TALK_EN if locale == "en" else _OFFER_TALK_ZH
    return "".join(c for c in _clauses(text, locale) if not talk.search(c)).strip(" ,，、")


def drop_copied(text: str, shown: Sequence[str], locale: Locale) -> str:
    """`text` without the clauses that copy a run of COPIED_RUN characters from a shown exemplar."""
    n = COPIED_RUN[locale]
    runs = {line[i : i + n] for line in shown for i in range(len(line) - n + 1)}
    if not runs:
        return text
    kept = [c for c in _clauses(text, locale) if not any(c[i : i + n] in runs for i in range(len(c) - n + 1))]
    return "".join(kept).strip(" ,，、")


SEASONS = ("spring", "summer", "autumn", "winter")
_SEASON_OF_MONTH = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
                    6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}  # fmt: skip
# Season words; 青春 (youth), 春节 (a holiday), 秋千, 冬瓜 and "fall" (a verb) are not seasons. A season's
# weather is its word too: "Stay cool" and 消暑 sell summer, whatever month the message goes out in (chat page,
# make demo: "Stay cool without breaking the bank" for a thermos in December); "cool" alone is praise.
_SEASON_WORDS: dict[Locale, dict[str, re.Pattern[str]]] = {
    "zh": {
        "spring": re.compile(r"(?<!青)春(?!节|联)"),
        "summer": re.compile(r"夏(?!威夷)|消暑|解暑|避暑|酷暑|炎热|炎炎|烈日|骄阳|清凉一"),
        "autumn": re.compile(r"秋(?!千)"),
        "winter": re.compile(r"冬(?!瓜)"),
    },
    "en": {
        "spring": re.compile(r"\bspring(?:time)?\b", re.IGNORECASE),
        "summer": re.compile(
            r"\bsummer|\bstay(?:ing)? cool\b|\bkeep(?:s|ing)? (?:you|them|your \w+) cool\b|\bbeat(?:ing)? the heat\b"
            r"|\bheat ?waves?\b|\bscorching|\b(?:a|on|for) hot days?\b|\bhot weather\b",
            re.IGNORECASE,
        ),
        "autumn": re.compile(r"\bautumn", re.IGNORECASE),
        "winter": re.compile(r"\bwinter", re.IGNORECASE),
    },
}


def seasons_named(text: str, locale: Locale) -> set[str]:
    """The seasons `text` names."""
    return {season for season, words in _SEASON_WORDS[locale].items() if words.search(text)}


def seasons_in_time(day: date, product_names: Sequence[str] = (), locale: Locale = "zh") -> frozenset[str]:
    """Seasons a message sent on `day` may name.

    This one, the one two months ahead (秋冬 in November), and any the products' own names carry (a 夏季 dress
    is a fact, not a mistake).
    """
    ahead = _SEASON_OF_MONTH[(day.month + 1) % 12 + 1]
    named = set().union(*(seasons_named(name, locale) for name in product_names))
    return frozenset({_SEASON_OF_MONTH[day.month], ahead} | named)


def drop_off_season(text: str, locale: Locale, allowed: frozenset[str]) -> str:
    """`text` without the clauses that name a season other than `allowed` (summer praised in a December e-mail).

    The prompt used to name the season instead; the 1.5B then opened 95 % of its messages with it (秋日来临).
    """
    kept = [c for c in _clauses(text, locale) if seasons_named(c, locale) <= allowed]
    return "".join(kept).strip(" ,，、")


def drop_borrowed_features(lead: str, text: str, titles: Sequence[str], nouns: Sequence[str]) -> str:
    """`text`, the rest of a line that opens with `lead`, without clauses that give it another item's feature.

    A customer who viewed the 智能测温保温杯 got 「钛合金保温杯温度显示功能让你随时掌控」: the clause goes.
    """
    if not lead:
        return text
    zh_titles, zh_nouns = tuple(t for t in titles if has_cjk(t)), tuple(nouns)
    kept = [c for c in _clauses(text, "zh") if not borrowed_features(lead + c, zh_titles, zh_nouns)]
    return "".join(kept).strip(" ,，、")


def _unstated_claim(clause: str, titles: Sequence[str]) -> bool:
    folded = fold(clause)
    return any(unstated_effects(folded, titles)) or any(unstated_green_claims(folded, titles))


def drop_unstated_claims(text: str, locale: Locale, titles: Sequence[str]) -> str:
    """`text` without the clauses that make a health or environmental claim no catalog title states.

    「保护你的皮肤」 for a thermos, "boosts your immune system", 「钛合金保温杯是环保又实用的好选择」: the clause
    goes, even when it was the only one (the hook then gives way to the campaign's name, the line is left out),
    since no rewrite is needed to say less.
    """
    kept = [c for c in _clauses(text, locale) if not _unstated_claim(c, titles)]
    return "".join(kept).strip(" ,，、")


_UNITS: dict[Locale, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:lit(?:er|re)s?|ml|millilit(?:er|re)s?|ounces?|oz|grams?|kilo(?:gram)?s?|kg|lbs?|inch(?:es)?|cm|mm|"
        r"degrees?|celsius|fahrenheit|watts?|mah|capacity of)\b",
        re.IGNORECASE,
    ),
    "zh": re.compile(r"毫升|公升|公斤|厘米|毫米|英寸|盎司|摄氏|华氏"),
}
"""Units of measure: the grammar keeps digits out of free text, so a unit in it is a spec with its number cut
away (make demo: "Thermos has a high capacity of liter."), and a number the catalog never gave besides."""


def drop_orphan_units(text: str, locale: Locale) -> str:
    """`text` without the clauses that state a measure: its number is missing, and the facts are the data's."""
    return "".join(c for c in _clauses(text, locale) if not _UNITS[locale].search(c)).strip(" ,，、")


_PRIVATE_OCCASIONS: dict[Locale, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:part(?:y|ies)|birthdays?|anniversar(?:y|ies)|weddings?|weekends?|holidays?|thanksgiving|easter"
        r"|(?:mother|father)'?s\s+day|(?:lunar|chinese)\s+new\s+year)\b",
        re.I,
    ),
    "zh": re.compile(
        r"派对|聚会|生日|纪念日|婚礼|周末|假期|节日|母亲节|父亲节|感恩节|教师节|中秋|端午|春节|元宵|重阳|七夕|清明"
        r"|[\u4e00-\u9fff]{1,3}节(?=就要到了|要到了|快到了|即将到来|来了|到了|快乐)"
    ),
}
"""Occasions the data never gives: the model wished an English customer a "weekend party" (make demo), and a
birthday or an anniversary would claim to know the customer's life. A festival the campaign does not name is
one too, and so is any 「…节就要到了」: the 1.5B announced 「双亲节就要到了」 (a campaign run), a festival that
does not exist."""


def drop_invented_occasions(text: str, locale: Locale, campaign_words: str) -> str:
    """`text` without the clauses that name an occasion the campaign does not: a festival or a private one.

    `campaign_words` is what the campaign is called and what it is for; an occasion named there may be named
    in the copy too (双十一 in a 双十一 campaign).
    """
    named = fold(campaign_words)

    def invented(clause: str) -> bool:
        folded = fold(clause)
        festival = any(p.search(folded) and not p.search(named) for p, _ in FESTIVALS)
        private = _PRIVATE_OCCASIONS[locale].search(clause)
        return festival or bool(private and not _PRIVATE_OCCASIONS[locale].search(campaign_words))

    return "".join(c for c in _clauses(text, locale) if not invented(c)).strip(" ,，、")


_NAME_AGAIN: dict[Locale, str] = {
    "zh": "(?:这款|这只|这个|这件|这条|我们的|你的)?",
    "en": r"(?:(?:the|this|our|your|a|an)\s+)?",
}


def drop_name_again(lead: str, tail: str, names: Sequence[str], locale: Locale = "zh") -> str:
    """`tail` without the product name it opens with again, right after the `lead` that already named it.

    make demo wrote 「保温杯这款保温杯不仅性能好」: the tail is 「不仅性能好」, the line 「保温杯不仅性能好」; the chat
    page showed "Thermos thermos is your go-to choice", now "Thermos is your go-to choice".
    """
    if not lead:
        return tail
    again = "|".join(map(re.escape, sorted({lead, *names}, key=len, reverse=True)))
    word_end = r"\b" if locale == "en" else ""
    pattern = re.compile(rf"^{_NAME_AGAIN[locale]}(?:{again}){word_end}[，,、\s]*", re.IGNORECASE)
    rest = pattern.sub("", tail, count=1)
    return rest if len(rest) >= MIN_KEPT[locale] or rest == tail else tail


_CTA_ECHO: dict[Locale, re.Pattern[str]] = {
    "zh": re.compile(r"^(?:立即|马上|赶快|赶紧|现在)?(?:选购|购买|下单|抢购)(?:吧)?$"),
    "en": re.compile(r"^(?:shop|buy|order)(?: it)? now$", re.IGNORECASE),
}
"""A clause that is only a call to action: the rendered CTA follows the facts, so the line would say it twice
(「…的您设计，立即选购。保温杯满300减50…立即选购」 in a campaign run on the demo shop)."""


def drop_cta_echo(text: str, locale: Locale) -> str:
    """`text` without the clauses that only say what the rendered call to action says."""
    kept = [c for c in _clauses(text, locale) if not _CTA_ECHO[locale].match(c.strip(" ,，、！!。.？?"))]
    return "".join(kept).strip(" ,，、")


_TIME_TALK = (ENDED, NOT_STARTED, RELATIVE)


def drop_time_talk(text: str, locale: Locale) -> str:
    """`text` without the clauses that say where the sale stands in time (即将上线, ending soon, 最后一天).

    The end date is rendered from the campaign; the model's own words about time were wrong in the demo
    (「保温杯专场即将上线」 while it ran), and even a true one only repeats the date.
    """
    return "".join(c for c in _clauses(text, locale) if not any(p.search(fold(c)) for p in _TIME_TALK)).strip(" ,，、")


_FILLER = {"zh": re.compile(r"[\W_]|这款|我们的|你的|您的"), "en": re.compile(r"[\W_]|\b(?:the|our|your|this)\b", re.I)}


def names_only(text: str, product: str) -> bool:
    """Whether `text` says nothing but the product's name ("针织毛衣上衣。"), which the facts already say."""
    bare = {locale: pattern.sub("", text) for locale, pattern in _FILLER.items()}
    name = re.sub(r"[\W_]", "", product).lower()
    if name and not any(b.lower().replace(name, "") for b in bare.values()):
        return True  # the name said again and again ("Thermos thermos thermos.", make demo)
    return any(b.lower() in name for b in bare.values() if b) or not any(bare.values())


_OCCASIONS_WITHOUT_NUMERALS = ((re.compile(r"双一[一]?(?![二十])"), "双十一"), (re.compile(r"双(?:一二|二)"), "双十二"))
"""The grammar bans the numerals 二…十 from free text, so the model writes 双十一 as 「双一」: the name comes back."""


def restore_occasions(text: str) -> str:
    """`text` with 双十一 / 双十二 whole again where the numeral ban cut them."""
    for pattern, name in _OCCASIONS_WITHOUT_NUMERALS:
        text = pattern.sub(name, text)
    return text


_SENTENCE_END_FIRST = re.compile(r"\s*[？！。；?!.;]")
_PARTICLE_END_FIRST = re.compile(r"\s*[的吗呢吧啊呀]\s*[？！。；?!.;]\s*")
"""A name that ends a sentence with a particle at once (「保温杯的？它不仅…」 on the chat page) finished the cut
hook's question: the line starts after it."""


_PRONOUN_FIRST_ZH = re.compile(r"(?:它|这款|这件|这条|这只)")
"""A clause about the name opening on a pronoun takes a comma after the name (「宽松粉色裙，它不仅…」)."""
_CONTRAST_FIRST_ZH = re.compile(r"^(?:但是?|可是|然而|不过|却)")
"""A tail that opens on 但 right after the name argues against something (the chat page: 「保温杯但传统保温杯的温度
显示不够直观，而且不容易清洗」); what follows continues the argument, so the whole tail goes."""
_ADDITIVE_FIRST_ZH = re.compile(r"^(?:也|而且|并且|同时|所以|因此)(?=[\u4e00-\u9fff])|^还(?=能|可以|会|有)")
"""也 / 而且 / 还能 right after the name add to a clause that is not there (the model's or one repair dropped):
「拼接连帽上衣，也能感受到一丝清凉」 → 「拼接连帽上衣，能感受到一丝清凉」."""


def _split_lead(slots: Slots, locale: Locale, nouns: Sequence[str] = ()) -> tuple[str, str, str]:
    """(lead, joint, rest) of the line, so repair works on the rest and never cuts the name.

    lead: the catalog's name the line opens with ("" when none); joint: what joins it to the rest (the model's
    comma, else a space in English, else nothing); rest: the line after them. A name ending a sentence at once
    (「裙？我们的…」) finished the cut hook's phrase: it is no lead.
    """
    lead = slots.focus if slots.led else ""
    rest = slots.line.lstrip()[len(lead) :] if lead else slots.line
    carried = _PARTICLE_END_FIRST.match(rest) if lead else None
    if carried:
        lead, rest = "", rest[carried.end() :]
    elif lead and _SENTENCE_END_FIRST.match(rest):
        lead, rest = "", slots.line
    body = rest.lstrip(" ,，、")
    opener = rest[: len(rest) - len(body)]
    if not lead:
        return "", "", body
    if locale == "zh":
        body = "" if _CONTRAST_FIRST_ZH.match(body) else _ADDITIVE_FIRST_ZH.sub("", body)
    body = drop_name_again(lead, body, nouns, locale)
    if any(ch in opener for ch in ",，、") or (locale == "zh" and _PRONOUN_FIRST_ZH.match(body)):
        return lead, "，" if locale == "zh" else ", ", body
    return lead, " " if locale == "en" and opener else "", body


@dataclass(frozen=True)
class RepairFrame:
    """What repair needs to know besides the slots: their room, where the grammar stopped them, the catalog.

    `rooms` are what the channel leaves each slot (`slot_limits`), `bounds` what the grammar allowed the hook
    and the line's free text (after the name that leads it: `slots.led_tail_bound`);
    `hook_instead` replaces a hook with no whole clause that fits (campaign_hook); `shown` are the exemplar
    lines the prompt showed, whose words are another product's and must not be copied; `seasons` those the
    copy may name (`seasons_in_time`); `titles` the in-scope catalog titles, the only evidence for an effect
    on the body or on health (claims_efficacy) and for which item has which feature, `nouns` the campaign's
    category words in them (保温杯 of 智能测温保温杯); `occasion` what the campaign is called and what it is for,
    the only occasions the copy may name.
    """

    locale: Locale
    rooms: tuple[int, int]
    bounds: tuple[int, int]
    hook_instead: str
    shown: Sequence[str] = ()
    seasons: frozenset[str] = frozenset(SEASONS)
    titles: Sequence[str] = ()
    nouns: Sequence[str] = ()
    occasion: str = ""


_CONNECTIVE_FIRST_ZH = re.compile(
    r"^(?:而且|并且|但是?|可是|所以|因此|那么|于是|然后|同时|也|还|并|和|或|及|更|就|却|而|不过)"
)
_LEANING_FIRST_ZH = re.compile(r"^(?:那么|那(?!就)|所以|因此|而且|但是|但|不过)(?=[\u4e00-\u9fff]{4})")
_REPEATED_ZH = re.compile(r"([\u4e00-\u9fff]{3,}).*\1")
"""Three or more characters said twice in a title (「我们的钛合金保温杯和钛合金保温杯」)."""
"""A clause opening on one of these leans on the one before it: it cannot start a title."""


def inner_clauses(text: str, room: int, *, whole_only: bool) -> str | None:
    """The longest run of whole clauses after the first that fits `room` and stands on its own, else None.

    The chat page's push titles (16 characters) gave way to the campaign's name when the model wrote a longer
    one whose first clause alone said nothing: 「我们的钛合金保温杯，让你在寒冷的冬天也能享受温暖」 has
    「让你在寒冷的冬天也能享受温暖」. `whole_only`: the grammar stopped the last clause, which is then never taken.
    """
    clauses = [c for c in re.split("(?<=[，！？；])", text) if c.strip()]  # 、 lists, it does not end a clause
    last = len(clauses) - 1 if whole_only else len(clauses)
    best: str | None = None
    for start in range(1, last):
        for end in range(last, start, -1):
            run = "".join(clauses[start:end]).rstrip(_CLAUSE_END["zh"] + " ")
            if len(run) > room or len(run) < MIN_KEPT["zh"] or _CONNECTIVE_FIRST_ZH.match(run):
                continue
            if _REPEATED_ZH.search(run):
                continue
            if _left_open(clauses[end - 1], "zh") or _ADVERBIAL_ONLY_ZH.match(run):
                continue
            if best is None or len(run) > len(best):
                best = run
    return best


_ADVERBIAL_ONLY_ZH = re.compile(
    r"^(?:在|当)[^，！？、；]{1,14}(?:里|中|期间|之际|时|时候|上|之中|节|季|天|日|夜|晚|年|月|时节|时刻|晨|午|后|前|末)$"
    r"|^(?:无论|不管)(?!.*[都也])"
    r"|^对于[^，！？、；]{1,12}(?:来说|而言)$|^你的[^，！？、；]{1,10}(?:中|里)$"
)
"""A hook that is only where or when (「在繁忙的工作日里」, 「在活动期间」: 7 of 60 push titles of a campaign run on
the demo shop; 「在繁忙的早晨」 on the held-out shop), or a 无论 with no 都 to close it (「无论是在办公室、家中还是
户外」), says nothing on its own: the campaign's name stands in for it."""


def repair_slots(slots: Slots, frame: RepairFrame) -> Slots:
    """The slots as they will be rendered: fit to their rooms, copied or restricted words taken out."""
    locale, rooms, bounds = frame.locale, frame.rooms, frame.bounds
    # The catalog's name that leads the line (slots.led_line_pattern) is a fact: repair works on what follows.
    lead, joint, line = _split_lead(slots, locale, frame.nouns)
    if locale == "zh":
        slots = slots.model_copy(update={"hook": restore_occasions(slots.hook)})
        line = restore_occasions(line)
    if not lead and cut_mid_phrase(slots.hook, locale, bounds[0]):
        line = drop_carried_over(line, locale)

    def dropped(text: str) -> str:
        text = drop_off_season(drop_offer_talk(drop_copied(text, frame.shown, locale), locale), locale, frame.seasons)
        text = drop_time_talk(drop_unstated_claims(text, locale, frame.titles), locale)
        text = drop_invented_occasions(drop_orphan_units(text, locale), locale, frame.occasion)
        return drop_cta_echo(text, locale)

    said, hook_room = dropped(slots.hook), rooms[0]
    if locale == "zh":  # a title cannot lean on what came before it (「那这个是你的不败选择」, make demo)
        said = _LEANING_FIRST_ZH.sub("", said)
    if cut_mid_phrase(slots.hook, locale, bounds[0]) and said.endswith(slots.hook[-6:]):
        # The grammar stopped it mid-word ("order your Titanium Insulated Therm"): back to a whole phrase.
        hook_room = min(hook_room, len(said) - 1)
    fitted = fit_to_room(said, locale, hook_room)
    kept = dropped(line)
    if locale == "zh" and lead and not joint and kept and not kept.startswith(_clauses(line, locale)[0][:4]):
        joint = "，"  # the clause that ran on from the name went (「钛合金保温杯是环保的…」): the name stands apart
    tail_room = rooms[1] - len(lead) - len(joint)
    if locale == "zh":
        kept = drop_borrowed_features(lead, kept, frame.titles, frame.nouns)
    if lead and cut_mid_phrase(line, locale, bounds[1]) and kept.endswith(line[-6:]):
        tail_room = min(tail_room, len(kept) - 1)  # the grammar stopped it mid-phrase: back to a whole one
    tail = fit_to_room(kept, locale, tail_room) or ""

    def usable(hook: str | None) -> bool:
        alone = locale == "zh" and bool(_ADVERBIAL_ONLY_ZH.match(hook or ""))
        too_short = len(hook or "") < HOOK_MIN[locale]  # "Get" of "Get your hands" (make demo)
        return bool(hook) and not names_only(hook or "", slots.focus) and not alone and not too_short

    if not usable(fitted) and locale == "zh":  # a whole clause further on may say something and fit
        cut = cut_mid_phrase(slots.hook, locale, bounds[0]) and said.endswith(slots.hook[-6:])
        fitted = inner_clauses(said, rooms[0], whole_only=cut)
    hook = fitted if fitted is not None and usable(fitted) else frame.hook_instead
    tail = drop_absolute_terms(tail, locale)
    too_short = len(tail.strip(" ,，")) < MIN_KEPT[locale]  # 「钛合金保温杯好」, "We." say nothing
    line = "" if too_short or names_only(tail, slots.focus) else lead + joint + tail
    hook = drop_absolute_terms(hook, locale)
    if locale == "en":  # a sentence starts with a capital, also where a cut or a lower-case name left none
        hook, line = hook[:1].upper() + hook[1:], line[:1].upper() + line[1:]
    return slots.model_copy(update={"hook": hook, "line": line})

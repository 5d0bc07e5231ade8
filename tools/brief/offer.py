"""Offers as marketers write them in a brief: 满300减50, 300-50 off, 8折, 20% off, 立减20元, 买就送 ...

Deterministic on purpose: a small LLM invents or garbles offers, so the offer a campaign promises comes
from these patterns, or from the LLM only when every number it names appears in the marketer's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError

from domain.offer import Offer
from tools.compliance.numerals import CN_NUM, NUM, parse_amount, parse_zhe
from tools.compliance.textutil import fold

N = rf"({NUM}|{CN_NUM})"
CUR = r"(?:[$¥]|CNY|RMB|USD)?\s*"
YUAN = r"\s*(?:元|块钱?|yuan|rmb|cny)?"
_ZHE = r"(\d+(?:\.\d+)?|[一二三四五六七八九](?:点?[一二三四五六七八九])?)"
_GIFT_END = r"(?=\s*(?:[，,。.；;！!？?]|$)|\s+(?:with|for|on|when|to)\b)"

EN_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}  # fmt: skip


@dataclass(frozen=True)
class OfferFound:
    """The offer a text states, or why the stated offer cannot be run."""

    offer: Offer | None = None
    error: str | None = None


def _money(raw: str) -> float:
    value = parse_amount(raw)
    if value is None:  # the patterns only capture numerals, so this is a pattern bug
        raise ValueError(f"not a number: {raw!r}")
    return value


def _threshold(m: re.Match[str], currency: str) -> dict[str, object]:
    return {"kind": "threshold", "threshold": _money(m["t"]), "amount_off": _money(m["a"]), "currency": currency}


def _amount(m: re.Match[str], currency: str) -> dict[str, object]:
    return {"kind": "amount_off", "amount_off": _money(m["a"]), "currency": currency}


def _percent(m: re.Match[str], currency: str) -> dict[str, object]:
    return {"kind": "percent_off", "percent_off": _money(m["p"]), "currency": currency}


def _zhe(m: re.Match[str], currency: str) -> dict[str, object]:
    zhe = parse_zhe(m["z"])
    return {"kind": "percent_off", "percent_off": None if zhe is None else round(100 - zhe * 10, 2)}


def _gift(m: re.Match[str], currency: str) -> dict[str, object]:
    return {"kind": "gift", "gift": m["g"].strip(" -:：")[:40]}


Builder = Callable[[re.Match[str], str], dict[str, object]]
# Most specific first: a threshold pattern must win before its "减50" is read as an amount off.
PATTERNS: list[tuple[re.Pattern[str], Builder]] = [
    (
        re.compile(rf"每?满\s*{CUR}(?P<t>{N}){YUAN}\s*[,，]?\s*(?:立减|减|省|返|-|–)\s*{CUR}(?P<a>{N}){YUAN}"),
        _threshold,
    ),
    (re.compile(rf"{CUR}(?P<t>{NUM})\s*[-–/]\s*{CUR}(?P<a>{NUM})\s*off", re.I), _threshold),
    (
        re.compile(
            rf"{CUR}(?P<a>{NUM}){YUAN}\s*off\s+(?:\w+\s+){{0,2}}?(?:over|above|of at least|from)\s+{CUR}(?P<t>{NUM})",
            re.I,
        ),
        _threshold,
    ),
    (
        re.compile(rf"spend\s+(?:over\s+)?{CUR}(?P<t>{NUM})[\s,]+(?:and\s+)?(?:get|save)\s+{CUR}(?P<a>{NUM})", re.I),
        _threshold,
    ),
    (re.compile(rf"(?P<p>{NUM})\s*(?:%|percent)\s*(?:off|discount)", re.I), _percent),
    (re.compile(rf"(?:立减|优惠|降价|直降)\s*(?P<p>{NUM})\s*%"), _percent),
    (re.compile(rf"(?<![\d.])(?:打|享)?\s*(?P<z>{_ZHE})\s*折(?!扣)"), _zhe),
    (re.compile(rf"(?:立减|直降|立省|减免|优惠)\s*{CUR}(?P<a>{N}){YUAN}"), _amount),
    (re.compile(rf"[$¥]\s*(?P<a>{NUM})\s+off", re.I), _amount),
    (re.compile(rf"(?P<a>{NUM})\s*(?:yuan|rmb|cny|dollars?|usd)\s+off", re.I), _amount),
    (
        re.compile(rf"(?:买|购|下单|满\s*{N}{YUAN})\s*(?:就|即)?(?:送|赠送?)\s*(?P<g>[^，,。.；;！!？?\s]{{2,20}})"),
        _gift,
    ),
    (re.compile(r"赠品\s*[:：]?\s*(?P<g>[^，,。.；;！!？?\s]{2,20})"), _gift),
    (re.compile(rf"free\s+gift(?:\s+of)?\s*[:：]?\s*(?:an?\s+)?(?P<g>\w[\w\s-]{{1,30}}?){_GIFT_END}", re.I), _gift),
    (re.compile(rf"(?:with|get)\s+an?\s+free\s+(?P<g>\w[\w\s-]{{1,30}}?){_GIFT_END}", re.I), _gift),
]


def _currency(text: str) -> str:
    return "USD" if re.search(r"\$|\busd\b|dollars?|美元", text, re.I) else "CNY"


def find_offer(text: str) -> OfferFound:
    """The first offer the text states; `error` explains an offer that cannot run (满50减300)."""
    folded = fold(text)
    currency = _currency(folded)
    for pattern, build in PATTERNS:
        match = pattern.search(folded)
        if match is None:
            continue
        try:
            return OfferFound(offer=Offer.model_validate(build(match, currency)))
        except ValidationError as error:
            return OfferFound(error=f"{match.group(0).strip()}: {error.errors()[0]['msg']}")
    return OfferFound()


def stated_numbers(text: str) -> frozenset[float]:
    """Every number the text states (Arabic, Chinese, English words, 折 as percent off), to check an LLM's offer."""
    folded = fold(text)
    found: set[float] = set()
    for raw in re.findall(rf"{NUM}|{CN_NUM}", folded):
        value = parse_amount(raw)
        if value is not None:
            found.add(value)
    for word in re.findall(r"[a-z]+", folded.lower()):
        if word in EN_NUMBERS:
            found.add(float(EN_NUMBERS[word]))
    for raw in re.findall(rf"{_ZHE}\s*折", folded):
        zhe = parse_zhe(raw)
        if zhe is not None:
            found.add(round(100 - zhe * 10, 2))
    return frozenset(found)


def offer_is_stated(offer: Offer, text: str) -> bool:
    """Whether every number and gift of an offer appears in the marketer's own words."""
    numbers = stated_numbers(text)
    amounts = [v for v in (offer.threshold, offer.amount_off, offer.percent_off) if v is not None]
    if any(round(v, 2) not in numbers for v in amounts):
        return False
    return offer.gift is None or offer.gift.casefold() in fold(text).casefold()

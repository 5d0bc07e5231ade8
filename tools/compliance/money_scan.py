"""Find discount and money claims in copy: 满减, 折, percents, half price, money off and plain amounts.

Only numbers with a currency or discount marker count: 3款 or 24小时保温 are no claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from tools.compliance.numerals import CN_NUM, NUM, parse_amount, parse_zhe
from tools.compliance.textutil import Claimed

ClaimKind = Literal["threshold", "zhe", "half", "percent", "amount_off", "price"]

_AMT = rf"(?:{NUM}|{CN_NUM})"
_PRE = r"(?:[¥$]|rmb|cny|usd|us\$)"
_POST = r"(?:元|块钱|块(?![\u4e00-\u9fff])|美元|美金|rmb|cny|usd|yuan|dollars?)(?![a-z])"
_I = re.IGNORECASE
_THRESHOLD = (
    re.compile(
        rf"(?P<each>每)?满\s*(?P<c1>{_PRE})?\s*(?P<t>{_AMT})\s*(?P<u1>{_POST})?\s*[,，]?\s*(?:立|再|可|即|就)?[减省]\s*"
        rf"(?P<c2>{_PRE})?\s*(?P<a>{_AMT})\s*(?P<u2>{_POST})?",
        _I,
    ),
    re.compile(
        rf"spend\s+(?:over\s+|at least\s+)?(?P<c1>[¥$])\s*(?P<t>{NUM})[^.;!?\n]{{0,20}}?"
        rf"\b(?:get|save|take)\s+(?P<c2>[¥$])\s*(?P<a>{NUM})",
        _I,
    ),
    re.compile(
        rf"(?P<c2>[¥$])\s*(?P<a>{NUM})\s*off\b[^.;!?\n]{{0,40}}?\b(?:over|above|of at least|(?:when|if) you spend"
        rf"|with a (?:minimum )?spend of)\s*"
        rf"(?P<c1>[¥$])\s*(?P<t>{NUM})",
        _I,
    ),
    re.compile(
        rf"(?:save|get|take)\s+(?P<c2>[¥$])\s*(?P<a>{NUM})\b[^.;!?\n]{{0,40}}?\b(?:over|above|at least)\s*"
        rf"(?P<c1>[¥$])\s*(?P<t>{NUM})",
        _I,
    ),
    # "¥50 off ¥300", "$50 off your $300+ order", "¥50 off every ¥300" (repeats): an amount off an amount is a 满减.
    re.compile(
        rf"(?P<c2>[¥$])\s*(?P<a>{NUM})\s*off\s+(?:(?P<each>every|each|per)\s+|(?:your|an?|any)\s+)?"
        rf"(?:(?:orders?|purchases?)\s+(?:of\s+)?)?(?P<c1>[¥$])\s*(?P<t>{NUM})\+?",
        _I,
    ),
)
# 300-50: a threshold pair unless it reads as a date (11-11), a range with a unit (8-12小时) or part of more;
# amounts never start with 0 (555-0134 is a phone number).
_DASH = re.compile(r"(?<![\d.:/-])(?P<c1>[¥$])?(?P<t>[1-9]\d{1,4})\s*-\s*(?P<a>[1-9]\d{0,3})(?P<u2>元)?(?![\d.:/-])")
_DASH_UNIT = re.compile(r"\s*(?:小时|天|日|号|月|点|岁|年|度|℃|°|人|个|件|款|cm|mm|ml|kg|g|l|h|min|days?|hours?)", _I)
_ZHE = re.compile(
    r"(?P<z>\d+(?:\.\d+)?|[一二三四五六七八九](?:点?[一二三四五六七八九])?)\s*折(?!叠|页|纸|痕|射|服|腾|返|线|角|断)"
)
_HALF = re.compile(r"半价|半折|对折|(?:一半|半)的?(?:钱|价格?)|half[\s-]?(?:price|off)", _I)
# 优惠3款 counts things, not money: a bare number after 减 / 优惠 must not be followed by a count unit.
_NOT_UNIT = r"(?![\d.]|\s*(?:款|件|个|种|天|小时|度|次|人|只|台|%|倍|分|[a-z]))"
_PERCENT = re.compile(r"(?<![\d.])(?P<p>\d+(?:\.\d+)?)\s*(?:%|per\s?cent\b)", _I)
_PERCENT_CONTEXT = re.compile(r"off|省|减|降|优惠|折扣|save|saving|discount", _I)
_AMOUNT_OFF = (
    re.compile(
        rf"(?:立减|直减|立省|再减|省下?|减|降价?|便宜|优惠)\s*(?P<c>{_PRE})?\s*(?:(?P<n>{NUM})(?:\s*(?P<u>{_POST})"
        rf"|{_NOT_UNIT})|(?P<cn>{CN_NUM})\s*(?P<u2>元|块钱|美元))",
        _I,
    ),
    re.compile(
        rf"(?:save|saving|take|get|extra)\s+(?:an?\s+)?(?:extra\s+)?(?P<c>{_PRE})\s*(?P<n>{NUM})(?:\s*off\b)?", _I
    ),
    re.compile(rf"(?P<c>[¥$])\s*(?P<n>{NUM})\s*off\b", _I),
)
_PRICE = re.compile(
    rf"(?P<c>{_PRE})\s*(?P<n>{NUM})|(?P<n2>{NUM})\s*(?P<u>{_POST})|(?P<cn>{CN_NUM})\s*(?P<u2>元|块钱|美元)", _I
)


@dataclass(frozen=True)
class MoneyClaim:
    """One discount or money claim found in copy."""

    kind: ClaimKind
    start: int
    end: int
    value: float
    """The amount, percent, 折 value or (for a threshold) the amount off."""
    threshold: float | None = None
    markers: tuple[str, ...] = ()
    """Currency markers written with the amounts (¥, $, 元, 美元 ...)."""
    stacking: bool = False
    """A threshold that repeats (每满300减50: 100 off at 600), a different offer from a single 满300减50."""


def _markers(m: re.Match[str], *names: str) -> tuple[str, ...]:
    groups = m.groupdict()
    return tuple(g.lower().strip() for g in (groups.get(n) for n in names) if g)


def _dash_is_threshold(m: re.Match[str], text: str) -> bool:
    t, a = int(m["t"]), int(m["a"])
    if t <= a or (t <= 12 and a <= 31):  # 300-500ml is a range; 11-11 is a date
        return False
    return m["u2"] is not None or not _DASH_UNIT.match(text, m.end())


def _clause(text: str, lo: int, start: int, end: int, hi: int) -> str:
    """text[lo:hi], cut to the clause that holds text[start:end] (满300减50，内胆100%: the 减 is not the 100%'s)."""
    left = text[lo:start]
    right = text[end:hi]
    cut = max(left.rfind(c) for c in "，,。！!？?；;")
    stop = min((i for i in (right.find(c) for c in "，,。！!？?；;") if i >= 0), default=len(right))
    return left[cut + 1 :] + text[start:end] + right[:stop]


def scan_money(text: str, claimed: Claimed) -> list[MoneyClaim]:
    """Find money and discount claims in folded text, most specific pattern first, each span once."""
    found: list[MoneyClaim] = []

    def add(m: re.Match[str], claim: MoneyClaim | None) -> None:
        if claim is not None and claimed.take(m.start(), m.end()):
            found.append(claim)

    for pattern in _THRESHOLD:
        for m in pattern.finditer(text):
            t, a = parse_amount(m["t"]), parse_amount(m["a"])
            if t is not None and a is not None:
                each = bool(m.groupdict().get("each"))
                add(m, MoneyClaim("threshold", m.start(), m.end(), a, t, _markers(m, "c1", "u1", "c2", "u2"), each))
    for m in _DASH.finditer(text):
        if _dash_is_threshold(m, text):
            add(m, MoneyClaim("threshold", m.start(), m.end(), float(m["a"]), float(m["t"]), _markers(m, "c1", "u2")))
    for m in _ZHE.finditer(text):
        zhe = parse_zhe(m["z"])
        add(m, None if zhe is None else MoneyClaim("zhe", m.start(), m.end(), zhe))
    for m in _HALF.finditer(text):
        add(m, MoneyClaim("half", m.start(), m.end(), 50.0))
    for m in _PERCENT.finditer(text):
        if _PERCENT_CONTEXT.search(_clause(text, max(0, m.start() - 6), m.start(), m.end(), m.end() + 8)):
            add(m, MoneyClaim("percent", m.start(), m.end(), float(m["p"])))
    for pattern in _AMOUNT_OFF:
        for m in pattern.finditer(text):
            value = parse_amount(m["n"] or m.groupdict().get("cn") or "")
            if value is not None:
                add(m, MoneyClaim("amount_off", m.start(), m.end(), value, None, _markers(m, "c", "u", "u2")))
    for m in _PRICE.finditer(text):
        value = parse_amount(m["n"] or m["n2"] or m["cn"] or "")
        if value is not None:
            add(m, MoneyClaim("price", m.start(), m.end(), value, None, _markers(m, "c", "u", "u2")))
    return found

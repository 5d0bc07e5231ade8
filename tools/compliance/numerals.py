"""Numbers as promotion copy writes them: Arabic, Chinese numerals and 折 values."""

from __future__ import annotations

import re

NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
"""An Arabic number, with optional thousands separators and decimals."""
CN_NUM = r"[零〇一二两三四五六七八九十百千万]+"
"""A Chinese numeral such as 五十 or 三百."""

_CN_DIGIT = {"〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_ZHE_ZH = re.compile(r"[一二三四五六七八九](?:点?[一二三四五六七八九])?")
_CN_ZHE_DIGITS = "一二三四五六七八九"


def parse_cn_int(text: str) -> int | None:
    """Parse a Chinese numeral (五十, 三百, 一万二千); None when it is not one."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch == "零":
            digit = None
        elif ch in _CN_DIGIT:
            if digit is not None:
                return None  # two digits in a row (八五) is not a cardinal number
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            section += (1 if digit is None else digit) * _CN_UNIT[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def parse_amount(text: str) -> float | None:
    """Parse an Arabic or Chinese number; None when it is neither."""
    cleaned = text.replace(",", "").strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        return float(cleaned)
    value = parse_cn_int(cleaned)
    return None if value is None else float(value)


def parse_zhe(text: str) -> float | None:
    """Parse the number before 折 (8, 8.5, 85, 八, 八五, 八点五) as a 折 value between 0 and 10."""
    if _ZHE_ZH.fullmatch(text):
        digits = "".join(str(_CN_ZHE_DIGITS.index(ch) + 1) if ch != "点" else "." for ch in text)
        text = digits
    try:
        value = float(text)
    except ValueError:
        return None
    while value >= 10:  # 85折 means 8.5折
        value /= 10
    return round(value, 2)


def fmt_number(value: float) -> str:
    """Format an amount the way copy writes it: 50, 8.5, 99.9."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def zhe_text(zhe: float) -> str:
    """Write a 折 value for copy: 八 for whole values, 8.5 otherwise."""
    if float(zhe).is_integer() and 1 <= zhe <= 9:
        return _CN_ZHE_DIGITS[int(zhe) - 1]
    return fmt_number(zhe)

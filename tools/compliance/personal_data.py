"""Rule family personal_data: phone numbers, e-mails, ID numbers, addresses and known values of the recipient."""

from __future__ import annotations

import re
from collections.abc import Sequence

from domain.review import Violation
from tools.compliance.textutil import Claimed, fold, has_cjk

_I = re.IGNORECASE
_CITATION = "PRC Personal Information Protection Law Art. 6 and Art. 10: no personal data beyond what the purpose needs"
_FIX = "Remove “{span}”: messages and prompts carry no personal data."
# Most specific first: an 18-digit ID number is not also reported as a long digit id.
_PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("PD_EMAIL", "E-mail address", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")),
    ("PD_ID_CARD", "ID-card number", re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")),
    ("PD_PHONE", "Mobile number", re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")),
    (
        "PD_PHONE",
        "Phone number",
        re.compile(r"(?<!\d)(?:0\d{2,3}-\d{7,8}|400-?\d{3}-?\d{4}|\+\d{1,3}[\s-]?\d[\d\s-]{6,}\d)(?!\d)"),
    ),
    ("PD_LONG_ID", "Long numeric id", re.compile(r"(?<!\d)\d{8,}(?!\d)")),
    (
        "PD_ADDRESS",
        "Street address",
        re.compile(
            r"[\u4e00-\u9fffA-Za-z0-9]{0,6}(?:路|街|大道|巷|弄|胡同)\s*[\d一二三四五六七八九十百]+\s*号"
            r"|\d+\s*(?:栋|幢|号楼)\s*\d+\s*(?:单元|室)"
            r"|\b\d+\s+(?:[A-Za-z]+\s+){1,3}(?:street|st\.|road|rd\.|avenue|ave\.|boulevard|blvd\.|lane|ln\.|drive|dr\.)",
            _I,
        ),
    ),
)


def _known_pattern(value: str) -> re.Pattern[str] | None:
    """A pattern for one known personal value; phone-like values match with any separators."""
    value = fold(value).strip()
    if re.fullmatch(r"[\d\s()+-]{7,}", value):
        digits = re.sub(r"\D", "", value)
        digits = digits[2:] if len(digits) == 13 and digits.startswith("86") else digits  # +86 country code
        return re.compile(r"[\s-]?".join(digits))
    if len(value) < 2:  # one character would match everywhere
        return None
    if has_cjk(value):
        return re.compile(re.escape(value))
    # Latin ids and names only on word boundaries: user id "u1" must not hit "menu1x".
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])", _I)


def _hit(code: str, what: str, span: str) -> Violation:
    return Violation(
        code=code,
        family="personal_data",
        message=f"{what} in the text: “{span}”.",
        span=span,
        fix_hint=_FIX.format(span=span),
        citation=_CITATION,
    )


def find_personal_data(text: str, known_values: Sequence[str] = ()) -> list[Violation]:
    """Personal data in a text: pattern rules plus exact known values of the recipient."""
    folded, claimed, found = fold(text), Claimed(), []
    for value in known_values:
        pattern = _known_pattern(value) if value else None
        for m in pattern.finditer(folded) if pattern else ():
            if claimed.take(m.start(), m.end()):
                found.append(_hit("PD_KNOWN", "Known personal value of the recipient", text[m.start() : m.end()]))
    for code, what, pattern in _PATTERNS:
        for m in pattern.finditer(folded):
            if claimed.take(m.start(), m.end()):
                found.append(_hit(code, what, text[m.start() : m.end()]))
    return found

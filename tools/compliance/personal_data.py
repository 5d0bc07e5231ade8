"""Rule family personal_data: names, phone numbers, e-mails, messenger and ID numbers, addresses, known values."""

from __future__ import annotations

import re
from collections.abc import Sequence

from domain.review import Violation
from tools.compliance.textutil import Claimed, fold, has_cjk

_I = re.IGNORECASE
_CITATION = "PRC Personal Information Protection Law Art. 6 and Art. 10: no personal data beyond what the purpose needs"
_FIX = "Remove “{span}”: messages and prompts carry no personal data."
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_TITLE = "(?:Mr|Mrs|Ms|Miss|Mx|Dr)"
_NOT_NAMES = (
    "Customer|Customers|Friend|Friends|Shopper|Member|Valued|There|All|Everyone|Folks|Team|Sir|Madam|Guest|Reader"
)
# Most specific first: an 18-digit ID number is not also reported as a long digit id.
_PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("PD_EMAIL", "E-mail address", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")),
    ("PD_ID_CARD", "ID-card number", re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")),
    ("PD_PHONE", "Mobile number", re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")),
    (
        "PD_PHONE",
        "Phone number",
        re.compile(
            r"(?<!\d)(?:0\d{2,3}-\d{7,8}|400-?\d{3}-?\d{4}|\+\d{1,3}[\s-]?\d[\d\s-]{6,}\d"
            r"|\(\d{3}\)\s?\d{3}-\d{4}|\d{3}-\d{3}-\d{4})(?!\d)"
        ),
    ),
    (
        "PD_ACCOUNT",
        "Messenger account",
        re.compile(
            r"(?:微信号?|vx|v信|wx|QQ号?|抖音号|微博|wechat(?:\s+id)?|whatsapp|telegram|line\s+id)\s*[:：]?\s*"
            r"[A-Za-z][A-Za-z0-9_.-]{3,19}",
            _I,
        ),
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
    # The writer never sees names, so a name in copy is a leak or an invention. Chinese: a common
    # surname, up to two given-name characters, then a title (小姐姐 is slang for any young woman; 女士 before
    # a product is "women's": 白色女士衬衫).
    (
        "PD_NAME",
        "Name",
        re.compile(
            rf"(?:欧阳|司马|诸葛|上官|东方|[{_SURNAMES}])[\u4e00-\u9fff]{{0,2}}?(?:先生|女士(?=[^\w]|$|[您你好的])|小姐(?!姐)|同学|老师)"
        ),
    ),
    ("PD_NAME", "Name", re.compile(rf"\b{_TITLE}\.?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?")),
    ("PD_NAME", "Name", re.compile(rf"\b(?:Dear|Hi|Hello|Hey)\s+(?!(?:{_NOT_NAMES}|{_TITLE})\b)(?P<n>[A-Z][a-z]+)\b")),
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
            start, end = m.span("n") if "n" in pattern.groupindex else m.span()  # the name, not the greeting
            if claimed.take(start, end):
                found.append(_hit(code, what, text[start:end]))
    return found


def redact_personal_data(text: str, placeholder: str = "[…]") -> str:
    """The text with every pattern-found personal data span replaced, for quoting a draft back to the LLM.

    A draft the model invented an e-mail or phone number into is shown again in the rewrite prompt;
    unredacted, the prompt guard would (rightly) refuse that prompt and the user would get no copy.
    """
    for span in sorted({v.span for v in find_personal_data(text) if v.span}, key=len, reverse=True):
        text = text.replace(span, placeholder)
    return text

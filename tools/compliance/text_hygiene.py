"""Rule family channel, per field: what small models leave in copy (URLs, hashtags, prompt echoes, cut text ...).

Decisions: a deliberate ellipsis (… or ...) is a fine ending; text cut at the schema's hard length bound,
or ending on a comma, colon, open bracket, an English function word or a Chinese conjunction, counts as truncated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from domain.channels import Locale
from domain.copy import CopyVariant
from domain.review import Violation
from tools.compliance.textutil import CJK, LATIN, fold

Field = Literal["title", "body", "cta"]

_I = re.IGNORECASE
_CITATION = "Channel rules: delivered copy is plain, complete text in the recipient's language"
_URL = re.compile(r"https?://\S+|www\.\S+|(?<![@\w.-])[\w-]+\.(?:com|cn|net|org|io|co|shop|top|xyz|me|app)\b", _I)
_HASHTAG = re.compile(r"#[^\s#\d][^\s#]*#?")
_ECHO = re.compile(
    r"不超过\s*\d+\s*个?字|\d+\s*字以[内下]|字数|变体\s*\d*|版本\s*\d|文案\s*[\d一二三]?\s*:|标题\s*:|正文\s*:|行动号召"
    r"|用户画像|作为(?:一个)?(?:ai|人工智能|语言模型)|以下是|根据(?:您|你)的要求|目标用户|该用户"
    r"|\bvariant\b(?:\s*\d+)?|for a user who|as an ai\b|as a language model"
    r"|here(?:'s| is) (?:a|the|your) (?:message|copy|variant|push|sms|e-?mail|notification|draft)"
    r"|\b(?:title|body|cta|subject)\s*:|\bcall to action\b"
    r"|(?:within|under|max(?:imum)?|no more than|at most) \d+ (?:characters|chars|words)"
    r"|\b(?:user_id|recency|price_sensitivity|funnel_stage|value_tier|top_categories)\b"
    r"|\{[^{}]{0,30}\}|\[(?:name|brand|product|link|url)\]|</?[a-z][^>]{0,30}>",
    _I,
)
_REPEAT = re.compile(r"(.{3,20}?)\1{2,}", re.DOTALL)
_DANGLING = re.compile(
    r"(?:[,，、:;\-–—/(\[【「“《]|\b(?:and|or|the|a|an|to|of|for|with|on|at|in|your|our|&)"
    r"|(?<![暖温柔平随祥谦缓饱总])和|(?<!来得)(?<!来不)(?<![涉普波])及|(?<![参给赋])与"  # not 暖和, 来得及, 参与
    r"|还有|并且|而且|或者|但是|因为|所以|如果)\s*$",
    _I,
)
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
_FINAL = "。！？!?.…~）)】」”\"'"
_PAIRS = (("【", "】"), ("「", "」"), ("“", "”"), ("(", ")"), ("《", "》"))


def _max_length(name: Field) -> int:
    """The hard bound the LLM's schema puts on a field: text exactly that long was likely cut there."""
    for meta in CopyVariant.model_fields[name].metadata:
        bound = getattr(meta, "max_length", None)
        if isinstance(bound, int):
            return bound
    return 10**6


def _truncated(text: str, name: Field) -> bool:
    stripped = text.rstrip()
    if len(text) >= _max_length(name) and not stripped.endswith(tuple(_FINAL)):
        return True
    if any(stripped.count(a) > stripped.count(b) for a, b in _PAIRS):
        return True
    return _DANGLING.search(stripped) is not None


def _wrong_language(text: str, locale: Locale) -> bool:
    if locale == "en":
        return CJK.search(text) is not None
    latin, cjk = len(LATIN.findall(text)), len(CJK.findall(text))
    return latin >= 4 and latin > cjk  # a few Latin letters (OK, App, ml) are normal in Chinese copy


def _hit(code: str, message: str, span: str, hint: str, severity: Literal["block", "warn"] = "block") -> Violation:
    return Violation(
        code=code, family="channel", severity=severity, message=message, span=span, fix_hint=hint, citation=_CITATION
    )


def check_text_hygiene(text: str, locale: Locale, name: Field, fixed: Sequence[str] = ()) -> list[Violation]:
    """Flag URLs, hashtags, prompt echoes, repetition loops, truncation and the wrong language in one field.

    fixed: texts the campaign itself sets (brand name, required phrases, gift); they do not count
    towards the language check, so a Chinese required phrase may stand in English copy.
    """
    folded, found = fold(text), []
    for code, pattern, what, why in (
        ("CH_URL", _URL, "Invented link", "the channel adds the real link itself"),
        ("CH_HASHTAG", _HASHTAG, "Hashtag", "messages carry no hashtags"),
    ):
        for m in pattern.finditer(folded):
            span = text[m.start() : m.end()]
            found.append(_hit(code, f"{what} “{span}”.", span, f"Remove “{span}”; {why}."))
    for m in _ECHO.finditer(folded):
        span = text[m.start() : m.end()]
        hint = f"Remove “{span}”: write only the message the customer reads, no instructions or labels."
        found.append(_hit("CH_PROMPT_ECHO", f"Prompt or format echo “{span}”.", span, hint))
    for m in _REPEAT.finditer(folded):
        span = text[m.start() : m.end()]
        found.append(_hit("CH_REPETITION", f"Repetition loop “{span}”.", span, f"Say “{m[1]}” once."))
    if text.strip() and _truncated(folded, name):
        tail = text.rstrip()[-12:]
        found.append(
            _hit("CH_TRUNCATED", f"The {name} looks cut off: “…{tail}”.", tail, f"Finish the {name}; keep it short.")
        )
    own = _URL.sub("", _EMAIL.sub("", folded))  # a URL is reported as a URL, an e-mail as personal data
    for phrase in filter(None, map(fold, fixed)):
        own = own.replace(phrase, "")
    if _wrong_language(own, locale):
        language = "Chinese" if locale == "zh" else "English"
        hint = f"Write the {name} in {language} only" + (" (no Chinese characters)." if locale == "en" else ".")
        found.append(_hit("CH_LANGUAGE", f"The {name} is not in {language}.", text[:20], hint))
    return found

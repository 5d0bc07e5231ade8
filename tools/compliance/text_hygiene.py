"""Rule family channel, per field: what small models leave in copy (URLs, hashtags, prompt echoes, cut text ...).

Decisions: a deliberate ellipsis (… or ...) is a fine ending; text cut at the schema's hard length bound,
or ending on a comma, colon, open bracket, an English function word or a Chinese conjunction, counts as truncated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from domain.channels import Locale
from domain.review import Violation
from tools.compliance.foreign_words import foreign_words
from tools.compliance.prompt_echo import ECHO
from tools.compliance.textutil import CJK, LATIN, URL, fold
from tools.compliance.truncation import truncated

Field = Literal["title", "body", "cta"]

_I = re.IGNORECASE
_CITATION = "Channel rules: delivered copy is plain, complete text in the recipient's language"
_HASHTAG = re.compile(r"#[^\s#\d][^\s#]*#?")
_REPEAT = re.compile(r"(.{3,20}?)\1{2,}", re.DOTALL)
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")


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
        ("CH_URL", URL, "Invented link", "the channel adds the real link itself"),
        ("CH_HASHTAG", _HASHTAG, "Hashtag", "messages carry no hashtags"),
    ):
        for m in pattern.finditer(folded):
            span = text[m.start() : m.end()]
            found.append(_hit(code, f"{what} “{span}”.", span, f"Remove “{span}”; {why}."))
    for m in ECHO.finditer(folded):
        span = text[m.start() : m.end()]
        hint = f"Remove “{span}”: write only the message the customer reads, no instructions or labels."
        found.append(_hit("CH_PROMPT_ECHO", f"Prompt or format echo “{span}”.", span, hint))
    for m in _REPEAT.finditer(folded):
        span = text[m.start() : m.end()]
        found.append(_hit("CH_REPETITION", f"Repetition loop “{span}”.", span, f"Say “{m[1]}” once."))
    if text.strip() and truncated(folded, name, locale):
        tail = text.rstrip()[-12:]
        found.append(
            _hit("CH_TRUNCATED", f"The {name} looks cut off: “…{tail}”.", tail, f"Finish the {name}; keep it short.")
        )
    own = URL.sub("", _EMAIL.sub("", folded))  # a URL is reported as a URL, an e-mail as personal data
    for phrase in filter(None, map(fold, fixed)):
        own = own.replace(phrase, "")
    if _wrong_language(own, locale):
        language = "Chinese" if locale == "zh" else "English"
        hint = f"Write the {name} in {language} only" + (" (no Chinese characters)." if locale == "en" else ".")
        found.append(_hit("CH_LANGUAGE", f"The {name} is not in {language}.", text[:20], hint))
    if locale == "zh":  # one finding per word, also in a mostly English field: the rewrite needs each one named
        for start, end in foreign_words(text, fixed):
            span = text[start:end]
            hint = f"Replace “{span}” with Chinese wording; no English words or ids in Chinese copy."
            found.append(_hit("CH_FOREIGN_WORD", f"English word or raw id “{span}” in Chinese copy.", span, hint))
    return found

"""Rule family channel, per message: lengths, the unsubscribe text, empty parts and SMS emoji, on the rendered form."""

from __future__ import annotations

import re
from typing import Literal

from domain.channels import limits_for
from domain.copy import Draft
from domain.review import Severity, Violation

FieldName = Literal["title", "body", "cta", "rendered"]

_CITATION = "Channel limits (domain/channels.py); MIIT 通信短信息服务管理规定 Art. 20: marketing SMS must offer opt-out"
_EMOJI_WHY = (
    "SMS gateways and older handsets drop or mangle emoji (shown as ? or boxes), and one emoji turns an English "
    "SMS from GSM-7 into UCS-2 (70 instead of 160 characters a segment)"
)
# Pictographs, dingbats and symbols that render as emoji, plus the joiner and variation selector they use.
EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\uFE0F\u200D]+")


def _hit(
    code: str, message: str, span: str, field: FieldName, hint: str, severity: Severity = "block", why: str = _CITATION
) -> Violation:
    return Violation(
        code=code,
        family="channel",
        severity=severity,
        message=message,
        span=span,
        field=field,
        fix_hint=hint,
        citation=why,
    )


def _emoji(parts: list[tuple[FieldName, str]]) -> list[Violation]:
    """SMS only: every emoji in the delivered parts."""
    found = []
    for name, text in parts:
        for m in EMOJI.finditer(text):
            message, hint = f"Emoji “{m[0]}” in an SMS {name}.", f"Remove “{m[0]}”; SMS carries plain text only."
            found.append(_hit("CH_EMOJI", message, m[0], name, hint, why=_EMOJI_WHY))
    return found


def check_channel(draft: Draft, rendered: str) -> list[Violation]:
    """Check the delivered message against its channel: lengths, unsubscribe text, no empty parts, no SMS emoji."""
    limits = limits_for(draft.channel, draft.locale)
    parts: list[tuple[FieldName, str]] = [("body", draft.body), ("cta", draft.cta)]
    if limits.title_max:  # SMS shows no title
        parts.append(("title", draft.title))
    found = _emoji(parts) if draft.channel == "sms" else []
    for name, text in parts:
        if not text.strip():
            found.append(_hit("CH_EMPTY", f"The {name} is empty.", "", name, f"Write a short {name}."))
    if limits.title_max and len(draft.title) > limits.title_max:
        over = len(draft.title) - limits.title_max
        hint = f"Shorten the title to at most {limits.title_max} characters (now {len(draft.title)})."
        found.append(_hit("CH_TITLE_LENGTH", f"Title is {over} characters too long.", draft.title, "title", hint))
    if len(rendered) > limits.body_max:
        over = len(rendered) - limits.body_max
        budget = limits.body_max - (len(rendered) - len(draft.body))
        hint = f"Shorten the body by at least {over} characters (to at most {max(budget, 0)})."
        message = f"Delivered {draft.channel} text is {len(rendered)} characters; the limit is {limits.body_max}."
        found.append(_hit("CH_BODY_LENGTH", message, draft.body, "body", hint))
    if limits.unsubscribe_text and limits.unsubscribe_text not in rendered:
        message = f"The delivered text lacks the opt-out text “{limits.unsubscribe_text}”."
        found.append(_hit("CH_UNSUBSCRIBE", message, "", "rendered", "Do not remove or change the opt-out text."))
    for name, text in parts[:2]:
        if limits.unsubscribe_text and limits.unsubscribe_text.lower() in text.lower():
            hint = f"Remove “{limits.unsubscribe_text}” from the {name}; it is added automatically."
            message = "The opt-out text is written twice."
            found.append(_hit("CH_UNSUBSCRIBE_DUP", message, limits.unsubscribe_text, name, hint, "warn"))
    return found

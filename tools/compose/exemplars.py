"""Style lines from reference copy: the sentences a slot could have held, clean enough to show the model.

A sentence qualifies when the slot grammar would accept it (no digits, prices, Latin letters in Chinese,
emoji), it carries no restricted term and no personal data, and it is about as long as a line slot. The
model sees a few of them as examples of tone, never as text to copy (tools/stores/exemplars.py).
"""

from __future__ import annotations

import re

from domain.channels import Locale
from tools.compliance import find_personal_data
from tools.compliance.absolute_terms import find_absolute_terms
from tools.compose.slots import FREE_TEXT_CLASS

LINE_LENGTH: dict[Locale, tuple[int, int]] = {"zh": (10, 36), "en": (24, 100)}
"""A line slot's usual length: shorter reads as a fragment, longer would not fit a push or an SMS."""
MAX_PER_TEXT = 2
"""Lines kept from one reference, so one long text cannot fill the pool with its own voice."""
_SENTENCE_END: dict[Locale, str] = {"zh": r"(?<=[。！？；])", "en": r"(?<=[.!?;])\s+"}
_ENDS = "。！？；.!?; "


def exemplar_lines(text: str, locale: Locale) -> list[str]:
    """The sentences of ``text`` fit to be shown as style examples, in order, at most MAX_PER_TEXT."""
    low, high = LINE_LENGTH[locale]
    allowed = re.compile(f"{FREE_TEXT_CLASS[locale]}+")
    lines = []
    for sentence in re.split(_SENTENCE_END[locale], " ".join(text.split())):
        line = sentence.strip(_ENDS)
        if not low <= len(line) <= high or not allowed.fullmatch(line):
            continue
        if find_absolute_terms(line) or find_personal_data(line):
            continue
        lines.append(line)
    return lines[:MAX_PER_TEXT]

"""Text helpers shared by the rule families: width folding, script detection and span bookkeeping."""

from __future__ import annotations

import re

# Full-width ASCII (！ to ～), the ideographic space and ￥ fold 1:1 to ASCII, so spans found in the
# folded text index the original text unchanged. The full-width comma stays: in Chinese it separates
# clauses, never thousands, and folding it would read 满300减50，500ml as the amount 50,500.
_FOLD: dict[int, int] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if cp != 0xFF0C} | {
    0x3000: 0x20,
    0xFFE5: 0xA5,
}
CLAUSE_END = "，,。.！!？?；;：:\n"
"""Characters that end a clause, in both scripts."""

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
"""Chinese, Japanese and Korean letters (not punctuation)."""
LATIN = re.compile(r"[A-Za-z]")
URL = re.compile(r"https?://\S+|www\.\S+|(?<![@\w.-])[\w-]+\.(?:com|cn|net|org|io|co|shop|top|xyz|me|app)\b", re.I)
"""A web address or a bare domain (haowupu.com)."""


def fold(text: str) -> str:
    """Fold full-width ASCII to ASCII without changing the length of the text."""
    return text.translate(_FOLD)


def has_cjk(text: str) -> bool:
    """Whether the text holds any CJK letter."""
    return CJK.search(text) is not None


class Claimed:
    """Character ranges already explained by an earlier, more specific pattern."""

    def __init__(self) -> None:
        self._ranges: list[tuple[int, int]] = []

    def take(self, start: int, end: int) -> bool:
        """Claim a range; False when it overlaps one claimed before."""
        if any(s < end and start < e for s, e in self._ranges):
            return False
        self._ranges.append((start, end))
        return True

    def free(self, start: int, end: int) -> bool:
        """Whether a range overlaps nothing claimed so far."""
        return not any(s < end and start < e for s, e in self._ranges)

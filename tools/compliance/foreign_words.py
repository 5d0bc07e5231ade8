"""Stray English words and raw ids in Chinese copy: thermos满300减50, coffee_beans, 保持 drinks热, Shop now.

A Latin word in Chinese copy passes when it reads as a name or a token Chinese copy uses: a brand in capitals or
mixed case (Yū, iPhone), an acronym (DIY, LOGO, USB), an accepted word (App, OK, Hi), a unit after a number
(500ml, 1kg), or text the campaign sets (brand name, required phrases). It is flagged when it is an identifier
(coffee_beans), an English word of our vocabulary (category ids and labels, common copy words) in any case, or any
other lowercase word of three letters or more. Ids, e-mails and URLs next to digits, @ or dots are left to their
own rules. The word lists are data: data/english_words.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tools.compliance.categories import english_words, label_words
from tools.compliance.textutil import URL, fold

_WORD = re.compile(r"(?<![A-Za-zÀ-ɏ0-9_@.:/\\-])[A-Za-zÀ-ɏ]+(?:_[A-Za-zÀ-ɏ]+)*(?![A-Za-zÀ-ɏ0-9_@.\\-])")
"""A Latin word: CJK letters around it are boundaries, which a plain \\b or \\w would not see."""


def foreign_words(text: str, fixed: Sequence[str] = ()) -> list[tuple[int, int]]:
    """Spans of stray English words or raw ids in Chinese text (width-folded); fixed texts are skipped."""
    folded = fold(text)
    for phrase in filter(None, map(fold, fixed)):
        folded = folded.replace(phrase, " " * len(phrase))  # same length: spans still index the text
    folded = URL.sub(lambda m: " " * len(m[0]), folded)  # a link is reported as a link
    spans = []
    for m in _WORD.finditer(folded):
        word = m[0].lower()
        if word in english_words("accepted") or folded[max(0, m.start() - 1) : m.start()].isdigit():
            continue
        lower_word = m[0].islower() and len(word) >= 3
        if "_" in word or word in label_words() or word in english_words("copy_words") or lower_word:
            spans.append(m.span())
    return spans

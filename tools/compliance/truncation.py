"""Cut text: copy that stops at the schema's length bound, on a dangling word, or in the middle of a word.

Decisions:
- A deliberate ellipsis (… or ...) is a fine ending; so is a URL's trailing / (the URL rule judges the link).
- Ending on a comma, colon, open bracket, an English function word or a Chinese conjunction counts as cut.
- Chinese ending on a word that needs its complement (更加, 非常, 让你的) is a cut phrase: 让你的购物体验更加.
- English body text ending on a fragment is a cut word: a short non-word after a determiner or preposition
  (with our fre), or the start of a longer word of our vocabulary (therm for thermos). Short words that end
  a phrase (for your day, tea for two) are listed in data/english_words.yaml; anything else that short after
  such a word counts as cut.
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from domain.channels import Locale
from domain.copy import CopyVariant
from tools.compliance.categories import english_words, label_words
from tools.compliance.textutil import URL

Field = Literal["title", "body", "cta"]

_I = re.IGNORECASE
_DANGLING = re.compile(
    r"(?:[,，、:;\-–—/(\[【「“《]|\b(?:and|or|the|a|an|to|of|for|with|on|at|in|your|our|&)"
    r"|(?<![暖温柔平随祥谦缓饱总])和|(?<!来得)(?<!来不)(?<![涉普波])及|(?<![参给赋])与"  # not 暖和, 来得及, 参与
    r"|还有|并且|而且|或者|但是|因为|所以|如果"
    r"|更加|更为|非常|十分|格外|越发|愈发|越来越|变得|[让使为](?:你|您|我们)的)\s*$",  # 为你 alone is whole
    _I,
)
_FINAL = "。！？!?.…~）)】」”\"'"
_PAIRS = (("【", "】"), ("「", "」"), ("“", "”"), ("(", ")"), ("《", "》"))
_TAIL = re.compile(r"\b(?P<before>[a-z]+)\s+(?P<last>[a-z]+)$", _I)


@functools.cache
def _max_length(name: Field) -> int:
    """The hard bound the LLM's schema puts on a field: text exactly that long was likely cut there."""
    for meta in CopyVariant.model_fields[name].metadata:
        bound = getattr(meta, "max_length", None)
        if isinstance(bound, int):
            return bound
    return 10**6


def _cut_word(text: str) -> bool:
    m = _TAIL.search(text)
    if m is None:
        return False
    last = m["last"].lower()
    if last in english_words("short_words"):
        return False
    if len(last) >= 3 and any(w.startswith(last) and len(w) >= len(last) + 2 for w in label_words()):
        return True
    return m["before"].lower() in english_words("leads") and len(last) <= 4


def truncated(text: str, name: Field, locale: Locale) -> bool:
    """Whether one field of width-folded copy looks cut off."""
    if len(text) >= _max_length(name) and not text.rstrip().endswith(tuple(_FINAL)):
        return True
    stripped = URL.sub("link", text).rstrip()  # a URL's trailing / is no dangling slash
    if any(stripped.count(a) > stripped.count(b) for a, b in _PAIRS):
        return True
    if _DANGLING.search(stripped) is not None:
        return True
    return locale == "en" and name == "body" and _cut_word(stripped)

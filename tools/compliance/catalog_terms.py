"""Product nouns of the catalog as copy names them: item titles without their size or count, and category labels."""

from __future__ import annotations

import functools
import re

from tools.compliance.textutil import has_cjk

SIZE_TAIL = re.compile(r"\s*\d+(?:\.\d+)?\s*[^\d\s]*(?:\s+[a-z]+)?$", re.IGNORECASE)
"""A trailing size or count: 500ml, 1kg, 20包, "20 bags"."""


@functools.cache
def product_nouns(titles: tuple[str, ...], *, cjk: bool) -> tuple[str, ...]:
    """Titles in one script without their size or count (真空保温杯500ml -> 真空保温杯), longest first."""
    nouns = {SIZE_TAIL.sub("", t).strip() for t in titles if has_cjk(t) == cjk}
    return tuple(sorted((n for n in nouns if n), key=len, reverse=True))


def en_stem(word: str) -> str:
    """Mugs -> mug, boxes -> box, thermoses -> thermos: enough to match catalog words with plurals."""
    w = word.lower()
    if w.endswith(("ses", "xes")) and len(w) > 4:
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "os", "us")) and len(w) > 3:
        return w[:-1]
    return w

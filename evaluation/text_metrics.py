"""Reference and diversity metrics on tokens: ROUGE-L (F1), sentence BLEU-4 and distinct-n.

Tokenization (``tokenize``): Chinese (``zh``) text is split into characters, every non-space character a
token, punctuation included (the usual character-level AdvertiseGen scoring); English (``en``) text is
case-folded and split into words of letters and digits. Every definition is in docs/evaluation.md.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from domain.channels import Locale

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[0-9a-z]+(?:'[a-z]+)?")
MAX_ORDER = 4


def guess_locale(text: str) -> Locale:
    """``zh`` when the text holds any CJK character, else ``en``."""
    return "zh" if _CJK.search(text) else "en"


def tokenize(text: str, locale: Locale | None = None) -> list[str]:
    """Characters for zh (spaces dropped), lowercase words for en; the locale is guessed when None."""
    if (locale or guess_locale(text)) == "zh":
        return [ch for ch in text if not ch.isspace()]
    return _WORD.findall(text.casefold())


def ngrams(tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """The contiguous n-grams of a token list, in order (empty when it is shorter than n)."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two token lists (O(len(a)·len(b)) time, O(len(b)) memory)."""
    previous = [0] * (len(b) + 1)
    for token in a:
        current = [0]
        for j, other in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if token == other else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge_l(candidate: Sequence[str], reference: Sequence[str]) -> float:
    """ROUGE-L F1: P = LCS/|candidate|, R = LCS/|reference|, F = 2PR/(P+R); 0.0 when either is empty."""
    if not candidate or not reference:
        return 0.0
    lcs = lcs_length(candidate, reference)
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(candidate), lcs / len(reference)
    return 2 * precision * recall / (precision + recall)


def bleu4(candidate: Sequence[str], reference: Sequence[str]) -> float:
    """Sentence BLEU-4 against one reference, in [0, 1].

    BLEU = BP · exp(¼ Σ_{n=1..4} log p_n), with p_n the clipped n-gram precision and BP = 1 when the
    candidate is longer than the reference, else exp(1 − r/c). Smoothing (Chen & Cherry's method 3,
    as NLTK's ``SmoothingFunction().method3``): the k-th order with no match counts as 1 / (2^k · max(1, total)).
    No unigram match, or an empty candidate, gives 0.
    """
    if not candidate or not reference:
        return 0.0
    log_sum, zero_orders = 0.0, 0
    for n in range(1, MAX_ORDER + 1):
        cand, ref = Counter(ngrams(candidate, n)), Counter(ngrams(reference, n))
        total = sum(cand.values())
        matches = sum(min(count, ref[gram]) for gram, count in cand.items())
        if matches == 0:
            if n == 1:
                return 0.0
            zero_orders += 1
            precision = 1 / (2**zero_orders * max(1, total))
        else:
            precision = matches / total
        log_sum += math.log(precision) / MAX_ORDER
    c, r = len(candidate), len(reference)
    brevity = 1.0 if c > r else math.exp(1 - r / c)
    return brevity * math.exp(log_sum)


def distinct_n(token_lists: Sequence[Sequence[str]], n: int) -> float | None:
    """Distinct-n over a corpus: unique n-grams / all n-grams, pooled over texts; None with no n-grams."""
    grams = [gram for tokens in token_lists for gram in ngrams(tokens, n)]
    return len(set(grams)) / len(grams) if grams else None

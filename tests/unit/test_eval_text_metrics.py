"""ROUGE-L, BLEU-4, distinct-n and the percentile rule on tiny cases computed by hand."""

from __future__ import annotations

import math

import pytest

from evaluation.stats import mean, rate, share_true
from evaluation.text_metrics import bleu4, distinct_n, lcs_length, ngrams, rouge_l, tokenize
from tools.stats import percentile

CAT = "the cat sat on the mat"
REF = "the cat is on the mat"


def test_tokenize_is_characters_for_zh_and_words_for_en() -> None:
    assert tokenize("满300减 50！") == ["满", "3", "0", "0", "减", "5", "0", "！"]
    assert tokenize("Don't miss: 20% OFF, coffee.") == ["don't", "miss", "20", "off", "coffee"]
    assert tokenize("abc", "zh") == ["a", "b", "c"]


def test_ngrams_and_lcs() -> None:
    assert ngrams(["a", "b", "c"], 2) == [("a", "b"), ("b", "c")]
    assert ngrams(["a"], 2) == []
    assert lcs_length(list("我爱北京"), list("我在北京")) == 3
    assert lcs_length(list("abc"), []) == 0
    with pytest.raises(ValueError, match="n must be"):
        ngrams(["a"], 0)


@pytest.mark.parametrize(
    ("candidate", "reference", "expected"),
    [
        ("我爱北京", "我在北京", 0.75),  # LCS 我北京 = 3; P = R = 3/4
        (CAT, REF, 5 / 6),  # LCS "the cat on the mat" = 5 of 6 words each side
        ("北京", "我在北京天安门", 2 * 1.0 * (2 / 7) / (1.0 + 2 / 7)),  # P = 1, R = 2/7
        ("", "我在北京", 0.0),
        ("abc", "xyz", 0.0),
    ],
)
def test_rouge_l_by_hand(candidate: str, reference: str, expected: float) -> None:
    assert rouge_l(tokenize(candidate), tokenize(reference)) == pytest.approx(expected)


def test_bleu4_identical_text_is_one() -> None:
    assert bleu4(tokenize("今天天气很好"), tokenize("今天天气很好")) == pytest.approx(1.0)


def test_bleu4_with_smoothing_by_hand() -> None:
    # p1 = 5/6, p2 = 3/5, p3 = 1/4, p4 = 0 matches of 3 -> 1/(2^1 * 3); lengths equal so BP = 1.
    assert bleu4(tokenize(CAT), tokenize(REF)) == pytest.approx((5 / 6 * 3 / 5 * 1 / 4 * 1 / 6) ** 0.25)


def test_bleu4_brevity_penalty_and_missing_orders_by_hand() -> None:
    # 我爱 vs 我爱北京: p1 = p2 = 1; no 3- or 4-grams: 1/2 and 1/4; BP = exp(1 - 4/2).
    expected = math.exp(-1) * (1 * 1 * 0.5 * 0.25) ** 0.25
    assert bleu4(tokenize("我爱"), tokenize("我爱北京")) == pytest.approx(expected)


def test_bleu4_is_zero_without_any_unigram_match_or_candidate() -> None:
    assert bleu4(tokenize("abc"), tokenize("xyz")) == 0.0
    assert bleu4([], tokenize("xyz")) == 0.0


def test_distinct_n_by_hand() -> None:
    assert distinct_n([list("ab"), list("ab")], 1) == 0.5  # a b a b: 2 unique of 4
    assert distinct_n([list("ab"), list("ab")], 2) == 0.5  # ab ab
    assert distinct_n([list("abc"), list("abd")], 2) == 0.75  # ab bc ab bd: 3 of 4
    assert distinct_n([list("a")], 2) is None


def test_nearest_rank_percentiles_by_hand() -> None:
    values = [float(v) for v in range(10, 0, -1)]  # 10 .. 1, unsorted on purpose
    assert percentile(values, 0.50) == 5.0  # ceil(0.5 * 10) = 5th smallest
    assert percentile(values, 0.95) == 10.0  # ceil(9.5) = 10th
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0  # ceil(1.5) = 2nd
    assert percentile([4.0], 0.0) == 4.0
    assert percentile([], 0.5) is None
    with pytest.raises(ValueError, match="q must be"):
        percentile([1.0], 1.5)


def test_mean_rate_and_share() -> None:
    assert mean([1.0, 2.0, 6.0]) == 3.0
    assert mean([]) is None
    assert rate(1, 4) == 0.25
    assert rate(0, 0) is None
    assert share_true([True, None, False, True]) == pytest.approx(2 / 3)
    assert share_true([None]) is None
    with pytest.raises(ValueError, match="hits"):
        rate(3, 2)

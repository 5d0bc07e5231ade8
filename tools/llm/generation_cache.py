"""A persistent cache of LLM generations keyed by the exact request, so identical prompts share one call.

Users whose prompt-relevant features are identical produce identical prompts; caching makes LLM cost grow
slower than the audience, and a resumed run reuses what an interrupted one already generated. With many
users in flight, identical prompts often arrive together: the first one generates and the others wait for
its answer (single flight), instead of all missing the cache at once.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, cast

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from pydantic import BaseModel

from tools.settings import Settings
from tools.stores.database import Database, SqlStore, open_database

Output = TypeVar("Output", bound=BaseModel)
SCHEMA = "CREATE TABLE IF NOT EXISTS generations (key TEXT PRIMARY KEY NOT NULL, output TEXT NOT NULL);"
_INSERT = "INSERT INTO generations (key, output) VALUES (?, ?) ON CONFLICT DO NOTHING"


def request_key(model: str, schema: str, messages: list[BaseMessage]) -> str:
    """A stable key for one structured-output request."""
    payload = json.dumps([model, schema, [(m.type, str(m.content)) for m in messages]], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


class GenerationCache(SqlStore):
    """A map from request key to the structured output's JSON, with hit/miss counters.

    In a SQLite file on one machine; in PostgreSQL (`open_generation_cache`) the nodes of a scaled-out run
    share their generations too. Single flight is per process; across processes the first write wins.
    """

    def __init__(self, db: Database | Path) -> None:
        super().__init__(db, SCHEMA)
        self._in_flight: dict[str, threading.Event] = {}
        self._counts = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _stored(self, key: str) -> str | None:
        rows = self._db.query("SELECT output FROM generations WHERE key = ?", (key,))
        return None if not rows else str(rows[0][0])

    def _count(self, hit: bool) -> None:
        with self._counts:
            if hit:
                self.hits += 1
            else:
                self.misses += 1

    def get(self, key: str) -> str | None:
        """The cached output JSON, counting a hit or a miss."""
        output = self._stored(key)
        self._count(hit=output is not None)
        return output

    def put(self, key: str, output_json: str) -> None:
        """Store one output (first writer wins, so concurrent duplicates agree)."""
        with self._db.transaction() as writer:
            writer.execute(
                "INSERT INTO generations (key, output) VALUES (?, ?) ON CONFLICT DO NOTHING", (key, output_json)
            )

    def get_or_generate(self, key: str, generate: Callable[[], str]) -> str:
        """The output for `key`: stored, shared from an identical request in flight, or generated now.

        `generate` returns the output JSON or raises; a failure is not stored, and the requests that waited
        on it generate for themselves.
        """
        output = self._stored(key)
        if output is not None:
            self._count(hit=True)
            return output
        with self._counts:
            pending = self._in_flight.get(key)
            if pending is None:
                self._in_flight[key] = threading.Event()
        if pending is not None:  # an identical request is generating: share its answer
            pending.wait()
            output = self.get(key)  # a miss only if that one failed
            return output if output is not None else self._generate_and_store(key, generate)
        try:
            output = self._stored(key)  # stored by a request that finished between the first look and now
            self._count(hit=output is not None)
            return output if output is not None else self._generate_and_store(key, generate)
        finally:
            with self._counts:
                self._in_flight.pop(key).set()

    def _generate_and_store(self, key: str, generate: Callable[[], str]) -> str:
        output = generate()
        self.put(key, output)
        return output

    @property
    def hit_rate(self) -> float:
        """Share of lookups answered from the cache."""
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


def open_generation_cache(settings: Settings) -> GenerationCache:
    """The cache in PostgreSQL when `PROMO_DATABASE_URL` is set (shared by every node), else its SQLite file."""
    return GenerationCache(open_database(settings.database_url, settings.home / "generations.sqlite"))


def structured_output(
    model: BaseChatModel,
    schema: type[Output],
    messages: list[BaseMessage],
    cache: GenerationCache | None,
    model_name: str,
) -> Output:
    """One json_schema generation of `schema`, shared through `cache` by identical requests (None: always call).

    Errors of the call (server, parsing, validation) propagate; a failed call is never cached.
    """
    runnable = model.with_structured_output(schema, method="json_schema")
    if cache is None:
        return cast(Output, runnable.invoke(messages))
    # The whole schema, not its name: slot schemas share a name but differ in their enums and bounds.
    key = request_key(model_name, json.dumps(schema.model_json_schema(), sort_keys=True), messages)
    output = cache.get_or_generate(key, lambda: cast(Output, runnable.invoke(messages)).model_dump_json())
    return schema.model_validate_json(output)

"""Checkpointers: SQLite on one machine (the default), so paused and interrupted runs survive restarts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver

from domain import approval, copy, decision, offer, people, profile, review

# Checkpoints hold our pydantic state; only these types may be revived from them (no arbitrary classes).
STATE_TYPES: list[tuple[str, str]] = [
    (module.__name__, name)
    for module in (approval, copy, decision, offer, people, profile, review)
    for name, value in vars(module).items()
    if isinstance(value, type) and value.__module__ == module.__name__
]


def state_serializer() -> JsonPlusSerializer:
    """The checkpoint serializer, allowing exactly the project's state types."""
    return JsonPlusSerializer(allowed_msgpack_modules=STATE_TYPES)


def sqlite_checkpointer(path: Path) -> SqliteSaver:
    """A SQLite checkpointer on `path`, shareable across the threads of a batch run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, check_same_thread=False)
    saver = SqliteSaver(connection, serde=state_serializer())
    saver.setup()
    return saver

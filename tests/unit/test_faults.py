"""Faults injected for real. The LLM server answers 500, drops the connection, returns text that is not the
JSON asked for, cuts its answer off at the token limit, or is too slow; the shop's database is locked by another
process past the busy wait; the disk fills up while the plan is written.

A real campaign run with the real OpenAI client over HTTP to a scripted server that misbehaves. Each user still
ends with a decision (the checked template where the model failed), the calls per user stay within the
retry and rewrite bounds, every user is in the plan exactly once, and once the server is well again a resumed
run redoes nothing: no user is lost, repeated or half-written.
"""

from __future__ import annotations

import errno
import resource
import shutil
import signal
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from agents.context import Context
from campaign.plan import write_plan
from campaign.runner import process_run, start_run
from campaign.store import open_run_store
from graphs.checkpoints import open_checkpointer
from graphs.promotion import build_graph
from tests.fake_openai_server import MODEL, FakeReplica, Fault
from tests.unit.conftest import ITEMS, NOW, USERS, make_campaign
from tools.llm.chat_model import LLMEndpoint
from tools.services import Services, open_services
from tools.settings import Settings
from tools.stores.shop_db import ShopDB

RETRIES = 1
REWRITES = 1


def settings_for(home: Path, history: Path) -> Settings:
    """Settings on a home holding a copy of the session's history store."""
    shutil.copytree(history, home / "chroma")
    # Free copy: the scripted server answers whole messages (CopyBatch). A short timeout for the slow case.
    return Settings(
        _env_file=None,
        home=home,
        llm_model=MODEL,
        copy_mode="free",
        llm_max_retries=RETRIES,
        llm_timeout_s=0.5,
    )


def open_shop(settings: Settings) -> None:
    shop = ShopDB(settings.shop_db_path)
    shop.upsert_items(ITEMS)
    shop.upsert_users(USERS)
    shop.close()


def run(services: Services, settings: Settings) -> list[tuple[str, object]]:
    """Start (or resume) run "r" over the unit shop's users and process it; its results in audience order."""
    store, saver = open_run_store(settings), open_checkpointer(settings)
    try:
        campaign = make_campaign(channels=["push", "sms", "email"])
        info, _ = start_run(store, "r", campaign, [u.user_id for u in USERS], services, NOW)
        context = Context(services=services, now=NOW, max_rewrites=REWRITES)
        process_run(store, info, context, build_graph(saver), concurrency=2)
        assert store.failures("r") == [], "a failed model must end in the fallback, not in a failed user"
        assert store.pending("r") == []
        return [(uid, result) for uid, result in store.results("r")]
    finally:
        store.close()
        saver.conn.close()


@pytest.mark.parametrize("fault", ["http500", "drop", "malformed", "truncated", "slow"])
def test_a_misbehaving_llm_server_ends_in_the_fallback_within_bounds_and_a_resume_redoes_nothing(
    tmp_path: Path, history_dir: Path, fault: Fault | str
) -> None:
    settings = settings_for(tmp_path, history_dir)
    open_shop(settings)
    with FakeReplica(delay_s=1.0 if fault == "slow" else 0.0) as replica:
        if fault != "slow":
            replica.set_fault(fault)  # type: ignore[arg-type]
        services = open_services(settings, LLMEndpoint(replica.base_url, MODEL))
        try:
            results = run(services, settings)
            asked = replica.requests
            written = [uid for uid, result in results if result.message is not None]  # type: ignore[attr-defined]
            assert written, "nobody reached the copywriter: the fault was never met"
            assert all(result.message.source == "fallback" for uid, result in results if result.message)  # type: ignore[attr-defined]
            # Each attempt is one call, retried on transport errors only; a rewrite is a new attempt.
            assert 0 < asked <= len(written) * (1 + REWRITES) * (1 + RETRIES), asked
            print(f"{fault}: {asked} LLM calls for {len(written)} users written for, all fallback")  # for the notes
            replica.set_fault(None)
            replica_before = replica.requests
            again = run(services, settings)  # the same run id: a resume after the server is well again
            assert replica.requests == replica_before, "a resumed run must not redo finished users"
            assert [uid for uid, _ in again] == [uid for uid, _ in results]
            assert len({uid for uid, _ in again}) == len(again) == len(results) >= 2
            jsonl, _, rows = write_plan(again, tmp_path / "plans", "r")  # type: ignore[arg-type]
            assert rows == sum(1 for _, r in again if r.decision.send and r.message)  # type: ignore[attr-defined]
            assert len(jsonl.read_text(encoding="utf-8").splitlines()) == rows
        finally:
            services.close()


def test_a_locked_send_log_stops_the_run_and_a_resume_finishes_it_exactly_once(
    tmp_path: Path, history_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tools.stores.sqlite.BUSY_TIMEOUT_S", 0.2)  # the bounded wait for the lock, made short
    settings = settings_for(tmp_path, history_dir)
    open_shop(settings)
    blocker = sqlite3.connect(settings.shop_db_path, isolation_level=None)
    with FakeReplica() as replica:
        services = open_services(settings, LLMEndpoint(replica.base_url, MODEL))
        try:
            blocker.execute("BEGIN EXCLUSIVE")  # another process holds the shop's write lock past the wait
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                run(services, settings)
            blocker.execute("ROLLBACK")
            results = run(services, settings)  # the lock is gone: the same command resumes the run
        finally:
            services.close()
            blocker.close()
    sent = [uid for uid, result in results if result.decision.send and result.message]  # type: ignore[attr-defined]
    assert sent and len(set(sent)) == len(sent)
    shop = ShopDB(settings.shop_db_path)
    try:
        for user_id in sent:
            assert shop.count_sends_since(user_id, NOW - timedelta(days=7)) == 1, "one send logged per planned user"
    finally:
        shop.close()


@contextmanager
def file_size_limit(max_bytes: int) -> Iterator[None]:
    """A full disk, as the kernel enforces it on this process: writes past `max_bytes` fail with EFBIG."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an error from write(), not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_a_full_disk_while_writing_the_plan_keeps_the_old_plan_whole_and_no_temporary_file(
    tmp_path: Path, history_dir: Path
) -> None:
    settings = settings_for(tmp_path, history_dir)
    open_shop(settings)
    with FakeReplica() as replica:
        services = open_services(settings, LLMEndpoint(replica.base_url, MODEL))
        try:
            results = run(services, settings)
        finally:
            services.close()
    out = tmp_path / "plans"
    *_, rows = write_plan(results, out, "r")  # type: ignore[arg-type]
    assert rows >= 1
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    with file_size_limit(64), pytest.raises(OSError, match="too large") as full:
        write_plan(results, out, "r")  # type: ignore[arg-type]
    assert full.value.errno == errno.EFBIG
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before, "the old plan whole, nothing else"

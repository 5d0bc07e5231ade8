"""The run store's contract, on SQLite and on PostgreSQL: the same calls give the same answers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr

from campaign.store import RunStore
from domain.decision import Explanation, PromotionResult, TargetingDecision
from domain.profile import PromptProfile
from tests.unit.conftest import make_campaign
from tools.stores.database import open_database

CLOCK = datetime(2026, 11, 5, 6, 0, tzinfo=UTC)


def open_store(database_url: SecretStr | None, tmp_path: Path) -> RunStore:
    return RunStore(open_database(database_url, tmp_path / "runs.sqlite"))


def result(send: bool) -> PromotionResult:
    decision = TargetingDecision(
        send=send, channel="push" if send else None, score=0.25, threshold=0.01, propensity=1.0, policy_version="t"
    )
    profile = PromptProfile(recency="active_7d", value_tier="mid", price_sensitivity="medium", funnel_stage="none")
    why = Explanation(features_used=profile, critic_checks=[], attempts=1, used_fallback=False, targeting_reasons=[])
    return PromotionResult(
        user_ref="ref", campaign_id="d11-thermos", message=None, rendered=None, decision=decision, explanation=why
    )


def test_create_is_idempotent_and_keeps_the_first_audience(tmp_path: Path, database_url: SecretStr | None) -> None:
    store = open_store(database_url, tmp_path)
    info = store.create("r", make_campaign(), CLOCK, ["u3", "u1", "u2"], holdout=frozenset({"u2"}))
    again = store.create("r", make_campaign(), CLOCK, ["u9"])
    assert again == info
    assert store.pending("r") == ["u3", "u1"]
    assert store.progress("r").total == 3 and store.progress("r").holdout == 1
    assert store.backend == ("sqlite" if database_url is None else "postgresql")


def test_finish_commits_each_user_once_and_failed_users_are_retried(
    tmp_path: Path, database_url: SecretStr | None
) -> None:
    store = open_store(database_url, tmp_path)
    store.create("r", make_campaign(), CLOCK, ["u1", "u2", "u3", "u4"], holdout=frozenset({"u4"}))
    store.finish("r", "u2", result(send=True), None, 1.5)
    store.finish("r", "u1", None, "RuntimeError: boom", 0.0)
    assert store.pending("r") == ["u1", "u3"]
    assert store.failures("r") == [("u1", "RuntimeError: boom")]
    store.finish("r", "u1", result(send=False), None, 0.5)  # the retry on resume
    assert store.failures("r") == []
    assert [uid for uid, _ in store.results("r")] == ["u1", "u2"]
    progress = store.progress("r")
    assert (progress.total, progress.done, progress.failed, progress.holdout, progress.pending) == (4, 2, 0, 1, 1)
    assert store.arms("r") == {"u2": "treated", "u4": "holdout"}
    store.close()

    reopened = open_store(database_url, tmp_path)  # as the next process would see it
    assert reopened.results("r")[1][1] == result(send=True)
    assert reopened.get("r") is not None and reopened.get("r").clock == CLOCK  # type: ignore[union-attr]
    assert reopened.get("nope") is None
    assert reopened.erase_user("u2") == 1
    assert [uid for uid, _ in reopened.results("r")] == ["u1"]
    reopened.ping()


def test_concurrent_finishes_from_threads_all_land(tmp_path: Path, database_url: SecretStr | None) -> None:
    store = open_store(database_url, tmp_path)
    users = [f"u{i}" for i in range(40)]
    store.create("r", make_campaign(), CLOCK, users)
    threads = [threading.Thread(target=store.finish, args=("r", uid, result(True), None, 0.1)) for uid in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.pending("r") == []
    assert [uid for uid, _ in store.results("r")] == users

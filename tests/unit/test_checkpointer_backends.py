"""The checkpointer the settings name, SQLite or PostgreSQL: a human-approval pause survives a restart and erases."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pydantic import SecretStr

from agents.context import Context
from domain.approval import ApprovalAnswer
from domain.copy import CopyBatch
from graphs.batch import AwaitingApproval, resume_one, run_one
from graphs.checkpoints import erase_user_threads, open_checkpointer, postgres_checkpointer, user_thread_ids
from graphs.promotion import build_graph
from tests.fakes import ScriptedChatModel
from tests.postgres_cluster import PostgresCluster
from tests.unit.conftest import GOOD_ZH, NOW, bad_batch, make_campaign
from tools.services import Services
from tools.settings import Settings
from tools.stores.postgres import PostgresDatabase

STORE_DDL = "CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY); CREATE TABLE IF NOT EXISTS items (id TEXT);"


def test_a_paused_run_resumes_in_a_new_process_and_can_be_erased(
    services: Services, tmp_path: Path, database_url: SecretStr | None
) -> None:
    assert isinstance(services.writer_model, ScriptedChatModel)
    services.writer_model.script(CopyBatch, default=bad_batch())
    settings = Settings(_env_file=None, home=tmp_path, database_url=database_url)
    first = open_checkpointer(settings)
    with pytest.raises(AwaitingApproval) as waiting:
        run_one(
            "u-zh-1",
            make_campaign(on_exhausted="human"),
            Context(services=services, now=NOW, max_rewrites=0),
            compiled=build_graph(first),
            thread_id="run-1:u-zh-1",
        )
    first.conn.close()

    second = open_checkpointer(settings)  # as a new process would open it
    answer = ApprovalAnswer(action="edit", reviewer="legal@shop", edited=GOOD_ZH)
    result = resume_one(waiting.value.thread_id, answer, Context(services=services, now=NOW), build_graph(second))
    assert result.message is not None and result.message.source == "human"
    assert user_thread_ids(second, "u-zh-1") == ["run-1:u-zh-1"]
    assert erase_user_threads(second, "u-zh-1") == 1
    assert user_thread_ids(second, "u-zh-1") == []
    second.conn.close()


def set_up_together(url: SecretStr, processes: int, stores: int = 0) -> list[str]:
    """`processes` threads (own connections) set the checkpointer up on one database at once, while `stores`
    more create a store's tables there; their errors."""
    errors: list[str] = []
    start = threading.Barrier(processes + stores)

    def set_up() -> None:
        start.wait()
        try:
            postgres_checkpointer(url).conn.close()
        except Exception as error:  # collected and reported by the caller
            errors.append(repr(error))

    def create_store_tables() -> None:
        start.wait()
        try:
            database = PostgresDatabase(url)
            database.create_schema(STORE_DDL)
            database.close()
        except Exception as error:  # collected and reported by the caller
            errors.append(repr(error))

    threads = [threading.Thread(target=set_up) for _ in range(processes)]
    threads += [threading.Thread(target=create_store_tables) for _ in range(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_processes_setting_up_one_new_database_at_once_all_succeed(postgres_cluster: PostgresCluster) -> None:
    """Two campaign drivers started together both set the checkpointer up: without the schema lock, 10 of 10
    trials failed with a unique violation in pg_type (and a blocking lock deadlocked CREATE INDEX CONCURRENTLY)."""
    for _trial in range(3):
        assert set_up_together(SecretStr(postgres_cluster.new_database()), 4) == []


def test_a_store_creating_its_tables_while_a_checkpointer_sets_up_does_not_deadlock(
    postgres_cluster: PostgresCluster,
) -> None:
    """A store waiting in a blocking lock call held a transaction open that the checkpointer's CREATE INDEX
    CONCURRENTLY (under the same lock) waited for: PostgreSQL's deadlock detector failed one of the two (CI)."""
    for _trial in range(5):
        assert set_up_together(SecretStr(postgres_cluster.new_database()), 2, stores=4) == []

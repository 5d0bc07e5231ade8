"""Privacy on the wire: a customer's name, phone, e-mail, address and raw id, planted in the shop and in the
history (a search for their own address, a seller title holding their phone), never leave in a request to the
LLM server, and never appear in the logs, the checkpoint thread ids or the plan's LLM-facing fields.

A real campaign run: audience, profiling from Chroma, the promotion graph with the real OpenAI client talking
HTTP to a scripted OpenAI-compatible server that keeps every request body as it arrived.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest

from agents.context import Context
from campaign.runner import process_run, start_run
from campaign.store import open_run_store
from domain.people import Event
from graphs.checkpoints import _thread_ids, open_checkpointer
from graphs.promotion import build_graph
from tests.fake_openai_server import MODEL, FakeReplica
from tests.unit.conftest import ITEMS, NOW, make_campaign
from tests.unit.test_erasure_on_disk import CANARIES, CANARY
from tools.llm.chat_model import LLMEndpoint
from tools.services import open_services
from tools.settings import Settings
from tools.stores.history import HistoryStore
from tools.stores.shop_db import ShopDB


def planted_history() -> list[Event]:
    """Thermos interest strong enough to be selected, with the customer's own data in the untrusted texts."""
    thermos, kids = ITEMS[0], ITEMS[1]

    def event(n: int, kind: str, days: float, **fields: object) -> Event:
        return Event.model_validate(
            {"event_id": f"c{n}", "user_id": CANARY.user_id, "kind": kind, "ts": NOW - timedelta(days=days), **fields}
        )

    item = {"item_id": thermos.item_id, "category": "thermos", "price": thermos.price}
    return [
        event(1, "view", 1, item_title=thermos.title_zh, **item),
        event(2, "cart", 1, item_title=f"{thermos.title_zh} 收件人{CANARY.name} {CANARY.phone}", **item),
        event(3, "search", 2, query=f"保温杯 寄到{CANARY.address} {CANARY.email}"),
        event(4, "view", 3, item_id=kids.item_id, item_title=f"{kids.title_zh} 刻字{CANARY.name}", category="thermos"),
        event(5, "purchase", 30, item_title=thermos.title_zh, **item),
    ]


def encodings(secret: str) -> list[bytes]:
    """The ways a secret can appear in a JSON body: raw UTF-8, and escaped as JSON does with ensure_ascii."""
    return [secret.encode(), json.dumps(secret).strip('"').encode()]


def test_no_personal_data_or_raw_id_reaches_the_llm_server_or_the_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = Settings(_env_file=None, home=tmp_path, llm_model=MODEL, copy_mode="free")
    shop, history = ShopDB(settings.shop_db_path), HistoryStore(settings.chroma_dir)
    shop.upsert_items(ITEMS)
    shop.upsert_users([CANARY])
    history.add_events(planted_history())
    shop.close()
    history.close()
    campaign = make_campaign(channels=["push", "sms", "email"])
    with FakeReplica() as replica:
        services = open_services(settings, LLMEndpoint(replica.base_url, MODEL))
        store, saver = open_run_store(settings), open_checkpointer(settings)
        info, _ = start_run(store, "r", campaign, [CANARY.user_id], services, NOW)
        assert store.pending("r") == [CANARY.user_id], "the canary must be selected, or nothing is tested"
        process_run(store, info, Context(services=services, now=NOW), build_graph(saver), concurrency=1)
        assert store.failures("r") == []
        (result,) = [r for _, r in store.results("r")]
        assert result.decision.send and replica.requests >= 1
        wire = replica.bodies
        threads = _thread_ids(saver)
        services.close()
        store.close()
        saver.conn.close()
    for body in wire:
        for secret in CANARIES:
            assert not any(form in body for form in encodings(secret)), f"{secret!r} went to the LLM server"
    assert "保温杯" in json.loads(wire[0])["messages"][-1]["content"], "the prompt must still carry the interest"
    logged = caplog.text
    for secret in CANARIES:
        assert secret not in logged, f"{secret!r} is in the logs"
        assert not any(secret in thread for thread in threads), f"{secret!r} is in a checkpoint thread id"
    assert result.user_ref != CANARY.user_id and CANARY.user_id not in result.model_dump_json()

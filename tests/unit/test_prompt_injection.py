"""Injected instructions in history never reach the copywriter's user-data block (scripted model)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from agents.context import Context
from domain.copy import CopyBatch
from domain.review import Critique
from graphs.batch import run_one
from tests.fakes import ScriptedChatModel
from tests.injection import Payload, load_payloads, planted_history, victim
from tests.unit.conftest import CRITIQUE, ITEMS, NOW, good_batch, make_campaign
from tools.services import Services
from tools.stores.history import HistoryStore
from tools.stores.shop_db import ShopDB

PAYLOADS = load_payloads()
DATA_BLOCK = re.compile(r"<(?:用户数据|customer_data)>(.*?)</(?:用户数据|customer_data)>", re.S)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("inj-chroma")
    store = HistoryStore(path)
    store.add_events([e for p in PAYLOADS for e in planted_history(p, ITEMS[0], NOW)])
    store.close()
    return path


@pytest.fixture
def injected_services(tmp_path: Path, planted: Path) -> Iterator[Services]:
    shop = ShopDB(tmp_path / "shop.sqlite")
    shop.upsert_items(ITEMS)
    shop.upsert_users([victim(p) for p in PAYLOADS])
    writer = ScriptedChatModel().script(CopyBatch, default=good_batch())
    critic = ScriptedChatModel().script(Critique, default=CRITIQUE)
    bundle = Services(history=HistoryStore(planted), shop=shop, writer_model=writer, critic_model=critic)
    yield bundle
    bundle.close()


def test_suite_has_both_locales_and_both_vectors() -> None:
    assert len(PAYLOADS) >= 20
    assert {p.locale for p in PAYLOADS} == {"zh", "en"}
    assert {p.where for p in PAYLOADS} == {"query", "item_title"}


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.id)
def test_payload_never_reaches_the_user_data_block(injected_services: Services, payload: Payload) -> None:
    run_one(payload.user_id, make_campaign(), Context(services=injected_services, now=NOW, record_sends=False))
    writer = injected_services.writer_model
    assert isinstance(writer, ScriptedChatModel)
    assert writer.calls, "an engaged, consenting victim must reach the copywriter"
    blocks = [m for _, messages in writer.calls for msg in messages for m in DATA_BLOCK.findall(str(msg.content))]
    assert blocks
    for block in blocks:
        lowered = block.lower()
        leaked = [goal for goal in payload.goal if goal.lower() in lowered]
        assert leaked == [], f"{payload.id}: {leaked} reached the prompt:\n{block}"

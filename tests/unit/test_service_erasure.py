"""DELETE /v1/users/{user_id}: the user is gone from every store; other users are untouched."""

from __future__ import annotations

import time
from pathlib import Path

from domain.copy import CopyBatch
from graphs.checkpoints import user_thread_ids
from tests.fakes import ScriptedChatModel
from tests.service_support import served_app
from tests.unit.conftest import ITEMS, USERS, _events, bad_batch, make_campaign
from tools.services import Services
from tools.stores.history import HistoryStore
from tools.stores.shop_db import ShopDB

GONE, KEPT = "u-zh-1", "u-en-1"


def own_services(root: Path) -> Services:
    """Stores of its own: erasing from the session's shared Chroma store would break other tests."""
    shop = ShopDB(root / "shop.sqlite")
    shop.upsert_items(ITEMS)
    shop.upsert_users(USERS)
    history = HistoryStore(root / "chroma")
    history.add_events([e for e in _events() if e.user_id in (GONE, KEPT)])
    return Services(history=history, shop=shop, writer_model=ScriptedChatModel(), critic_model=ScriptedChatModel())


def test_erasure_removes_the_user_from_every_store(tmp_path: Path) -> None:
    services = own_services(tmp_path)
    campaign = make_campaign().model_dump(mode="json")
    with served_app(tmp_path / "home", services) as served:
        client, marketer, admin = served.client, served.auth(), served.auth(served.admin)
        run = {"run_id": "r1", "campaign": campaign, "user_ids": [GONE, KEPT], "holdout": 0.0}
        assert client.post("/v1/campaign-runs", json=run, headers=marketer).status_code == 202
        while client.get("/v1/campaign-runs/r1", headers=marketer).json()["state"] not in ("finished", "failed"):
            time.sleep(0.05)
        writer = services.writer_model
        assert isinstance(writer, ScriptedChatModel)
        writer.script(CopyBatch, *[bad_batch()] * 3)
        human = make_campaign(campaign_id="d11-human", on_exhausted="human").model_dump(mode="json")
        paused = client.post("/v1/promotions", json={"user_id": GONE, "campaign": human}, headers=marketer)
        assert paused.status_code == 202
        feedback = [
            {"event_id": f"f-{uid}", "run_id": "r1", "user_id": uid, "kind": "click", "ts": "2026-11-06T10:00:00Z"}
            for uid in (GONE, KEPT)
        ]
        assert client.post("/v1/feedback", json={"events": feedback}, headers=marketer).json()["added"] == 2
        runtime = served.runtime
        assert len(user_thread_ids(runtime.checkpointer, GONE)) == 2  # the run's thread and the paused one

        erased = client.delete(f"/v1/users/{GONE}", headers=admin)
        again = client.delete(f"/v1/users/{GONE}", headers=admin).json()
        promo_after = client.post("/v1/promotions", json={"user_id": GONE, "campaign": campaign}, headers=marketer)
        approval_after = client.get(f"/v1/approvals/{paused.json()['thread_id']}", headers=marketer)

        assert erased.status_code == 200, erased.text
        removed = erased.json()["removed"]
        assert set(removed) == {"shop", "history", "feedback", "runs", "checkpoints"}
        assert all(count > 0 for count in removed.values()), removed
        assert set(again["removed"].values()) == {0}, "erasure is idempotent"
        assert promo_after.status_code == 404 and approval_after.status_code == 404
        assert GONE not in runtime.services.shop.list_user_ids()
        assert runtime.services.history.events_for(GONE) == []
        assert GONE not in runtime.feedback.outcomes("r1", "click")
        assert GONE not in {uid for uid, _ in runtime.runs.results("r1")}
        assert user_thread_ids(runtime.checkpointer, GONE) == []
        # everyone else is untouched
        assert KEPT in runtime.services.shop.list_user_ids() and runtime.services.history.events_for(KEPT)
        assert KEPT in runtime.feedback.outcomes("r1", "click")
        assert user_thread_ids(runtime.checkpointer, KEPT)
    services.close()

"""Erasure that erases: after DELETE /v1/users/{id} no byte of the user's personal data or id is left on disk.

A canary user is written everywhere the service writes (shop DB, Chroma history, a campaign run with its
checkpoints and generation cache, a single promotion, a paused approval, feedback), then erased; every
file under the test's folder (databases, -wal/-shm files, Chroma's SQLite file and segment files) is read
back as bytes and searched for each canary value: while the service still runs, and after every store closed.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from pydantic import SecretStr

from domain.copy import CopyBatch
from domain.people import Event, User
from tests.fakes import ScriptedChatModel
from tests.service_support import served_app
from tests.unit.conftest import ITEMS, NOW, USERS, _events, bad_batch, make_campaign
from tools.services import Services
from tools.stores.database import open_database
from tools.stores.history import HistoryStore
from tools.stores.shop_db import ShopDB

CANARY = User(
    user_id="u_canary_77",
    name="Zqxname Canary",
    phone="13912345678",
    email="canary.zq@example.com",
    address="Canary Road 77",
    locale="zh",
    consent={"push": True, "sms": True, "email": True},
)
CANARIES = [CANARY.user_id, CANARY.name, CANARY.phone, CANARY.email, CANARY.address]
KEPT = "u-zh-1"


def canary_events() -> list[Event]:
    """The kept user's history copied to the canary (demo-style ids that hold the raw user id), plus a search
    whose untrusted query quotes the canary's own e-mail and phone."""
    copied = [
        e.model_copy(update={"user_id": CANARY.user_id, "event_id": f"demo-{CANARY.user_id}-{n:04d}"})
        for n, e in enumerate(_events())
        if e.user_id == KEPT
    ]
    search = Event(
        event_id=f"demo-{CANARY.user_id}-search",
        user_id=CANARY.user_id,
        kind="search",
        ts=NOW - timedelta(days=1),
        query=f"保温杯 寄到 {CANARY.address} {CANARY.email} {CANARY.phone}",
    )
    return [*copied, search]


def found_on_disk(*roots: Path) -> dict[str, list[str]]:
    """Every file under the roots (path relative to its root) that holds each canary's UTF-8 bytes."""
    hits: dict[str, list[str]] = {}
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            for canary in CANARIES:
                if canary.encode() in data:
                    hits.setdefault(canary, []).append(str(path.relative_to(root)))
    return hits


def test_no_byte_of_an_erased_user_is_left_in_any_file(
    tmp_path: Path, database_url: SecretStr | None, request: pytest.FixtureRequest
) -> None:
    # With PostgreSQL, the shop, runs, feedback and checkpoints live in the server: its data folder is searched too.
    roots = [tmp_path] if database_url is None else [tmp_path, request.getfixturevalue("postgres_cluster").root]
    shop = ShopDB(open_database(database_url, tmp_path / "shop.sqlite"))
    shop.upsert_items(ITEMS)
    shop.upsert_users([*USERS, CANARY])
    history = HistoryStore(tmp_path / "chroma")
    history.add_events([*[e for e in _events() if e.user_id == KEPT], *canary_events()])
    services = Services(history=history, shop=shop, writer_model=ScriptedChatModel(), critic_model=ScriptedChatModel())
    campaign = make_campaign().model_dump(mode="json")
    with served_app(tmp_path / "home", services, database_url=database_url) as served:
        client, marketer, admin = served.client, served.auth(), served.auth(served.admin)
        run = {"run_id": "r1", "campaign": campaign, "user_ids": [CANARY.user_id, KEPT], "holdout": 0.0}
        assert client.post("/v1/campaign-runs", json=run, headers=marketer).status_code == 202
        state = client.app.state.service  # type: ignore[attr-defined]
        state.campaign_runs.join(60.0)  # the run's thread ends; no polling on the clock
        assert client.get("/v1/campaign-runs/r1", headers=marketer).json()["state"] == "finished"
        single = client.post("/v1/promotions", json={"user_id": CANARY.user_id, "campaign": campaign}, headers=marketer)
        assert single.status_code == 200, single.text
        writer = services.writer_model
        assert isinstance(writer, ScriptedChatModel)
        writer.script(CopyBatch, *[bad_batch()] * 3)
        human = make_campaign(campaign_id="d11-human", on_exhausted="human").model_dump(mode="json")
        paused = client.post("/v1/promotions", json={"user_id": CANARY.user_id, "campaign": human}, headers=marketer)
        assert paused.status_code == 202, paused.text
        feedback = [
            {"event_id": f"f-{uid}", "run_id": "r1", "user_id": uid, "kind": "click", "ts": "2026-11-06T10:00:00Z"}
            for uid in (CANARY.user_id, KEPT)
        ]
        assert client.post("/v1/feedback", json={"events": feedback}, headers=marketer).json()["added"] == 2
        written = found_on_disk(*roots)
        assert written.keys() == set(CANARIES), "the canary is written everywhere first"
        audit = [path for paths in written.values() for path in paths if "service.sqlite" in path]
        assert audit == [], "the audit log (and the key store) never holds a user's data or id"
        if database_url is not None:  # flushed to the server's data files too, not only logged in its WAL
            with psycopg.connect(database_url.get_secret_value(), autocommit=True) as server:
                server.execute("CHECKPOINT")
            in_server = found_on_disk(roots[1]).get(CANARY.user_id, [])
            assert any(path.startswith("data/base/") for path in in_server), in_server

        erased = client.delete(f"/v1/users/{CANARY.user_id}", headers=admin)
        assert erased.status_code == 200, erased.text
        assert all(count > 0 for count in erased.json()["removed"].values()), erased.json()
        assert services.history.events_for(KEPT), "the kept user's history is still readable"
        assert len(services.history.search(KEPT, "保温杯", k=3)) == 3
        assert found_on_disk(*roots) == {}, "nothing is left while the service runs (-wal files included)"
    services.close()

    assert found_on_disk(*roots) == {}, "nor once every store is closed"

    with HistoryStore(tmp_path / "chroma") as reopened:  # the store still opens and serves the others
        assert reopened.events_for(CANARY.user_id) == []
        assert len(reopened.events_for(KEPT)) == len([e for e in _events() if e.user_id == KEPT])

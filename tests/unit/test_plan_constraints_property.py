"""Property: for any generated shop and campaign, a campaign run's plan never holds an opted-out user, a send
inside the user's quiet hours or outside the campaign window, more sends than the budget, or a user over the
frequency cap.

The real path: audience selection, the promotion graph (scripted models) per user with two in flight, the
run store and the shop's send log. Users, consent, quiet hours, time zones, earlier sends and the campaign are
generated; the histories are the unit shop's (Chroma is filled once per session).
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import event, given, settings
from hypothesis import strategies as st
from langgraph.checkpoint.memory import InMemorySaver

from agents.context import Context
from campaign.plan import plan_row
from campaign.runner import process_run, start_run
from campaign.store import RunStore
from domain.channels import Channel
from domain.copy import CopyBatch
from domain.offer import Campaign
from domain.people import QuietHours, User
from graphs.promotion import build_graph
from tests.fakes import ScriptedChatModel
from tests.unit.conftest import ITEMS, NOW, good_batch, good_slots, make_campaign
from tools.services import Services
from tools.stores.history import HistoryStore
from tools.stores.shop_db import ShopDB

CHANNELS: list[Channel] = ["push", "sms", "email"]
WITH_HISTORY = ["u-zh-1", "u-en-1", "u-inject", "u-none"]
"""Users the session's Chroma store holds events for (tests/unit/conftest.py); others are new to the shop."""
WEEK = timedelta(days=7)
MOSTLY_YES = st.sampled_from([True, True, True, False])
"""Consent given three times in four, so most examples plan several sends."""

Earlier = tuple[int, str, float]
"""An earlier send: (user index, channel, hours before the run's clock; negative: already scheduled ahead)."""


@st.composite
def users(draw: st.DrawFn) -> list[User]:
    ids = draw(st.lists(st.sampled_from([*WITH_HISTORY, "u-new-1", "u-new-2"]), min_size=2, max_size=6, unique=True))
    return [
        User(
            user_id=user_id,
            name="测试",
            phone="13800000000",
            locale=draw(st.sampled_from(["zh", "en"])),
            utc_offset_hours=draw(st.integers(-12, 14)),
            consent={ch: draw(MOSTLY_YES) for ch in draw(st.lists(st.sampled_from(CHANNELS), unique=True, min_size=1))},
            quiet_hours=QuietHours(start_hour=draw(st.integers(0, 23)), end_hour=draw(st.integers(0, 23))),
        )
        for user_id in ids
    ]


@st.composite
def campaigns(draw: st.DrawFn) -> Campaign:
    starts = NOW + timedelta(hours=draw(st.integers(-72, 36)))
    return make_campaign(
        starts_at=starts,
        ends_at=starts + timedelta(hours=draw(st.integers(1, 240))),  # some end before the clock
        channels=draw(st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=3, unique=True)),
        frequency_cap=draw(st.integers(1, 3)),
        max_sends=draw(st.integers(1, 5)),
        locale=draw(st.sampled_from(["zh", "en"])),
    )


earlier_sends = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from(CHANNELS), st.floats(-48.0, 240.0, allow_nan=False)), max_size=8
)


def run_campaign(
    home: Path, history: Path, shop_users: list[User], campaign: Campaign, earlier: list[Earlier]
) -> tuple[list[dict[str, object]], ShopDB]:
    shop = ShopDB(home / "shop.sqlite")
    shop.upsert_items(ITEMS)
    shop.upsert_users(shop_users)
    for index, channel, hours_ago in earlier:
        user = shop_users[index % len(shop_users)]
        shop.record_send(user.user_id, "an-earlier-campaign", channel, NOW - timedelta(hours=hours_ago))  # type: ignore[arg-type]
    writer = ScriptedChatModel().script("SlotBatch", default=good_slots).script(CopyBatch, default=good_batch())
    services = Services(history=HistoryStore(history), shop=shop, writer_model=writer, critic_model=ScriptedChatModel())
    store = RunStore(home / "runs.sqlite", clock=lambda: NOW)
    info, _ = start_run(store, "r", campaign, [u.user_id for u in shop_users], services, NOW)
    process_run(store, info, Context(services=services, now=NOW), build_graph(InMemorySaver()), concurrency=2)
    assert store.failures("r") == []
    rows = [row for uid, result in store.results("r") if (row := plan_row(uid, result)) is not None]
    services.history.close()
    store.close()
    return rows, shop


@settings(max_examples=80)
@given(shop_users=users(), campaign=campaigns(), earlier=earlier_sends)
def test_no_plan_breaks_consent_quiet_hours_window_budget_or_cap(
    history_dir: Path, shop_users: list[User], campaign: Campaign, earlier: list[Earlier]
) -> None:
    with tempfile.TemporaryDirectory() as home:
        rows, shop = run_campaign(Path(home), history_dir, shop_users, campaign, earlier)
        event(f"messages planned: {min(len(rows), 3)}{'+' if len(rows) >= 3 else ''}")
        by_id = {user.user_id: user for user in shop_users}
        assert len(rows) <= campaign.max_sends
        assert len({row["user_id"] for row in rows}) == len(rows), "one message per user per run"
        for row in rows:
            user, channel = by_id[str(row["user_id"])], row["channel"]
            send_at = datetime.fromisoformat(str(row["send_at"]))
            assert channel in campaign.channels
            assert user.has_consent(channel), f"{user.user_id} has no consent for {channel}"  # type: ignore[arg-type]
            local = send_at.astimezone(timezone(timedelta(hours=user.utc_offset_hours)))
            assert not user.quiet_hours.contains(local.hour), f"{local} is inside {user.quiet_hours}"
            assert send_at >= NOW and campaign.starts_at <= send_at < campaign.ends_at
            # Every 7-day window holding the new send lies in [clock - 7 d, ∞): the log there stays within the cap.
            assert shop.count_sends_since(user.user_id, NOW - WEEK) <= campaign.frequency_cap
        shop.close()

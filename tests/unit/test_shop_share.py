"""`promo shop share`: this machine's shop and history copied into the shared PostgreSQL and Chroma server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from shopdata.demo_shop import build_demo_shop
from tests.chroma_server import chroma_server
from tests.postgres_cluster import PostgresCluster
from tools.settings import get_settings
from tools.stores.history import HistoryStore, open_history
from tools.stores.shop_db import ShopDB, open_shop_db

CLOCK = datetime(2026, 11, 5, 6, 0, tzinfo=UTC)
runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("PROMO_HOME", str(tmp_path / "home"))
    for name in ("PROMO_DATABASE_URL", "PROMO_CHROMA_URL"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield tmp_path / "home"
    get_settings.cache_clear()


def test_share_copies_shop_send_log_and_history_once(
    home: Path, tmp_path: Path, postgres_cluster: PostgresCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = build_demo_shop(seed=3, n_users=6, now=CLOCK)
    with ShopDB(home / "shop.sqlite") as local, HistoryStore(home / "chroma") as history:
        shop.store_in(local, history)
        local.record_send(shop.users[0].user_id, "d11", "push", CLOCK)
    with chroma_server(tmp_path / "chroma-server") as server:
        monkeypatch.setenv("PROMO_DATABASE_URL", postgres_cluster.new_database())
        monkeypatch.setenv("PROMO_CHROMA_URL", server.url)
        get_settings.cache_clear()
        first = runner.invoke(app, ["shop", "share"])
        assert first.exit_code == 0, first.output
        assert f"{len(shop.users)} users" in first.output and "1 sends" in first.output
        assert f"{len(shop.events)} new" in first.output
        again = runner.invoke(app, ["shop", "share"])  # safe to repeat: nothing new, nothing doubled
        assert again.exit_code == 0 and "0 new" in again.output, again.output
        settings = get_settings()
        with open_shop_db(settings) as shared, open_history(settings) as history:
            assert shared.list_user_ids() == sorted(u.user_id for u in shop.users)
            assert shared.get_user(shop.users[0].user_id) == shop.users[0]
            assert shared.count_sends_since(shop.users[0].user_id, CLOCK - timedelta(days=1)) == 1
            assert history.count() == len(shop.events)
            user = shop.events[0].user_id
            assert history.events_for(user) == sorted(
                (e for e in shop.events if e.user_id == user), key=lambda e: (e.ts, e.event_id)
            )


def test_share_without_a_shared_store_says_what_to_set(home: Path) -> None:
    result = runner.invoke(app, ["shop", "share"])
    assert result.exit_code == 2
    assert "PROMO_DATABASE_URL" in result.output and "PROMO_CHROMA_URL" in result.output

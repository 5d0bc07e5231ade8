from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from domain.people import Item, User
from tools.stores.shop_db import ShopDB

NOW = datetime(2026, 11, 5, 6, 0, tzinfo=UTC)
ITEMS = [
    Item(item_id="t1", title_zh="316不锈钢保温杯", title_en="316 Steel Thermos", category="thermos", price=129),
    Item(item_id="t2", title_zh="儿童保温杯", title_en="Kids Thermos", category="thermos", price=89),
    Item(item_id="c1", title_zh="挂耳咖啡", title_en="Drip Coffee", category="coffee", price=59),
    Item(item_id="s1", title_zh="跑步鞋", title_en="Running Shoes", category="sneakers", price=499),
]
ALICE = User(user_id="u1", name="张伟", phone="13812345678", email="zw@163.com", consent={"push": True})
BOB = User(user_id="u2", name="Bob", locale="en", utc_offset_hours=0)


@pytest.fixture
def db(tmp_path: Path) -> ShopDB:
    shop = ShopDB(tmp_path / "sub" / "shop.sqlite")
    shop.upsert_items(ITEMS)
    shop.upsert_users([ALICE, BOB])
    return shop


def test_users_round_trip_and_upsert_replaces(db: ShopDB) -> None:
    assert db.get_user("u1") == ALICE
    assert db.list_user_ids() == ["u1", "u2"]
    changed = ALICE.model_copy(update={"consent": {"push": False}})
    db.upsert_users([changed])
    assert db.get_user("u1") == changed
    assert db.list_user_ids() == ["u1", "u2"]


def test_missing_user_raises_key_error_that_names_it(db: ShopDB) -> None:
    with pytest.raises(KeyError, match="nobody"):
        db.get_user("nobody")


def test_items_by_id_keep_the_order_asked(db: ShopDB) -> None:
    assert [i.item_id for i in db.get_items(["c1", "missing", "t1", "c1"])] == ["c1", "t1"]
    assert db.get_items([]) == []


@pytest.mark.parametrize(
    ("categories", "item_ids", "expected"),
    [
        (["thermos"], [], ["t1", "t2"]),
        (["thermos"], ["c1"], ["c1", "t1", "t2"]),
        ([], ["s1"], ["s1"]),
        ([], [], ["c1", "s1", "t1", "t2"]),
        (["unknown"], [], []),
    ],
)
def test_items_for_campaign(db: ShopDB, categories: list[str], item_ids: list[str], expected: list[str]) -> None:
    assert [i.item_id for i in db.items_for_campaign(categories, item_ids)] == expected


def test_category_median_prices(db: ShopDB) -> None:
    assert db.category_median_prices() == {"thermos": 109, "coffee": 59, "sneakers": 499}


def test_send_log_counts_since(db: ShopDB) -> None:
    for days_ago in (1, 3, 9):
        db.record_send("u1", "d11", "push", NOW - timedelta(days=days_ago))
    db.record_send("u2", "coffee", "email", NOW)
    assert db.count_sends_since("u1", NOW - timedelta(days=7)) == 2
    assert db.count_sends_since("u1", NOW - timedelta(days=30)) == 3
    assert db.count_sends_since("u2", NOW) == 1
    assert db.count_campaign_sends("d11") == 3
    assert db.count_campaign_sends("none") == 0


def test_send_times_compare_across_time_zones(db: ShopDB) -> None:
    tz8 = NOW.astimezone(timezone(timedelta(hours=8)))
    db.record_send("u1", "d11", "sms", tz8)
    assert db.count_sends_since("u1", NOW) == 1
    assert db.count_sends_since("u1", NOW + timedelta(seconds=1)) == 0


def test_the_same_send_is_logged_once(db: ShopDB) -> None:
    # A graph run resumed after a kill may repeat its targeting step: the send log must not count it twice.
    db.record_send("u1", "d11", "push", NOW)
    db.record_send("u1", "d11", "sms", NOW)
    db.record_send("u1", "d11", "push", NOW + timedelta(days=1))  # a later run of the campaign is a new send
    assert db.count_sends_since("u1", NOW - timedelta(days=1)) == 2
    assert db.count_campaign_sends("d11") == 2


def test_an_older_file_with_repeated_sends_is_deduplicated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:  # the schema before sends were unique
        conn.execute(
            "CREATE TABLE sends (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL,"
            " campaign_id TEXT NOT NULL, channel TEXT NOT NULL, sent_at REAL NOT NULL)"
        )
        conn.executemany(
            "INSERT INTO sends (user_id, campaign_id, channel, sent_at) VALUES (?, ?, ?, ?)",
            [("u1", "d11", "push", NOW.timestamp())] * 3 + [("u2", "d11", "push", NOW.timestamp())],
        )
    conn.close()
    with ShopDB(path) as db:
        assert db.count_campaign_sends("d11") == 2
        db.record_send("u1", "d11", "push", NOW)
        assert db.count_sends_since("u1", NOW) == 1


def test_naive_datetimes_are_refused(db: ShopDB) -> None:
    with pytest.raises(ValueError, match="time zone"):
        db.record_send("u1", "d11", "push", datetime(2026, 11, 5))
    with pytest.raises(ValueError, match="time zone"):
        db.count_sends_since("u1", datetime(2026, 11, 5))


def test_erase_user_removes_user_and_sends(db: ShopDB) -> None:
    db.record_send("u1", "d11", "push", NOW)
    db.record_send("u2", "d11", "push", NOW)
    assert db.erase_user("u1") == 2
    assert db.list_user_ids() == ["u2"]
    assert db.count_sends_since("u1", NOW - timedelta(days=1)) == 0
    assert db.count_campaign_sends("d11") == 1
    assert db.erase_user("u1") == 0


def test_data_persists_after_reopen(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    with ShopDB(path) as db:
        db.upsert_users([ALICE])
        db.record_send("u1", "d11", "push", NOW)
    with ShopDB(path) as db:
        assert db.get_user("u1") == ALICE
        assert db.count_sends_since("u1", NOW) == 1


def test_failed_write_rolls_back(db: ShopDB) -> None:
    bad = User.model_construct(user_id=None, locale="zh", utc_offset_hours=8)  # type: ignore[arg-type]
    with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
        db.upsert_users([BOB.model_copy(update={"name": "Robert"}), bad])
    assert db.get_user("u2") == BOB


def test_threads_share_one_connection(db: ShopDB) -> None:
    def send(n: int) -> None:
        for k in range(20):
            db.record_send(f"t{n}", "d11", "push", NOW + timedelta(seconds=k))
            db.count_sends_since(f"t{n}", NOW)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert db.count_campaign_sends("d11") == 80

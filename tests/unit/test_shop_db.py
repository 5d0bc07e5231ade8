from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import SecretStr

from domain.people import Item, User
from tools.stores.database import open_database
from tools.stores.shop_db import SendReservation, ShopDB

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
def db(tmp_path: Path, database_url: SecretStr | None) -> ShopDB:
    """The shop on both backends: a SQLite file (created with its folder) and a fresh PostgreSQL database."""
    shop = ShopDB(open_database(database_url, tmp_path / "sub" / "shop.sqlite"))
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
    with pytest.raises(Exception, match=r"(?i)not.null"):  # sqlite3.IntegrityError / psycopg NotNullViolation
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


def reserve(db: ShopDB, user_id: str, campaign_id: str, at: datetime, *, cap: int = 2, budget: int = 100) -> object:
    return db.reserve_send(
        user_id, campaign_id, "push", at, cap_since=NOW - timedelta(days=7), frequency_cap=cap, max_sends=budget
    )


def test_a_reservation_logs_the_send_under_the_cap_and_names_the_limit_that_refuses(db: ShopDB) -> None:
    assert reserve(db, "u1", "d11", NOW) == SendReservation(logged=True)
    assert reserve(db, "u1", "coffee", NOW + timedelta(hours=1)) == SendReservation(logged=True)
    assert reserve(db, "u1", "tea", NOW + timedelta(hours=2)) == SendReservation(False, "frequency_cap", 2)
    assert db.count_sends_since("u1", NOW - timedelta(days=7)) == 2
    # The same send again (a resumed run repeating its targeting step) is logged already, at the cap or not.
    assert reserve(db, "u1", "d11", NOW) == SendReservation(logged=True)
    assert db.count_sends_since("u1", NOW - timedelta(days=7)) == 2
    # Sends before the cap's window do not count; the campaign's budget does.
    db.record_send("u2", "old", "push", NOW - timedelta(days=8))
    assert reserve(db, "u2", "d11", NOW, budget=1) == SendReservation(False, "budget", 1)
    assert reserve(db, "u2", "spring", NOW, budget=1) == SendReservation(logged=True)


def test_concurrent_campaigns_never_take_a_user_over_the_cap(tmp_path: Path, database_url: SecretStr | None) -> None:
    """Four runs, each with its own connection (as on four nodes), reach the same 40 users at once."""
    path, users, cap = tmp_path / "shop.sqlite", [f"u{n}" for n in range(40)], 2
    shops = [ShopDB(open_database(database_url, path)) for _ in range(4)]
    start = threading.Barrier(len(shops))
    logged: list[int] = [0] * len(shops)

    def run(worker: int) -> None:
        start.wait()
        for user_id in users:
            at = NOW + timedelta(minutes=worker)
            logged[worker] += bool(reserve(shops[worker], user_id, f"campaign-{worker}", at, cap=cap).logged)  # type: ignore[attr-defined]

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(shops))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [shops[0].count_sends_since(u, NOW - timedelta(days=7)) for u in users] == [cap] * len(users)
    assert sum(logged) == cap * len(users)
    for shop in shops:
        shop.close()
